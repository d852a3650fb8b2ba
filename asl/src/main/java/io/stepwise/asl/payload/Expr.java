package io.stepwise.asl.payload;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.path.Scope;

/** Anything compiled once that yields a value while a state runs: a payload template, a path, a JSONata expression. */
@FunctionalInterface
public interface Expr {
  JsonNode eval(Scope scope);

  static Expr constant(JsonNode value) {
    return new Constant(value);
  }

  record Constant(JsonNode value) implements Expr {
    public JsonNode eval(Scope scope) {
      return value;
    }
  }
}
