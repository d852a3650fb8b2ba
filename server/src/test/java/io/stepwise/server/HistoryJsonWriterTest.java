package io.stepwise.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fast export's JSON writing ({@link HistoryTranscoder}) against Jackson's UTF-8 generator,
 * which writes the general way's bytes: strings and names escaped the same for every character,
 * every kind of CBOR item Jackson stores copied to the same text, and what it does not copy
 * refused (so that history goes the general way).
 */
class HistoryJsonWriterTest {
  private static final ObjectMapper JSON = HistoryCommand.JSON;
  private static final CBORMapper CBOR = new CBORMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private static String jackson(Object value) throws Exception {
    return new String(JSON.writeValueAsBytes(value), StandardCharsets.UTF_8);
  }

  private static String ours(String s) {
    HistoryTranscoder.Out out = new HistoryTranscoder.Out(16);
    out.string(s);
    return new String(out.toByteArray(), StandardCharsets.UTF_8);
  }

  private static String oursFromUtf8(String s) throws Exception {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    HistoryTranscoder.Out out = new HistoryTranscoder.Out(16);
    out.utf8String(utf8, 0, utf8.length);
    return new String(out.toByteArray(), StandardCharsets.UTF_8);
  }

  @Test
  void everyCharacterOfTheBmp_escapedAsJacksonEscapesIt() throws Exception {
    for (int c = 0; c <= 0xFFFF; c++) {
      String s = "a" + (char) c + "z";
      assertThat(ours(s)).as("U+%04X", c).isEqualTo(jackson(s));
      if (c < 0xD800 || c > 0xDFFF) assertThat(oursFromUtf8(s)).as("U+%04X from UTF-8", c).isEqualTo(jackson(s));
    }
  }

  @Test
  void charactersBeyondTheBmp_asTheirTwoEscapedHalves() throws Exception {
    for (String s : List.of("😀", "x😀y", "𝄞\n", "\uDBFF\uDFFF", "\uD800\uDC00", "é✓😀\u2028\u007F")) {
      assertThat(oursFromUtf8(s)).as(s).isEqualTo(jackson(s));
      assertThat(ours(s)).as(s).isEqualTo(jackson(s));
    }
    assertThat(oursFromUtf8("😀")).isEqualTo("\"\\uD83D\\uDE00\"");
  }

  @Test
  void randomText_asJacksonWritesIt() throws Exception {
    Random random = new Random(7);
    for (int i = 0; i < 5_000; i++) {
      StringBuilder sb = new StringBuilder();
      for (int n = random.nextInt(40); n > 0; n--) {
        int kind = random.nextInt(5);
        int cp = kind == 0 ? random.nextInt(0x20) : kind == 1 ? random.nextInt(0x80)
            : kind == 2 ? 0x80 + random.nextInt(0x800 - 0x80) : kind == 3 ? 0x800 + random.nextInt(0xD000)
            : 0x10000 + random.nextInt(0x100000);
        sb.appendCodePoint(cp);
      }
      String s = sb.toString();
      assertThat(oursFromUtf8(s)).as(s).isEqualTo(jackson(s));
    }
  }

  @Test
  void longTextWrittenAgain_isTheSameAsWrittenTheFirstTime() throws Exception {
    // the last long string's JSON is kept and copied when the same text comes again: the same
    // text, one of the same length that differs in its last character, a shorter and a longer one
    Random random = new Random(11);
    String base = "{\"order\":{\"id\":\"A-1\",\"note\":\"é\\n✓😀\"},\"items\":[1,2,3],\"pad\":\"" + "x".repeat(40) + "\"}";
    List<String> texts = new java.util.ArrayList<>();
    for (int i = 0; i < 300; i++) {
      int pick = random.nextInt(5);
      String last = texts.isEmpty() ? base : texts.get(texts.size() - 1);
      texts.add(switch (pick) {
        case 0, 1 -> last;
        case 2 -> last.substring(0, last.length() - 1) + (char) ('a' + random.nextInt(26));
        case 3 -> last.length() - base.length() < 12 ? base + random.nextInt(10) // cut within the ASCII tail
            : last.substring(0, last.length() - 1 - random.nextInt(10));
        default -> last + "\"\t" + random.nextInt(1000);
      });
    }
    HistoryTranscoder.Out out = new HistoryTranscoder.Out(16);
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < texts.size(); i++) {
      if (i % 50 == 0) { // a new execution: what was kept is forgotten
        out.reset(1 << 20);
        expected.setLength(0);
      }
      byte[] utf8 = texts.get(i).getBytes(StandardCharsets.UTF_8);
      out.utf8String(utf8, 0, utf8.length);
      expected.append(jackson(texts.get(i)));
      assertThat(new String(out.toByteArray(), StandardCharsets.UTF_8)).as("text %d", i).isEqualTo(expected.toString());
    }
  }

  @Test
  void malformedUtf8_isNotCopied() {
    byte[][] bad = {
        {(byte) 0x80}, // a continuation on its own
        {(byte) 0xC0, (byte) 0x80}, // overlong
        {(byte) 0xC3}, // cut short
        {(byte) 0xE0, (byte) 0x80, (byte) 0x80}, // overlong
        {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a surrogate encoded on its own
        {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // beyond U+10FFFF
        {(byte) 0xF8, (byte) 0x80, (byte) 0x80, (byte) 0x80}};
    for (byte[] b : bad) {
      HistoryTranscoder.Out out = new HistoryTranscoder.Out(16);
      assertThatThrownBy(() -> out.utf8String(b, 0, b.length)).isInstanceOf(HistoryTranscoder.NotPlain.class);
    }
  }

  @Test
  void cborItems_copiedAsJacksonRendersTheTreeItReadsFromThem() throws Exception {
    ObjectNode o = F.objectNode();
    o.put("i", 7).put("zero", 0).put("neg", -3).put("byte", 200).put("short", -70000).put("int", 4_000_000_000L)
        .put("long", Long.MAX_VALUE).put("min", Long.MIN_VALUE).put("f", 1.5).put("e", 1e-7).put("big", 1.0e300)
        .put("negZero", -0.0).put("t", true).put("no", false).putNull("nil").put("s", "é \"q\" \u0001 ✓ 😀")
        .put("", "empty name").put("na\nme😀", 1);
    ArrayNode a = o.putArray("arr");
    a.add(1).add(F.arrayNode().add(2).add(F.objectNode().putNull("x"))).add(true).add(F.arrayNode()).add(F.objectNode());
    Random random = new Random(11);
    for (int i = 0; i < 300; i++) a.add(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
    for (JsonNode tree : List.<JsonNode>of(o, a, F.textNode("just text"), F.numberNode(42), F.nullNode())) {
      byte[] cbor = CBOR.writeValueAsBytes(tree);
      String expected = jackson(CBOR.readTree(cbor));
      assertThat(new String(HistoryTranscoder.json(cbor), StandardCharsets.UTF_8)).isEqualTo(expected);
    }
    // maps and arrays of unknown length, as Jackson writes a record or a stream
    record Rec(int id, String s, List<Object> l, Map<String, Object> m) {}
    byte[] cbor = CBOR.writeValueAsBytes(new Rec(1, "s", List.of(1, "x", 2.5), Map.of("k", List.of())));
    assertThat(cbor[0] & 0xFF).as("indefinite-length map").isEqualTo(0xBF);
    assertThat(new String(HistoryTranscoder.json(cbor), StandardCharsets.UTF_8)).isEqualTo(jackson(CBOR.readTree(cbor)));
  }

  @Test
  void itemsTheGeneralWayReadsIntoATree_areNotCopied() throws Exception {
    List<Object> refused = List.of(new BigDecimal("1.50"), new java.math.BigInteger("123456789012345678901234567890"),
        new byte[] {1, 2}, 1.5f, Double.NaN, Double.POSITIVE_INFINITY);
    for (Object value : refused) {
      byte[] cbor = CBOR.writeValueAsBytes(value);
      assertThatThrownBy(() -> HistoryTranscoder.json(cbor)).as(String.valueOf(value))
          .isInstanceOf(HistoryTranscoder.NotPlain.class);
    }
    // cut short, or claiming more than it holds
    byte[] whole = CBOR.writeValueAsBytes(Map.of("a", "bcdef"));
    for (int cut = 1; cut < whole.length; cut++) {
      byte[] part = java.util.Arrays.copyOf(whole, cut);
      assertThatThrownBy(() -> HistoryTranscoder.json(part)).isInstanceOfAny(HistoryTranscoder.NotPlain.class,
          ArrayIndexOutOfBoundsException.class);
    }
    assertThatThrownBy(() -> HistoryTranscoder.json(new byte[] {0x7A, 0, 0, 0, 9, 'a'}))
        .isInstanceOf(HistoryTranscoder.NotPlain.class);
  }

  @Test
  void malformedItems_areRefusedNotLoopedOnOrRecursedInto() throws Exception {
    // an indefinite-length string whose chunk is itself indefinite, or not a string of its kind
    byte[][] chunks = {{0x7F, 0x7F, (byte) 0xFF, (byte) 0xFF}, {0x7F, 0x01, (byte) 0xFF}, {0x5F, 0x61, 0x61, (byte) 0xFF}};
    for (byte[] c : chunks) {
      assertThatThrownBy(() -> HistoryTranscoder.skip(c)).isInstanceOf(HistoryTranscoder.NotPlain.class);
    }
    // chunks of the string's own kind are skipped whole
    byte[] chunked = {0x7F, 0x61, 'a', 0x62, 'b', 'c', (byte) 0xFF, 0x01};
    assertThat(HistoryTranscoder.skip(chunked)).isEqualTo(7);
    // nesting deeper than Jackson reads: refused, whether copied or skipped (not the thread's stack)
    for (int levels : new int[] {1_001, 200_000}) {
      byte[] deep = new byte[levels + 1];
      java.util.Arrays.fill(deep, (byte) 0x81); // an array of one item, again and again
      deep[levels] = 0x01;
      assertThatThrownBy(() -> HistoryTranscoder.json(deep)).isInstanceOf(HistoryTranscoder.NotPlain.class);
      assertThatThrownBy(() -> HistoryTranscoder.skip(deep)).isInstanceOf(HistoryTranscoder.NotPlain.class);
    }
    byte[] nested = new byte[901];
    java.util.Arrays.fill(nested, (byte) 0x81);
    nested[900] = 0x01;
    assertThat(new String(HistoryTranscoder.json(nested), StandardCharsets.UTF_8))
        .isEqualTo("[".repeat(900) + "1" + "]".repeat(900));
  }
}
