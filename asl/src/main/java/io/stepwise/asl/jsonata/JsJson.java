package io.stepwise.asl.jsonata;

import com.dashjoin.jsonata.Jsonata;
import com.dashjoin.jsonata.Utils;
import java.util.List;
import java.util.Map;

/**
 * jsonata-js's {@code $string} of an object or an array: JavaScript's {@code JSON.stringify} with
 * jsonata-js's replacer, indented by two spaces when asked to be pretty. A finite number is
 * rounded to 15 significant digits and written as JavaScript writes it (an integer the engine
 * holds exactly is written exactly, AWS's number model); a number that is not finite is
 * {@code null}; a function (a regular expression is one in jsonata-js) is {@code ""}; an undefined value is left out of an object and is
 * {@code null} in an array; an empty object or array is {@code {}} or {@code []} even when pretty;
 * a text is quoted as JSON.stringify quotes it (control characters and lone surrogates escaped in
 * lower-case hex).
 */
final class JsJson {
  private JsJson() {}

  static String stringify(Object value, boolean pretty) {
    // jsonata-js's outer wrapper of an array input is the array
    if (value instanceof Utils.JList<?> j && j.outerWrapper && !j.isEmpty()) value = j.get(0);
    StringBuilder b = new StringBuilder();
    write(value, pretty ? "  " : "", "", b);
    return b.toString();
  }

  private static void write(Object v, String gap, String indent, StringBuilder b) {
    if (v == null || v == Jsonata.NULL_VALUE) {
      b.append("null");
    } else if (v instanceof String s) {
      quote(s, b);
    } else if (v instanceof Boolean x) {
      b.append(x);
    } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      b.append(((Number) v).longValue());
    } else if (v instanceof Number n) {
      double d = n.doubleValue();
      b.append(Double.isFinite(d) ? JsBuiltins.JsNumber.text(d) : "null");
    } else if (Utils.isFunction(v) || com.dashjoin.jsonata.Functions.isLambda(v) || v instanceof java.util.regex.Pattern) {
      b.append("\"\"");
    } else if (v instanceof List<?> l) {
      if (l.isEmpty()) {
        b.append("[]");
        return;
      }
      String inner = indent + gap;
      b.append('[');
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) b.append(',');
        if (!gap.isEmpty()) b.append('\n').append(inner);
        write(l.get(i), gap, inner, b);
      }
      if (!gap.isEmpty()) b.append('\n').append(indent);
      b.append(']');
    } else if (v instanceof Map<?, ?> m) {
      String inner = indent + gap;
      b.append('{');
      boolean any = false;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (e.getValue() == null) continue; // undefined: left out
        if (any) b.append(',');
        any = true;
        if (!gap.isEmpty()) b.append('\n').append(inner);
        quote(String.valueOf(e.getKey()), b);
        b.append(gap.isEmpty() ? ":" : ": ");
        write(e.getValue(), gap, inner, b);
      }
      if (any && !gap.isEmpty()) b.append('\n').append(indent);
      b.append('}');
    } else {
      quote(String.valueOf(v), b);
    }
  }

  /** JSON.stringify's QuoteJSONString. */
  static void quote(String s, StringBuilder b) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          boolean lone = Character.isHighSurrogate(c) ? i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))
              : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
          if (c < 0x20 || lone) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
        }
      }
    }
    b.append('"');
  }
}
