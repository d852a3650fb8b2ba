package io.stepwise.asl.path;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;

/**
 * A compiled filter predicate {@code ?( ... )} of a {@link JsonPath}, evaluated as Jayway 2.0.0
 * (AWS's reader) evaluates it on Jackson's nodes: a property that is null does not exist; a
 * comparison with a side that is not there is false, {@code !=} too; in {@code < <= > >=} the
 * value decides: a number compares by value (with text that is a number), text as text ({@code
 * "10" > 9} is false, {@code 10 < '9'} too).
 */
sealed interface FilterExpr {
  boolean test(JsonNode current, JsonNode root);

  /** An operand: a literal, or a path relative to {@code @} or {@code $}. */
  sealed interface Operand {
    JsonNode value(JsonNode current, JsonNode root);

    record Literal(JsonNode value) implements Operand {
      public JsonNode value(JsonNode current, JsonNode root) {
        return value;
      }
    }

    record Path(JsonPath path, boolean relative) implements Operand {
      public JsonNode value(JsonNode current, JsonNode root) {
        return path.read(relative ? current : root);
      }
    }
  }

  record Exists(Operand.Path path) implements FilterExpr {
    public boolean test(JsonNode current, JsonNode root) {
      JsonNode v = path.value(current, root);
      return v != null && !v.isNull() && !(v.isArray() && !path.path().isDefinite() && v.isEmpty());
    }
  }

  record Not(FilterExpr inner) implements FilterExpr {
    public boolean test(JsonNode current, JsonNode root) {
      return !inner.test(current, root);
    }
  }

  record And(FilterExpr left, FilterExpr right) implements FilterExpr {
    public boolean test(JsonNode current, JsonNode root) {
      return left.test(current, root) && right.test(current, root);
    }
  }

  record Or(FilterExpr left, FilterExpr right) implements FilterExpr {
    public boolean test(JsonNode current, JsonNode root) {
      return left.test(current, root) || right.test(current, root);
    }
  }

  /** A comparison, by Jayway's evaluators. */
  record Compare(Operand left, String op, Operand right, Pattern regex) implements FilterExpr {
    public boolean test(JsonNode current, JsonNode root) {
      JsonNode a = left.value(current, root);
      if (regex != null) return a != null && a.isTextual() && regex.matcher(a.asText()).matches();
      JsonNode b = right.value(current, root);
      if (op.equals("exists")) return b != null && b.isBoolean() && (a != null) == b.booleanValue();
      if (a == null || b == null) return false;
      return switch (op) {
        case "==" -> equal(a, b);
        case "!=" -> !equal(a, b);
        case "===" -> sameType(a, b) && equal(a, b);
        case "!==" -> !(sameType(a, b) && equal(a, b));
        case "in" -> b.isArray() && contains(b, a);
        case "nin" -> b.isArray() && !contains(b, a);
        case "contains" -> a.isArray() ? contains(a, b) : a.isTextual() && b.isTextual() && a.asText().contains(b.asText());
        case "all" -> a.isArray() && b.isArray() && every(b, a);
        case "subsetof" -> a.isArray() && b.isArray() && every(a, b);
        case "anyof" -> a.isArray() && b.isArray() && any(a, b);
        case "noneof" -> a.isArray() && b.isArray() && !any(a, b);
        case "size" -> b.isNumber() && (a.isArray() ? a.size() : a.isTextual() ? a.asText().length() : -1) == b.intValue();
        case "empty" -> b.isBoolean() && (a.isContainerNode() || a.isTextual())
            && (a.isContainerNode() ? a.isEmpty() : a.asText().isEmpty()) == b.booleanValue();
        default -> {
          // the value decides: a number compares by value (with text that is a number), text as text
          int c;
          java.math.BigDecimal y = a.isNumber() ? decimal(b) : null;
          if (a.isNumber() && y != null) c = a.decimalValue().compareTo(y);
          else if (a.isTextual() && (b.isTextual() || b.isNumber())) c = a.asText().compareTo(b.asText());
          else yield false;
          yield switch (op) {
            case "<" -> c < 0;
            case "<=" -> c <= 0;
            case ">" -> c > 0;
            case ">=" -> c >= 0;
            default -> false;
          };
        }
      };
    }

    /** A number, or text that is one, by value; else null. */
    private static java.math.BigDecimal decimal(JsonNode n) {
      if (n.isNumber()) return n.decimalValue();
      if (!n.isTextual()) return null;
      try {
        return new java.math.BigDecimal(n.asText());
      } catch (NumberFormatException e) {
        return null;
      }
    }

    private static boolean contains(JsonNode array, JsonNode v) {
      for (JsonNode e : array) if (equal(e, v)) return true;
      return false;
    }

    /** Every element of {@code subset} is in {@code set}. */
    private static boolean every(JsonNode subset, JsonNode set) {
      for (JsonNode e : subset) if (!contains(set, e)) return false;
      return true;
    }

    private static boolean any(JsonNode a, JsonNode b) {
      for (JsonNode e : a) if (contains(b, e)) return true;
      return false;
    }

    private static boolean sameType(JsonNode a, JsonNode b) {
      return a.getNodeType() == b.getNodeType();
    }

    /** Jayway's ==: numbers by value, a number and a numeric string by value, else exact. */
    static boolean equal(JsonNode a, JsonNode b) {
      if (a.isNumber() && b.isNumber()) return a.decimalValue().compareTo(b.decimalValue()) == 0;
      if (a.isNumber() && b.isTextual()) return numericEqual(a, b.asText());
      if (a.isTextual() && b.isNumber()) return numericEqual(b, a.asText());
      return a.equals(b);
    }

    private static boolean numericEqual(JsonNode number, String text) {
      try {
        return number.decimalValue().compareTo(new java.math.BigDecimal(text)) == 0;
      } catch (NumberFormatException e) {
        return false;
      }
    }
  }
}
