package io.stepwise.loadtests.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
  @Test
  void histogram_percentilesWithinThreePercent() {
    LatencyHistogram h = new LatencyHistogram();
    for (long us = 1; us <= 100_000; us++) {
      h.recordNanos(us * 1_000);
    }
    assertThat(h.percentileMicros(50)).isBetween(50_000L, 51_500L);
    assertThat(h.percentileMicros(99)).isBetween(99_000L, 100_000L);
    assertThat(h.maxMicros()).isEqualTo(100_000L);
  }
}
