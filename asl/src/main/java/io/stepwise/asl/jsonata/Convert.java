package io.stepwise.asl.jsonata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.asl.StatesError;
import io.stepwise.asl.path.Json;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Jackson trees to the Java values dashjoin evaluates over, and back. */
final class Convert {
  private Convert() {}

  /** JSON null becomes JSONata's null value (not undefined), so {@code {"v": $states.input.bar}} keeps its key. */
  static Object toJava(JsonNode n) {
    if (n == null || n.isMissingNode()) return null;
    if (n.isNull()) return com.dashjoin.jsonata.Jsonata.NULL_VALUE;
    if (n.isTextual()) return n.textValue();
    if (n.isBoolean()) return n.booleanValue();
    // an integer stays exact while it fits in a long, a double past that (AWS's number model:
    // 9223372036854775807 stays itself, 9223372036854775808 becomes 9.223372036854776E18; floci, measured)
    if (n.isIntegralNumber()) return n.canConvertToLong() ? (Object) n.longValue() : n.doubleValue();
    if (n.isNumber()) return n.doubleValue();
    if (n instanceof ArrayNode a) {
      List<Object> l = new ArrayList<>(a.size());
      for (JsonNode e : a) l.add(toJava(e));
      return l;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      m.put(e.getKey(), toJava(e.getValue()));
    }
    return m;
  }

  /** Null for undefined; JSON null for JSONata's null. Functions are not a JSON value. */
  static JsonNode toJson(Object o, String source, String field) {
    if (o == null) return null;
    if (o == com.dashjoin.jsonata.Jsonata.NULL_VALUE) return Json.NODES.nullNode();
    if (o instanceof String s) return Json.NODES.textNode(s);
    if (o instanceof Boolean b) return Json.NODES.booleanNode(b);
    if (o instanceof Integer i) return Json.NODES.numberNode(i);
    if (o instanceof Long l) return Json.number(l);
    if (o instanceof BigInteger b) return Json.NODES.numberNode(b);
    if (o instanceof BigDecimal d) return Json.NODES.numberNode(d);
    if (o instanceof Number n) {
      double d = n.doubleValue();
      // a non-finite number is written as its name, as AWS answers (1/0 is "Infinity", 0/0 "NaN": floci#2783, measured)
      if (Double.isNaN(d)) return Json.NODES.textNode("NaN");
      if (Double.isInfinite(d)) return Json.NODES.textNode(d > 0 ? "Infinity" : "-Infinity");
      if (d == Math.rint(d) && Math.abs(d) < 9e18) return Json.number((long) d);
      // any other number comes back as a Java double, written as Java writes one: AWS answered
      // 9223372036854775808 read back as 9.223372036854776E18 (floci, measured); an execution's
      // input holds its fractional numbers as doubles too
      return Json.NODES.numberNode(d);
    }
    // inside containers JSONata has already dropped undefined: a Java null there is JSON null
    if (o instanceof List<?> l) {
      ArrayNode a = Json.NODES.arrayNode(l.size());
      for (Object e : l) {
        JsonNode v = toJson(e, source, field);
        a.add(v == null ? Json.NODES.nullNode() : v);
      }
      return a;
    }
    if (o instanceof Map<?, ?> m) {
      ObjectNode r = Json.NODES.objectNode();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        JsonNode v = toJson(e.getValue(), source, field);
        r.set(String.valueOf(e.getKey()), v == null ? Json.NODES.nullNode() : v);
      }
      return r;
    }
    throw StatesError.queryEvaluation("The JSONata expression '" + source + "' specified for the field '" + field + "' returned an unsupported result type.");
  }
}
