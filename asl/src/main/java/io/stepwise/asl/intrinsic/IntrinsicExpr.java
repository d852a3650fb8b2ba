package io.stepwise.asl.intrinsic;

import com.fasterxml.jackson.databind.JsonNode;
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
      JsonNode v = path.read(scope);
      if (v == null) throw new PathNotFound(path.text());
      return v;
    }
  }

  /** {@code States.Name(args...)}; {@code text} is the source, quoted in error messages. */
  record Call(String name, Function function, List<IntrinsicExpr> args, String text) implements IntrinsicExpr {
    public JsonNode eval(Scope scope, Call top) {
      JsonNode[] values = new JsonNode[args.size()];
      for (int i = 0; i < values.length; i++) values[i] = args.get(i).eval(scope, top);
      return function.apply(this, values, scope);
    }

    public JsonNode eval(Scope scope) {
      return eval(scope, this);
    }
  }

  /** A path argument that matches nothing; the payload template reports it with its field name. */
  final class PathNotFound extends RuntimeException {
    public final String path;

    PathNotFound(String path) {
      super(path, null, false, false);
      this.path = path;
    }
  }

  @FunctionalInterface
  interface Function {
    JsonNode apply(Call call, JsonNode[] args, Scope scope);
  }
}
