package io.stepwise.asl.jsonata;

import com.dashjoin.jsonata.JException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.asl.StatesError;
import io.stepwise.asl.path.Json;
import io.stepwise.asl.path.Scope;
import io.stepwise.asl.payload.Expr;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one adapter between the States Language and the dashjoin JSONata engine: templates whose
 * strings may be {@code {% expression %}}, compiled once; evaluation binds {@code $states} and the
 * visible variables. AWS's quirks (result types, error texts) live here and in {@link JsonataExpr}.
 */
public final class Jsonata {
  private Jsonata() {}

  public static boolean isExpression(String s) {
    return s.startsWith("{%") && s.endsWith("%}") && s.length() >= 4;
  }

  /** Compiles a JSONata-mode template; problems receive (pointer, message[, code]). */
  public static Expr template(JsonNode n, String pointer, List<String[]> problems) {
    String field = fieldName(pointer);
    if (n.isTextual() && isExpression(n.textValue())) {
      String body = n.textValue().substring(2, n.textValue().length() - 2);
      if (mentionsRootContext(body)) {
        problems.add(new String[] {pointer, "Reference to '$$' is not supported.", "UNSUPPORTED_JSONATA_EXPRESSION"});
        return Expr.constant(Json.NODES.nullNode());
      }
      try {
        com.dashjoin.jsonata.Jsonata expr = new com.dashjoin.jsonata.JsArithmeticJsonata(JsRegex.rewriteLiterals(body), JsBuiltins::jsNumbers);
        // keep JSON null distinct from undefined in results
        expr.setOutputConvertNulls(false);
        JsBuiltins.register(expr);
        String topLevel = TopLevelReferences.find(expr);
        if (topLevel != null) {
          problems.add(new String[] {pointer, "Reference to '" + topLevel + "' at the top level is not supported.", "UNSUPPORTED_JSONATA_EXPRESSION"});
        }
        return new JsonataExpr(expr, body.trim(), field);
      } catch (JException e) {
        String described = JsErrors.describeParse(e);
        problems.add(new String[] {pointer, described != null ? described : e.getMessage(), "INVALID_JSONATA_EXPRESSION"});
        return Expr.constant(Json.NODES.nullNode());
      } catch (IllegalArgumentException e) {
        problems.add(new String[] {pointer, e.getMessage(), "INVALID_JSONATA_EXPRESSION"});
        return Expr.constant(Json.NODES.nullNode());
      }
    }
    if (!hasExpression(n)) return Expr.constant(n);
    if (n instanceof ObjectNode o) {
      String[] keys = new String[o.size()];
      Expr[] values = new Expr[o.size()];
      int i = 0;
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); i++) {
        Map.Entry<String, JsonNode> e = it.next();
        keys[i] = e.getKey();
        values[i] = template(e.getValue(), pointer + "/" + e.getKey(), problems);
      }
      return scope -> {
        ObjectNode r = Json.NODES.objectNode();
        for (int k = 0; k < keys.length; k++) r.set(keys[k], values[k].eval(scope));
        return r;
      };
    }
    ArrayNode a = (ArrayNode) n;
    Expr[] items = new Expr[a.size()];
    for (int i = 0; i < items.length; i++) items[i] = template(a.get(i), pointer + "/" + i, problems);
    return scope -> {
      ArrayNode r = Json.NODES.arrayNode(items.length);
      for (Expr e : items) r.add(e.eval(scope));
      return r;
    };
  }

  /**
   * AWS names a field relative to its state, {@code /} before each key and {@code [i]} for each
   * index: {@code /States/A/Choices/1/Output/v/0} is {@code Choices[1]/Output/v[0]}.
   */
  static String fieldName(String pointer) {
    int i = pointer.lastIndexOf("/States/");
    String rest = pointer;
    if (i >= 0) {
      int nameEnd = pointer.indexOf('/', i + 8);
      rest = nameEnd < 0 ? "" : pointer.substring(nameEnd + 1);
    }
    StringBuilder b = new StringBuilder();
    for (String seg : rest.split("/")) {
      if (seg.isEmpty()) continue;
      if (seg.chars().allMatch(Character::isDigit) && b.length() > 0) b.append('[').append(seg).append(']');
      else {
        if (b.length() > 0) b.append('/');
        b.append(seg.replace("~1", "/").replace("~0", "~"));
      }
    }
    return b.toString();
  }

  private static final Pattern ERROR_OUTPUT = Pattern.compile("\\$states\\s*\\.\\s*errorOutput(?![\\w$])");
  private static final Pattern RESULT = Pattern.compile("\\$states\\s*\\.\\s*result(?![\\w$])");
  private static final Set<String> WITH_RESULT = Set.of("Task", "Map", "Parallel");

  /**
   * {@code $states} fields that exist only in some places, refused elsewhere when a definition is
   * created, as AWS refuses them: {@code $states.errorOutput} only in a Catcher's Output and Assign
   * (floci#2745, measured), {@code $states.result} only in a Task's, Map's or Parallel's own Output
   * and Assign (tiny-asl-machine's recorded AWS result for a Pass: {@code Field '$states.result'
   * does not exist.}). {@code statePointer} is the state's own location, which {@code pointer} lies in.
   */
  public static void refuseStatesFieldsOutOfPlace(JsonNode n, String pointer, String stateType, String statePointer, List<String[]> problems) {
    if (n.isTextual() && isExpression(n.textValue())) {
      String words = outsideLiterals(n.textValue());
      String field = stateField(pointer, statePointer);
      boolean catcher = "Catch".equals(field);
      if (!catcher && ERROR_OUTPUT.matcher(words).find()) {
        problems.add(new String[] {pointer, "Field '$states.errorOutput' does not exist.", "UNSUPPORTED_JSONATA_EXPRESSION"});
      }
      boolean result = stateType != null && WITH_RESULT.contains(stateType) && ("Output".equals(field) || "Assign".equals(field));
      if (!result && RESULT.matcher(words).find()) {
        problems.add(new String[] {pointer, "Field '$states.result' does not exist.", "UNSUPPORTED_JSONATA_EXPRESSION"});
      }
    } else if (n instanceof ObjectNode o) {
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        refuseStatesFieldsOutOfPlace(e.getValue(), pointer + "/" + e.getKey(), stateType, statePointer, problems);
      }
    } else if (n instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) refuseStatesFieldsOutOfPlace(a.get(i), pointer + "/" + i, stateType, statePointer, problems);
    }
  }

  /**
   * The state's field {@code pointer} lies in: {@code Output} of {@code <state>/Output/v}, {@code Catch}
   * of {@code <state>/Catch[0]/Output}; null outside a state.
   */
  private static String stateField(String pointer, String statePointer) {
    if (statePointer == null || !pointer.startsWith(statePointer + "/")) return null;
    String rest = pointer.substring(statePointer.length() + 1);
    int end = rest.length();
    for (int i = 0; i < rest.length(); i++) {
      if (rest.charAt(i) == '/' || rest.charAt(i) == '[') {
        end = i;
        break;
      }
    }
    return rest.substring(0, end);
  }

  /** The text with its string literals blanked, so that only the expression's own words are read. */
  private static String outsideLiterals(String body) {
    StringBuilder b = new StringBuilder(body.length());
    char quote = 0;
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (quote != 0) {
        if (c == '\\') i++;
        else if (c == quote) quote = 0;
        b.append(' ');
      } else {
        if (c == '"' || c == '\'') quote = c;
        b.append(c);
      }
    }
    return b.toString();
  }

  /** {@code $$} outside string literals: AWS refuses the top-level context reference. */
  private static boolean mentionsRootContext(String body) {
    return outsideLiterals(body).contains("$$");
  }

  private static boolean hasExpression(JsonNode n) {
    if (n.isTextual()) return isExpression(n.textValue());
    if (n.isContainerNode()) {
      for (JsonNode c : n) if (hasExpression(c)) return true;
    }
    return false;
  }

  /** How long one expression may evaluate; its other bounds are {@link Bounds}'. */
  static final long MAX_MILLIS = 10_000;

  private static StatesError bound(String source, String field, String words) {
    return StatesError.queryEvaluation("The JSONata expression '" + source + "' specified for the field '" + field
        + "' threw an error during evaluation: " + words, field);
  }

  /** A JSONata error in AWS's words: jsonata-js's {@code <code>: <message>} after the expression and field. */
  private static StatesError evaluationError(JException e, String source, String field) {
    String described = JsErrors.describe(e);
    return StatesError.queryEvaluation("The JSONata expression '" + source + "' specified for the field '" + field
        + "' threw an error during evaluation. " + (described != null ? described : e.getMessage()), field);
  }

  /** The first of {@code e}'s causes (not {@code e} itself) that is a {@code type}, or null. */
  private static <T extends Throwable> T causeOf(Throwable e, Class<T> type) {
    for (Throwable c = e.getCause(); c != null && c != e; c = c.getCause()) {
      if (type.isInstance(c)) return type.cast(c);
      if (c.getCause() == c) break;
    }
    return null;
  }

  /** Runs a compiled expression; undefined results come back as null. */
  static JsonNode run(com.dashjoin.jsonata.Jsonata expr, Scope scope, String source, String field) {
    com.dashjoin.jsonata.Jsonata.Frame frame = expr.createFrame();
    // A non-terminating expression (a recursive function with no end) fails the state instead of
    // holding the thread that runs it; so does one that grows too deep or too large.
    Bounds.watch(frame, MAX_MILLIS);
    frame.bind("states", Convert.toJava(StatesBinding.of(scope)));
    Functions.bindAll(frame, scope);
    for (Map.Entry<String, JsonNode> v : scope.variables().entrySet()) frame.bind(v.getKey(), Convert.toJava(v.getValue()));
    Object out;
    try {
      out = expr.evaluate(Convert.toJava(scope.input()), frame);
    } catch (StatesError e) {
      throw e;
    } catch (Bounds.Crossed e) {
      // the evaluation's bounds have no code: AWS writes their words after a colon
      throw bound(source, field, e.words);
    } catch (JException e) {
      throw evaluationError(e, source, field);
    } catch (RuntimeException e) {
      Bounds.Crossed crossed = Bounds.in(e);
      if (crossed != null) throw bound(source, field, crossed.words);
      // an error raised in a function a built-in called ($sort's comparator, $map's function) comes
      // wrapped: it is that error, as in jsonata-js
      StatesError states = causeOf(e, StatesError.class);
      if (states != null) throw states;
      // a stack overflow anywhere (jsonata-js's RangeError "Maximum call stack size exceeded") has the bound's words
      if (causeOf(e, StackOverflowError.class) != null) throw bound(source, field, Bounds.TOO_DEEP);
      JException inner = causeOf(e, JException.class);
      if (inner != null) throw evaluationError(inner, source, field);
      String described = JsErrors.describeText(e.getMessage());
      if (described != null) {
        throw StatesError.queryEvaluation("The JSONata expression '" + source + "' specified for the field '" + field
            + "' threw an error during evaluation. " + described, field);
      }
      throw StatesError.queryEvaluation("The JSONata expression '" + source + "' specified for the field '" + field + "' threw an error: " + e.getMessage(), field);
    } catch (StackOverflowError e) {
      throw bound(source, field, Bounds.TOO_DEEP);
    } catch (OutOfMemoryError e) {
      throw bound(source, field, Bounds.TOO_BIG);
    }
    return Convert.toJson(out, source, field);
  }
}
