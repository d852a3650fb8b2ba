package io.stepwise.api.http;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Request ids shaped like random (version 4) UUIDs, as AWS's are: a random half fixed per
 * instance and a counter starting at a random value. Unique within a process and unguessable
 * enough for an id, without drawing from SecureRandom, which threads contend for, per request.
 */
final class RequestIds {
  private final long high;
  private final AtomicLong low;

  RequestIds() {
    SecureRandom random = new SecureRandom();
    this.high = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
    this.low = new AtomicLong(random.nextLong());
  }

  String next() {
    long n = low.getAndIncrement();
    return new UUID(high, (n & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L).toString();
  }
}
