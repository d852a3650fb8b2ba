package io.stepwise.asl.jsonata;

import com.dashjoin.jsonata.JException;
import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.path.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JSONata run-time error in the words AWS writes, which are jsonata-js's: AWS evaluates JSONata
 * in JavaScript and gives {@code <code>: <message>} (floci#2736, #2783, measured), e.g.
 * {@code T0410: Argument 1 of function "abs" does not match function signature}. The dashjoin
 * engine raises the same codes, but its texts differ (it writes "Object" for "function", quotes
 * every value, and fills only two placeholders), so the message is rebuilt here from jsonata-js
 * 2.0.6's templates (MIT licence) and what the exception carries: a {@code {{name}}} placeholder is
 * the value as JSON ({@code JSON.stringify}), {@code {{{name}}}} the text as it is.
 */
final class JsErrors {
  private JsErrors() {}

  /** jsonata-js 2.0.6's templates for parse errors (codes S), where dashjoin's words differ or its values are all quoted. */
  static final Map<String, String> PARSE_TEMPLATES = Map.ofEntries(
      Map.entry("S0201", "Syntax error: {{token}}"),
      Map.entry("S0202", "Expected {{value}}, got {{token}}"),
      Map.entry("S0203", "Expected {{value}} before end of expression"),
      Map.entry("S0204", "Unknown operator: {{token}}"),
      Map.entry("S0205", "Unexpected token: {{token}}"),
      Map.entry("S0206", "Unknown expression type: {{token}}"),
      Map.entry("S0208", "Parameter {{value}} of function definition must be a variable name (start with $)"),
      Map.entry("S0211", "The symbol {{token}} cannot be used as a unary operator"),
      Map.entry("S0213", "The literal value {{value}} cannot be used as a step within a path expression"),
      Map.entry("S0214", "The right side of {{token}} must be a variable name (start with $)"),
      Map.entry("S0216", "A context variable binding must precede the 'order-by' clause on a step"),
      Map.entry("S0217", "The object representing the 'parent' cannot be derived from this expression"));

  /**
   * A parse error in jsonata-js's words without its code (AWS's INVALID_JSONATA_EXPRESSION message):
   * a token or value as JSON, so a number is not quoted ({@code Expected "]", got 2}); null when
   * dashjoin's own text is as good.
   */
  static String describeParse(JException e) {
    String template = e.getError() == null ? null : PARSE_TEMPLATES.get(e.getError());
    return template == null ? null : fill(template, e, Map.of(), true, false, null);
  }

  /** jsonata-js 2.0.6's templates for evaluation errors (codes D and T). */
  static final Map<String, String> TEMPLATES = Map.ofEntries(
      Map.entry("T0410", "Argument {{index}} of function {{token}} does not match function signature"),
      Map.entry("T0411", "Context value is not a compatible type with argument {{index}} of function {{token}}"),
      Map.entry("T0412", "Argument {{index}} of function {{token}} must be an array of {{type}}"),
      Map.entry("D1001", "Number out of range: {{value}}"),
      Map.entry("D1002", "Cannot negate a non-numeric value: {{value}}"),
      Map.entry("T1003", "Key in object structure must evaluate to a string; got: {{value}}"),
      Map.entry("D1004", "Regular expression matches zero length string"),
      Map.entry("T1005", "Attempted to invoke a non-function. Did you mean ${{{token}}}?"),
      Map.entry("T1006", "Attempted to invoke a non-function"),
      Map.entry("T1007", "Attempted to partially apply a non-function. Did you mean ${{{token}}}?"),
      Map.entry("T1008", "Attempted to partially apply a non-function"),
      Map.entry("D1009", "Multiple key definitions evaluate to same key: {{value}}"),
      Map.entry("D1010", "Attempted to access the Javascript object prototype"),
      Map.entry("T1010", "The matcher function argument passed to function {{token}} does not return the correct object structure"),
      Map.entry("T2001", "The left side of the {{token}} operator must evaluate to a number"),
      Map.entry("T2002", "The right side of the {{token}} operator must evaluate to a number"),
      Map.entry("T2003", "The left side of the range operator (..) must evaluate to an integer"),
      Map.entry("T2004", "The right side of the range operator (..) must evaluate to an integer"),
      Map.entry("D2005", "The left side of := must be a variable name (start with $)"),
      Map.entry("T2006", "The right side of the function application operator ~> must be a function"),
      Map.entry("T2007", "Type mismatch when comparing values {{value}} and {{value2}} in order-by clause"),
      Map.entry("T2008", "The expressions within an order-by clause must evaluate to numeric or string values"),
      Map.entry("T2009", "The values {{value}} and {{value2}} either side of operator {{token}} must be of the same data type"),
      Map.entry("T2010", "The expressions either side of operator {{token}} must evaluate to numeric or string values"),
      Map.entry("T2011", "The insert/update clause of the transform expression must evaluate to an object: {{value}}"),
      Map.entry("T2012", "The delete clause of the transform expression must evaluate to a string or array of strings: {{value}}"),
      Map.entry("T2013", "The transform expression clones the input object using the $clone() function.  This has been overridden in the current scope by a non-function."),
      Map.entry("D2014", "The size of the sequence allocated by the range operator (..) must not exceed 1e6.  Attempted to allocate {{value}}."),
      Map.entry("D3001", "Attempting to invoke string function on Infinity or NaN"),
      Map.entry("D3010", "Second argument of replace function cannot be an empty string"),
      Map.entry("D3011", "Fourth argument of replace function must evaluate to a positive number"),
      Map.entry("D3012", "Attempted to replace a matched string with a non-string value"),
      Map.entry("D3020", "Third argument of split function must evaluate to a positive number"),
      Map.entry("D3030", "Unable to cast value to a number: {{value}}"),
      Map.entry("D3040", "Third argument of match function must evaluate to a positive number"),
      Map.entry("D3050", "The second argument of reduce function must be a function with at least two arguments"),
      Map.entry("D3060", "The sqrt function cannot be applied to a negative number: {{value}}"),
      Map.entry("D3061", "The power function has resulted in a value that cannot be represented as a JSON number: base={{value}}, exponent={{exp}}"),
      Map.entry("D3070", "The single argument form of the sort function can only be applied to an array of strings or an array of numbers.  Use the second argument to specify a comparison function"),
      Map.entry("D3080", "The picture string must only contain a maximum of two sub-pictures"),
      Map.entry("D3081", "The sub-picture must not contain more than one instance of the 'decimal-separator' character"),
      Map.entry("D3082", "The sub-picture must not contain more than one instance of the 'percent' character"),
      Map.entry("D3083", "The sub-picture must not contain more than one instance of the 'per-mille' character"),
      Map.entry("D3084", "The sub-picture must not contain both a 'percent' and a 'per-mille' character"),
      Map.entry("D3085", "The mantissa part of a sub-picture must contain at least one character that is either an 'optional digit character' or a member of the 'decimal digit family'"),
      Map.entry("D3086", "The sub-picture must not contain a passive character that is preceded by an active character and that is followed by another active character"),
      Map.entry("D3087", "The sub-picture must not contain a 'grouping-separator' character that appears adjacent to a 'decimal-separator' character"),
      Map.entry("D3088", "The sub-picture must not contain a 'grouping-separator' at the end of the integer part"),
      Map.entry("D3089", "The sub-picture must not contain two adjacent instances of the 'grouping-separator' character"),
      Map.entry("D3090", "The integer part of the sub-picture must not contain a member of the 'decimal digit family' that is followed by an instance of the 'optional digit character'"),
      Map.entry("D3091", "The fractional part of the sub-picture must not contain an instance of the 'optional digit character' that is followed by a member of the 'decimal digit family'"),
      Map.entry("D3092", "A sub-picture that contains a 'percent' or 'per-mille' character must not contain a character treated as an 'exponent-separator'"),
      Map.entry("D3093", "The exponent part of the sub-picture must comprise only of one or more characters that are members of the 'decimal digit family'"),
      Map.entry("D3100", "The radix of the formatBase function must be between 2 and 36.  It was given {{value}}"),
      Map.entry("D3110", "The argument of the toMillis function must be an ISO 8601 formatted timestamp. Given {{value}}"),
      Map.entry("D3120", "Syntax error in expression passed to function eval: {{value}}"),
      Map.entry("D3121", "Dynamic error evaluating the expression passed to function eval: {{value}}"),
      Map.entry("D3130", "Formatting or parsing an integer as a sequence starting with {{value}} is not supported by this implementation"),
      Map.entry("D3131", "In a decimal digit pattern, all digits must be from the same decimal group"),
      Map.entry("D3132", "Unknown component specifier {{value}} in date/time picture string"),
      Map.entry("D3133", "The 'name' modifier can only be applied to months and days in the date/time picture string, not {{value}}"),
      Map.entry("D3134", "The timezone integer format specifier cannot have more than four digits"),
      Map.entry("D3135", "No matching closing bracket ']' in date/time picture string"),
      Map.entry("D3136", "The date/time picture string is missing specifiers required to parse the timestamp"),
      Map.entry("D3137", "{{{message}}}"),
      Map.entry("D3138", "The $single() function expected exactly 1 matching result.  Instead it matched more."),
      Map.entry("D3139", "The $single() function expected exactly 1 matching result.  Instead it matched 0."),
      Map.entry("D3140", "Malformed URL passed to ${{{functionName}}}(): {{value}}"),
      Map.entry("D3141", "{{{message}}}")
  );

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\{(\\w+)}}}|\\{\\{(\\w+)}}");
  private static final Map<String, String> ARRAY_TYPES = Map.of("n", "numbers", "s", "strings", "o", "objects", "b", "booleans", "a", "arrays", "f", "functions");

  /**
   * An error raised by one of Step Functions' own functions in AWS's complete words, code included
   * ({@code D3137: Invalid JSON}, {@code T0412: Argument 1 of function "partition" must be an array of
   * undefined}, as AWS answers them).
   */
  static final class Worded extends JException {
    final String words;

    Worded(String code, String message) {
      super(code, -1);
      this.words = code + ": " + message;
    }
  }

  /** {@code <code>: <message>}, or null when the exception names no code jsonata-js has. */
  static String describe(JException e) {
    boolean tokened = false;
    String token = null;
    if (e instanceof com.dashjoin.jsonata.JsArithmeticJsonata.Tokened t) {
      tokened = true;
      token = t.token();
      e = t.original();
    }
    if (e instanceof Worded w) return w.words;
    String code = e.getError();
    if (code != null && !TEMPLATES.containsKey(code)) code = codeOf(code);
    if (code == null) return null;
    return code + ": " + fill(TEMPLATES.get(code), e, fields(code, e), false, tokened, token);
  }

  /**
   * {@code template} filled: a named value from {@code fields}, the others in order from the
   * exception's current and expected values. With {@code tokens}, a value that is neither a number
   * nor a boolean is written as its text (dashjoin carries a parse error's operator as an object).
   */
  private static String fill(String template, JException e, Map<String, Object> fields, boolean tokens, boolean tokened,
      String token) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder b = new StringBuilder();
    List<Object> positional = new ArrayList<>(Arrays.asList(e.getCurrent(), e.getExpected()));
    while (m.find()) {
      boolean raw = m.group(1) != null;
      String name = raw ? m.group(1) : m.group(2);
      Object v = fields.containsKey(name) ? fields.get(name) : positional.isEmpty() ? null : positional.remove(0);
      // the operator or call jsonata-js marked the error with takes the token's place (its other values
      // stay in order); none is undefined
      if (tokened && name.equals("token")) v = token;
      if (tokens && v != null && !(v instanceof Number) && !(v instanceof Boolean)) v = String.valueOf(v);
      m.appendReplacement(b, Matcher.quoteReplacement(raw ? String.valueOf(v) : stringify(v)));
    }
    m.appendTail(b);
    return b.toString();
  }

  /**
   * {@code <code>: <message>} for an error dashjoin raises as a plain Java exception whose text is a
   * jsonata-js template, filled or not (a picture string's errors, say), or null. A value dashjoin
   * wrote as it is comes back as JSON ({@code "Q"}), as jsonata-js writes it.
   */
  static String describeText(String text) {
    if (text == null) return null;
    String code = codeOf(text);
    if (code != null) return code + ": " + text;
    for (Map.Entry<String, String> t : TEMPLATES.entrySet()) {
      String template = t.getValue();
      int at = template.indexOf("{{value}}");
      if (at < 0 || template.indexOf("{{", at + 9) >= 0 || template.lastIndexOf("{{", at - 1) >= 0) continue;
      String head = template.substring(0, at);
      String tail = template.substring(at + 9);
      if (text.length() > head.length() + tail.length() && text.startsWith(head) && text.endsWith(tail)) {
        String value = text.substring(head.length(), text.length() - tail.length());
        return t.getKey() + ": " + head + (value.matches("-?\\d+(\\.\\d+)?") ? value : stringify(value)) + tail;
      }
    }
    return null;
  }

  /** dashjoin raises some errors with the template text itself as their code. */
  private static String codeOf(String text) {
    for (Map.Entry<String, String> t : TEMPLATES.entrySet()) {
      if (t.getValue().equals(text)) return t.getKey();
    }
    return null;
  }

  /**
   * The named values of {@code code}'s template where dashjoin does not carry them in the template's
   * order (the others are filled in order from the exception's current and expected values).
   */
  private static Map<String, Object> fields(String code, JException e) {
    Map<String, Object> f = new HashMap<>();
    switch (code) {
      // a signature error no call marked (JsArithmeticJsonata.evaluateFunction: one raised by `~>`
      // outside any call's application) names no function, as in jsonata-js
      case "T0411" -> {
        f.put("index", e.getExpected());
        f.put("token", null);
      }
      case "T0412" -> {
        // the array-of-a-type functions ($sum, $max, $min, $average, $join, $merge) take it first
        f.put("index", 1);
        f.put("token", null);
        f.put("type", ARRAY_TYPES.getOrDefault(String.valueOf(e.getExpected()), String.valueOf(e.getExpected())));
      }
      case "T0410" -> f.put("token", null);
      case "D1002" -> f.put("value", e.getExpected());
      case "D3100" -> f.put("value", e.getLocation()); // dashjoin carries the radix there
      default -> { }
    }
    return f;
  }

  /** {@code JSON.stringify}: a string quoted, a whole number without a fraction. */
  static String stringify(Object v) {
    if (v == null) return "undefined";
    // a number as JSON.stringify writes it: 1e+21, not Java's 1.0E+21
    if ((v instanceof Double || v instanceof Float) && Double.isFinite(((Number) v).doubleValue())) {
      return JsBuiltins.JsNumber.shortest(((Number) v).doubleValue());
    }
    try {
      JsonNode n = Convert.toJson(v, "", "");
      if (n == null) return "undefined";
      StringBuilder b = new StringBuilder();
      writeJs(n, b);
      return b.toString();
    } catch (RuntimeException ex) {
      return String.valueOf(v);
    }
  }

  /** {@code n} as JSON.stringify writes it: as JSON, with each fraction written as JavaScript writes a number ({@code 1.5e-7}). */
  private static void writeJs(JsonNode n, StringBuilder b) {
    if (n.isObject()) {
      b.append('{');
      var fields = n.fields();
      while (fields.hasNext()) {
        var f = fields.next();
        b.append(Json.write(com.fasterxml.jackson.databind.node.TextNode.valueOf(f.getKey()))).append(':');
        writeJs(f.getValue(), b);
        if (fields.hasNext()) b.append(',');
      }
      b.append('}');
    } else if (n.isArray()) {
      b.append('[');
      for (int i = 0; i < n.size(); i++) {
        if (i > 0) b.append(',');
        writeJs(n.get(i), b);
      }
      b.append(']');
    } else if (n.isFloatingPointNumber() && Double.isFinite(n.doubleValue())) {
      b.append(JsBuiltins.JsNumber.shortest(n.doubleValue()));
    } else {
      b.append(Json.write(n));
    }
  }
}
