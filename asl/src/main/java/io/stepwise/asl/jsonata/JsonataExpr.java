package io.stepwise.asl.jsonata;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.StatesError;
import io.stepwise.asl.path.Scope;
import io.stepwise.asl.payload.Expr;

/**
 * One pre-parsed {@code {% %}} expression. An expression that returns nothing (JSONata's
 * undefined) fails the state with States.QueryEvaluationError naming its field, as AWS does.
 */
public record JsonataExpr(com.dashjoin.jsonata.Jsonata expr, String source, String field) implements Expr {
  public JsonNode eval(Scope scope) {
    JsonNode v = Jsonata.run(expr, scope, source, field);
    if (v == null) {
      throw StatesError.queryEvaluation("The JSONata expression '" + source + "' specified for the field '" + field + "' returned nothing (undefined).", field);
    }
    return v;
  }
}
