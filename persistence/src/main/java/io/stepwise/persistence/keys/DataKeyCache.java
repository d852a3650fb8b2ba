package io.stepwise.persistence.keys;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.SecretKey;

/**
 * Bounded, time-limited cache of unwrapped data keys for decryption, keyed by data key ref.
 * Written only by the key manager, read by journal threads. Entries expire after the TTL and the
 * least recently used go first when full, so plaintext keys do not pile up in memory.
 */
public final class DataKeyCache {
  private record Cached(SecretKey key, String kmsKeyId, Instant expiresAt) {}

  private final int capacity;
  private final Duration ttl;
  private final Clock clock;
  private final LinkedHashMap<Long, Cached> entries;

  public DataKeyCache(int capacity, Duration ttl, Clock clock) {
    this.capacity = capacity;
    this.ttl = ttl;
    this.clock = clock;
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, Cached> eldest) {
        return size() > DataKeyCache.this.capacity;
      }
    };
  }

  public synchronized Optional<SecretKey> get(long ref) {
    Cached c = entries.get(ref);
    if (c == null) {
      return Optional.empty();
    }
    if (!clock.instant().isBefore(c.expiresAt())) {
      entries.remove(ref);
      return Optional.empty();
    }
    return Optional.of(c.key());
  }

  synchronized void put(long ref, String kmsKeyId, SecretKey key, Instant expiresAt) {
    Instant cap = clock.instant().plus(ttl);
    entries.put(ref, new Cached(key, kmsKeyId, expiresAt.isBefore(cap) ? expiresAt : cap));
  }

  synchronized void evictKmsKey(String kmsKeyId) {
    entries.values().removeIf(c -> c.kmsKeyId().equals(kmsKeyId));
  }

  synchronized void evictExpired() {
    Instant now = clock.instant();
    entries.values().removeIf(c -> !now.isBefore(c.expiresAt()));
  }

  public synchronized int size() {
    return entries.size();
  }
}
