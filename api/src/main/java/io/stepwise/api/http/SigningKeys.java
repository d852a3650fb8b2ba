package io.stepwise.api.http;

import java.util.concurrent.ConcurrentHashMap;

/**
 * SigV4 signing keys, cached. A key depends only on (secret, date, region, service), so a client
 * signs a day's requests with one key; deriving it takes four HMACs, more than verifying a
 * signature with it. Keys are derived by {@link SigV4#signingKey} alone; this only remembers them.
 *
 * <p>The cache is bounded by clearing it when it is full: a day rolls over rarely, and whoever
 * fills it with odd regions or services costs only the derivations the cache would have saved.
 */
final class SigningKeys {
  static final int DEFAULT_MAX_ENTRIES = 1024;

  private record Scope(String secret, String date, String region, String service) {}

  private final ConcurrentHashMap<Scope, byte[]> keys = new ConcurrentHashMap<>();
  private final int maxEntries;

  SigningKeys() {
    this(DEFAULT_MAX_ENTRIES);
  }

  SigningKeys(int maxEntries) {
    if (maxEntries <= 0) {
      throw new IllegalArgumentException("maxEntries must be positive");
    }
    this.maxEntries = maxEntries;
  }

  /** The signing key for this scope; callers must not modify the returned array. */
  byte[] key(String secret, String date, String region, String service) {
    Scope scope = new Scope(secret, date, region, service);
    byte[] key = keys.get(scope);
    if (key != null) {
      return key;
    }
    if (keys.size() >= maxEntries) {
      keys.clear();
    }
    return keys.computeIfAbsent(
        scope, s -> SigV4.signingKey(s.secret(), s.date(), s.region(), s.service()));
  }

  int size() {
    return keys.size();
  }
}
