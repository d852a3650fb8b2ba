package io.stepwise.asl.path;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;

/** A compiled filter predicate {@code ?( ... )} of a {@link JsonPath}. */
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
      return v != null && !(v.isArray() && !path.path().isDefinite() && v.isEmpty());
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

  record Compare(Operand left, String op, Operand right, Pattern regex) implements FilterExpr {
    public boolean test(JsonNode current, JsonNode root) {
      JsonNode a = left.value(current, root);
      if (regex != null) return a != null && a.isTextual() && regex.matcher(a.asText()).matches();
      JsonNode b = right.value(current, root);
      if (a == null || b == null) return op.equals("!=") && (a != null || b != null);
      return switch (op) {
        case "==" -> equal(a, b);
        case "!=" -> !equal(a, b);
        case "in" -> b.isArray() && contains(b, a);
        case "nin" -> b.isArray() && !contains(b, a);
        default -> {
          int c;
          if (a.isNumber() && b.isNumber()) c = a.decimalValue().compareTo(b.decimalValue());
          else if (a.isTextual() && b.isTextual()) c = a.asText().compareTo(b.asText());
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

    private static boolean contains(JsonNode array, JsonNode v) {
      for (JsonNode e : array) if (equal(e, v)) return true;
      return false;
    }

    static boolean equal(JsonNode a, JsonNode b) {
      if (a.isNumber() && b.isNumber()) return a.decimalValue().compareTo(b.decimalValue()) == 0;
      return a.equals(b);
    }
  }
}
