package io.stepwise.asl.payload;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.path.PathExpr;
import io.stepwise.asl.path.Scope;

/** A {@code ...Path} field for a number (MaxConcurrencyPath, TimeoutSecondsPath, ...): the value as read, null when missing; the interpreter checks it. */
public record NumberPath(PathExpr path, String field) implements Expr {
  public JsonNode eval(Scope scope) {
    return path.read(scope);
  }
}
