package io.stepwise.asl.path;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;

/** The one ObjectMapper of the language, and the JSON text forms AWS shows (compact, no spaces). */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  public static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  static {
    MAPPER.setNodeFactory(NODES);
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
   * A number computed as a JavaScript number (a JSONata result that is no exact integer within
   * 9e18): AWS hands it back as a Java double and writes it as Java writes one, so
   * 9223372036854775808 comes back as {@code 9.223372036854776E18} (floci, measured), 1e21 as
   * {@code 1.0E21} and 0.0001 as {@code 1.0E-4}. The node is a decimal of the same value, so it
   * equals the number read from JSON text.
   */
  public static JsonNode fromDouble(double d) {
    return new DoubleDecimal(d);
  }

  /** A decimal written as {@link Double#toString(double)} writes its double. */
  private static final class DoubleDecimal extends DecimalNode {
    private final double value;

    DoubleDecimal(double value) {
      super(BigDecimal.valueOf(value));
      this.value = value;
    }

    @Override
    public String asText() {
      return Double.toString(value);
    }
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
