package io.stepwise.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.asl.jsonata.Jsonata;
import io.stepwise.asl.path.Scope;
import io.stepwise.asl.payload.Expr;
import io.stepwise.asl.payload.PayloadTemplate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Distributed Map's ItemSelector, applied by the engine to each item of a Map Run as the Map
 * state would: against the state's input ({@code $}), its context object with
 * {@code $$.Map.Item.Index} and {@code $$.Map.Item.Value} (and {@code Key}, for an object's pairs),
 * and the variables the state sees. Built from the Map Run task's specification ({@code ItemSelector},
 * {@code JSONata}, {@code SelectorInput}, {@code Context}, {@code Variables}).
 */
public final class MapItemSelector {
  private final Expr expr;
  private final JsonNode input;
  private final JsonNode context;
  private final Map<String, JsonNode> variables = new LinkedHashMap<>();

  private MapItemSelector(Expr expr, JsonNode input, JsonNode context, JsonNode variables) {
    this.expr = expr;
    this.input = input;
    this.context = context;
    if (variables != null) variables.fields().forEachRemaining(e -> this.variables.put(e.getKey(), e.getValue()));
  }

  /** The specification's ItemSelector, or null when it has none. */
  public static MapItemSelector of(JsonNode spec) {
    JsonNode template = spec.get("ItemSelector");
    if (template == null) return null;
    List<String[]> problems = new ArrayList<>();
    Expr e = spec.path("JSONata").asBoolean(false) ? Jsonata.template(template, "/ItemSelector", problems)
        : PayloadTemplate.compile(template, "/ItemSelector", problems, false);
    if (!problems.isEmpty()) throw new IllegalArgumentException("ItemSelector: " + problems.get(0)[problems.get(0).length - 1]);
    return new MapItemSelector(e, spec.get("SelectorInput"), spec.get("Context"), spec.get("Variables"));
  }

  /** An object's key-value pairs, in its order, as a Map's items. */
  public static com.fasterxml.jackson.databind.node.ArrayNode keyValuePairs(JsonNode object) {
    com.fasterxml.jackson.databind.node.ArrayNode out = JsonNodeFactory.instance.arrayNode(object.size());
    object.fields().forEachRemaining(e -> out.add(pair(e.getKey(), e.getValue())));
    return out;
  }

  /** One key-value pair of an object as a Map's item: {@code {"Key": <name>, "Value": <value>}}. */
  public static ObjectNode pair(String key, JsonNode value) {
    ObjectNode o = JsonNodeFactory.instance.objectNode().put("Key", key);
    o.set("Value", value);
    return o;
  }

  /**
   * {@code $$.Map.Item} of an item into {@code target}: its Index and Value, or, for an object's pair
   * ({@code keyed}), its Index, Key and the pair's Value.
   */
  public static void putItem(ObjectNode target, JsonNode index, JsonNode item, boolean keyed) {
    target.set("Index", index);
    if (keyed) target.set("Key", item.get("Key"));
    target.set("Value", keyed ? item.get("Value") : item);
  }

  /**
   * The input of item {@code index}; a failure is the StatesError the Map state would fail with.
   * {@code keyed}: the item is an object's pair ({@link #pair}), whose Key and Value {@code $$.Map.Item} names.
   */
  public JsonNode apply(long index, JsonNode item, boolean keyed) {
    // the context is shared, not copied: only Map.Item differs between items
    ObjectNode ctx = JsonNodeFactory.instance.objectNode();
    if (context != null) context.fields().forEachRemaining(e -> ctx.set(e.getKey(), e.getValue()));
    putItem(ctx.putObject("Map").putObject("Item"), JsonNodeFactory.instance.numberNode(index), item, keyed);
    JsonNode v = expr.eval(new Scope() {
      @Override
      public JsonNode input() {
        return input;
      }

      @Override
      public JsonNode context() {
        return ctx;
      }

      @Override
      public JsonNode variable(String name) {
        return variables.get(name);
      }

      @Override
      public Map<String, JsonNode> variables() {
        return variables;
      }

      @Override
      public long nextRandom() {
        return index * 0x9E3779B97F4A7C15L;
      }
    });
    return v == null ? JsonNodeFactory.instance.nullNode() : v;
  }
}
