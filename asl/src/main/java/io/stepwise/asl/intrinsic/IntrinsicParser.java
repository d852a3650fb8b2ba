package io.stepwise.asl.intrinsic;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.path.Json;
import io.stepwise.asl.path.PathExpr;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** Parses {@code States.Format('x {}', $.a, States.Array(1, 2))} into an {@link IntrinsicExpr.Call}. */
public final class IntrinsicParser {
  /**
   * "You can nest up to 10 intrinsic functions within a field" (the developer guide): the outermost
   * call and nine within it. A stored definition, accepted when an eleventh was let through, still
   * loads.
   */
  private static final int MAX_NESTING = 10;
  private final String s;
  /** A new definition's rule for escapes; false for a stored one, which keeps the escapes it was accepted with. */
  private final boolean strict;
  private int pos;

  private IntrinsicParser(String s, boolean strict) {
    this.s = s;
    this.strict = strict;
  }

  /** True when a {@code .$} value is an intrinsic call rather than a path. */
  public static boolean looksLikeCall(String text) {
    return text.startsWith("States.");
  }

  public static IntrinsicExpr.Call parse(String text) {
    return parse(text, true);
  }

  /**
   * As {@link #parse(String)}; with {@code strict} false (a stored definition, accepted before AWS's
   * escape rule was followed) a backslash before any other character is read as it was then:
   * {@code \n \t \r} a line feed, tab and carriage return, {@code \"} and other letters
   * themselves, anything else keeps its backslash.
   */
  public static IntrinsicExpr.Call parse(String text, boolean strict) {
    IntrinsicParser p = new IntrinsicParser(text, strict);
    IntrinsicExpr.Call call = p.call(0);
    p.spaces();
    if (p.pos != text.length()) throw p.error("unexpected trailing text");
    return call;
  }

  private IntrinsicExpr.Call call(int depth) {
    if (depth >= (strict ? MAX_NESTING : MAX_NESTING + 1)) {
      throw error("more than " + MAX_NESTING + " intrinsic functions nested");
    }
    int start = pos;
    if (!s.startsWith("States.", pos)) throw error("expected 'States.'");
    pos += 7;
    int nameStart = pos;
    while (pos < s.length() && Character.isLetterOrDigit(s.charAt(pos))) pos++;
    String name = "States." + s.substring(nameStart, pos);
    IntrinsicExpr.Function fn = Intrinsics.lookup(name);
    if (fn == null) throw error("unknown function " + name);
    spaces();
    expect('(');
    List<IntrinsicExpr> args = new ArrayList<>();
    spaces();
    if (peek() != ')') {
      args.add(arg(depth));
      spaces();
      while (peek() == ',') {
        pos++;
        args.add(arg(depth));
        spaces();
      }
    }
    expect(')');
    return new IntrinsicExpr.Call(name, fn, List.copyOf(args), s.substring(start, pos));
  }

  private IntrinsicExpr arg(int depth) {
    spaces();
    char c = peek();
    if (c == '\'') {
      String raw = strict ? string() : legacy(string());
      return new IntrinsicExpr.StringLiteral(Json.NODES.textNode(unescape(raw)), raw);
    }
    if (c == '$') return new IntrinsicExpr.Path(PathExpr.compile(pathText()));
    if (s.startsWith("States.", pos)) return call(depth + 1);
    for (String kw : new String[] {"true", "false", "null"}) {
      if (s.startsWith(kw, pos)) {
        pos += kw.length();
        JsonNode v = kw.equals("null") ? Json.NODES.nullNode() : Json.NODES.booleanNode(kw.equals("true"));
        return new IntrinsicExpr.Literal(v);
      }
    }
    int start = pos;
    while (pos < s.length() && "-+.0123456789eE".indexOf(s.charAt(pos)) >= 0) pos++;
    if (start == pos) throw error("unexpected character '" + c + "'");
    try {
      String text = s.substring(start, pos);
      BigDecimal d = new BigDecimal(text);
      // a literal written with a point, or with a fractional value, is a double as JSON text's
      // fractions are (Json.READING); any other is an integer as written (1e3 is 1000)
      boolean fraction = text.indexOf('.') >= 0 || d.scale() > 0;
      JsonNode n = fraction ? Json.READING.numberNode(d)
          : d.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) < 0 ? Json.NODES.numberNode(d.longValueExact()) : Json.NODES.numberNode(d);
      if (n.canConvertToInt() && n.isIntegralNumber()) n = Json.NODES.numberNode(n.intValue());
      return new IntrinsicExpr.Literal(n);
    } catch (NumberFormatException | ArithmeticException e) {
      throw error("bad number");
    }
  }

  /** A path argument ends at the first ',' or ')' outside brackets and quotes. */
  private String pathText() {
    int start = pos, depth = 0;
    char quote = 0;
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '[' || c == '(') {
        depth++;
      } else if (c == ']' || (c == ')' && depth > 0)) {
        depth--;
      } else if (depth == 0 && (c == ',' || c == ')' || space(c))) {
        break;
      }
      pos++;
    }
    return s.substring(start, pos);
  }

  /**
   * The raw text between the quotes, escapes kept (States.Format needs to see escaped braces). A
   * backslash may escape only one of the reserved characters {@code ' { } \\} (the ASL
   * specification: "The literal string \\' represents '", and so on); any other character after it
   * makes the call invalid, as AWS refuses {@code \\n} in {@code States.Format('Hello\\n{}', ...)} at
   * creation (aws-cdk#27304, a real line break being the way to write one). Any other character, line
   * breaks included, is itself.
   */
  private String string() {
    int start = ++pos;
    while (pos < s.length()) {
      char c = s.charAt(pos++);
      if (c == '\\' && pos < s.length()) {
        if (strict && escaped(s.charAt(pos)) < 0) throw error("'\\" + s.charAt(pos) + "' is not an escape: only ' { } \\ are");
        pos++;
      } else if (c == '\'') {
        return s.substring(start, pos - 1);
      }
    }
    throw error("unterminated string");
  }

  /**
   * What a backslash followed by {@code next} stands for, or -1 when it escapes nothing: only the
   * reserved characters {@code ' { } \\} are escaped, in an intrinsic string (where anything else is
   * refused by the parser) and in a {@code States.Format} template read from the input (where
   * anything else keeps its backslash, being data).
   */
  static int escaped(char next) {
    return "'{}\\".indexOf(next) >= 0 ? next : -1;
  }

  /** A stored definition's raw string with its other escapes resolved as they were read before (see {@link #parse(String, boolean)}). */
  private static String legacy(String raw) {
    if (raw.indexOf('\\') < 0) return raw;
    StringBuilder b = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c != '\\' || i + 1 == raw.length()) {
        b.append(c);
        continue;
      }
      char next = raw.charAt(++i);
      if (escaped(next) >= 0) b.append(c).append(next);
      else if (next == 'n') b.append('\n');
      else if (next == 't') b.append('\t');
      else if (next == 'r') b.append('\r');
      else if (next == '"' || Character.isLetter(next)) b.append(next);
      else b.append(c).append(next);
    }
    return b.toString();
  }

  /** Resolves the escapes of a raw string ({@link #escaped}). */
  static String unescape(String raw) {
    if (raw.indexOf('\\') < 0) return raw;
    StringBuilder b = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      int e = c == '\\' && i + 1 < raw.length() ? escaped(raw.charAt(i + 1)) : -1;
      if (e >= 0) {
        c = (char) e;
        i++;
      }
      b.append(c);
    }
    return b.toString();
  }

  private char peek() {
    return pos < s.length() ? s.charAt(pos) : '\0';
  }

  /** Between the tokens of a call: spaces, tabs and line breaks. */
  private void spaces() {
    while (pos < s.length() && space(s.charAt(pos))) pos++;
  }

  private static boolean space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }

  private void expect(char c) {
    if (peek() != c) throw error("expected '" + c + "'");
    pos++;
  }

  IllegalArgumentException error(String what) {
    return new IllegalArgumentException("The value for the field must be a valid intrinsic function call: " + s + " (" + what + ")");
  }
}
