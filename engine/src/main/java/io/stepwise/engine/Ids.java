package io.stepwise.engine;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Random version-4 UUIDs for execution names and Express ARNs. They need to be unique, not
 * unpredictable, so they come from the thread's own generator: {@code UUID.randomUUID()} draws
 * from SecureRandom, which hashes with SHA-1 under a lock, twice per StartSyncExecution.
 */
public final class Ids {
  private Ids() {}

  public static String uuid() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
    long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(hi, lo).toString();
  }
}
