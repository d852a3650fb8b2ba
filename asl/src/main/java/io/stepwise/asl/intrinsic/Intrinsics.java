package io.stepwise.asl.intrinsic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.asl.StatesError;
import io.stepwise.asl.path.Json;
import io.stepwise.asl.path.Scope;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The 18 intrinsic functions of the States Language, with AWS's argument checks. */
public final class Intrinsics {
  private static final Map<String, IntrinsicExpr.Function> FUNCTIONS = new HashMap<>();

  static {
    def("States.Format", 1, -1, Intrinsics::format);
    def("States.StringToJson", 1, 1, Intrinsics::stringToJson);
    def("States.JsonToString", 1, 1, ": only a single argument is allowed.", (c, a, s) -> Json.NODES.textNode(Json.write(a[0])));
    def("States.Array", 0, -1, (c, a, s) -> {
      ArrayNode r = Json.NODES.arrayNode(a.length);
      for (JsonNode n : a) r.add(n);
      return r;
    });
    def("States.ArrayPartition", 2, 2, Intrinsics::arrayPartition);
    def("States.ArrayContains", 2, 2, (c, a, s) -> {
      for (JsonNode e : array(c, a[0])) if (e.equals(a[1])) return Json.NODES.booleanNode(true);
      return Json.NODES.booleanNode(false);
    });
    def("States.ArrayRange", 3, 3, Intrinsics::arrayRange);
    def("States.ArrayGetItem", 2, 2, (c, a, s) -> {
      ArrayNode arr = array(c, a[0]);
      long i = truncate(c, a[1]);
      // AWS answers null for any index into an empty array, and refuses one outside a non-empty array
      if (arr.isEmpty()) return Json.NODES.nullNode();
      if (i < 0 || i >= arr.size()) throw fail(c, "The index " + i + " is out of bounds for an array of length " + arr.size() + ".");
      return arr.get((int) i);
    });
    def("States.ArrayLength", 1, 1, (c, a, s) -> Json.NODES.numberNode(array(c, a[0]).size()));
    def("States.ArrayUnique", 1, 1, (c, a, s) -> {
      Set<JsonNode> seen = new LinkedHashSet<>();
      for (JsonNode e : array(c, a[0])) seen.add(e);
      ArrayNode r = Json.NODES.arrayNode(seen.size());
      seen.forEach(r::add);
      return r;
    });
    def("States.Base64Encode", 1, 1, (c, a, s) -> {
      String v = string(c, a[0]);
      if (v.length() > 10_000) throw fail(c, "The input string exceeds the maximum length of 10000 characters.");
      return Json.NODES.textNode(Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8)));
    });
    def("States.Base64Decode", 1, 1, (c, a, s) -> {
      String v = string(c, a[0]);
      if (v.length() > 10_000) throw fail(c, "The input string exceeds the maximum length of 10000 characters.");
      try {
        // AWS decodes leniently: surrounding spaces, stray characters and missing padding pass
        return Json.NODES.textNode(new String(Base64.getMimeDecoder().decode(v), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw fail(c, "The input string is not a valid Base64 encoded string.");
      }
    });
    def("States.Hash", 2, 2, Intrinsics::hash);
    def("States.JsonMerge", 3, 3, (c, a, s) -> {
      if (!a[0].isObject() || !a[1].isObject()) throw fail(c, "The arguments to be merged must be JSON objects.");
      if (!a[2].isBoolean()) throw fail(c, "The third argument must be a boolean.");
      if (a[2].booleanValue()) throw fail(c, "Deep merge is not supported; the third argument must be false.");
      ObjectNode r = Json.NODES.objectNode();
      r.setAll((ObjectNode) a[0]);
      r.setAll((ObjectNode) a[1]);
      return r;
    });
    def("States.MathRandom", 2, 3, Intrinsics::mathRandom);
    def("States.MathAdd", 2, 2, (c, a, s) -> {
      long sum = round(c, a[0]) + round(c, a[1]);
      if (sum != (int) sum) throw fail(c, "sum out of int32 range");
      return Json.number(sum);
    });
    def("States.StringSplit", 2, 2, Intrinsics::stringSplit);
    // AWS's UUID takes no arguments and ignores any it is given
    def("States.UUID", 0, -1, (c, a, s) -> Json.NODES.textNode(uuid(s.nextRandom(), s.nextRandom())));
  }

  private Intrinsics() {}

  /**
   * Registers a function that takes {@code min} to {@code max} arguments ({@code max} -1: any
   * number). AWS counts them when the function runs, not when a definition is created: a call with
   * too few or too many fails like any other bad argument ({@code Invalid arguments in States.X}).
   */
  private static void def(String name, int min, int max, IntrinsicExpr.Function f) {
    def(name, min, max, "", f);
  }

  /** As {@link #def(String, int, int, IntrinsicExpr.Function)}, AWS adding {@code countWords} to a wrong count's refusal. */
  private static void def(String name, int min, int max, String countWords, IntrinsicExpr.Function f) {
    FUNCTIONS.put(name, (c, a, s) -> {
      if (a.length < min || (max >= 0 && a.length > max)) throw new IntrinsicExpr.Refused("Invalid arguments in " + name + countWords);
      return f.apply(c, a, s);
    });
  }

  static IntrinsicExpr.Function lookup(String name) {
    return FUNCTIONS.get(name);
  }

  /** AWS reports every bad argument the same way, whatever was wrong with it. */
  static IntrinsicExpr.Refused fail(IntrinsicExpr.Call c, String what) {
    return new IntrinsicExpr.Refused("Invalid arguments in " + c.name());
  }

  private static ArrayNode array(IntrinsicExpr.Call c, JsonNode n) {
    if (n instanceof ArrayNode a) return a;
    throw fail(c, "Expected an array argument, but was " + Json.typeName(n) + ".");
  }

  private static String string(IntrinsicExpr.Call c, JsonNode n) {
    if (n.isTextual()) return n.textValue();
    throw fail(c, "Expected a string argument, but was " + Json.typeName(n) + ".");
  }

  private static int integer(IntrinsicExpr.Call c, JsonNode n) {
    if (n.isNumber()) {
      BigDecimal d = n.decimalValue();
      if (d.stripTrailingZeros().scale() <= 0 && n.canConvertToInt()) return n.intValue();
    }
    throw fail(c, "Expected an integer argument, but was " + Json.write(n) + ".");
  }

  /** MathAdd rounds each operand to the nearest integer (half up) and works in int32, as AWS does. */
  private static long round(IntrinsicExpr.Call c, JsonNode n) {
    if (!n.isNumber()) throw fail(c, "Expected a number argument, but was " + Json.typeName(n) + ".");
    long v = Math.round(n.doubleValue());
    if (v != (int) v) throw fail(c, "out of int32 range");
    return v;
  }

  /** ArrayRange, ArrayPartition and MathRandom truncate fractional arguments towards zero. */
  private static long truncate(IntrinsicExpr.Call c, JsonNode n) {
    if (!n.isNumber()) throw fail(c, "Expected a number argument, but was " + Json.typeName(n) + ".");
    double d = n.doubleValue();
    if (Math.abs(d) > Integer.MAX_VALUE) throw fail(c, "out of int32 range");
    return (long) d;
  }

  private static JsonNode format(IntrinsicExpr.Call c, JsonNode[] a, Scope s) {
    if (!a[0].isTextual()) throw fail(c, "The first argument must be a string.");
    // a literal's escapes are the intrinsic string's (the raw text keeps them, so \\{ is a brace and
    // not a placeholder); a template read from the input has the same escapes, as data
    String template = c.args().get(0) instanceof IntrinsicExpr.StringLiteral l ? l.raw() : a[0].textValue();
    StringBuilder b = new StringBuilder();
    int arg = 1;
    for (int i = 0; i < template.length(); i++) {
      char ch = template.charAt(i);
      int escaped = ch == '\\' && i + 1 < template.length() ? IntrinsicParser.escaped(template.charAt(i + 1)) : -1;
      if (escaped >= 0) {
        b.append((char) escaped);
        i++;
      } else if (ch == '{' && i + 1 < template.length() && template.charAt(i + 1) == '}') {
        if (arg >= a.length) throw fail(c, "The number of arguments does not match the number of placeholders.");
        JsonNode v = a[arg++];
        Json.appendJavaText(b, v); // objects and arrays as AWS's Java runtime prints maps and lists
        i++;
      } else if (ch == '{' || ch == '}') {
        // a brace that is not part of {} and not escaped: AWS's words for '{' (aws-cdk#29261), and the
        // same words turned round for '}'
        throw new IntrinsicExpr.Refused(ch == '{' ? "Invalid template in States.Format: matching '}' not found for '{'."
            : "Invalid template in States.Format: matching '{' not found for '}'.");
      } else {
        b.append(ch);
      }
    }
    if (arg != a.length) throw fail(c, "The number of arguments does not match the number of placeholders.");
    return Json.NODES.textNode(b.toString());
  }

  private static JsonNode stringToJson(IntrinsicExpr.Call c, JsonNode[] a, Scope s) {
    String v = string(c, a[0]);
    if (v.isBlank()) return Json.NODES.nullNode();
    try {
      return Json.parse(v);
    } catch (JsonProcessingException e) {
      // AWS passes on its JSON parser's words (Jackson's, as here, the input kept out of the location)
      throw new IntrinsicExpr.Refused("Cannot convert String to Json in States.StringToJson, caused by: " + parserWords(e));
    }
  }

  /**
   * Jackson's words for text that is not JSON, as AWS's parser writes them: the same message and
   * location, except that an unrecognized token is located after it (AWS: {@code Unrecognized token
   * 'undefined': ... line: 1, column: 10]}), where this Jackson points at its start.
   */
  static String parserWords(JsonProcessingException e) {
    String words = e.getMessage();
    String original = e.getOriginalMessage();
    String head = "Unrecognized token '";
    if (original == null || !original.startsWith(head) || e.getLocation() == null) return words;
    int close = original.indexOf('\'', head.length());
    // a token Jackson cut short (ending "...") has no known length
    if (close > 0 && !original.startsWith("...", close - 3)) {
      int token = close - head.length();
      int column = e.getLocation().getColumnNr();
      words = words.replace("column: " + column + "]", "column: " + (column + token) + "]");
    }
    return words;
  }

  private static JsonNode arrayPartition(IntrinsicExpr.Call c, JsonNode[] a, Scope s) {
    ArrayNode arr = array(c, a[0]);
    long size = truncate(c, a[1]);
    if (size <= 0) throw fail(c, "The chunk size must be greater than 0.");
    ArrayNode r = Json.NODES.arrayNode();
    ArrayNode chunk = null;
    for (int i = 0; i < arr.size(); i++) {
      if (i % size == 0) chunk = r.addArray();
      chunk.add(arr.get(i));
    }
    return r;
  }

  private static JsonNode arrayRange(IntrinsicExpr.Call c, JsonNode[] a, Scope s) {
    long from = truncate(c, a[0]), to = truncate(c, a[1]), step = truncate(c, a[2]);
    if (step == 0) throw fail(c, "The step argument must not be 0.");
    long count = step > 0 ? (from <= to ? (to - from) / step + 1 : 0) : (from >= to ? (from - to) / -step + 1 : 0);
    if (count > 1000) throw fail(c, "The array range cannot contain more than 1000 items.");
    ArrayNode r = Json.NODES.arrayNode((int) count);
    for (long i = 0, v = from; i < count; i++, v += step) r.add((int) v);
    return r;
  }

  private static JsonNode hash(IntrinsicExpr.Call c, JsonNode[] a, Scope s) {
    String data = a[0].isTextual() ? a[0].textValue() : Json.write(a[0]);
    if (data.length() > 10_000) throw fail(c, "The input data exceeds the maximum length of 10000 characters.");
    String alg = string(c, a[1]);
    String jca = switch (alg) {
      case "MD5" -> "MD5";
      case "SHA-1" -> "SHA-1";
      case "SHA-256" -> "SHA-256";
      case "SHA-384" -> "SHA-384";
      case "SHA-512" -> "SHA-512";
      default -> throw fail(c, "The hash algorithm '" + alg + "' is not supported. Supported algorithms: MD5, SHA-1, SHA-256, SHA-384, SHA-512.");
    };
    try {
      byte[] d = MessageDigest.getInstance(jca).digest(data.getBytes(StandardCharsets.UTF_8));
      StringBuilder b = new StringBuilder(d.length * 2);
      for (byte x : d) b.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
      return Json.NODES.textNode(b.toString());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode mathRandom(IntrinsicExpr.Call c, JsonNode[] a, Scope s) {
    long from = truncate(c, a[0]), to = truncate(c, a[1]);
    if (to <= from) throw fail(c, "The end of the range must be greater than its start.");
    // a seed picks the value as java.util.Random does (AWS's seeded results match new Random(seed).nextInt(end - start) + start)
    if (a.length == 3) {
      if (to - from > Integer.MAX_VALUE) throw fail(c, "The range is too wide for a seeded value.");
      return Json.number(from + new java.util.Random(truncate(c, a[2])).nextInt((int) (to - from)));
    }
    return Json.number(from + Math.floorMod(s.nextRandom(), to - from));
  }

  private static JsonNode stringSplit(IntrinsicExpr.Call c, JsonNode[] a, Scope s) {
    String v = string(c, a[0]);
    String delims = string(c, a[1]);
    ArrayNode r = Json.NODES.arrayNode();
    int start = 0;
    for (int i = 0; i <= v.length(); i++) {
      if (i == v.length() || delims.indexOf(v.charAt(i)) >= 0) {
        if (i > start) r.add(v.substring(start, i));
        start = i + 1;
      }
    }
    return r;
  }

  /** A version-4 UUID from 128 bits the caller supplies (asl owns no randomness). */
  public static String uuid(long hi, long lo) {
    hi = (hi & 0xffffffffffff0fffL) | 0x0000000000004000L;
    lo = (lo & 0x3fffffffffffffffL) | 0x8000000000000000L;
    return new java.util.UUID(hi, lo).toString();
  }
}
