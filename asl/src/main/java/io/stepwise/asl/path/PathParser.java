package io.stepwise.asl.path;

import java.util.ArrayList;
import java.util.List;

/** Recursive-descent parser for {@link JsonPath}; also used by filter expressions for {@code @} paths. */
final class PathParser {
  private final String s;
  int pos;
  /** A trailing function ({@code length}, {@code sum}, ...) seen while parsing, or null. */
  String function;

  PathParser(String s, int pos) {
    this.s = s;
    this.pos = pos;
  }

  JsonPath parseRooted() {
    int start = pos;
    if (pos >= s.length() || (s.charAt(pos) != '$' && s.charAt(pos) != '@')) throw error("must start with '$'");
    pos++;
    List<JsonPath.Segment> segs = parseSegments(false);
    if (pos != s.length()) throw error("unexpected character '" + s.charAt(pos) + "'");
    return new JsonPath(s.substring(start), segs, function);
  }

  /** Parses a relative path inside a filter ({@code @.a.b}), stopping at the first operator. */
  JsonPath parseInFilter() {
    int start = pos;
    pos++; // '@' or '$'
    List<JsonPath.Segment> segs = parseSegments(true);
    String fn = function;
    function = null;
    return new JsonPath(s.substring(start, pos), segs, fn);
  }

  private List<JsonPath.Segment> parseSegments(boolean inFilter) {
    List<JsonPath.Segment> segs = new ArrayList<>();
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c == '.') {
        if (pos + 1 < s.length() && s.charAt(pos + 1) == '.') {
          pos += 2;
          JsonPath.Segment inner;
          if (pos < s.length() && s.charAt(pos) == '[') inner = parseBracket();
          else if (pos < s.length() && s.charAt(pos) == '*') { pos++; inner = new JsonPath.Segment.Wildcard(); }
          else inner = new JsonPath.Segment.Field(parseName(inFilter));
          segs.add(new JsonPath.Segment.Scan(inner));
        } else {
          pos++;
          if (pos < s.length() && s.charAt(pos) == '*') { pos++; segs.add(new JsonPath.Segment.Wildcard()); }
          // Jayway reads a '.' directly before '[' as nothing: $.items.[0] is $.items[0]
          else if (pos < s.length() && s.charAt(pos) == '[') segs.add(parseBracket());
          else {
            String name = parseName(inFilter);
            // Jayway's trailing functions: $.items.length(), $..price.sum()
            if (name.endsWith("()") && PathFunctions.isFunction(name.substring(0, name.length() - 2))) {
              if (pos != s.length() && !inFilter) throw error("a function must end the path");
              function = name.substring(0, name.length() - 2);
              return segs;
            }
            segs.add(new JsonPath.Segment.Field(name));
          }
        }
      } else if (c == '[') {
        segs.add(parseBracket());
        // Jayway reads a name written straight after ']' as a property: $.a[0]id is $.a[0].id
        if (!inFilter && pos < s.length() && s.charAt(pos) != '.' && s.charAt(pos) != '[') {
          segs.add(new JsonPath.Segment.Field(parseName(false)));
        }
      } else if (inFilter) {
        break;
      } else {
        throw error("unexpected character '" + c + "'");
      }
    }
    return segs;
  }

  private String parseName(boolean inFilter) {
    int start = pos;
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c == '.' || c == '[') break;
      if (c == '(' && pos + 1 < s.length() && s.charAt(pos + 1) == ')') {
        pos += 2;
        break;
      }
      if (inFilter && (c == ' ' || c == ')' || c == '=' || c == '<' || c == '>' || c == '!' || c == '&' || c == '|')) break;
      pos++;
    }
    if (pos == start) throw error("empty property name");
    return s.substring(start, pos);
  }

  private JsonPath.Segment parseBracket() {
    pos++; // '['
    skipSpaces();
    if (pos >= s.length()) throw error("unterminated '['");
    char c = s.charAt(pos);
    JsonPath.Segment seg;
    if (c == '*') {
      pos++;
      seg = new JsonPath.Segment.Wildcard();
    } else if (c == '?') {
      pos++;
      skipSpaces();
      expect('(');
      int start = pos;
      FilterExpr f = new FilterParser(this).parseOr();
      String source = s.substring(start, pos).trim();
      skipSpaces();
      expect(')');
      seg = new JsonPath.Segment.Filter(f, source);
    } else if (c == '(') {
      seg = parseScriptIndex();
    } else if (c == '\'' || c == '"') {
      List<String> names = new ArrayList<>();
      names.add(parseQuoted());
      skipSpaces();
      while (pos < s.length() && s.charAt(pos) == ',') {
        pos++;
        skipSpaces();
        names.add(parseQuoted());
        skipSpaces();
      }
      seg = names.size() == 1 ? new JsonPath.Segment.Field(names.get(0)) : new JsonPath.Segment.Fields(List.copyOf(names));
    } else {
      seg = parseIndexOrSlice();
    }
    skipSpaces();
    expect(']');
    return seg;
  }

  /**
   * Jayway 2.0.0's script index, which AWS reads: {@code (@.length-n)} or {@code (@.size-n)}, the
   * n-th position from the end, and {@code (n)}, position n.
   */
  private JsonPath.Segment parseScriptIndex() {
    pos++; // '('
    skipSpaces();
    boolean fromEnd = false;
    if (peek("@.length") || peek("@.size")) {
      pos += peek("@.length") ? 8 : 6;
      skipSpaces();
      expect('-');
      skipSpaces();
      fromEnd = true;
    }
    int start = pos;
    while (pos < s.length() && Character.isDigit(s.charAt(pos))) pos++;
    if (pos == start) throw error("expected (@.length-n) or (n)");
    int n = Integer.parseInt(s.substring(start, pos));
    skipSpaces();
    expect(')');
    return new JsonPath.Segment.Index(n, fromEnd);
  }

  private JsonPath.Segment parseIndexOrSlice() {
    Integer first = optInt();
    skipSpaces();
    if (pos < s.length() && s.charAt(pos) == ':') {
      pos++;
      skipSpaces();
      Integer to = optInt();
      int step = 1;
      skipSpaces();
      if (pos < s.length() && s.charAt(pos) == ':') {
        pos++;
        Integer st = optInt();
        if (st != null) step = st;
      }
      return new JsonPath.Segment.Slice(first, to, step);
    }
    if (first == null) throw error("expected an index");
    List<Integer> idx = new ArrayList<>();
    idx.add(first);
    while (pos < s.length() && s.charAt(pos) == ',') {
      pos++;
      skipSpaces();
      Integer n = optInt();
      if (n == null) throw error("expected an index");
      idx.add(n);
      skipSpaces();
    }
    if (idx.size() == 1) return new JsonPath.Segment.Index(first);
    return new JsonPath.Segment.Indexes(idx.stream().mapToInt(Integer::intValue).toArray());
  }

  private Integer optInt() {
    int start = pos;
    if (pos < s.length() && s.charAt(pos) == '-') pos++;
    while (pos < s.length() && Character.isDigit(s.charAt(pos))) pos++;
    if (pos == start || (pos == start + 1 && s.charAt(start) == '-')) {
      pos = start;
      return null;
    }
    return Integer.parseInt(s.substring(start, pos));
  }

  String parseQuoted() {
    char q = s.charAt(pos);
    if (q != '\'' && q != '"') throw error("expected a quoted name");
    pos++;
    StringBuilder b = new StringBuilder();
    while (pos < s.length() && s.charAt(pos) != q) {
      char c = s.charAt(pos++);
      // a backslash escapes only the quote character itself; otherwise it is literal
      if (c == '\\' && pos < s.length() && s.charAt(pos) == q) c = s.charAt(pos++);
      b.append(c);
    }
    expect(q);
    return b.toString();
  }

  void skipSpaces() {
    while (pos < s.length() && s.charAt(pos) == ' ') pos++;
  }

  void expect(char c) {
    if (pos >= s.length() || s.charAt(pos) != c) throw error("expected '" + c + "'");
    pos++;
  }

  boolean peek(String token) {
    return s.startsWith(token, pos);
  }

  String source() {
    return s;
  }

  IllegalArgumentException error(String what) {
    return new IllegalArgumentException("Invalid JSONPath '" + s + "': " + what + " at position " + pos);
  }
}
