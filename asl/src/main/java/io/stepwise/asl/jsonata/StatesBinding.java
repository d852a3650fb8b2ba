package io.stepwise.asl.jsonata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.asl.path.Json;
import io.stepwise.asl.path.Scope;

/** The {@code $states} variable: input, context, and, where the state has them, result and errorOutput. */
final class StatesBinding {
  private StatesBinding() {}

  static JsonNode of(Scope scope) {
    ObjectNode s = Json.NODES.objectNode();
    s.set("input", scope.input());
    s.set("context", scope.context());
    JsonNode r = scope.result();
    if (r != null) s.set("result", r);
    JsonNode e = scope.errorOutput();
    if (e != null) s.set("errorOutput", e);
    return s;
  }
}
