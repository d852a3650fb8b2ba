package io.stepwise.engine.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * What changed between two JSON objects, so that a step persists the part of the position it
 * changed rather than the whole position (the execution input, a Map's items and the frames a
 * step did not touch stay in the events that first carried them). A delta is an object with up to
 * three members: {@code "="} members replaced or added (whole values), {@code "~"} member objects
 * changed in part (a nested delta each), {@code "-"} names of members removed. Applying a delta
 * never modifies its input: unchanged members are shared, so replaying N steps costs what they
 * changed, not N whole positions.
 */
final class JsonDelta {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JsonDelta() {}

  /** The delta from {@code from} to {@code to}; an empty object when they are equal. */
  static ObjectNode diff(ObjectNode from, ObjectNode to) {
    ObjectNode delta = NODES.objectNode();
    ObjectNode set = null;
    ObjectNode nested = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = to.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      JsonNode before = from.get(f.getKey());
      JsonNode after = f.getValue();
      if (before != null && before.equals(after)) continue;
      if (before instanceof ObjectNode b && after instanceof ObjectNode a) {
        (nested == null ? nested = delta.putObject("~") : nested).set(f.getKey(), diff(b, a));
      } else {
        (set == null ? set = delta.putObject("=") : set).set(f.getKey(), after);
      }
    }
    ArrayNode removed = null;
    for (Iterator<String> it = from.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!to.has(name)) (removed == null ? removed = delta.putArray("-") : removed).add(name);
    }
    return delta;
  }

  /** {@code from} with {@code delta} applied, as a new object sharing every member it did not change. */
  static ObjectNode apply(ObjectNode from, ObjectNode delta) {
    ObjectNode out = NODES.objectNode();
    out.setAll(from);
    JsonNode removed = delta.get("-");
    if (removed != null) removed.forEach(name -> out.remove(name.asText()));
    JsonNode set = delta.get("=");
    if (set != null) set.fields().forEachRemaining(f -> out.set(f.getKey(), f.getValue()));
    JsonNode nested = delta.get("~");
    if (nested != null) {
      nested.fields().forEachRemaining(f ->
          out.set(f.getKey(), apply((ObjectNode) from.get(f.getKey()), (ObjectNode) f.getValue())));
    }
    return out;
  }
}
