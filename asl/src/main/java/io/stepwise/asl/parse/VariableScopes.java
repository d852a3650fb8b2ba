package io.stepwise.asl.parse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Variable scopes: a Parallel branch and an inline Map's processor are scopes inside the one around
 * them, and may not assign a variable that a scope around them assigns. AWS refuses such a
 * definition with {@code The variable name 'shared' was already defined in a parent scope.}
 * (tiny-asl-machine's recorded AWS results, for an inline Map and for a Parallel, in either query
 * language), at the inner state's Assign. A Distributed Map's child workflows do not see the
 * variables around them, so they are scopes of their own.
 */
final class VariableScopes {
  private VariableScopes() {}

  /** New definitions only: checks every scope of {@code machine} against the scopes around it. */
  static void refuseShadowing(ObjectNode machine, Problems problems) {
    check(machine, "", Set.of(), problems);
  }

  private static void check(JsonNode workflow, String pointer, Set<String> outer, Problems problems) {
    if (!(workflow.get("States") instanceof ObjectNode states)) return;
    Set<String> here = new HashSet<>(outer);
    for (Iterator<Map.Entry<String, JsonNode>> it = states.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String sp = Pointer.child(pointer + "/States", e.getKey());
      assigned(e.getValue(), sp, outer, here, problems);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = states.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode s = e.getValue();
      String sp = Pointer.child(pointer + "/States", e.getKey());
      String type = s.path("Type").asText();
      if (type.equals("Parallel") && s.get("Branches") != null && s.get("Branches").isArray()) {
        for (int i = 0; i < s.get("Branches").size(); i++) check(s.get("Branches").get(i), Pointer.child(sp + "/Branches", i), here, problems);
      } else if (type.equals("Map")) {
        String field = s.has("ItemProcessor") ? "ItemProcessor" : "Iterator";
        JsonNode processor = s.get(field);
        boolean distributed = processor != null && "DISTRIBUTED".equals(processor.path("ProcessorConfig").path("Mode").asText());
        if (processor != null) check(processor, sp + "/" + field, distributed ? Set.of() : here, problems);
      }
    }
  }

  /** Adds the names {@code state} assigns (its Assign, its Catchers', its choice rules') to {@code here}, refusing those of {@code outer}. */
  private static void assigned(JsonNode state, String pointer, Set<String> outer, Set<String> here, Problems problems) {
    names(state.get("Assign"), pointer + "/Assign", outer, here, problems);
    for (String list : new String[] {"Catch", "Choices"}) {
      JsonNode items = state.get(list);
      if (items == null || !items.isArray()) continue;
      for (int i = 0; i < items.size(); i++) names(items.get(i).get("Assign"), Pointer.child(pointer + "/" + list, i) + "/Assign", outer, here, problems);
    }
  }

  private static void names(JsonNode assign, String pointer, Set<String> outer, Set<String> here, Problems problems) {
    if (!(assign instanceof ObjectNode o)) return;
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      String name = key.endsWith(".$") ? key.substring(0, key.length() - 2) : key;
      if (outer.contains(name)) problems.schema(pointer, "The variable name '" + name + "' was already defined in a parent scope.");
      here.add(name);
    }
  }
}
