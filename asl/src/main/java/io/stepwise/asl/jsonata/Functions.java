package io.stepwise.asl.jsonata;

import com.dashjoin.jsonata.Jsonata.JFunction;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.intrinsic.Intrinsics;
import io.stepwise.asl.path.Json;
import io.stepwise.asl.path.Scope;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Step Functions' own JSONata functions: $partition, $range, $hash, $random, $uuid, $parse. AWS
 * registers them with jsonata-js signatures, so arguments that do not fit are T0410 naming the
 * argument, and their own refusals are D3137 in AWS's words (recorded against AWS by
 * tiny-asl-machine, gabrielmoreira/tiny-asl-machine's Feature.JSONataBuiltins snapshots).
 */
final class Functions {
  private Functions() {}

  private static final JsBuiltins.Signature PARTITION = new JsBuiltins.Signature("partition", "<jn?:a>");
  private static final JsBuiltins.Signature RANGE = new JsBuiltins.Signature("range", "<nnn?:a>");
  private static final JsBuiltins.Signature HASH = new JsBuiltins.Signature("hash", "<ss:s>");
  private static final JsBuiltins.Signature RANDOM = new JsBuiltins.Signature("random", "<n?:n>");
  private static final JsBuiltins.Signature UUID = new JsBuiltins.Signature("uuid", "<:s>");
  private static final JsBuiltins.Signature PARSE = new JsBuiltins.Signature("parse", "<s?:j>");
  private static final List<String> HASHES = List.of("SHA-1", "SHA-384", "SHA-256", "SHA-512", "MD5");

  static void bindAll(com.dashjoin.jsonata.Jsonata.Frame frame, Scope scope) {
    frame.bind("partition", checked(PARTITION, Functions::partition));
    frame.bind("range", checked(RANGE, Functions::range));
    frame.bind("hash", checked(HASH, Functions::hash));
    frame.bind("random", checked(RANDOM, args -> random(args, scope)));
    frame.bind("uuid", checked(UUID, args -> Intrinsics.uuid(scope.nextRandom(), scope.nextRandom())));
    frame.bind("parse", checked(PARSE, Functions::parse));
    // AWS offers no $eval: calling it is T1006, "Attempted to invoke a non-function" (floci#2737, measured)
    frame.bind("eval", (Object) null);
  }

  private static JFunction checked(JsBuiltins.Signature signature, java.util.function.Function<List<?>, Object> body) {
    return new JsBuiltins.Signed(signature, body);
  }

  /**
   * Chunks of the array; a size is truncated towards zero, and a size of zero, or an empty array, is
   * undefined; with no size, the array is one chunk.
   */
  private static Object partition(List<?> args) {
    if (!(args.get(0) instanceof List<?> arr)) {
      throw new JsErrors.Worded("T0412", "Argument 1 of function \"partition\" must be an array of undefined");
    }
    Object n = args.size() > 1 ? args.get(1) : null;
    if (n == null) return arr.isEmpty() ? null : new ArrayList<>(List.of(new ArrayList<>(arr)));
    if (((Number) n).doubleValue() < 0) throw new JsErrors.Worded("D3137", "Second argument must be zero or greater");
    long size = ((Number) n).longValue();
    if (size <= 0 || arr.isEmpty()) return null;
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < arr.size(); i += (int) Math.min(size, Integer.MAX_VALUE)) {
      out.add(new ArrayList<>(arr.subList(i, (int) Math.min(arr.size(), i + size))));
    }
    return out;
  }

  /** From start to end by step, each truncated towards zero; undefined with no step, a zero step or a step against the direction. */
  private static Object range(List<?> args) {
    if (args.size() < 3 || args.get(0) == null || args.get(1) == null || args.get(2) == null) return null;
    long from = ((Number) args.get(0)).longValue(), to = ((Number) args.get(1)).longValue(), step = ((Number) args.get(2)).longValue();
    if (step == 0 || (step > 0 && from > to) || (step < 0 && from < to)) return null;
    // AWS gives 360,145 items and fails at 360,146 with its memory words (floci's JSONata tests,
    // measured 2026-08-30; 200,000 in floci#2676), known before anything is allocated
    java.math.BigInteger count = java.math.BigInteger.valueOf(to).subtract(java.math.BigInteger.valueOf(from))
        .divide(java.math.BigInteger.valueOf(step)).add(java.math.BigInteger.ONE);
    if (count.compareTo(java.math.BigInteger.valueOf(Bounds.MAX_RANGE_ITEMS)) > 0) throw new Bounds.Crossed(Bounds.TOO_BIG);
    int n = count.intValueExact();
    List<Object> out = new ArrayList<>(n);
    // counted exactly, each item lies between the ends, so no step overflows
    for (long i = 0; i < n; i++) out.add(from + i * step);
    // a one-item JSONata sequence is its item
    return out.size() == 1 ? out.get(0) : out;
  }

  private static Object hash(List<?> args) {
    if (args.get(0) == null || args.get(1) == null) return null;
    String data = (String) args.get(0), alg = (String) args.get(1);
    if (!HASHES.contains(alg)) {
      throw new JsErrors.Worded("D3137", "Hash algorithm '" + alg + "' must be one of " + String.join(", ", HASHES));
    }
    try {
      byte[] d = MessageDigest.getInstance(alg).digest(data.getBytes(StandardCharsets.UTF_8));
      StringBuilder b = new StringBuilder();
      for (byte x : d) b.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
      return b.toString();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** With a seed, {@code java.util.Random}'s first double, as AWS answers ($random(42) is 0.7275636800328681, floci#2662). */
  private static Object random(List<?> args, Scope scope) {
    if (!args.isEmpty() && args.get(0) instanceof Number seed) return new Random(seed.longValue()).nextDouble();
    return (scope.nextRandom() >>> 11) * 0x1.0p-53;
  }

  /** JSON text's value (surrounding white space allowed); undefined without an argument. */
  private static Object parse(List<?> args) {
    if (args.isEmpty() || args.get(0) == null) return null;
    try {
      JsonNode n = Json.parse((String) args.get(0));
      if (n == null || n.isMissingNode()) throw new JsErrors.Worded("D3137", "Invalid JSON");
      return Convert.toJava(n);
    } catch (JsonProcessingException e) {
      throw new JsErrors.Worded("D3137", "Invalid JSON");
    }
  }
}
