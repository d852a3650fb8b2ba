package io.stepwise.asl.jsonata;

import com.dashjoin.jsonata.Jsonata.JFunction;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.StatesError;
import io.stepwise.asl.intrinsic.Intrinsics;
import io.stepwise.asl.path.Json;
import io.stepwise.asl.path.Scope;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Step Functions' own JSONata functions: $partition, $range, $hash, $random, $uuid, $parse. */
final class Functions {
  private Functions() {}

  static void bindAll(com.dashjoin.jsonata.Jsonata.Frame frame, Scope scope) {
    frame.bind("partition", new JFunction((in, args) -> partition(args), null));
    frame.bind("range", new JFunction((in, args) -> range(args), null));
    frame.bind("hash", new JFunction((in, args) -> hash(args), null));
    frame.bind("random", new JFunction((in, args) -> random(args, scope), null));
    frame.bind("uuid", new JFunction((in, args) -> Intrinsics.uuid(scope.nextRandom(), scope.nextRandom()), null));
    frame.bind("parse", new JFunction((in, args) -> parse(args), null));
    // AWS offers no $eval: calling it is T1006, "Attempted to invoke a non-function" (floci#2737, measured)
    frame.bind("eval", (Object) null);
  }

  private static StatesError fail(String fn, String what) {
    return StatesError.queryEvaluation("The function '$" + fn + "' failed: " + what);
  }

  // AWS rounds non-integer arguments towards zero, and answers undefined (null here) for a
  // chunk size of zero, an empty array, a missing step or a step against the direction.
  private static Object partition(List<?> args) {
    if (args.size() != 2 || !(args.get(0) instanceof List<?> arr) || !(args.get(1) instanceof Number n)) {
      if (args.size() == 2 && args.get(1) instanceof Number && !(args.get(0) instanceof List<?>) && args.get(0) != null) {
        return partition(List.of(List.of(args.get(0)), args.get(1)));
      }
      throw fail("partition", "expected an array and a chunk size");
    }
    long size = n.longValue();
    if (size <= 0 || arr.isEmpty()) return null;
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < arr.size(); i += (int) size) out.add(new ArrayList<>(arr.subList(i, (int) Math.min(arr.size(), i + size))));
    return out;
  }

  private static Object range(List<?> args) {
    if (args.size() < 3 || args.get(2) == null) return null;
    if (!(args.get(0) instanceof Number a) || !(args.get(1) instanceof Number b) || !(args.get(2) instanceof Number c)) {
      throw fail("range", "expected start, end and step numbers");
    }
    long from = a.longValue(), to = b.longValue(), step = c.longValue();
    if (step == 0 || (step > 0 && from > to) || (step < 0 && from < to)) return null;
    // AWS answers 200,000 items (floci#2676, measured) and fails only at its memory bound, which
    // is known before anything is allocated
    java.math.BigInteger count = java.math.BigInteger.valueOf(to).subtract(java.math.BigInteger.valueOf(from))
        .divide(java.math.BigInteger.valueOf(step)).add(java.math.BigInteger.ONE);
    if (count.compareTo(java.math.BigInteger.valueOf(Bounds.MAX_ITEMS)) > 0) throw new Bounds.Crossed(Bounds.TOO_BIG);
    int n = count.intValueExact();
    List<Object> out = new ArrayList<>(n);
    // counted exactly, each item lies between the ends, so no step overflows
    for (long i = 0; i < n; i++) out.add(from + i * step);
    // a one-item JSONata sequence is its item
    return out.size() == 1 ? out.get(0) : out;
  }

  private static Object hash(List<?> args) {
    if (args.size() < 2 || args.get(1) == null) return null;
    if (args.size() != 2 || !(args.get(0) instanceof String data) || !(args.get(1) instanceof String alg)) {
      throw fail("hash", "expected a string and an algorithm name");
    }
    if (!List.of("MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512").contains(alg)) throw fail("hash", "unsupported algorithm " + alg);
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
    if (args.size() == 1 && args.get(0) instanceof Number seed) return new Random(seed.longValue()).nextDouble();
    return (scope.nextRandom() >>> 11) * 0x1.0p-53;
  }

  private static Object parse(List<?> args) {
    if (args.size() != 1 || !(args.get(0) instanceof String s)) throw fail("parse", "expected a string");
    try {
      JsonNode n = Json.parse(s);
      return Convert.toJava(n);
    } catch (JsonProcessingException e) {
      throw fail("parse", "the argument is not valid JSON");
    }
  }
}
