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

  /** The moment of the evaluation running on this thread, which {@code $now()} and {@code $millis()} give. */
  public static long evaluationMillis() {
    return current.get().timestamp;
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

  /**
   * An ordering comparison's error names its operator, as jsonata-js's does ({@code T2009: The
   * values "" and 1 either side of operator "<" ...}); dashjoin's T2009 carries the values only.
   */
  @Override
  Object evaluateComparisonExpression(Object lhs, Object rhs, String op) {
    try {
      return super.evaluateComparisonExpression(lhs, rhs, op);
    } catch (JException e) {
      throw Tokened.of(e, op);
    }
  }

  /**
   * jsonata-js evaluates the right side of {@code and} and {@code or} inside the block that marks
   * an error with the operator, so any error raised there names {@code and} or {@code or} where its
   * words name a token ({@code T2001: The left side of the "or" operator must evaluate to a number}
   * for {@code false or ("x" + 2)}, {@code T0410: Argument 2 of function "and" ...}); an error of the
   * left side, evaluated before, keeps its own.
   */
  @Override
  Object evaluateBooleanExpression(Object lhs, java.util.concurrent.Callable evalrhs, String op) throws Exception {
    try {
      boolean left = jsBoolean(lhs);
      return "and".equals(op) ? left && jsBoolean(evalrhs.call()) : left || jsBoolean(evalrhs.call());
    } catch (JException e) {
      throw Tokened.of(e, op);
    }
  }

  /** {@code c ? a : b} decides by jsonata-js's boolean ({@link #jsBoolean}). */
  @Override
  Object evaluateCondition(Parser.Symbol expr, Object input, Frame environment) {
    Object condition = evaluate(expr.condition, input, environment);
    if (jsBoolean(condition)) return evaluate(expr.then, input, environment);
    return expr._else != null ? evaluate(expr._else, input, environment) : null;
  }

  /**
   * jsonata-js's boolean() as a condition, a predicate and {@code and}/{@code or} read it: NaN is
   * false (it is not numeric), one item is that item's, several are true when any is; anything else
   * as dashjoin reads it. dashjoin took NaN as true.
   */
  public static boolean jsBoolean(Object v) {
    if (v instanceof Double d && d.isNaN()) return false;
    if (v instanceof java.util.List<?> l && !l.isEmpty()) {
      if (l.size() == 1) return jsBoolean(l.get(0));
      for (Object o : l) {
        if (jsBoolean(o)) return true;
      }
      return false;
    }
    return boolize(v);
  }

  /**
   * An error as jsonata-js marks it with the operator that raised it or whose right side raised it
   * ({@code err.token = op}): {@code original}, whose words name {@code token} where they name one.
   */
  public static final class Tokened extends JException {
    private final JException original;
    private final String token;

    private Tokened(JException original, String token) {
      super(original, original.getError(), original.getLocation(), original.getCurrent(), original.getExpected());
      this.original = original;
      this.token = token;
    }

    /**
     * {@code e} marked with {@code token}; an error of another kind than dashjoin's own (a bound
     * crossed, words already complete) is left as it is.
     */
    public static JException of(JException e, String token) {
      if (e instanceof Tokened t) return new Tokened(t.original, token);
      return e.getClass() == JException.class ? new Tokened(e, token) : e;
    }

    public JException original() {
      return original;
    }

    public String token() {
      return token;
    }
  }

  /**
   * {@code [a..b]} as jsonata-js evaluates it: a side that is not undefined must be an integer by
   * JavaScript's {@code Number.isInteger} (T2003 for the left, checked first, T2004 for the right),
   * so a whole double past a long's range is one and a string or an array is not; an undefined side,
   * or a left side greater than the right, is undefined; more than ten million items (1e7) is
   * D2014 with the size. dashjoin took only longs for integers.
   */
  @Override
  Object evaluateRangeExpression(Object lhs, Object rhs) {
    if (lhs != null && !isInteger(lhs)) throw new JException("T2003", -1, lhs);
    if (rhs != null && !isInteger(rhs)) throw new JException("T2004", -1, rhs);
    if (lhs == null || rhs == null) return null;
    double from = ((Number) lhs).doubleValue();
    double to = ((Number) rhs).doubleValue();
    if (from > to) return null;
    double size = to - from + 1;
    if (size > 1e7) throw new JException("D2014", -1, size);
    // integers kept exact (AWS's are) count exactly
    if ((lhs instanceof Long || lhs instanceof Integer) && (rhs instanceof Long || rhs instanceof Integer)) {
      return super.evaluateRangeExpression(lhs, rhs);
    }
    if (Math.abs(from) < 0x1p53 && Math.abs(to) < 0x1p53) return super.evaluateRangeExpression((long) from, (long) to);
    // past 2^53 adding one to a double leaves it as it is: jsonata-js's loop never reaches the end
    // and its array grows until the memory bound
    throw io.stepwise.asl.jsonata.Bounds.tooBig();
  }

  /**
   * A predicate's numbers as jsonata-js reads them: each is an index rounded down
   * ({@code Math.floor}: {@code $.b[-1.5]} is the second from the end), counted from the end when
   * negative, and one outside the array selects nothing, however large ({@code $.b[9007199254740993]});
   * dashjoin truncated toward zero and cut the index to an int. Otherwise as dashjoin filters.
   */
  @Override
  Object evaluateFilter(Object predicateSymbol, Object input, Frame environment) {
    Parser.Symbol predicate = (Parser.Symbol) predicateSymbol;
    java.util.List<Object> results = Utils.createSequence();
    if (input instanceof Utils.JList<?> l && l.tupleStream) ((Utils.JList<?>) results).tupleStream = true;
    if (!(input instanceof java.util.List)) input = Utils.createSequence(input);
    java.util.List<?> items = (java.util.List<?>) input;
    if ("number".equals(predicate.type)) {
      Object item = at(items, ((Number) predicate.value).doubleValue());
      if (item instanceof java.util.List<?> list) {
        @SuppressWarnings("unchecked")
        java.util.List<Object> whole = (java.util.List<Object>) list;
        results = whole;
      } else if (item != null) {
        results.add(item);
      }
      return results;
    }
    boolean tuples = input instanceof Utils.JList<?> l && l.tupleStream;
    for (int index = 0; index < items.size(); index++) {
      Object item = items.get(index);
      Object context = item;
      Frame env = environment;
      if (tuples) {
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> tuple = (java.util.Map<String, Object>) item;
        context = tuple.get("@");
        env = createFrameFromTuple(environment, tuple);
      }
      Object res = evaluate(predicate, context, env);
      if (Utils.isNumeric(res)) res = Utils.createSequence(res);
      if (Utils.isArrayOfNumbers(res)) {
        for (Object n : (java.util.List<?>) res) {
          if (indexOf(items.size(), ((Number) n).doubleValue()) == index) results.add(item);
        }
      } else if (jsBoolean(res)) {
        results.add(item);
      }
    }
    return results;
  }

  /**
   * A function call's signature errors (T0410, T0411, T0412) name the function as it was called
   * ({@code $f} for {@code ($f := $sum; $f(["a"]))}), as jsonata-js's evaluateFunction marks an error
   * raised while applying the function that has no token yet. dashjoin's own catch around the
   * application gives such an error this call's position; one raised while evaluating the
   * arguments outside any call's application ({@code $count("s" ~> |$|{}|)}) keeps none and names
   * no function (undefined), and one marked already (by an inner call, an operator) keeps its token.
   */
  @Override
  Object evaluateFunction(Parser.Symbol expr, Object input, Frame environment, Object applyto) {
    try {
      return super.evaluateFunction(expr, input, environment, applyto);
    } catch (JException e) {
      if (e.getClass() == JException.class && SIGNATURE_ERRORS.contains(e.getError()) && e.getLocation() == expr.position) {
        throw Tokened.of(e, calledAs(expr));
      }
      throw e;
    }
  }

  /**
   * A transform ({@code ~> |pattern|update, delete|}) as jsonata-js's transformer runs it on the
   * copy the clone function in scope makes of the input ({@code $clone}: JSON's copy of it): each
   * match of the pattern is updated and pruned in place. An object match takes the update's pairs
   * and loses the deleted keys. An array match is a JavaScript array: a key that is an index sets
   * (or, deleted, empties to null) that item and any other key is a property JSON does not show, so
   * {@code [[1,2]] ~> |$|{"a":1}|} is unchanged (dashjoin failed with a Java cast message); so is a
   * function match, but a regular expression is D1010, as jsonata-js's check of a JavaScript
   * function object has it. A text, number or boolean match given a non-empty update is
   * JavaScript's TypeError ({@code Cannot create property 'a' on number '1'}), a null one {@code
   * Cannot set properties of null (setting 'a')}; deletions pass them by. The update must be an
   * object (T2011), the deletions a text or texts (T2012), as before.
   */
  @Override
  Object evaluateTransformExpression(Parser.Symbol expr, Object input, Frame environment) {
    JFunctionCallable transformer = (in, args) -> {
      Object obj = args.isEmpty() ? null : args.get(0);
      if (obj == null) return null;
      // the clone function in scope, as jsonata-js looks it up ($clone, or what the expression bound to it)
      Object cloneFunction = environment.lookup("clone");
      if (!(cloneFunction instanceof JFunction) && !Functions.isLambda(cloneFunction)) throw new JException("T2013", expr.position);
      Object result = apply(cloneFunction, java.util.List.of(obj), null, environment);
      Object matches = evaluate(expr.pattern, result, environment);
      if (matches == null) return result;
      java.util.List<?> all = matches instanceof java.util.List<?> l ? l : java.util.List.of(matches);
      for (Object match : all) {
        // a regular expression is a JavaScript function object, which jsonata-js's check refuses
        if (match instanceof java.util.regex.Pattern) throw new JException("D1010", expr.position);
        Object update = evaluate(expr.update, match, environment);
        if (update != null) {
          if (!(update instanceof java.util.Map<?, ?> pairs)) throw new JException("T2011", expr.update.position, update);
          for (java.util.Map.Entry<?, ?> e : pairs.entrySet()) setProperty(match, String.valueOf(e.getKey()), e.getValue());
        }
        if (expr.delete != null) {
          Object deletions = evaluate(expr.delete, match, environment);
          if (deletions != null) {
            java.util.List<?> names = deletions instanceof java.util.List<?> l ? l : java.util.List.of(deletions);
            if (!Utils.isArrayOfStrings(names)) throw new JException("T2012", expr.delete.position, deletions);
            for (Object name : names) deleteProperty(match, (String) name);
          }
        }
      }
      return result;
    };
    return new JFunction(transformer, "<(oa):o>");
  }

  /** JavaScript's {@code target[key] = value} on a JSON value, in strict mode. */
  @SuppressWarnings("unchecked")
  private void setProperty(Object target, String key, Object value) {
    if (target instanceof java.util.Map<?, ?> m) {
      ((java.util.Map<Object, Object>) m).put(key, value);
    } else if (target instanceof java.util.List<?> l) {
      long i = arrayIndex(key);
      if (i < 0) return;
      java.util.List<Object> items = (java.util.List<Object>) l;
      io.stepwise.asl.jsonata.Bounds.checkLength(i + 1);
      while (items.size() <= i) items.add(NULL_VALUE);
      items.set((int) i, value);
    } else if (target instanceof JFunction || Functions.isLambda(target)) {
      // a property of a function, which JSON does not show
    } else if (target == null || target == NULL_VALUE) {
      throw new IllegalArgumentException("Cannot set properties of null (setting '" + key + "')");
    } else {
      String type = target instanceof String ? "string" : target instanceof Boolean ? "boolean" : "number";
      throw new IllegalArgumentException("Cannot create property '" + key + "' on " + type + " '" + asText.apply(target) + "'");
    }
  }

  /** JavaScript's {@code delete target[key]}: an object loses the key, an array's item becomes a hole (JSON's null). */
  private static void deleteProperty(Object target, String key) {
    if (target instanceof java.util.Map<?, ?> m) {
      m.remove(key);
    } else if (target instanceof java.util.List<?> l) {
      long i = arrayIndex(key);
      if (i >= 0 && i < l.size()) ((java.util.List<Object>) l).set((int) i, NULL_VALUE);
    }
  }

  /** The array index a property key names (its canonical decimal text, below 2^32 - 1), or -1. */
  private static long arrayIndex(String key) {
    if (key.isEmpty() || key.length() > 10 || !key.chars().allMatch(c -> c >= '0' && c <= '9')) return -1;
    if (key.length() > 1 && key.charAt(0) == '0') return -1;
    long i = Long.parseLong(key);
    return i < 0xFFFF_FFFFL ? i : -1;
  }

  private static final java.util.Set<String> SIGNATURE_ERRORS = java.util.Set.of("T0410", "T0411", "T0412");

  /** The name a call used: its variable's, or a path's first step's; null for a function with none. */
  private static String calledAs(Parser.Symbol call) {
    Parser.Symbol p = call.procedure;
    if (p == null) return null;
    Object name = "path".equals(p.type) && p.steps != null && !p.steps.isEmpty() ? p.steps.get(0).value : p.value;
    return name instanceof String n && n.matches("[\\p{L}\\p{N}_]+") ? n : null;
  }

  /** jsonata-js's index: rounded down, counted from the end when negative. */
  private static double indexOf(int size, double n) {
    double i = Math.floor(n);
    return i < 0 ? size + i : i;
  }

  /** The item at jsonata-js's index {@code n}, or null when there is none. */
  private static Object at(java.util.List<?> items, double n) {
    double i = indexOf(items.size(), n);
    return i >= 0 && i < items.size() ? items.get((int) i) : null;
  }

  private static boolean isInteger(Object v) {
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) return true;
    if (v instanceof java.math.BigInteger) return true;
    if (v instanceof java.math.BigDecimal b) return b.stripTrailingZeros().scale() <= 0;
    if (v instanceof Number n) {
      double d = n.doubleValue();
      return Double.isFinite(d) && Math.floor(d) == d;
    }
    return false;
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
