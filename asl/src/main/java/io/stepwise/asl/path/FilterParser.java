package io.stepwise.asl.path;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
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

  private String operator() {
    for (String op : new String[] {"==", "!=", "<=", ">=", "=~", "<", ">", " in ", " nin "}) {
      if (p.peek(op.trim()) || p.peek(op)) {
        String t = op.trim();
        if ((t.equals("in") || t.equals("nin")) && !p.peek(t + " ") && !p.peek(t + "[")) continue;
        p.pos += t.length();
        return t;
      }
    }
    return null;
  }

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
    if (c == '[') {
      int depth = 0, start = p.pos;
      do {
        char d = s.charAt(p.pos++);
        if (d == '[') depth++;
        else if (d == ']') depth--;
      } while (depth > 0 && p.pos < s.length());
      try {
        return lit(Json.parse(s.substring(start, p.pos).replace('\'', '"')));
      } catch (Exception e) {
        throw p.error("bad array literal");
      }
    }
    for (String kw : new String[] {"true", "false", "null"}) {
      if (p.peek(kw)) {
        p.pos += kw.length();
        return lit(kw.equals("null") ? Json.NODES.nullNode() : Json.NODES.booleanNode(kw.equals("true")));
      }
    }
    int start = p.pos;
    while (p.pos < s.length() && "-+.0123456789eE".indexOf(s.charAt(p.pos)) >= 0) p.pos++;
    if (start == p.pos) throw p.error("unexpected character '" + c + "'");
    try {
      return lit(Json.NODES.numberNode(new BigDecimal(s.substring(start, p.pos))));
    } catch (NumberFormatException e) {
      throw p.error("bad number");
    }
  }

  private static FilterExpr.Operand lit(JsonNode n) {
    return new FilterExpr.Operand.Literal(n);
  }
}
