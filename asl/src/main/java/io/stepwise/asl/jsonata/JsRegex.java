package io.stepwise.asl.jsonata;

/**
 * JSONata's regular expression literals ({@code /pattern/flags}) are JavaScript regular
 * expressions: AWS evaluates JSONata in JavaScript, where {@code new RegExp(pattern, flags)} reads
 * them without the {@code u} flag, so Annex B of ECMAScript applies. The dashjoin engine hands the
 * pattern to {@link java.util.regex.Pattern}, which refuses some of what JavaScript reads (and
 * reads other things differently). {@link #rewriteLiterals} rewrites each literal of an
 * expression into the Java pattern that means the same, before the engine tokenizes it:
 *
 * <ul>
 *   <li>a brace that does not make a quantifier is a literal character ({@code /{{x}}/},
 *       {@code /a{b}/}), and so is a {@code ]} outside a class: escaped;
 *   <li>{@code [^]} matches any character: {@code [\s\S]}; {@code []} matches nothing:
 *       {@code (?!)};
 *   <li>in a class, {@code [} and {@code &&} are literal characters (Java nests or intersects
 *       classes with them): escaped;
 *   <li>without the {@code m} flag, {@code $} matches at the very end only (Java's also before a
 *       final line break): {@code \z};
 *   <li>{@code .} matches anything but LF, CR, LS and PS (Java's excludes NEL too), {@code \s} JavaScript's white space (Unicode spaces too), and escapes
 *       read as JavaScript reads them ({@link #escape}): {@code \a} is the letter a, not BEL;
 *   <li>with the {@code i} flag, case is compared as Unicode (Java's by ASCII unless told).
 * </ul>
 *
 * The engine's scanner finds the closing {@code /} by counting unescaped brackets, so the
 * rewritten pattern leaves none unbalanced: a literal bracket, and any bracket inside a class, is
 * written as its hex escape ({@code \x7B}), and every {@code /} inside the pattern as {@code \/}.
 * Everything else is copied as written, so a pattern both languages read alike is unchanged.
 * Literals are found as JSONata's tokenizer finds them: a {@code /} where an operand is expected
 * (not after a value, where it divides; a {@code *}, {@code **} or {@code %} in an operand's place
 * is one), not inside a string, a backquoted name or a comment, ending at the first unescaped
 * {@code /} outside brackets. Names are scanned as JSONata scans them: any characters up to
 * whitespace or an operator character.
 */
final class JsRegex {
  private JsRegex() {}
  private static final String OPERATORS = ".[]{}(),@#;:?+-*/%|=<>^&!~";

  /** {@code expression} with each regular expression literal's pattern rewritten for Java. */
  static String rewriteLiterals(String expression) {
    if (expression.indexOf('/') < 0) return expression;
    StringBuilder out = new StringBuilder(expression.length() + 8);
    boolean operandExpected = true;
    int i = 0;
    int n = expression.length();
    while (i < n) {
      char c = expression.charAt(i);
      if (Character.isWhitespace(c)) {
        out.append(c);
        i++;
      } else if (c == '/' && i + 1 < n && expression.charAt(i + 1) == '*') {
        int end = expression.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
        out.append(expression, i, end);
        i = end;
      } else if (c == '"' || c == '\'' || c == '`') {
        int end = i + 1;
        while (end < n && expression.charAt(end) != c) end += c != '`' && expression.charAt(end) == '\\' ? 2 : 1;
        end = Math.min(end + 1, n);
        out.append(expression, i, end);
        i = end;
        operandExpected = false;
      } else if (c == '/' && operandExpected) {
        int end = closingSlash(expression, i + 1);
        if (end < 0) { // the engine reports it, in its words
          out.append(expression, i, n);
          break;
        }
        int flags = end + 1;
        while (flags < n && Character.isLetter(expression.charAt(flags))) flags++;
        String flagText = expression.substring(end + 1, flags);
        // JavaScript's i compares by Unicode case (é and É), Java's by ASCII case unless told
        out.append('/').append(flagText.indexOf('i') >= 0 ? "(?u)" : "")
            .append(toJava(expression.substring(i + 1, end), flagText.indexOf('m') >= 0)).append('/');
        i = end + 1;
        operandExpected = false;
      } else if ((c == '*' || c == '%') && operandExpected) { // wildcard, descendants or parent: an operand
        int end = c == '*' && i + 1 < n && expression.charAt(i + 1) == '*' ? i + 2 : i + 1;
        out.append(expression, i, end);
        i = end;
        operandExpected = false;
      } else if (OPERATORS.indexOf(c) < 0) { // a name, number or variable, as JSONata scans one
        int end = i + 1;
        while (end < n && OPERATORS.indexOf(expression.charAt(end)) < 0 && " \t\n\r".indexOf(expression.charAt(end)) < 0) {
          end++;
        }
        String word = expression.substring(i, end);
        out.append(word);
        i = end;
        operandExpected = word.equals("and") || word.equals("or") || word.equals("in");
      } else {
        out.append(c);
        i++;
        operandExpected = c != ')' && c != ']' && c != '}';
      }
    }
    return out.toString();
  }

  /** Where the literal whose pattern starts at {@code from} ends, as JSONata scans it; -1 if it does not. */
  private static int closingSlash(String s, int from) {
    int depth = 0;
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean escaped = escapedAt(s, i);
      if (c == '/' && depth == 0 && !escaped) return i;
      if ((c == '(' || c == '[' || c == '{') && s.charAt(i - 1) != '\\') depth++;
      if ((c == ')' || c == ']' || c == '}') && s.charAt(i - 1) != '\\') depth--;
    }
    return -1;
  }

  private static boolean escapedAt(String s, int i) {
    int backslashes = 0;
    while (i - backslashes - 1 >= 0 && s.charAt(i - backslashes - 1) == '\\') backslashes++;
    return backslashes % 2 == 1;
  }

  /** A JavaScript (Annex B) pattern, with or without the {@code m} flag, as a Java pattern that matches the same. */
  static String toJava(String js, boolean multiline) {
    StringBuilder out = new StringBuilder(js.length() + 4);
    boolean inClass = false;
    int n = js.length();
    for (int i = 0; i < n; i++) {
      char c = js.charAt(i);
      if (c == '\\' && i + 1 < n) {
        i = escape(js, i, inClass, out);
      } else if (c == '.' && !inClass) {
        out.append("[^\\n\\r\\u2028\\u2029]");
      } else if (c == '/') {
        out.append("\\/");
      } else if (inClass && (c == '(' || c == ')' || c == '{' || c == '}')) {
        out.append(String.format("\\x%02X", (int) c));
      } else if (inClass) {
        if (c == ']') {
          inClass = false;
          out.append(c);
        } else if (c == '[') {
          out.append("\\x5B");
        } else if (c == '&' && i + 1 < n && js.charAt(i + 1) == '&') {
          out.append("&\\&");
          i++;
        } else {
          out.append(c);
        }
      } else if (c == '[') {
        if (js.startsWith("[^]", i)) {
          out.append("[\\s\\S]");
          i += 2;
        } else if (js.startsWith("[]", i)) {
          out.append("(?!)");
          i += 1;
        } else {
          inClass = true;
          out.append(c);
          if (i + 1 < n && js.charAt(i + 1) == '^') out.append(js.charAt(++i));
        }
      } else if (c == '{') {
        int end = quantifierEnd(js, i);
        if (end < 0) {
          out.append("\\x7B");
        } else {
          out.append(js, i, end + 1);
          i = end;
        }
      } else if (c == '}') {
        out.append("\\x7D");
      } else if (c == ']') {
        out.append("\\x5D");
      } else if (c == '$' && !multiline) {
        out.append("\\z");
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** JavaScript's {@code \\s}: its white space and line terminators (Java's is ASCII only). */
  private static final String SPACE = "\\t\\n\\x0B\\f\\r \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF";

  /**
   * The escape at {@code at} as Java reads the same: {@code \\s} and {@code \\S} by JavaScript's
   * white space, {@code \\v} one vertical tab, {@code \\0} NUL, {@code \\b} in a class a backspace,
   * {@code \\x}, {@code \\u}, {@code \\c} and {@code \\k} without what makes them escapes their
   * letter, and a letter JavaScript gives no meaning ({@code \\a}, {@code \\e}, {@code \\h},
   * {@code \\z}, {@code \\p}, ...: Java gives them one) the letter itself; the rest as written.
   * Returns the index of the escape's last character.
   */
  private static int escape(String js, int at, boolean inClass, StringBuilder out) {
    char e = js.charAt(at + 1);
    String rest = js.substring(at + 2);
    switch (e) {
      case 's' -> out.append(inClass ? SPACE : "[" + SPACE + "]");
      case 'S' -> out.append("[^").append(SPACE).append(']');
      case 'v' -> out.append("\\x0B");
      case 'b' -> out.append(inClass ? "\\x08" : "\\b");
      case '0' -> out.append(!rest.isEmpty() && Character.isDigit(rest.charAt(0)) ? "\\0" : "\\x00");
      case 'x' -> out.append(rest.matches("(?s)[0-9A-Fa-f]{2}.*") ? "\\x" : "x");
      case 'u' -> out.append(rest.matches("(?s)[0-9A-Fa-f]{4}.*") ? "\\u" : "u");
      case 'c' -> out.append(!rest.isEmpty() && isAsciiLetter(rest.charAt(0)) ? "\\c" : "\\\\c");
      case 'k' -> out.append(rest.startsWith("<") ? "\\k" : "k");
      case 'd', 'D', 'w', 'W', 'B', 't', 'n', 'f', 'r' -> out.append('\\').append(e);
      default -> {
        if (isAsciiLetter(e)) out.append(e);
        else out.append('\\').append(e);
      }
    }
    return at + 1;
  }

  private static boolean isAsciiLetter(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
  }

  /** The index of the {@code }} closing a quantifier {@code {n}}, {@code {n,}} or {@code {n,m}} at {@code at}; -1 if none. */
  private static int quantifierEnd(String s, int at) {
    int i = at + 1;
    int digits = 0;
    while (i < s.length() && Character.isDigit(s.charAt(i))) {
      i++;
      digits++;
    }
    if (digits == 0) return -1;
    if (i < s.length() && s.charAt(i) == ',') {
      i++;
      while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
    }
    return i < s.length() && s.charAt(i) == '}' ? i : -1;
  }
}
