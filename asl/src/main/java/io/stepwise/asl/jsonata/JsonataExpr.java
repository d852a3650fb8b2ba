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

  /** The value, which must be of the JSON type {@code expected} ({@code string}, {@code boolean}, {@code array}, ...). */
  public JsonNode eval(Scope scope, String expected) {
    JsonNode v = eval(scope);
    if (!io.stepwise.asl.path.Json.typeName(v).equals(expected)) throw unexpectedType(v, expected);
    return v;
  }

  /** AWS's words for a result of the wrong type, as for Items, Condition and every typed field. */
  public StatesError unexpectedType(JsonNode v, String expected) {
    return StatesError.queryEvaluation("The JSONata expression '" + source + "' specified for the field '" + field
        + "' returned an unexpected result type. Expected '" + expected + "', but was '" + io.stepwise.asl.path.Json.typeName(v)
        + "' for value: " + io.stepwise.asl.path.Json.write(v), field);
  }
}
