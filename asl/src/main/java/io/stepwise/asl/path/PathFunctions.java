package io.stepwise.asl.path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.Set;

/** Jayway's path functions, which AWS's JSONPath accepts at the end of a path ({@code $.items.length()}). */
final class PathFunctions {
  private static final Set<String> NAMES = Set.of("length", "size", "min", "max", "avg", "sum", "stddev", "keys", "first", "last");

  private PathFunctions() {}

  static boolean isFunction(String name) {
    return NAMES.contains(name);
  }

  /** Null (no value) when the function does not apply to what the path selected. */
  static JsonNode apply(String fn, JsonNode v) {
    switch (fn) {
      case "length":
      case "size":
        if (v.isArray() || v.isObject()) return Json.NODES.numberNode(v.size());
        if (v.isTextual()) return Json.NODES.numberNode(v.textValue().length());
        return null;
      case "keys": {
        if (!v.isObject()) return null;
        ArrayNode a = Json.NODES.arrayNode();
        v.fieldNames().forEachRemaining(a::add);
        return a;
      }
      case "first":
        return v.isArray() && !v.isEmpty() ? v.get(0) : null;
      case "last":
        return v.isArray() && !v.isEmpty() ? v.get(v.size() - 1) : null;
      default:
        return numeric(fn, v);
    }
  }

  private static JsonNode numeric(String fn, JsonNode v) {
    if (!v.isArray() || v.isEmpty()) return null;
    double sum = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sq = 0;
    int n = 0;
    for (JsonNode e : v) {
      if (!e.isNumber()) continue;
      double d = e.doubleValue();
      sum += d;
      sq += d * d;
      min = Math.min(min, d);
      max = Math.max(max, d);
      n++;
    }
    if (n == 0) return null;
    double r = switch (fn) {
      case "sum" -> sum;
      case "min" -> min;
      case "max" -> max;
      case "avg" -> sum / n;
      default -> Math.sqrt(sq / n - (sum / n) * (sum / n));
    };
    // Jayway answers doubles (43.0); kept as decimals like every other parsed number here
    return Json.NODES.numberNode(java.math.BigDecimal.valueOf(r));
  }
}
