package io.stepwise.asl.jsonata;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.path.Scope;
import io.stepwise.asl.payload.Expr;

/** One pre-parsed {@code {% %}} expression; {@link #eval} answers null for JSONata's undefined. */
public record JsonataExpr(com.dashjoin.jsonata.Jsonata expr, String source, String field) implements Expr {
  public JsonNode eval(Scope scope) {
    return Jsonata.run(expr, scope, source, field);
  }
}
