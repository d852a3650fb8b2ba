package io.stepwise.engine.kms;

/**
 * A token bucket of KMS requests per second (burst: one second's worth), so that users can see
 * how their clients handle KmsThrottlingException. Real time, not the engine's clock: throttling
 * is about request rates, which a virtual clock does not change.
 */
final class KmsQuota {
  private final int perSecond;
  private double tokens;
  private long last = System.nanoTime();

  KmsQuota(int perSecond) {
    if (perSecond < 0) {
      throw new IllegalArgumentException("stepwise.engine.kms-requests-per-second must be 0 (no limit) or more");
    }
    this.perSecond = perSecond;
    this.tokens = perSecond;
  }

  synchronized boolean tryAcquire() {
    if (perSecond == 0) {
      return true;
    }
    long now = System.nanoTime();
    tokens = Math.min(perSecond, tokens + (now - last) / 1e9 * perSecond);
    last = now;
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }
}
