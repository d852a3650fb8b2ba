package io.stepwise.asl.parse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.asl.model.ChoiceRule;
import io.stepwise.asl.path.PathExpr;
import io.stepwise.asl.payload.Expr;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** Parses Choice rules: JSONPath comparisons with And/Or/Not, or JSONata Conditions. */
final class ChoiceParser {
  /**
   * The comparison operators, in the order AWS lists them when a rule has none or several (recorded by
   * tiny-asl-machine: {@code This object should have only one of the following fields: [StringEquals,
   * IsBoolean, ...]}); built into a HashSet, they keep this order.
   */
  static final List<String> OPERATORS = List.of(
      "StringEquals", "IsBoolean", "StringLessThan", "IsNumeric", "BooleanEquals", "StringLessThanEqualsPath",
      "NumericLessThan", "NumericGreaterThan", "NumericLessThanPath", "StringMatches", "TimestampLessThanEqualsPath",
      "NumericEquals", "TimestampGreaterThan", "StringGreaterThanEqualsPath", "TimestampGreaterThanEqualsPath",
      "TimestampLessThanEquals", "NumericLessThanEqualsPath", "TimestampEquals", "BooleanEqualsPath", "IsTimestamp",
      "StringLessThanEquals", "NumericLessThanEquals", "StringLessThanPath", "TimestampGreaterThanPath", "StringGreaterThan",
      "StringGreaterThanPath", "IsString", "StringEqualsPath", "TimestampEqualsPath", "TimestampLessThan",
      "StringGreaterThanEquals", "NumericGreaterThanPath", "NumericGreaterThanEquals", "NumericEqualsPath",
      "TimestampLessThanPath", "IsNull", "IsPresent", "TimestampGreaterThanEquals", "NumericGreaterThanEqualsPath");
  static final Set<String> OPERATOR_SET = Set.copyOf(OPERATORS);

  private final DefinitionParser p;
  private final boolean jsonata;

  ChoiceParser(DefinitionParser p, boolean jsonata) {
    this.p = p;
    this.jsonata = jsonata;
  }

  ChoiceRule.Branch branch(JsonNode n, String ptr) {
    if (!(n instanceof ObjectNode o)) {
      p.problems.schema(ptr, "Value must be an object");
      return null;
    }
    String next = null;
    if (!o.has("Next") || !o.get("Next").isTextual()) p.problems.schema(ptr, "These fields are required: [Next]");
    else next = o.get("Next").textValue();
    Expr assign = p.assign(o, ptr, jsonata);
    Expr output = jsonata && o.has("Output") ? p.template(o.get("Output"), ptr + "/Output", true) : null;
    ChoiceRule rule = rule(o, ptr, true);
    return rule == null ? null : new ChoiceRule.Branch(rule, next, assign, output);
  }

  private ChoiceRule rule(ObjectNode o, String ptr, boolean top) {
    if (jsonata) {
      JsonNode c = o.get("Condition");
      if (c == null) {
        p.problems.schema(ptr, "These fields are required: [Condition]");
        return null;
      }
      for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!Set.of("Condition", "Next", "Assign", "Output", "Comment").contains(f)) p.problems.schema(ptr, "The field '" + f + "' is not supported by Step Functions");
      }
      return new ChoiceRule.Condition(p.template(c, ptr + "/Condition", true), c.asText());
    }
    if (o.has("Condition")) p.problems.schema(ptr, "The field 'Condition' is not supported for a JSONPath state");
    for (String combinator : List.of("And", "Or")) {
      if (o.has(combinator)) {
        JsonNode arr = o.get(combinator);
        if (arr.isArray() && arr.isEmpty()) {
          p.problems.schema(ptr + "/" + combinator, "Value cannot be empty");
          return null;
        }
        if (!arr.isArray()) {
          p.problems.schema(ptr + "/" + combinator, "Value must be a non-empty array");
          return null;
        }
        List<ChoiceRule> rules = new ArrayList<>();
        for (int i = 0; i < arr.size(); i++) {
          if (!(arr.get(i) instanceof ObjectNode c)) {
            p.problems.schema(Pointer.child(ptr + "/" + combinator, i), "Value must be an object");
            continue;
          }
          if (c.has("Next")) p.problems.schema(Pointer.child(ptr + "/" + combinator, i), "Nested choice rules cannot have 'Next'");
          ChoiceRule r = rule(c, Pointer.child(ptr + "/" + combinator, i), false);
          if (r != null) rules.add(r);
        }
        return combinator.equals("And") ? new ChoiceRule.And(List.copyOf(rules)) : new ChoiceRule.Or(List.copyOf(rules));
      }
    }
    if (o.has("Not")) {
      if (!(o.get("Not") instanceof ObjectNode c)) {
        p.problems.schema(ptr + "/Not", "Value must be an object");
        return null;
      }
      // "the value of a Not operator must be a single Choice Rule that must not contain Next fields"
      // (the developer guide's Choice page), as a rule under And or Or (new definitions only)
      if (p.strict && c.has("Next")) p.problems.schema(ptr + "/Not", "Nested choice rules cannot have 'Next'");
      ChoiceRule r = rule(c, ptr + "/Not", false);
      return r == null ? null : new ChoiceRule.Not(r);
    }
    JsonNode var = o.get("Variable");
    if (var == null) {
      p.problems.schema(ptr, "These fields are required: [Variable]");
      return null;
    }
    PathExpr variable = p.path(var, ptr + "/Variable", "Variable");
    String op = null;
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (OPERATOR_SET.contains(f)) {
        if (op == null) op = f;
      } else if (!Set.of("Variable", "Next", "Assign", "Comment").contains(f)) {
        p.problems.schema(ptr, "The field '" + f + "' is not supported by Step Functions");
      }
    }
    if (!p.exactlyOne(o, ptr, OPERATORS)) return null;
    JsonNode value = o.get(op);
    if (op.endsWith("Path")) {
      PathExpr vp = p.path(value, ptr + "/" + op, op);
      return variable == null || vp == null ? null : new ChoiceRule.Comparison(variable, op.substring(0, op.length() - 4), null, vp);
    }
    String err = checkValue(op, value);
    if (err != null) p.problems.schema(ptr + "/" + op, err);
    return variable == null ? null : new ChoiceRule.Comparison(variable, op, value, null);
  }

  private static String checkValue(String op, JsonNode v) {
    if (op.startsWith("Is") || op.equals("BooleanEquals")) return v.isBoolean() ? null : "The value for the field '" + op + "' must be a BOOLEAN";
    if (op.startsWith("Numeric")) return v.isNumber() ? null : "The value for the field '" + op + "' must be a NUMBER";
    if (op.startsWith("String")) return v.isTextual() ? null : "The value for the field '" + op + "' must be a STRING";
    if (op.startsWith("Timestamp")) {
      return v.isTextual() && StateFields.parseTimestamp(v.textValue()) != null ? null : "The value for the field '" + op + "' must be a valid RFC3339 timestamp";
    }
    return null;
  }
}
