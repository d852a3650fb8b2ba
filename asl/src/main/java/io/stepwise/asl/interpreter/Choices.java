package io.stepwise.asl.interpreter;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.StatesError;
import io.stepwise.asl.model.ChoiceRule;
import io.stepwise.asl.path.Json;
import java.time.Instant;

/**
 * Evaluates Choice rules with AWS's typing: a comparison with the wrong type is false, except a
 * string ordering whose Path operand is no string, which fails the execution.
 */
final class Choices {
  private Choices() {}

  static boolean test(ChoiceRule rule, StateScope sc) {
    if (rule instanceof ChoiceRule.And a) {
      for (ChoiceRule r : a.rules()) if (!test(r, sc)) return false;
      return true;
    }
    if (rule instanceof ChoiceRule.Or o) {
      for (ChoiceRule r : o.rules()) if (test(r, sc)) return true;
      return false;
    }
    if (rule instanceof ChoiceRule.Not n) return !test(n.rule(), sc);
    if (rule instanceof ChoiceRule.Condition c) {
      JsonNode v = c.condition().eval(sc);
      if (v == null || !v.isBoolean()) {
        throw StatesError.queryEvaluation("The JSONata expression '" + c.source() + "' specified for the field 'Condition' returned an unexpected result type. Expected 'boolean', but was '"
            + (v == null ? "undefined" : Json.typeName(v)) + "' for value: " + (v == null ? "undefined" : Json.write(v)));
      }
      return v.booleanValue();
    }
    return compare((ChoiceRule.Comparison) rule, sc);
  }

  private static boolean compare(ChoiceRule.Comparison c, StateScope sc) {
    JsonNode v = c.variable().read(sc);
    String op = c.operator();
    if (op.equals("IsPresent")) return (v != null) == c.value().booleanValue();
    if (v == null) {
      throw StatesError.runtime("Invalid path '" + c.variable().text() + "': The choice state's condition path references an invalid value.");
    }
    JsonNode expected = c.value();
    if (c.valuePath() != null) {
      expected = c.valuePath().read(sc);
      if (expected == null) {
        throw StatesError.runtime("Invalid path '" + c.valuePath().text() + "': The choice state's condition path references an invalid value.");
      }
    }
    switch (op) {
      case "IsNull": return v.isNull() == expected.booleanValue();
      case "IsNumeric": return v.isNumber() == expected.booleanValue();
      case "IsString": return v.isTextual() == expected.booleanValue();
      case "IsBoolean": return v.isBoolean() == expected.booleanValue();
      case "IsTimestamp": return (v.isTextual() && timestamp(v.textValue()) != null) == expected.booleanValue();
      case "BooleanEquals": return v.isBoolean() && expected.isBoolean() && v.booleanValue() == expected.booleanValue();
      case "StringMatches": return v.isTextual() && expected.isTextual() && wildcard(v.textValue(), expected.textValue());
      default: break;
    }
    if (c.valuePath() != null && op.startsWith("String") && !op.equals("StringEquals") && !expected.isTextual()) {
      // a string ordering reads its Path operand as text: another type fails (ManageIQ/floe's Choice
      // fixture, compared with AWS); a Variable of another type only does not match, and a numeric
      // ordering's operand of another type does not match either (tiny-asl-machine's AWS snapshots)
      throw StatesError.runtime("Invalid value provided at path '" + c.valuePath().text() + "'");
    }
    if (op.startsWith("String")) {
      if (!v.isTextual() || !expected.isTextual()) return false;
      return ordered(op.substring(6), v.textValue().compareTo(expected.textValue()));
    }
    if (op.startsWith("Numeric")) {
      if (!v.isNumber() || !expected.isNumber()) return false;
      int cmp = v.isIntegralNumber() && expected.isIntegralNumber() && v.canConvertToLong() && expected.canConvertToLong()
          ? Long.compare(v.longValue(), expected.longValue()) : v.decimalValue().compareTo(expected.decimalValue());
      return ordered(op.substring(7), cmp);
    }
    if (op.startsWith("Timestamp")) {
      if (!v.isTextual() || !expected.isTextual()) return false;
      Instant a = timestamp(v.textValue()), b = timestamp(expected.textValue());
      if (a == null || b == null) return false;
      return ordered(op.substring(9), a.compareTo(b));
    }
    return false;
  }

  private static boolean ordered(String suffix, int cmp) {
    return switch (suffix) {
      case "Equals" -> cmp == 0;
      case "LessThan" -> cmp < 0;
      case "GreaterThan" -> cmp > 0;
      case "LessThanEquals" -> cmp <= 0;
      case "GreaterThanEquals" -> cmp >= 0;
      default -> false;
    };
  }

  static Instant timestamp(String s) {
    if (!io.stepwise.asl.parse.Timestamps.isRfc3339(s)) return null;
    return Bodies.parseIso(s);
  }

  /** {@code *} matches any run of characters; {@code \*} a literal star; {@code \\} a backslash. No regex. */
  static boolean wildcard(String s, String pattern) {
    return match(s, 0, pattern, 0);
  }

  private static boolean match(String s, int i, String p, int j) {
    while (j < p.length()) {
      char c = p.charAt(j);
      if (c == '*') {
        while (j < p.length() && p.charAt(j) == '*') j++;
        if (j == p.length()) return true;
        for (int k = i; k <= s.length(); k++) if (match(s, k, p, j)) return true;
        return false;
      }
      if (c == '\\' && j + 1 < p.length()) c = p.charAt(++j);
      if (i >= s.length() || s.charAt(i) != c) return false;
      i++;
      j++;
    }
    return i == s.length();
  }
}
