package io.stepwise.asl.path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A ResultPath: a definite path that says where a result goes in the state's input. Setting is
 * copy-on-write along the path only, so inputs shared with history or other branches never change.
 */
public final class ReferencePath {
  private final JsonPath path;

  private ReferencePath(JsonPath path) {
    this.path = path;
  }

  public static ReferencePath compile(String text) {
    JsonPath p = JsonPath.compile(text);
    if (!p.isReference()) throw new IllegalArgumentException("Invalid reference path '" + text + "': must be a definite path");
    return new ReferencePath(p);
  }

  public String text() {
    return path.text();
  }

  /** The input with {@code value} placed at this path, or null when the input's shape does not allow it. */
  public JsonNode set(JsonNode input, JsonNode value) {
    return set(input, 0, value);
  }

  private JsonNode set(JsonNode node, int i, JsonNode value) {
    JsonPath.Segment[] segs = path.segments();
    if (i == segs.length) return value;
    if (segs[i] instanceof JsonPath.Segment.Field f) {
      ObjectNode copy;
      if (node instanceof ObjectNode o) {
        copy = Json.NODES.objectNode();
        copy.setAll(o);
      }
      else if (node == null || node.isNull() || node.isMissingNode()) copy = Json.NODES.objectNode();
      else return null;
      JsonNode child = set(copy.get(f.name()), i + 1, value);
      if (child == null) return null;
      copy.set(f.name(), child);
      return copy;
    }
    int idx = ((JsonPath.Segment.Index) segs[i]).index();
    if (!(node instanceof ArrayNode a)) return null;
    if (idx < 0) idx += a.size();
    if (idx < 0 || idx >= a.size()) return null;
    ArrayNode copy = Json.NODES.arrayNode(a.size());
    copy.addAll(a);
    JsonNode child = set(a.get(idx), i + 1, value);
    if (child == null) return null;
    copy.set(idx, child);
    return copy;
  }
}
