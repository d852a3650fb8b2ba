package io.stepwise.loadtests.http;

/**
 * Latencies in microseconds in log-linear buckets, as HdrHistogram does it: 32 linear
 * sub-buckets per power of two, so any percentile is within about 3% of the true value, in a
 * fixed 8 KiB whatever the count. Recording is an array increment; not thread-safe.
 */
public final class LatencyHistogram {
  private static final int SUB_BITS = 5;
  private static final int SUB = 1 << SUB_BITS;
  private final long[] counts = new long[SUB * (64 - SUB_BITS + 1)];
  private long total;
  private long max;

  public void recordNanos(long nanos) {
    long micros = Math.max(0, nanos / 1_000);
    counts[index(micros)]++;
    total++;
    max = Math.max(max, micros);
  }

  public long count() {
    return total;
  }

  public long maxMicros() {
    return max;
  }

  /** The value below which {@code percent} of the recorded values fall (bucket upper bound). */
  public long percentileMicros(double percent) {
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(total * percent / 100.0));
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return Math.min(upperBound(i), max);
      }
    }
    return max;
  }

  static int index(long v) {
    if (v < SUB) {
      return (int) v;
    }
    // v >>> shift keeps the top SUB_BITS + 1 bits, in [SUB, 2 * SUB): contiguous with 0..SUB-1.
    int shift = 63 - Long.numberOfLeadingZeros(v) - SUB_BITS;
    return shift * SUB + (int) (v >>> shift);
  }

  static long upperBound(int index) {
    if (index < SUB) {
      return index;
    }
    int shift = index / SUB - 1;
    long sub = index % SUB + SUB;
    return ((sub + 1) << shift) - 1;
  }
}
