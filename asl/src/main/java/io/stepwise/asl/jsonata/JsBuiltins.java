package io.stepwise.asl.jsonata;

import com.dashjoin.jsonata.Functions;
import com.dashjoin.jsonata.JException;
import com.dashjoin.jsonata.JsArithmeticJsonata;
import com.dashjoin.jsonata.Jsonata.JFunction;
import com.dashjoin.jsonata.Utils;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JSONata's built-in functions, with their arguments checked and their failures coded as jsonata-js
 * does (AWS answers in jsonata-js's words, see {@link JsErrors}); dashjoin's own implementations do
 * the work. Where the two engines part:
 * <ul>
 *   <li>a signature mismatch names the argument that does not fit: jsonata-js matches the
 *       signature's parameters against a prefix of the arguments' types, so {@code $contains("abc",
 *       1)} fails at argument 2 (dashjoin says 1);
 *   <li>JSON {@code null} is a type of its own ({@code l}), which fits only parameters that take any
 *       value or an array: {@code $lowercase(null)} is T0410 (dashjoin fails with a Java message);
 *   <li>errors jsonata-js raises inside a function, where dashjoin throws a Java exception: {@code
 *       $number} of a string that is not a JSON number (D3030), {@code $toMillis} of a text that is
 *       not ISO 8601 (D3110; one that is, is read as JavaScript's {@code Date.parse} reads it, {@link
 *       JsDate}), the one-argument {@code $sort} of mixed values (D3070), the URL
 *       functions of a malformed text (D3140);
 *   <li>results: {@code $substring} counts characters (code points, dashjoin mixes them with UTF-16
 *       units), the one-argument {@code $sort} orders whole and fractional numbers together
 *       (dashjoin fails on {@code [2, 1.5]}), {@code $encodeUrl} is JavaScript's {@code encodeURI}
 *       (dashjoin leaves spaces), {@code $string} writes numbers as JavaScript does, {@code
 *       $distinct} compares numbers by value, {@code $pad} is built once (dashjoin's grows its
 *       padding one piece at a time, which takes minutes for millions of characters);
 *   <li>regular expressions: {@code $match}, {@code $split} and {@code $replace} walk the matches
 *       as jsonata-js does ({@link #regexMatches}, D1004), and {@code $replace} is jsonata-js's
 *       own (dashjoin re-applied its limit to the text already replaced, read a text pattern as
 *       a regular expression there, and dropped a replacing function's errors).
 * </ul>
 */
final class JsBuiltins {
  private JsBuiltins() {}

  /** jsonata-js 2.0.6's built-ins: name, signature, and dashjoin's method (the same signatures). */
  private static final String[][] TABLE = {
      {"sum", "<a<n>:n>"}, {"count", "<a:n>"}, {"max", "<a<n>:n>"}, {"min", "<a<n>:n>"}, {"average", "<a<n>:n>"},
      {"string", "<x-b?:s>"}, {"substring", "<s-nn?:s>"}, {"substringBefore", "<s-s:s>"}, {"substringAfter", "<s-s:s>"},
      {"lowercase", "<s-:s>"}, {"uppercase", "<s-:s>"}, {"length", "<s-:n>"}, {"trim", "<s-:s>"}, {"pad", "<s-ns?:s>"},
      {"match", "<s-f<s:o>n?:a<o>>"}, {"contains", "<s-(sf):b>"}, {"replace", "<s-(sf)(sf)n?:s>"}, {"split", "<s-(sf)n?:a<s>>"},
      {"join", "<a<s>s?:s>"}, {"formatNumber", "<n-so?:s>"}, {"formatBase", "<n-n?:s>"}, {"formatInteger", "<n-s:s>"},
      {"parseInteger", "<s-s:n>"}, {"number", "<(nsb)-:n>"}, {"floor", "<n-:n>"}, {"ceil", "<n-:n>"}, {"round", "<n-n?:n>"},
      {"abs", "<n-:n>"}, {"sqrt", "<n-:n>"}, {"power", "<n-n:n>"}, {"boolean", "<x-:b>", "toBoolean"}, {"not", "<x-:b>"},
      {"map", "<af>"}, {"zip", "<a+>"}, {"filter", "<af>"}, {"single", "<af?>"}, {"reduce", "<afj?:j>", "foldLeft"},
      {"sift", "<o-f?:o>"}, {"keys", "<x-:a<s>>"}, {"lookup", "<x-s:x>"}, {"append", "<xx:a>"}, {"exists", "<x:b>"},
      {"spread", "<x-:a<o>>"}, {"merge", "<a<o>:o>"}, {"reverse", "<a:a>"}, {"each", "<o-f:a>"}, {"error", "<s?:x>"},
      {"assert", "<bs?:x>", "assertFn"}, {"type", "<x:s>"}, {"sort", "<af?:a>"}, {"shuffle", "<a:a>"}, {"distinct", "<x:x>"},
      {"base64encode", "<s-:s>"}, {"base64decode", "<s-:s>"}, {"encodeUrlComponent", "<s-:s>"}, {"encodeUrl", "<s-:s>"},
      {"decodeUrlComponent", "<s-:s>"}, {"decodeUrl", "<s-:s>"}, {"toMillis", "<s-s?:n>", "dateTimeToMillis"},
      {"fromMillis", "<n-s?s?:s>", "dateTimeFromMillis"}, {"clone", "<(oa)-:o>", "functionClone"}, {"now", "<s?s?:s>"},
      {"millis", "<:n>"},
  };

  private static final Map<String, JFunction> CHECKED = new LinkedHashMap<>();

  static {
    for (String[] row : TABLE) CHECKED.put(row[0], new Checked(row[0], row[1], row.length > 2 ? row[2] : row[0]));
  }

  /** Puts the checked built-ins in place of dashjoin's, once, in the expression's own environment. */
  static void register(com.dashjoin.jsonata.Jsonata expr) {
    for (Map.Entry<String, JFunction> e : CHECKED.entrySet()) expr.registerFunction(e.getKey(), e.getValue());
  }

  private static final Set<String> URL_FUNCTIONS = Set.of("encodeUrlComponent", "encodeUrl", "decodeUrlComponent", "decodeUrl");
  // jsonata-js's $number: a JSON number, or a 0x / 0o / 0b integer
  private static final Pattern DECIMAL = Pattern.compile("-?[0-9]+(\\.[0-9]+)?([Ee][-+]?[0-9]+)?");
  private static final Pattern PREFIXED = Pattern.compile("0([xXoObB])([0-9A-Fa-f]+)");
  // jsonata-js's test of $toMillis's timestamp when no picture is given
  private static final Pattern ISO_8601 =
      Pattern.compile("\\d{4}(-[01]\\d)*(-[0-3]\\d)*(T[0-2]\\d:[0-5]\\d:[0-5]\\d)*(\\.\\d+)?([+-][0-2]\\d:?[0-5]\\d|Z)?");

  /**
   * A function's jsonata-js signature, compiled once: {@link #check} refuses arguments that do not fit
   * it as jsonata-js does, with T0410 naming the first argument past the longest prefix that fits.
   */
  static final class Signature {
    private final String name;
    /** Each parameter's pattern over the arguments' type letters, as jsonata-js builds it. */
    private final List<String> params;
    private final Pattern whole;

    Signature(String name, String signature) {
      this.name = name;
      this.params = parameters(signature);
      this.whole = Pattern.compile(String.join("", params.stream().map(p -> "(" + p + ")").toList()));
    }

    /** How many parameters the signature declares. */
    int size() {
      return params.size();
    }

    void check(List<?> args) {
      StringBuilder types = new StringBuilder(args.size());
      for (Object a : args) types.append(symbol(a));
      if (!whole.matcher(types).matches()) throw mismatch(types);
    }

    /** jsonata-js's T0410: the first argument past the longest prefix the parameters match. */
    private JException mismatch(CharSequence types) {
      StringBuilder partial = new StringBuilder();
      int goodTo = 0;
      for (String p : params) {
        partial.append(p);
        Matcher m = Pattern.compile(partial.toString()).matcher(types);
        if (!m.lookingAt()) break;
        goodTo = m.end();
      }
      return new JException("T0410", -1, goodTo + 1, name);
    }
  }

  private static final class Checked extends JFunction {
    private final String name;
    private final Signature signature;
    /**
     * Whether a call checks its own arguments: the twin handed to a built-in as a function argument
     * does (see {@link #applied}); a call written out has them checked before (dashjoin's apply).
     */
    private final boolean checksOnCall;
    private final Checked applied;
    private final int arity;

    /** Which parameters take an array ({@code a}), and whether the last repeats ({@code a+}). */
    private final boolean[] arrays;
    private final boolean variadicArray;

    Checked(String name, String signature, String method) {
      this(name, signature, method, false);
    }

    private Checked(String name, String signature, String method, boolean checksOnCall) {
      super(name, signature, Functions.class, null, method);
      this.name = name;
      this.signature = new Signature(name, signature);
      this.checksOnCall = checksOnCall;
      // jsonata-js's implementation's declared parameters (see arity)
      this.arity = name.equals("string") ? 1 : name.equals("zip") ? 0 : parameters(signature).size();
      this.applied = checksOnCall ? this : new Checked(name, signature, method, true);
      List<String> params = parameters(signature);
      int n = params.size();
      this.arrays = new boolean[n];
      for (int i = 0; i < n; i++) arrays[i] = isArray(signature, i);
      this.variadicArray = n > 0 && arrays[n - 1] && params.get(n - 1).endsWith("+");
    }

    /**
     * The arguments checked as jsonata-js checks them, then by dashjoin's own check (T0411, a context
     * value of another type, and T0412, an array of another type); the call names the function
     * (JsArithmeticJsonata.evaluateFunction).
     */
    @Override
    public Object validate(Object args, Object context) {
      List<?> list = nullsAsArrays((List<?>) args);
      signature.check(list);
      return super.validate(list, context);
    }

    /**
     * JSON null given for an array parameter is the array of it, as jsonata-js makes any single value
     * ({@code $count(null)} is 1, {@code $sum(null)} T0412); dashjoin would take it as undefined.
     */
    private List<?> nullsAsArrays(List<?> args) {
      List<Object> out = null;
      for (int i = 0; i < args.size(); i++) {
        boolean array = i < arrays.length ? arrays[i] : arrays.length > 0 && variadicArray;
        if (array && args.get(i) == com.dashjoin.jsonata.Jsonata.NULL_VALUE) {
          if (out == null) out = new ArrayList<>(args);
          out.set(i, new ArrayList<>(List.of(com.dashjoin.jsonata.Jsonata.NULL_VALUE)));
        }
      }
      return out == null ? args : out;
    }

    @Override
    public Object call(Object input, List args) {
      if (checksOnCall) args = (List) validate(args, null);
      args = appliedFunctions(args);
      Object first = args.isEmpty() ? null : args.get(0);
      switch (name) {
        case "map" -> {
          if (first != null && args.size() > 1 && args.get(1) != null) return map(items(first), args.get(1));
        }
        case "filter" -> {
          if (first != null && args.size() > 1 && args.get(1) != null) return filter(items(first), args.get(1));
        }
        case "single" -> {
          if (first != null) return single(items(first), args.size() > 1 ? args.get(1) : null);
        }
        case "reduce" -> {
          if (first != null && args.size() > 1 && args.get(1) != null) return reduce(items(first), args.get(1), args.size() > 2 ? args.get(2) : null);
        }
        case "each" -> {
          if (first instanceof Map<?, ?> o && args.size() > 1 && args.get(1) != null) return each(o, args.get(1));
        }
        case "sift" -> {
          if (first instanceof Map<?, ?> o) {
            // jsonata-js reads the arity of the function it is not given: JavaScript's TypeError, for a non-empty object
            if ((args.size() < 2 || args.get(1) == null) && !o.isEmpty()) throw new IllegalArgumentException("Cannot read properties of undefined (reading 'arity')");
            return sift(o, args.size() > 1 ? args.get(1) : null);
          }
        }
        case "string" -> {
          if (first instanceof Map<?, ?> || first instanceof List<?>) return JsJson.stringify(first, args.size() > 1 && Boolean.TRUE.equals(args.get(1)));
          if (first instanceof Number n && !Double.isFinite(n.doubleValue())) throw new JException("D3001", -1, first);
          if (!(first instanceof String)) args = withAt(args, 0, jsNumbers(first));
        }
        case "number" -> {
          if (first instanceof String s) return number(s);
        }
        case "contains" -> {
          // a regular expression found as jsonata-js finds it, reading the text under the time bound
          if (first instanceof String s && args.size() > 1 && args.get(1) instanceof Pattern p) return p.matcher(Bounds.timed(s)).find();
        }
        case "base64decode" -> {
          if (first instanceof String s) return new String(base64Bytes(s), StandardCharsets.UTF_8);
        }
        case "error" -> {
          // an empty message is no message to JavaScript's ||
          if ("".equals(first)) args = List.of("$error() function evaluated");
        }
        case "clone" -> {
          if (first != null) return jsonClone(first);
        }
        case "toMillis" -> {
          boolean picture = args.size() > 1 && args.get(1) != null;
          if (!picture && first instanceof String s) {
            if (!ISO_8601.matcher(s).matches()) throw new JException("D3110", -1, s);
            double ms = JsDate.parse(s);
            return Double.isNaN(ms) ? ms : (Object) (long) ms;
          }
          if (picture && first instanceof String s && args.get(1) instanceof String p) {
            return DateTimeFormat.parse(s, p, JsArithmeticJsonata.evaluationMillis());
          }
        }
        case "assert" -> {
          // an undefined condition fails, as JavaScript's !undefined (dashjoin could not call with it)
          if (first == null) {
            Object message = args.size() > 1 ? args.get(1) : null;
            throw new JException("D3141", -1, message != null ? message : "$assert() statement failed");
          }
        }
        case "power" -> {
          // Math.pow(base, undefined) is NaN, which is no JSON number
          if (first instanceof Number && (args.size() < 2 || args.get(1) == null)) throw new JException("D3061", -1, first, null);
        }
        case "substringBefore", "substringAfter" -> {
          // JavaScript's indexOf(undefined) looks for the text "undefined"
          if (first instanceof String s && (args.size() < 2 || args.get(1) == null)) {
            int at = s.indexOf("undefined");
            if (at < 0) return s;
            if (name.equals("substringBefore")) return s.substring(0, at);
            // found, jsonata-js reads the undefined's length: JavaScript's TypeError
            throw new IllegalArgumentException("Cannot read properties of undefined (reading 'length')");
          }
        }
        case "boolean" -> {
          if (first != null) return JsArithmeticJsonata.jsBoolean(first);
        }
        case "not" -> {
          if (first != null) return !JsArithmeticJsonata.jsBoolean(first);
        }
        case "round" -> {
          Number precision = args.size() > 1 && args.get(1) instanceof Number p ? p : null;
          // a whole number kept exact (AWS's integers are) is its own rounding at no negative precision
          boolean whole = first instanceof Long || first instanceof Integer;
          double p = precision == null ? 0 : precision.doubleValue();
          // ... while its text shifted by the precision is still a number (5e400 is not)
          if (whole && p >= 0 && p == Math.floor(p) && Double.isFinite(jsNumber(first + "e" + jsText(p)))) return first;
          if (first instanceof Number n) return round(n.doubleValue(), precision);
        }
        case "sort" -> {
          boolean comparator = args.size() > 1 && args.get(1) != null;
          if (!comparator && first instanceof List<?> l && l.size() > 1) return sort(l);
          if (comparator && first instanceof List<?> l && l.size() > 1) return mergeSort(new ArrayList<>(l), args.get(1));
        }
        case "substring" -> {
          // an undefined start is JavaScript's slice of everything, or of nothing with a length
          if (first instanceof String s && args.size() > 1 && args.get(1) == null) return args.size() > 2 && args.get(2) != null ? "" : s;
          if (first instanceof String s && args.size() > 1 && args.get(1) instanceof Number start) {
            return substring(s, start, args.size() > 2 && args.get(2) instanceof Number n ? n : null);
          }
        }
        case "match" -> {
          // undefined text, undefined result, whatever the rest (dashjoin failed on a fractional limit)
          if (first == null) return null;
          if (first instanceof String s && args.size() > 1 && args.get(1) instanceof Pattern p) return match(s, p, numberAt(args, 2));
        }
        case "split" -> {
          // an undefined separator is applied as a matcher function by jsonata-js (when a limit lets it split)
          Number limit = numberAt(args, 2);
          if (first instanceof String && (args.size() < 2 || args.get(1) == null) && (limit == null || limit.doubleValue() > 0)) {
            throw new IllegalArgumentException("Cannot read properties of undefined (reading 'apply')");
          }
          if (first instanceof String s && args.size() > 1 && args.get(1) instanceof Pattern p) return split(s, p, numberAt(args, 2));
          if (first instanceof String s && args.size() > 1 && args.get(1) instanceof String sep) return split(s, sep, numberAt(args, 2));
        }

        case "replace" -> {
          if (first == null) return null;
          // a text pattern that does not occur replaces nothing, whatever the replacement is
          Number limit = numberAt(args, 3);
          if (first instanceof String s && args.size() > 2 && args.get(1) instanceof String p && !p.isEmpty()
              && !(args.get(2) instanceof String) && !s.contains(p) && (limit == null || limit.doubleValue() >= 0)) {
            return s;
          }
          if (first instanceof String s && args.size() > 2 && (args.get(1) instanceof Pattern || args.get(2) instanceof String)) {
            return replace(s, args.get(1), args.get(2), numberAt(args, 3));
          }
        }
        case "fromMillis" -> {
          if (first instanceof Number n) return DateTimeFormat.format(n.doubleValue(), textAt(args, 1), textAt(args, 2));
        }
        case "now" -> {
          return DateTimeFormat.format(JsArithmeticJsonata.evaluationMillis(), textAt(args, 0), textAt(args, 1));
        }
        case "formatBase" -> {
          if (first instanceof Number n && (args.size() < 2 || args.get(1) == null || args.get(1) instanceof Number)) {
            double radix = args.size() > 1 && args.get(1) instanceof Number r ? Math.rint(r.doubleValue()) : 10;
            if (radix < 2 || radix > 36) {
              // named as JSON.stringify writes it: an infinite radix is null
              String given = Double.isFinite(radix) ? JsNumber.shortest(radix) : "null";
              throw new JsErrors.Worded("D3100", "The radix of the formatBase function must be between 2 and 36.  It was given " + given);
            }
            if (!Double.isNaN(radix)) return radixText(Math.rint(n.doubleValue()), (int) radix);
          }
        }
        case "distinct" -> {
          if (first instanceof List<?> l && l.size() > 1) return distinct(l);
        }
        case "formatNumber" -> {
          // jsonata-js splits the picture's text (undefined has none: JavaScript's TypeError)
          if (first instanceof Number && textAt(args, 1) == null) throw new IllegalArgumentException("Cannot read properties of undefined (reading 'split')");
          if (first instanceof Number n && args.size() > 1 && args.get(1) instanceof String picture) {
            return FormatNumber.format(n.doubleValue(), picture, args.size() > 2 && args.get(2) instanceof Map<?, ?> o ? o : null);
          }
        }
        case "pad" -> {
          // an undefined width pads nothing (JavaScript's NaN)
          if (first instanceof String s && (args.size() < 2 || args.get(1) == null)) return s;
          if (first instanceof String s && args.size() > 1 && args.get(1) instanceof Number width) {
            return pad(s, width.doubleValue(), args.size() > 2 && args.get(2) instanceof String c ? c : null);
          }
        }
        case "encodeUrl" -> {
          if (first instanceof String s) return encodeUri(s);
        }
        case "parseInteger" -> {
          if (first instanceof String s) {
            String picture = textAt(args, 1);
            if (picture == null) throw new IllegalArgumentException("Cannot read properties of undefined (reading 'lastIndexOf')");
            return IntegerPicture.analyse(picture).parse(s);
          }
        }
        case "formatInteger" -> {
          if (first instanceof Number n) {
            // jsonata-js reads the picture's text (undefined has none: JavaScript's TypeError)
            String picture = textAt(args, 1);
            if (picture == null) throw new IllegalArgumentException("Cannot read properties of undefined (reading 'lastIndexOf')");
            // ... and rounds the value down first ($formatInteger(-1.5, "0") is "-2"); an exact integer is its own
            return IntegerPicture.analyse(picture).format(n instanceof Long || n instanceof Integer ? n : Math.floor(n.doubleValue()));
          }
        }
        default -> { }
      }
      try {
        return super.call(input, args);
      } catch (RuntimeException e) {
        if (URL_FUNCTIONS.contains(name)) throw new JException("D3140", -1, name, first);
        throw e;
      }
    }

    private Object number(String s) {
      if (DECIMAL.matcher(s).matches()) {
        double d = Double.parseDouble(s);
        if (Double.isFinite(d)) return super.call(null, List.of(s));
      } else {
        Matcher m = PREFIXED.matcher(s);
        int radix = !m.matches() ? 0 : switch (Character.toLowerCase(m.group(1).charAt(0))) {
          case 'x' -> 16;
          case 'o' -> 8;
          default -> 2;
        };
        if (radix > 0) {
          try {
            return Long.parseLong(m.group(2), radix);
          } catch (NumberFormatException e) {
            // a digit outside the radix, or too long: not a number
          }
        }
      }
      throw new JException("D3030", -1, s);
    }
  }

  private static List<Object> withAt(List<?> args, int i, Object value) {
    List<Object> out = new ArrayList<>(args);
    out.set(i, value);
    return out;
  }

  private static final String RADIX_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz";

  /**
   * JavaScript's {@code Number.prototype.toString(radix)} of a whole number, as jsonata-js's
   * $formatBase writes it after rounding half to even: in radix 10 the number's own text ({@code
   * 1e+21}); in another, V8's digits, which past 2^53 divide the double by the radix, writing a 0
   * each time, while the quotient is still that large, then write the rest's digits exactly.
   */
  private static String radixText(double v, int radix) {
    if (!Double.isFinite(v)) return Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
    if (v == 0) return "0";
    if (radix == 10) return JsNumber.shortest(v);
    double integer = Math.abs(v);
    StringBuilder b = new StringBuilder();
    while (integer / radix >= 0x1p53) {
      integer /= radix;
      b.append('0');
    }
    do {
      double remainder = integer % radix;
      b.append(RADIX_DIGITS.charAt((int) remainder));
      integer = (integer - remainder) / radix;
    } while (integer > 0);
    if (v < 0) b.append('-');
    return b.reverse().toString();
  }

  /**
   * {@code value} with each number written as jsonata-js's $string writes it (see {@link JsNumber}):
   * for $string, and for the {@code &} operator, which jsonata-js writes its operands with.
   */
  static Object jsNumbers(Object value) {
    // a double (AWS's $string(1e20) is JavaScript's, floci#2669, measured); an integer that fits a
    // long is kept exact, as AWS keeps it
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      return Double.isFinite(d) ? new JsNumber(d) : value;
    }
    if (value instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      for (Object o : l) out.add(jsNumbers(o));
      return out;
    }
    if (value instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) out.put(e.getKey(), jsNumbers(e.getValue()));
      return out;
    }
    return value;
  }

  /**
   * A number as jsonata-js's $string writes it: rounded to 15 significant digits, then as
   * JavaScript writes a number, in positional notation from 1e-7 up to 1e21 and in exponential
   * notation outside ({@code 1e+21}, {@code 1e-7}). dashjoin appends it as its {@code toString}.
   */
  static final class JsNumber extends Number {
    private final double value;

    JsNumber(double value) {
      this.value = value;
    }

    @Override
    public String toString() {
      return text(value);
    }

    static String text(double d) {
      if (d == 0) return "0";
      return written(d, new BigDecimal(d).round(new MathContext(15)).stripTrailingZeros());
    }

    /** JavaScript's own text of {@code d} (JSON.stringify's, which jsonata-js's error messages use): its shortest digits. */
    static String shortest(double d) {
      if (d == 0) return "0";
      for (int p = 1; p < 17; p++) {
        BigDecimal r = new BigDecimal(d).round(new MathContext(p));
        if (r.doubleValue() == d) return written(d, r.stripTrailingZeros());
      }
      return written(d, new BigDecimal(d).round(new MathContext(17)).stripTrailingZeros());
    }

    /** {@code r}'s digits as JavaScript's Number::toString places them. */
    private static String written(double d, BigDecimal r) {
      String digits = r.unscaledValue().abs().toString();
      int k = digits.length();
      int n = k - r.scale(); // the value is 0.<digits> times ten to the n
      StringBuilder b = new StringBuilder(d < 0 ? "-" : "");
      if (k <= n && n <= 21) {
        b.append(digits).append("0".repeat(n - k));
      } else if (0 < n && n <= 21) {
        b.append(digits, 0, n).append('.').append(digits, n, k);
      } else if (-6 < n && n <= 0) {
        b.append("0.").append("0".repeat(-n)).append(digits);
      } else {
        b.append(digits.charAt(0));
        if (k > 1) b.append('.').append(digits, 1, k);
        b.append('e').append(n - 1 >= 0 ? "+" : "-").append(Math.abs(n - 1));
      }
      return b.toString();
    }

    @Override
    public int intValue() {
      return (int) value;
    }

    @Override
    public long longValue() {
      return (long) value;
    }

    @Override
    public float floatValue() {
      return (float) value;
    }

    @Override
    public double doubleValue() {
      return value;
    }
  }

  /**
   * A built-in handed to another as its function ({@code $map(xs, $uppercase)}, a {@code $sort}
   * comparator) is applied as jsonata-js applies any function: its arguments are checked against its
   * signature first, so a mismatch is T0410 or T0412, named after the call that handed it on
   * ({@code Argument 1 of function "map" does not match function signature}). dashjoin called it
   * unchecked and failed with a Java message.
   */
  private static List<?> appliedFunctions(List<?> args) {
    List<Object> out = null;
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i) instanceof Checked c && !c.checksOnCall) {
        if (out == null) out = new ArrayList<>(args);
        out.set(i, c.applied);
      }
    }
    return out == null ? args : out;
  }

  /**
   * How many arguments a higher-order built-in hands a function, as jsonata-js counts them
   * (getFunctionArity): a lambda's parameters, and a built-in's declared parameters, which are its
   * signature's ({@code $round} takes a precision, so {@code $map([1.5, 2.5], $round)} is {@code [2,
   * 2.5]}: 2.5 is rounded to one place), but {@code $string}'s second has a default and {@code
   * $zip}'s are a rest parameter, which JavaScript does not count. dashjoin counted a built-in's
   * required parameters only.
   */
  private static int arity(Object function) {
    if (function instanceof Checked c) return c.arity;
    // Step Functions' own functions: their signatures' parameters, as jsonata-js counts a built-in's
    if (function instanceof Signed f) return f.signature.size();
    return Functions.getFunctionArity(function);
  }

  /** A function registered with a jsonata-js signature that is not one of jsonata-js's built-ins (Step Functions' own). */
  static final class Signed extends JFunction {
    final Signature signature;

    Signed(Signature signature, java.util.function.Function<List<?>, Object> body) {
      super((in, args) -> {
        signature.check(args);
        return body.apply(args);
      }, null);
      this.signature = signature;
    }
  }

  /** The function applied to an item as jsonata-js's higher-order functions apply it: value, and index and whole as it takes them. */
  private static Object applyTo(Object function, Object item, Object index, Object whole) {
    int arity = arity(function);
    List<Object> args = new ArrayList<>(3);
    args.add(item);
    if (arity >= 2) args.add(index);
    if (arity >= 3) args.add(whole);
    return apply(function, args);
  }

  private static Object apply(Object function, List<Object> args) {
    try {
      return Functions.funcApply(function, args);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new RuntimeException(t);
    }
  }

  /** An array parameter's argument: an array, or one value made an array of it, as jsonata-js's signature makes it. */
  private static List<?> items(Object value) {
    return value instanceof List<?> l ? l : List.of(value);
  }

  /** jsonata-js's $map: the function's answers, those that are nothing left out. */
  private static List<Object> map(List<?> items, Object function) {
    List<Object> out = Utils.createSequence();
    for (int i = 0; i < items.size(); i++) {
      Object answer = applyTo(function, items.get(i), i, items);
      if (answer != null) out.add(answer);
    }
    return out;
  }

  /** jsonata-js's $each: the function's answers for each value (and key, and object), those that are nothing left out. */
  private static List<Object> each(Map<?, ?> object, Object function) {
    List<Object> out = Utils.createSequence();
    for (Map.Entry<?, ?> e : object.entrySet()) {
      Object answer = applyTo(function, e.getValue(), e.getKey(), object);
      if (answer != null) out.add(answer);
    }
    return out;
  }

  /**
   * jsonata-js's $reduce: the function must take two arguments at least (D3050); it is handed the
   * result so far and the item, then the index and the whole as it takes them, starting from the
   * initial value or, with none, from the first item.
   */
  private static Object reduce(List<?> items, Object function, Object initial) {
    int arity = arity(function);
    if (arity < 2) throw new JException("D3050", 1);
    Object result = initial;
    int i = 0;
    if (initial == null && !items.isEmpty()) {
      result = items.get(0);
      i = 1;
    }
    for (; i < items.size(); i++) {
      List<Object> args = new ArrayList<>(4);
      args.add(result);
      args.add(items.get(i));
      if (arity >= 3) args.add(i);
      if (arity >= 4) args.add(items);
      result = apply(function, args);
    }
    return result;
  }

  /** jsonata-js's $filter: the items whose answer jsonata-js's boolean() takes as true (NaN is false; dashjoin took it as true). */
  private static List<Object> filter(List<?> items, Object function) {
    List<Object> out = Utils.createSequence();
    for (int i = 0; i < items.size(); i++) {
      if (JsArithmeticJsonata.jsBoolean(applyTo(function, items.get(i), i, items))) out.add(items.get(i));
    }
    return out;
  }

  /** jsonata-js's $single: the one item whose answer (or every one, with no function) boolean() takes as true; D3138 for a second, D3139 for none. */
  private static Object single(List<?> items, Object function) {
    Object found = null;
    boolean any = false;
    for (int i = 0; i < items.size(); i++) {
      if (function == null || JsArithmeticJsonata.jsBoolean(applyTo(function, items.get(i), i, items))) {
        if (any) throw new JException("D3138", i);
        found = items.get(i);
        any = true;
      }
    }
    if (!any) throw new JException("D3139", -1);
    return found;
  }

  /** jsonata-js's $sift: the pairs whose answer boolean() takes as true, or nothing when none is kept. */
  private static Map<Object, Object> sift(Map<?, ?> object, Object function) {
    Map<Object, Object> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : object.entrySet()) {
      if (JsArithmeticJsonata.jsBoolean(applyTo(function, e.getValue(), e.getKey(), object))) out.put(e.getKey(), e.getValue());
    }
    return out.isEmpty() ? null : out;
  }

  /** jsonata-js's one-argument $sort: numbers or strings, ascending, equal values kept in order. */
  private static List<Object> sort(List<?> l) {
    List<Object> out = new ArrayList<>(l);
    if (allOf(l, Number.class)) {
      out.sort((a, b) -> Double.compare(((Number) a).doubleValue() + 0.0, ((Number) b).doubleValue() + 0.0));
    } else if (allOf(l, String.class)) {
      out.sort((a, b) -> ((String) a).compareTo((String) b));
    } else {
      throw new JException("D3070", -1);
    }
    return out;
  }

  /**
   * {@code $sort} with a comparator, as jsonata-js sorts: a merge sort that splits at the middle
   * (the left half the shorter) and, merging, asks {@code comparator(left, right)} of the two
   * halves' first items, taking the right one when the answer is truthy in JavaScript's sense (not
   * false, 0, NaN, "", null or undefined). So the comparator sees the pairs, in the order, and with
   * the answers jsonata-js gives it: which error a comparator raises, and where a comparator that
   * answers with something else than a boolean puts the items, are jsonata-js's.
   */
  private static List<Object> mergeSort(List<Object> items, Object comparator) {
    if (items.size() <= 1) return items;
    int middle = items.size() / 2;
    List<Object> left = mergeSort(new ArrayList<>(items.subList(0, middle)), comparator);
    List<Object> right = mergeSort(new ArrayList<>(items.subList(middle, items.size())), comparator);
    List<Object> out = new ArrayList<>(items.size());
    int i = 0;
    int j = 0;
    while (i < left.size() && j < right.size()) {
      Object answer;
      try {
        answer = com.dashjoin.jsonata.Functions.funcApply(comparator, java.util.Arrays.asList(left.get(i), right.get(j)));
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable t) {
        throw new RuntimeException(t);
      }
      if (truthy(answer)) out.add(right.get(j++));
      else out.add(left.get(i++));
    }
    while (i < left.size()) out.add(left.get(i++));
    while (j < right.size()) out.add(right.get(j++));
    return out;
  }

  /**
   * jsonata-js's {@code $round}: with a precision (one JavaScript takes as true: not 0 or NaN) the
   * decimal point is shifted in the number's text ({@code <digits>e<exponent + precision>}, read back
   * as JavaScript reads a number, so a precision that is not whole, or that leaves no number, is NaN),
   * rounded to the nearest whole number with a half going to the even one, and shifted back the same
   * way; -0 is 0.
   */
  static double round(double arg, Number precision) {
    double p = precision == null ? 0 : precision.doubleValue();
    boolean shift = p != 0 && !Double.isNaN(p);
    if (shift) arg = shifted(arg, p);
    double result = jsMathRound(arg);
    double diff = result - arg;
    if (Math.abs(diff) == 0.5 && Math.abs(result % 2) == 1) result = result - 1;
    if (shift) result = shifted(result, -p);
    return result == 0 ? 0.0 : result;
  }

  /** {@code +(<d's text before any e> + 'e' + (<d's exponent> + by))}, as jsonata-js's $round writes it. */
  private static double shifted(double d, double by) {
    String text = jsText(d);
    int e = text.indexOf('e');
    String digits = e < 0 ? text : text.substring(0, e);
    double exponent = e < 0 ? by : Double.parseDouble(text.substring(e + 1)) + by;
    return jsNumber(digits + "e" + jsText(exponent));
  }

  /** JavaScript's Number::toString. */
  static String jsText(double d) {
    if (Double.isNaN(d)) return "NaN";
    if (Double.isInfinite(d)) return d > 0 ? "Infinity" : "-Infinity";
    return JsNumber.shortest(d);
  }

  private static final Pattern JS_DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  /** JavaScript's Number(text) for the decimal texts $round builds: NaN for anything else. */
  private static double jsNumber(String text) {
    return JS_DECIMAL.matcher(text).matches() ? Double.parseDouble(text) : Double.NaN;
  }

  /** JavaScript's Math.round: the nearest whole number, a half toward +∞. */
  private static double jsMathRound(double x) {
    if (Double.isNaN(x) || Double.isInfinite(x)) return x;
    double f = Math.floor(x);
    return x - f >= 0.5 ? f + 1 : f;
  }

  /** JavaScript's truthiness of a JSONata value (undefined and JSON null are both falsy). */
  static boolean truthy(Object v) {
    if (v == null || v == com.dashjoin.jsonata.Jsonata.NULL_VALUE) return false;
    if (v instanceof Boolean b) return b;
    if (v instanceof Number n) {
      double d = n.doubleValue();
      return d != 0 && !Double.isNaN(d);
    }
    if (v instanceof CharSequence c) return c.length() > 0;
    return true;
  }

  /**
   * jsonata-js's $clone: {@code JSON.parse($string(value))}, so numbers come back as $string writes
   * them (15 significant digits), a number that is not finite as null, a function as "".
   */
  static Object jsonClone(Object value) {
    String text = (String) CHECKED.get("string").call(null, new ArrayList<>(List.of(value)));
    try {
      return Convert.toJava(io.stepwise.asl.path.Json.parse(text));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("$string wrote no JSON: " + text, e);
    }
  }

  /**
   * The bytes of a base64 text as Node's decoder (jsonata-js's, through Buffer) reads it: a
   * character outside the alphabet (which takes {@code -} and {@code _} for {@code +} and {@code /})
   * is passed over, the first {@code =} ends the text, and a last group of two or three characters
   * gives one or two bytes (one alone gives none). Java's decoder refused all of these.
   */
  static byte[] base64Bytes(String text) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(text.length() * 3 / 4 + 3);
    int buffer = 0;
    int bits = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '=') break;
      int v = c >= 'A' && c <= 'Z' ? c - 'A' : c >= 'a' && c <= 'z' ? c - 'a' + 26 : c >= '0' && c <= '9' ? c - '0' + 52
          : c == '+' || c == '-' ? 62 : c == '/' || c == '_' ? 63 : -1;
      if (v < 0) continue;
      buffer = (buffer << 6) | v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out.write((buffer >> bits) & 0xFF);
      }
    }
    return out.toByteArray();
  }

  private static String textAt(List<?> args, int i) {
    return args.size() > i && args.get(i) instanceof String t ? t : null;
  }

  private static Number numberAt(List<?> args, int i) {
    return args.size() > i && args.get(i) instanceof Number n ? n : null;
  }

  /**
   * jsonata-js's walk over a regular expression's matches (its evaluateRegex): the first match may
   * be empty; after each match taken the next is looked for, only before the end of the text, and
   * an empty one there is D1004 ("Regular expression matches zero length string"); at most {@code
   * limit} are taken.
   */
  private static List<MatchResult> regexMatches(Pattern p, String s, Number limit) {
    List<MatchResult> out = new ArrayList<>();
    double max = limit == null ? Double.POSITIVE_INFINITY : limit.doubleValue();
    Matcher m = p.matcher(Bounds.timed(s));
    MatchResult current = m.find() ? m.toMatchResult() : null;
    while (current != null && out.size() < max) {
      out.add(current);
      int from = current.end();
      current = null;
      if (from < s.length() && m.find(from)) {
        if (m.end() == m.start()) throw new JException("D1004", -1);
        current = m.toMatchResult();
      }
    }
    return out;
  }

  /** jsonata-js's $match over a regular expression: {match, index, groups} for each match taken. */
  private static Object match(String s, Pattern p, Number limit) {
    if (limit != null && limit.doubleValue() < 0) throw new JException("D3040", -1, limit);
    List<Object> out = Utils.createSequence();
    for (MatchResult r : regexMatches(p, s, limit)) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("match", r.group());
      one.put("index", r.start());
      List<Object> groups = new ArrayList<>();
      for (int g = 1; g <= r.groupCount(); g++) groups.add(r.group(g));
      one.put("groups", groups);
      out.add(one);
    }
    return out;
  }

  /**
   * jsonata-js's $split by a text: a negative limit is D3020; otherwise JavaScript's
   * {@code String.prototype.split}, whose limit is taken as an unsigned 32-bit integer (so a
   * fractional one below 1 gives nothing and a huge one wraps) and whose empty separator splits into
   * UTF-16 code units.
   */
  private static Object split(String s, String sep, Number limit) {
    if (limit != null && limit.doubleValue() < 0) throw new JException("D3020", -1, s);
    List<Object> out = new ArrayList<>();
    if (limit != null && !(limit.doubleValue() > 0)) return out;
    long max = limit == null ? 0xFFFFFFFFL : toUint32(limit.doubleValue());
    if (max == 0) return out;
    if (sep.isEmpty()) {
      for (int i = 0; i < s.length() && out.size() < max; i++) out.add(String.valueOf(s.charAt(i)));
      return out;
    }
    int from = 0;
    for (int at = s.indexOf(sep); at >= 0; at = s.indexOf(sep, from)) {
      out.add(s.substring(from, at));
      if (out.size() == max) return out;
      from = at + sep.length();
    }
    out.add(s.substring(from));
    return out;
  }

  /** JavaScript's ToUint32. */
  private static long toUint32(double d) {
    if (!Double.isFinite(d)) return 0;
    double t = d < 0 ? Math.ceil(d) : Math.floor(d);
    double m = t % 4294967296.0;
    if (m < 0) m += 4294967296.0;
    return (long) m;
  }

  /** jsonata-js's $split over a regular expression: the text between the matches taken, and the rest unless the limit is reached. */
  private static Object split(String s, Pattern p, Number limit) {
    if (limit != null && limit.doubleValue() < 0) throw new JException("D3020", -1, s);
    List<Object> out = new ArrayList<>();
    if (limit != null && limit.doubleValue() == 0) return out;
    List<MatchResult> matches = regexMatches(p, s, limit);
    int start = 0;
    for (MatchResult r : matches) {
      out.add(s.substring(start, r.start()));
      start = r.end();
    }
    if (limit == null || matches.size() < limit.doubleValue()) out.add(s.substring(start));
    return out;
  }

  /**
   * jsonata-js's $replace: a text pattern is replaced literally; a regular expression's matches (as
   * {@link #regexMatches} walks them) by the replacement text, where {@code $$} is a dollar, {@code
   * $0} the match and {@code $n} a group (as many digits as there are groups allow), or by what the
   * function returns for {@code {match, start, end, groups}}, which must be a string (D3012).
   */
  private static String replace(String s, Object pattern, Object replacement, Number limit) {
    if (pattern instanceof String p && p.isEmpty()) throw new JException("D3010", -1);
    if (limit != null && limit.doubleValue() < 0) throw new JException("D3011", -1);
    double max = limit == null ? Double.POSITIVE_INFINITY : limit.doubleValue();
    StringBuilder out = new StringBuilder();
    int position = 0;
    if (pattern instanceof String p) {
      int count = 0;
      for (int i = s.indexOf(p); i != -1 && count < max; i = s.indexOf(p, position), count++) {
        out.append(s, position, i).append(replacement);
        position = i + p.length();
      }
      return out.append(s.substring(position)).toString();
    }
    for (MatchResult r : regexMatches((Pattern) pattern, s, limit)) {
      out.append(s, position, r.start());
      List<Object> groups = new ArrayList<>();
      for (int g = 1; g <= r.groupCount(); g++) groups.add(r.group(g));
      if (replacement instanceof String text) {
        out.append(substitute(text, r.group(), groups));
      } else {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("match", r.group());
        m.put("start", r.start());
        m.put("end", r.end());
        m.put("groups", groups);
        Object with;
        try {
          with = Functions.funcApply(replacement, List.of(m));
        } catch (RuntimeException | Error e) {
          throw e;
        } catch (Throwable e) {
          throw new IllegalStateException(e);
        }
        if (!(with instanceof String w)) throw new JException("D3012", -1, with);
        out.append(w);
      }
      position = r.end();
    }
    return out.append(s.substring(position)).toString();
  }

  /** jsonata-js's replacement text for one match. */
  private static String substitute(String text, String match, List<Object> groups) {
    StringBuilder b = new StringBuilder();
    int position = 0;
    int index = text.indexOf('$');
    while (index != -1 && position < text.length()) {
      b.append(text, position, index);
      position = index + 1;
      char next = position < text.length() ? text.charAt(position) : 0;
      if (next == '$') {
        b.append('$');
        position++;
      } else if (next == '0') {
        b.append(match);
        position++;
      } else {
        int maxDigits = groups.isEmpty() ? 1 : (int) Math.floor(Math.log10(groups.size())) + 1;
        Integer group = leadingInt(text, position, maxDigits);
        if (maxDigits > 1 && group != null && group > groups.size()) group = leadingInt(text, position, maxDigits - 1);
        if (group != null) {
          if (!groups.isEmpty() && group >= 1 && group <= groups.size() && groups.get(group - 1) != null) b.append(groups.get(group - 1));
          position += group.toString().length();
        } else {
          b.append('$');
        }
      }
      index = text.indexOf('$', position);
    }
    return b.append(text.substring(Math.min(position, text.length()))).toString();
  }

  /** JavaScript's parseInt of up to {@code digits} characters from {@code from}: the leading decimal digits, or null. */
  private static Integer leadingInt(String text, int from, int digits) {
    int end = from;
    while (end < text.length() && end < from + digits && Character.isDigit(text.charAt(end))) end++;
    return end == from ? null : Integer.parseInt(text.substring(from, end));
  }

  /**
   * jsonata-js's $pad: to the width's absolute value in characters, on the right for a positive
   * width and on the left for a negative one, with the padding text repeated and cut (a space when
   * none is given). Built once: a result past the memory bound is refused before it is made.
   */
  private static String pad(String s, double width, String with) {
    String unit = with == null || with.isEmpty() ? " " : with;
    double missing = Math.abs(width) - s.codePointCount(0, s.length());
    if (!(missing > 0)) return s;
    // jsonata-js makes an Array one longer: a fraction, or 2^32 or more, is JavaScript's RangeError
    if (missing != Math.floor(missing) || missing + 1 >= 0x1p32) throw new IllegalArgumentException("Invalid array length");
    if (missing > Bounds.MAX_CHARS) throw new Bounds.Crossed(Bounds.TOO_BIG);
    long padLength = (long) missing;
    int[] cps = unit.codePoints().toArray();
    StringBuilder padding = new StringBuilder();
    for (long i = 0; i < padLength; i++) padding.appendCodePoint(cps[(int) (i % cps.length)]);
    return width > 0 ? s + padding : padding + s;
  }

  /** jsonata-js's $distinct: the first of each group of deeply equal values ({@code 1} and {@code 1.0} are one number). */
  private static List<Object> distinct(List<?> l) {
    Map<Object, Object> firsts = new LinkedHashMap<>();
    for (Object v : l) firsts.putIfAbsent(key(v), v);
    List<Object> out = Utils.isSequence(l) ? Utils.createSequence() : new ArrayList<>();
    out.addAll(firsts.values());
    return out;
  }

  /** A value that equals another's exactly when jsonata-js's deep equality holds: numbers by value, containers member by member. */
  private static Object key(Object v) {
    if (v instanceof Number n) return n.doubleValue() + 0.0;
    if (v instanceof List<?> l) {
      List<Object> k = new ArrayList<>(l.size());
      for (Object o : l) k.add(key(o));
      return k;
    }
    if (v instanceof Map<?, ?> m) {
      Map<Object, Object> k = new java.util.HashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) k.put(e.getKey(), key(e.getValue()));
      return k;
    }
    return v;
  }

  /** jsonata-js's $substring: counted in characters (code points); a negative start counts from the end. */
  private static String substring(String s, Number startArg, Number lengthArg) {
    int[] cps = s.codePoints().toArray();
    double start = startArg.doubleValue();
    if (cps.length + start < 0) start = 0;
    double end = cps.length;
    if (lengthArg != null) {
      double length = lengthArg.doubleValue();
      if (length <= 0) return "";
      end = start >= 0 ? start + length : cps.length + start + length;
    }
    int from = slicePosition(start, cps.length);
    int to = slicePosition(end, cps.length);
    return from >= to ? "" : new String(cps, from, to - from);
  }

  /** A position as JavaScript's slice takes it: truncated, from the end when negative, within the text. */
  private static int slicePosition(double p, int size) {
    double t = p < 0 ? Math.ceil(p) : Math.floor(p);
    if (t < 0) t += size;
    return (int) Math.max(0, Math.min(size, t));
  }

  private static final String URI_KEEP = "-_.!~*'();/?:@&=+$,#";

  /** JavaScript's encodeURI, which jsonata-js's $encodeUrl is: UTF-8 escapes but for URI characters; a lone surrogate is D3140. */
  private static String encodeUri(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) throw new JException("D3140", -1, "encodeUrl", s);
      if (cp < 128 && (Character.isLetterOrDigit(cp) || URI_KEEP.indexOf(cp) >= 0)) {
        b.append((char) cp);
      } else {
        for (byte x : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
          b.append('%').append(Character.toUpperCase(Character.forDigit((x >> 4) & 0xf, 16))).append(Character.toUpperCase(Character.forDigit(x & 0xf, 16)));
        }
      }
      i += Character.charCount(cp);
    }
    return b.toString();
  }

  private static boolean allOf(List<?> l, Class<?> type) {
    for (Object o : l) if (!type.isInstance(o)) return false;
    return true;
  }

  /** jsonata-js's type letter of a value: {@code l} is JSON null, {@code m} undefined. */
  private static char symbol(Object v) {
    if (v == null) return 'm';
    if (v == com.dashjoin.jsonata.Jsonata.NULL_VALUE) return 'l';
    if (Utils.isFunction(v) || Functions.isLambda(v) || v instanceof Pattern) return 'f';
    if (v instanceof String) return 's';
    if (v instanceof Number) return 'n';
    if (v instanceof Boolean) return 'b';
    if (v instanceof List) return 'a';
    if (v instanceof Map) return 'o';
    return 'm';
  }

  /** Whether the {@code index}th parameter of {@code signature} is an array ({@code a}, not {@code x}). */
  static boolean isArray(String signature, int index) {
    int n = -1;
    for (int i = 1; i < signature.length(); i++) {
      char c = signature.charAt(i);
      if (c == ':' || c == '>') break;
      if (c == '<') {
        i = signature.indexOf('>', i);
        continue;
      }
      if (c == '(') {
        i = signature.indexOf(')', i);
        n++;
        continue;
      }
      if ("snbloafjx".indexOf(c) >= 0 && ++n == index) return c == 'a';
    }
    return false;
  }

  /** jsonata-js's {@code parseSignature}: one pattern per parameter (type parameters are not matched). */
  static List<String> parameters(String signature) {
    List<String> out = new ArrayList<>();
    for (int i = 1; i < signature.length(); i++) {
      char c = signature.charAt(i);
      if (c == ':' || c == '>') break;
      switch (c) {
        case 's', 'n', 'b', 'l', 'o' -> out.add("[" + c + "m]");
        case 'a', 'x' -> out.add("[asnblfom]");
        case 'f' -> out.add("f");
        case 'j' -> out.add("[asnblom]");
        case '-' -> out.set(out.size() - 1, out.get(out.size() - 1) + "?");
        case '?', '+' -> out.set(out.size() - 1, out.get(out.size() - 1) + c);
        case '(' -> {
          int end = signature.indexOf(')', i);
          out.add("[" + signature.substring(i + 1, end) + "m]");
          i = end;
        }
        case '<' -> i = signature.indexOf('>', i); // a type parameter of the array or function before it
        default -> { }
      }
    }
    return out;
  }
}
