package io.stepwise.asl.path;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** What an expression can read while a state runs: its input, the context object, variables. */
public interface Scope {
  JsonNode input();

  /** The context object {@code $$}, built on demand (most states never read it). */
  JsonNode context();

  /** A variable's value, or null when none of the visible scopes defines it. */
  JsonNode variable(String name);

  /** Every visible variable (inner scopes shadow outer ones), for JSONata's bindings. */
  Map<String, JsonNode> variables();

  /** Deterministic randomness for States.UUID / States.MathRandom / $random / $uuid. */
  long nextRandom();

  /** {@code $states.result} where the state has one, else null. */
  default JsonNode result() {
    return null;
  }

  /** {@code $states.errorOutput} inside a Catch, else null. */
  default JsonNode errorOutput() {
    return null;
  }
}
