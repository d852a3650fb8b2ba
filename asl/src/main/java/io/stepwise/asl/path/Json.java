package io.stepwise.asl.path;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ValueNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;

/** The one ObjectMapper of the language, and the JSON text forms AWS shows (compact, no spaces). */
public final class Json {
  public static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  /**
   * How JSON text becomes nodes, as AWS's Jackson reads it by default: a number with a fraction or
   * an exponent is a double ({@code 100.0} stays {@code 100.0}, {@code 1e3} is {@code 1000.0}),
   * except one past a double's range, which stays the exact decimal it was written as (a double
   * would be Infinity: no JSON, and no number to compare).
   */
  public static final JsonNodeFactory READING = new JsonNodeFactory(true) {
    @Override
    public ValueNode numberNode(BigDecimal v) {
      if (v == null) return nullNode();
      double d = v.doubleValue();
      return Double.isFinite(d) ? DoubleNode.valueOf(d) : super.numberNode(v.stripTrailingZeros());
    }
  };

  /**
   * A mapper that reads state data (definitions, inputs, results, mocked answers) into nodes as
   * {@link #READING} and {@link #checkedNumbers} have it; each reader adds its own features.
   */
  public static ObjectMapper stateDataMapper() {
    return new ObjectMapper(checkedNumbers())
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .setNodeFactory(READING);
  }

  /**
   * A JSON factory whose parsers read each fraction through {@link #decimal}: a number that cannot be
   * held or written back is malformed JSON there, as any other malformed text is, instead of a
   * Java error wherever the text is read. Jackson has no hook for every parser it makes, so each
   * of the factory's text-reading entry points wraps its parser.
   */
  private static JsonFactory checkedNumbers() {
    return new JsonFactory() {
      @Override
      public JsonParser createParser(String content) throws IOException {
        return checked(super.createParser(content));
      }

      @Override
      public JsonParser createParser(byte[] data) throws IOException {
        return checked(super.createParser(data));
      }

      @Override
      public JsonParser createParser(byte[] data, int offset, int len) throws IOException {
        return checked(super.createParser(data, offset, len));
      }

      @Override
      public JsonParser createParser(java.io.InputStream in) throws IOException {
        return checked(super.createParser(in));
      }

      @Override
      public JsonParser createParser(java.io.Reader r) throws IOException {
        return checked(super.createParser(r));
      }

      @Override
      public JsonParser createParser(char[] content) throws IOException {
        return checked(super.createParser(content));
      }

      @Override
      public JsonParser createParser(char[] content, int offset, int len) throws IOException {
        return checked(super.createParser(content, offset, len));
      }
    };
  }

  private static JsonParser checked(JsonParser parser) {
    return new JsonParserDelegate(parser) {
      @Override
      public BigDecimal getDecimalValue() throws IOException {
        return decimal(delegate);
      }
    };
  }

  /**
   * The parser's current number as a decimal, refusing as malformed JSON one whose exponent is past
   * what a decimal holds ({@code 1e9999999999}) or what its text could be read back with
   * ({@code 123.456e2147483647} would be written {@code 1.23456E+2147483649}).
   */
  public static BigDecimal decimal(JsonParser parser) throws IOException {
    BigDecimal v;
    try {
      v = parser.getDecimalValue();
    } catch (NumberFormatException e) {
      throw new JsonParseException(parser, "Numeric value (" + parser.getText() + ") out of range");
    }
    long exponent = (long) v.precision() - v.scale() - 1;
    if (exponent > Integer.MAX_VALUE || exponent < Integer.MIN_VALUE + 1) {
      throw new JsonParseException(parser, "Numeric value (" + parser.getText() + ") out of range");
    }
    return v;
  }

  public static final ObjectMapper MAPPER = stateDataMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  static {
    MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build());
  }

  private Json() {}

  public static JsonNode parse(String text) throws JsonProcessingException {
    return MAPPER.readTree(text);
  }

  /**
   * Compact JSON text, as AWS writes inputs and outputs into history events. Hand-written
   * because it runs several times per state: a generator per call costs more than the tree.
   */
  public static String write(JsonNode node) {
    StringBuilder b = new StringBuilder(128);
    write(node, b);
    return b.toString();
  }

  public static void write(JsonNode n, StringBuilder b) {
    switch (n.getNodeType()) {
      case OBJECT -> {
        b.append('{');
        boolean first = true;
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          if (!first) b.append(',');
          first = false;
          string(e.getKey(), b);
          b.append(':');
          write(e.getValue(), b);
        }
        b.append('}');
      }
      case ARRAY -> {
        b.append('[');
        for (int i = 0; i < n.size(); i++) {
          if (i > 0) b.append(',');
          write(n.get(i), b);
        }
        b.append(']');
      }
      case STRING -> string(n.textValue(), b);
      case NUMBER, BOOLEAN -> b.append(n.asText());
      case NULL, MISSING -> b.append("null");
      default -> {
        try {
          b.append(MAPPER.writeValueAsString(n));
        } catch (JsonProcessingException e) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  /** A JSON string literal with Jackson's escaping (control characters, quote, backslash). */
  public static void string(String s, StringBuilder b) {
    b.append('"');
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      b.append(s, start, i);
      start = i + 1;
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        default -> b.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    b.append(s, start, s.length());
    b.append('"');
  }

  /** An integer node the way the parser would make it (int when it fits), so equal values compare equal. */
  public static JsonNode number(long v) {
    return v == (int) v ? NODES.numberNode((int) v) : NODES.numberNode(v);
  }

  /**
   * A value as Java prints the maps and lists plain JSON is read into: {@code {a=1, b=[x, y]}}, text
   * without quotes, numbers as JSON writes them. AWS shows values so in States.Format and in
   * Jayway's words for a path argument.
   */
  public static String javaText(JsonNode n) {
    StringBuilder b = new StringBuilder();
    appendJavaText(b, n);
    return b.toString();
  }

  public static void appendJavaText(StringBuilder b, JsonNode v) {
    if (v.isTextual()) b.append(v.textValue());
    else if (v.isObject()) {
      b.append('{');
      boolean first = true;
      for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); first = false) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!first) b.append(", ");
        b.append(e.getKey()).append('=');
        appendJavaText(b, e.getValue());
      }
      b.append('}');
    } else if (v.isArray()) {
      b.append('[');
      for (int i = 0; i < v.size(); i++) {
        if (i > 0) b.append(", ");
        appendJavaText(b, v.get(i));
      }
      b.append(']');
    } else write(v, b);
  }

  /** Size in UTF-8 bytes of the compact serialisation, for the 256 KiB payload limit. */
  public static int utf8Size(String text) {
    int n = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) n++;
      else if (c < 0x800) n += 2;
      else if (Character.isHighSurrogate(c)) { n += 4; i++; }
      else n += 3;
    }
    return n;
  }

  /** AWS's type names in error messages. */
  public static String typeName(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) return "null";
    if (n.isTextual()) return "string";
    if (n.isNumber()) return "number";
    if (n.isBoolean()) return "boolean";
    if (n.isArray()) return "array";
    return "object";
  }
}
