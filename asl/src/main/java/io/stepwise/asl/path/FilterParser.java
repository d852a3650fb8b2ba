package io.stepwise.asl.path;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Parses the inside of {@code [?( ... )]}: comparisons joined by {@code &&}, {@code ||}, {@code !}. */
final class FilterParser {
  private final PathParser p;

  FilterParser(PathParser p) {
    this.p = p;
  }

  FilterExpr parseOr() {
    FilterExpr left = parseAnd();
    p.skipSpaces();
    while (p.peek("||")) {
      p.pos += 2;
      left = new FilterExpr.Or(left, parseAnd());
      p.skipSpaces();
    }
    return left;
  }

  private FilterExpr parseAnd() {
    FilterExpr left = parseUnary();
    p.skipSpaces();
    while (p.peek("&&")) {
      p.pos += 2;
      left = new FilterExpr.And(left, parseUnary());
      p.skipSpaces();
    }
    return left;
  }

  private FilterExpr parseUnary() {
    p.skipSpaces();
    if (p.peek("!") && !p.peek("!=")) {
      p.pos++;
      return new FilterExpr.Not(parseUnary());
    }
    if (p.peek("(")) {
      p.pos++;
      FilterExpr e = parseOr();
      p.skipSpaces();
      p.expect(')');
      return e;
    }
    FilterExpr.Operand left = parseOperand();
    p.skipSpaces();
    String op = operator();
    if (op == null) {
      if (left instanceof FilterExpr.Operand.Path path) return new FilterExpr.Exists(path);
      throw p.error("expected a comparison");
    }
    p.skipSpaces();
    if (op.equals("=~")) {
      String src = p.source();
      if (src.charAt(p.pos) != '/') throw p.error("expected /regex/");
      int end = src.indexOf('/', p.pos + 1);
      if (end < 0) throw p.error("unterminated regex");
      String re = src.substring(p.pos + 1, end);
      p.pos = end + 1;
      int flags = 0;
      if (p.pos < src.length() && src.charAt(p.pos) == 'i') {
        flags = Pattern.CASE_INSENSITIVE;
        p.pos++;
      }
      return new FilterExpr.Compare(left, op, null, Pattern.compile(re, flags));
    }
    return new FilterExpr.Compare(left, op, parseOperand(), null);
  }

  /**
   * Jayway's relational operators: a run of {@code < > = ~ !} characters ({@code ==},
   * {@code ===}, {@code !=}, {@code !==}, {@code <}, {@code <=}, {@code >}, {@code >=},
   * {@code =~}) or a word in any case ({@code in}, {@code nin}, {@code subsetof}, {@code anyof},
   * {@code noneof}, {@code contains}, {@code all}, {@code size}, {@code empty}, {@code exists}).
   * Null when no operator follows (an existence test).
   */
  private String operator() {
    String s = p.source();
    int i = p.pos;
    if (i >= s.length()) return null;
    if (SYMBOL_CHARS.indexOf(s.charAt(i)) >= 0) {
      int j = i;
      while (j < s.length() && SYMBOL_CHARS.indexOf(s.charAt(j)) >= 0) j++;
      String op = s.substring(i, j);
      if (!SYMBOLS.contains(op)) throw p.error("filter operator " + op + " is not supported");
      p.pos = j;
      return op;
    }
    int j = i;
    while (j < s.length() && Character.isLetter(s.charAt(j))) j++;
    String word = s.substring(i, j).toLowerCase(Locale.ROOT);
    if (!WORDS.contains(word)) return null;
    p.pos = j;
    return word;
  }

  private static final String SYMBOL_CHARS = "<>=~!";
  private static final Set<String> SYMBOLS = Set.of("==", "===", "!=", "!==", "<", "<=", ">", ">=", "=~");
  private static final Set<String> WORDS =
      Set.of("in", "nin", "subsetof", "anyof", "noneof", "contains", "all", "size", "empty", "exists");

  private FilterExpr.Operand parseOperand() {
    p.skipSpaces();
    String s = p.source();
    if (p.pos >= s.length()) throw p.error("unexpected end of filter");
    char c = s.charAt(p.pos);
    if (c == '@' || c == '$') {
      JsonPath path = p.parseInFilter();
      return new FilterExpr.Operand.Path(path, c == '@');
    }
    if (c == '\'' || c == '"') return lit(Json.NODES.textNode(p.parseQuoted()));
    if (c == '[' || c == '{') {
      int end = matching(s, p.pos, c, c == '[' ? ']' : '}');
      try {
        JsonNode n = Json.parse(s.substring(p.pos, end).replace('\'', '"'));
        p.pos = end;
        return lit(n);
      } catch (Exception e) {
        throw p.error(c == '[' ? "bad array literal" : "bad object literal");
      }
    }
    int start = p.pos;
    if ("-+.0123456789".indexOf(c) >= 0) {
      while (p.pos < s.length() && "-+.0123456789eE".indexOf(s.charAt(p.pos)) >= 0) p.pos++;
      try {
        return lit(Json.NODES.numberNode(new BigDecimal(s.substring(start, p.pos))));
      } catch (NumberFormatException e) {
        throw p.error("bad number");
      }
    }
    // A word: true, false, null, or an unquoted string (AWS accepts @.status == active)
    while (p.pos < s.length() && !ends(s.charAt(p.pos))) p.pos++;
    if (start == p.pos) throw p.error("unexpected character '" + c + "'");
    String word = s.substring(start, p.pos);
    return lit(switch (word) {
      case "true" -> Json.NODES.booleanNode(true);
      case "false" -> Json.NODES.booleanNode(false);
      case "null" -> Json.NODES.nullNode();
      default -> Json.NODES.textNode(word);
    });
  }

  /** What ends an unquoted word operand: a blank, a closing parenthesis, an operator character. */
  private static boolean ends(char c) {
    return c == ' ' || c == ')' || c == '(' || c == '&' || c == '|' || SYMBOL_CHARS.indexOf(c) >= 0;
  }

  private int matching(String s, int from, char open, char close) {
    int depth = 0;
    char quote = 0;
    for (int i = from; i < s.length(); i++) {
      char d = s.charAt(i);
      if (quote != 0) {
        if (d == '\\') i++;
        else if (d == quote) quote = 0;
      } else if (d == '\'' || d == '"') quote = d;
      else if (d == open) depth++;
      else if (d == close && --depth == 0) return i + 1;
    }
    throw p.error("unterminated " + open);
  }

  private static FilterExpr.Operand lit(JsonNode n) {
    return new FilterExpr.Operand.Literal(n);
  }
}
