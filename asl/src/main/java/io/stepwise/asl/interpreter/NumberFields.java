package io.stepwise.asl.interpreter;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.StatesError;
import io.stepwise.asl.jsonata.JsonataExpr;
import io.stepwise.asl.path.Json;
import io.stepwise.asl.payload.Expr;
import io.stepwise.asl.payload.NumberPath;
import java.math.BigDecimal;

/**
 * The one run-time check of a number a state field yields — a {@code ...Path}'s value (JSONPath)
 * or a {@code {% %}} expression's result (JSONata) — by AWS's rules and in AWS's words:
 * <ul>
 *   <li>a path that matches nothing: {@code Invalid path '$.x' : No results for path: $['x']};
 *   <li>a path's value is read by its text, as Java reads a long (integers: {@code 5} and
 *       {@code "5"}, not {@code 1.5}, {@code 2.0} or {@code true}) or a float (percentages):
 *       {@code The MaxConcurrencyPath field refers to value "abc" which is not a valid integer: $.x},
 *       a string shown as it is, anything else as compact JSON;
 *   <li>a JSONata result that is no number is a States.QueryEvaluationError naming the
 *       expression and the field ({@code ... returned an unexpected result type. Expected
 *       'number', but was 'string' for value: "5"}), a fraction for an integer field
 *       {@code The TimeoutSeconds field cannot be parsed as an integer: 1.6}, and a timeout out of
 *       range {@code TimeoutSeconds must be between 0 and 99999999 but was: -1};
 *   <li>a number out of the field's range fails with the field's own message: States.Runtime (or the
 *       field's own error) from a path, States.QueryEvaluationError from a JSONata expression, as
 *       the developer guide says of every JSONata value out of a field's range.
 * </ul>
 * Constants were checked when the definition was created.
 */
final class NumberFields {
  private NumberFields() {}

  /** What a field accepts, and how a value out of its range is reported. */
  record Spec(String field, boolean integer, BigDecimal min, BigDecimal max, String error, String rangeMessage, String jsonataRange) {
    Spec(String field, boolean integer, BigDecimal min, BigDecimal max, String error, String rangeMessage) {
      this(field, integer, min, max, error, rangeMessage, null);
    }

    String message(String value) {
      return rangeMessage.replace("{value}", value);
    }
  }

  static final BigDecimal MAX_SECONDS = BigDecimal.valueOf(99_999_999);

  static final Spec TIMEOUT_SECONDS = new Spec("TimeoutSeconds", true, BigDecimal.ONE, MAX_SECONDS, "States.Runtime",
      "The TimeoutSeconds field refers to value \"{value}\" which is not a valid positive integer",
      "TimeoutSeconds must be between 0 and 99999999 but was: {value}");
  static final Spec HEARTBEAT_SECONDS = new Spec("HeartbeatSeconds", true, BigDecimal.ONE, MAX_SECONDS, "States.Runtime",
      "The HeartbeatSeconds field refers to value \"{value}\" which is not a valid positive integer",
      "HeartbeatSeconds must be between 0 and 99999999 but was: {value}");
  static final Spec MAX_CONCURRENCY = new Spec("MaxConcurrency", true, BigDecimal.ZERO, null, "States.Runtime",
      "Expected non-negative integer for MaxConcurrency, got '{value}' instead.");
  static final Spec TOLERATED_FAILURE_COUNT = new Spec("ToleratedFailureCount", true, BigDecimal.ZERO, null, "States.Runtime",
      "ToleratedFailureCount cannot be negative.");
  static final Spec TOLERATED_FAILURE_PERCENTAGE = new Spec("ToleratedFailurePercentage", false, BigDecimal.ZERO,
      BigDecimal.valueOf(100), "States.Runtime", "ToleratedFailurePercentage must be between 0 and 100.");
  static final Spec MAX_ITEMS_PER_BATCH = new Spec("MaxItemsPerBatch", true, BigDecimal.ONE, null, "States.Runtime",
      "The MaxItemsPerBatch field refers to value \"{value}\" which is not a valid positive integer");
  static final Spec MAX_INPUT_BYTES_PER_BATCH = new Spec("MaxInputBytesPerBatch", true, BigDecimal.ONE, null,
      "States.Runtime", "The MaxInputBytesPerBatch field refers to value \"{value}\" which is not a valid positive integer");
  static final Spec MAX_ITEMS = new Spec("MaxItems", true, BigDecimal.ZERO, null, "States.ItemReaderFailed",
      "field MaxItems must be positive");

  /** The field's value, or {@code absent} when the field is not given. */
  static long integer(Expr e, StateScope sc, Spec spec, long absent) {
    return e == null ? absent : value(e, sc, spec).longValueExact();
  }

  static double decimal(Expr e, StateScope sc, Spec spec, double absent) {
    return e == null ? absent : value(e, sc, spec).doubleValue();
  }

  private static BigDecimal value(Expr e, StateScope sc, Spec spec) {
    BigDecimal n;
    if (e instanceof NumberPath np) {
      JsonNode v = np.path().read(sc);
      if (v == null) throw Driver.notFound(np.path(), sc);
      String text = v.isTextual() ? v.textValue() : Json.write(v);
      n = parse(text, spec.integer);
      if (n == null) {
        throw StatesError.runtime("The " + np.field() + " field refers to value \"" + text + "\" which is not a valid "
            + (spec.integer ? "integer" : "float") + ": " + np.path().text());
      }
    } else if (e instanceof JsonataExpr j) {
      // AWS's words for a JSONata TimeoutSeconds (tiny-asl-machine's recorded AWS results): the result
      // must be a number, then an integer, then in range
      JsonNode v = j.eval(sc);
      if (!v.isNumber()) {
        throw StatesError.queryEvaluation("The JSONata expression '" + j.source() + "' specified for the field '" + spec.field
            + "' returned an unexpected result type. Expected 'number', but was '" + Json.typeName(v) + "' for value: " + Json.write(v), spec.field);
      }
      n = v.decimalValue();
      if (spec.integer && !integral(n)) {
        throw StatesError.queryEvaluation("The " + spec.field + " field cannot be parsed as an integer: " + Json.write(v), spec.field);
      }
      if (spec.jsonataRange != null) {
        // AWS's range for a JSONata timeout: 0 to 99999999
        if (n.signum() < 0 || n.compareTo(spec.max) > 0) {
          throw StatesError.queryEvaluation(spec.jsonataRange.replace("{value}", n.toPlainString()), spec.field);
        }
        return n;
      }
    } else {
      JsonNode v = e.eval(sc);
      n = v != null && v.isNumber() ? v.decimalValue() : null;
      if (n == null) throw StatesError.runtime("The " + spec.field + " field is not a number: " + (v == null ? "null" : Json.write(v)));
    }
    if ((spec.min != null && n.compareTo(spec.min) < 0) || (spec.max != null && n.compareTo(spec.max) > 0)
        || (spec.integer && n.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0)) {
      // a JSONata value out of a field's range is a States.QueryEvaluationError, as the developer
      // guide says of every such value ("Value out of range", transforming-data.html)
      if (e instanceof JsonataExpr) throw StatesError.queryEvaluation(spec.message(n.toPlainString()), spec.field);
      throw new StatesError(spec.error, spec.message(n.toPlainString()), true);
    }
    return n;
  }

  /** A value's text read as Java reads a long (integers) or a float (with a finite result). */
  static BigDecimal parse(String text, boolean integer) {
    try {
      if (integer) return BigDecimal.valueOf(Long.parseLong(text));
      double d = Double.parseDouble(text);
      return Double.isFinite(d) ? new BigDecimal(text.strip()) : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static boolean integral(BigDecimal n) {
    return n.signum() == 0 || n.stripTrailingZeros().scale() <= 0;
  }
}
