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

  /** Compiles a JSONata-mode template; problems receive (pointer, message). */
  public static Expr template(JsonNode n, String pointer, List<String[]> problems) {
    String field = fieldName(pointer);
    if (n.isTextual() && isExpression(n.textValue())) {
      String body = n.textValue().substring(2, n.textValue().length() - 2);
      try {
        return new JsonataExpr(com.dashjoin.jsonata.Jsonata.jsonata(body), body.trim(), field);
      } catch (JException | IllegalArgumentException e) {
        problems.add(new String[] {pointer, "The JSONata expression '" + body.trim() + "' is not valid: " + e.getMessage()});
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
        for (int k = 0; k < keys.length; k++) {
          JsonNode v = values[k].eval(scope);
          if (v != null) r.set(keys[k], v);
        }
        return r;
      };
    }
    ArrayNode a = (ArrayNode) n;
    Expr[] items = new Expr[a.size()];
    for (int i = 0; i < items.length; i++) items[i] = template(a.get(i), pointer + "/" + i, problems);
    return scope -> {
      ArrayNode r = Json.NODES.arrayNode(items.length);
      for (Expr e : items) {
        JsonNode v = e.eval(scope);
        if (v != null) r.add(v);
      }
      return r;
    };
  }

  private static String fieldName(String pointer) {
    int i = pointer.lastIndexOf('/');
    String last = pointer.substring(i + 1);
    // Arguments/Output/Assign subfields report the top field, as AWS does
    for (String f : new String[] {"Arguments", "Output", "Assign", "Items", "ItemSelector", "Condition", "Parameters"}) {
      if (pointer.contains("/" + f + "/") || pointer.endsWith("/" + f)) return f;
    }
    return last;
  }

  private static boolean hasExpression(JsonNode n) {
    if (n.isTextual()) return isExpression(n.textValue());
    if (n.isContainerNode()) {
      for (JsonNode c : n) if (hasExpression(c)) return true;
    }
    return false;
  }

  /** Runs a compiled expression; undefined results come back as null. */
  static JsonNode run(com.dashjoin.jsonata.Jsonata expr, Scope scope, String source, String field) {
    com.dashjoin.jsonata.Jsonata.Frame frame = expr.createFrame();
    frame.bind("states", Convert.toJava(StatesBinding.of(scope)));
    Functions.bindAll(frame, scope);
    for (Map.Entry<String, JsonNode> v : scope.variables().entrySet()) frame.bind(v.getKey(), Convert.toJava(v.getValue()));
    Object out;
    try {
      out = expr.evaluate(Convert.toJava(scope.input()), frame);
    } catch (StatesError e) {
      throw e;
    } catch (JException e) {
      throw StatesError.queryEvaluation(Functions.message(e, source));
    } catch (RuntimeException e) {
      throw StatesError.queryEvaluation("The JSONata expression '" + source + "' specified for the field '" + field + "' threw an error: " + e.getMessage());
    }
    return Convert.toJson(out, source, field);
  }
}
