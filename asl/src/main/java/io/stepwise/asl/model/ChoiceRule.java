package io.stepwise.asl.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.path.PathExpr;
import io.stepwise.asl.payload.Expr;
import java.util.List;

/** A Choice rule: a boolean expression tree. Top-level rules carry {@code next}, {@code assign}, {@code output}. */
public sealed interface ChoiceRule {
  record And(List<ChoiceRule> rules) implements ChoiceRule {}

  record Or(List<ChoiceRule> rules) implements ChoiceRule {}

  record Not(ChoiceRule rule) implements ChoiceRule {}

  /**
   * {@code Variable} compared by {@code operator} (e.g. {@code NumericGreaterThan}) with a literal
   * {@code value}, or with the value at {@code valuePath} for the {@code ...Path} variants.
   */
  record Comparison(PathExpr variable, String operator, JsonNode value, PathExpr valuePath) implements ChoiceRule {}

  /** JSONata's {@code Condition}. */
  record Condition(Expr condition, String source) implements ChoiceRule {}

  /** A top-level rule with its transition. */
  record Branch(ChoiceRule rule, String next, Expr assign, Expr output) {}
}
