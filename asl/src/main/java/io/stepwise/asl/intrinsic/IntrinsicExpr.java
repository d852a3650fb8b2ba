package io.stepwise.asl.intrinsic;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.StatesError;
import io.stepwise.asl.path.PathExpr;
import io.stepwise.asl.path.Scope;
import java.util.List;

/** A parsed intrinsic function call and its arguments, evaluated against a {@link Scope}. */
public sealed interface IntrinsicExpr {
  JsonNode eval(Scope scope, Call top);

  record Literal(JsonNode value) implements IntrinsicExpr {
    public JsonNode eval(Scope scope, Call top) {
      return value;
    }
  }

  /** A quoted string; {@code raw} keeps its escapes for States.Format's template. */
  record StringLiteral(JsonNode value, String raw) implements IntrinsicExpr {
    public JsonNode eval(Scope scope, Call top) {
      return value;
    }
  }

  record Path(PathExpr path) implements IntrinsicExpr {
    public JsonNode eval(Scope scope, Call top) {
      JsonNode v;
      try {
        v = path.readArgument(scope);
      } catch (io.stepwise.asl.path.JsonPath.NotAnArray e) {
        throw new PathNotFound(path.text(), e.getMessage());
      }
      if (v == null) throw new PathNotFound(path.text(), null);
      return v;
    }
  }

  /** {@code States.Name(args...)}; {@code text} is the source, quoted in error messages. */
  record Call(String name, Function function, List<IntrinsicExpr> args, String text) implements IntrinsicExpr {
    public JsonNode eval(Scope scope, Call top) {
      JsonNode[] values = new JsonNode[args.size()];
      for (int i = 0; i < values.length; i++) {
        try {
          values[i] = args.get(i).eval(scope, top);
        } catch (PathNotFound e) {
          if (e.call == null) e.call = this;
          throw e;
        }
      }
      return function.apply(this, values, scope);
    }

    /**
     * The value of a whole call, as a field evaluates it. A function that refuses its arguments fails
     * the state in AWS's words, which quote the whole call: {@code There was an error while evaluating
     * the intrinsic function: States.MathRandom(1, 1). Invalid arguments in States.MathRandom}.
     */
    public JsonNode eval(Scope scope) {
      try {
        return eval(scope, this);
      } catch (Refused e) {
        throw StatesError.runtime("There was an error while evaluating the intrinsic function: " + text + ". " + e.getMessage());
      }
    }
  }

  /** A function's refusal of its arguments, in AWS's words ({@code Invalid arguments in States.X}). */
  final class Refused extends RuntimeException {
    Refused(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * A path argument that matches nothing, and the call it is an argument of; the payload template
   * reports it (AWS: {@code The function 'States.Hash($.missing, 'SHA-256')' had the following error:
   * The JsonPath argument for the field '$.missing' could not be found in the input '{}'}).
   */
  final class PathNotFound extends RuntimeException {
    public final String path;
    /** Jayway's own words when it refused the path rather than finding nothing, or null. */
    public final String refusal;
    Call call;

    PathNotFound(String path, String refusal) {
      super(path, null, false, false);
      this.path = path;
      this.refusal = refusal;
    }

    public String call() {
      return call.text();
    }
  }

  @FunctionalInterface
  interface Function {
    JsonNode apply(Call call, JsonNode[] args, Scope scope);
  }
}
