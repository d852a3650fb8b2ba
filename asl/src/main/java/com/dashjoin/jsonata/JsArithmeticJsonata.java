package com.dashjoin.jsonata;

/**
 * The dashjoin engine with two operators as jsonata-js, which AWS runs, has them. An arithmetic
 * operator whose result is infinite ({@code 1/0}, {@code -1/0}, {@code 1e308 * 10}) gives that
 * result, as JavaScript does, where dashjoin refuses it with D1001 (AWS writes it by name,
 * {@code "Infinity"}, floci-io/floci#2783, measured); an operand that is not finite is still D1001
 * ({@code (1/0) + 1}), as jsonata-js's {@code isNumeric} refuses it; a NaN result ({@code 0/0},
 * {@code 5 % 0}) is NaN, a number (dashjoin made it no value), which is not numeric to the next
 * operator (T2001/T2002, as in jsonata-js). And {@code &} writes its operands' numbers as jsonata-js's
 * $string does ({@code "" & 1e20} is {@code 100000000000000000000}, where dashjoin wrote
 * {@code 1e+20}). It lives in dashjoin's package because the methods it overrides are
 * package-private there.
 */
public final class JsArithmeticJsonata extends Jsonata {
  private final java.util.function.UnaryOperator<Object> asText;

  /** {@code asText}: an operand of {@code &} with its numbers as jsonata-js's $string writes them. */
  public JsArithmeticJsonata(String expression, java.util.function.UnaryOperator<Object> asText) {
    super(expression);
    this.asText = asText;
  }

  /** The copy dashjoin evaluates with on a thread that did not build this expression. */
  private JsArithmeticJsonata(JsArithmeticJsonata of) {
    super(of);
    this.asText = of.asText;
  }

  /**
   * dashjoin evaluates through a per-thread instance, which it makes as a plain {@code Jsonata}
   * on a thread that built no expression: there the operators above would be lost (an expression
   * built on one thread and run on another gave D1001 for {@code 1/0}). The per-thread instance
   * is always one of these.
   */
  @Override
  Jsonata getPerThreadInstance() {
    Jsonata mine = current.get();
    if (mine instanceof JsArithmeticJsonata) return mine;
    JsArithmeticJsonata copy = new JsArithmeticJsonata(this);
    current.set(copy);
    return copy;
  }

  /**
   * Each evaluation has its own moment for {@code $now()} and {@code $millis()}: dashjoin reads it
   * from the per-thread instance, which kept the moment it was made.
   */
  @Override
  public Object evaluate(Object input, Frame bindings) {
    getPerThreadInstance().timestamp = System.currentTimeMillis();
    return super.evaluate(input, bindings);
  }

  @Override
  Object evaluateStringConcat(Object lhs, Object rhs) {
    return super.evaluateStringConcat(asText.apply(lhs), asText.apply(rhs));
  }

  @Override
  Object evaluateNumericExpression(Object lhs, Object rhs, String op) {
    try {
      Object result = super.evaluateNumericExpression(lhs, rhs, op);
      // dashjoin makes an integral result a long, which saturates past 2^63; JavaScript's is the double
      if (result instanceof Long && lhs instanceof Number l && rhs instanceof Number r) {
        double d = js(op, l.doubleValue(), r.doubleValue());
        if (Math.abs(d) >= 0x1p63) return d;
      }
      // dashjoin makes a NaN result (0/0, 5 % 0) no value; JavaScript's is NaN, a number
      if (result == null && lhs instanceof Number l && rhs instanceof Number r && r.doubleValue() == 0
          && ("/".equals(op) || "%".equals(op))) {
        return Double.NaN;
      }
      return result;
    } catch (JException e) {
      if (!"D1001".equals(e.getError()) || !(lhs instanceof Number l) || !(rhs instanceof Number r)
          || !Double.isFinite(l.doubleValue()) || !Double.isFinite(r.doubleValue())) {
        throw e;
      }
      double d = js(op, l.doubleValue(), r.doubleValue());
      if (Double.isNaN(d) && !"/".equals(op)) throw e; // an operator js() does not compute keeps dashjoin's error
      return d;
    }
  }

  /** {@code + - * /} as JavaScript computes them on doubles; NaN for any other operator. */
  private static double js(String op, double a, double b) {
    return switch (op) {
      case "+" -> a + b;
      case "-" -> a - b;
      case "*" -> a * b;
      case "/" -> a / b;
      default -> Double.NaN;
    };
  }
}
