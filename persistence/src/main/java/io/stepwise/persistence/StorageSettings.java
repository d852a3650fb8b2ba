package io.stepwise.persistence;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;

/** The {@code stepwise.*} settings the storage layer reads, validated once at startup. */
public record StorageSettings(
    Path dataDir,
    boolean fsync,
    int maxBatchEvents,
    Duration maxLinger,
    int sealerThreads,
    int replayChunkSize,
    Duration dataKeyReusePeriod,
    String rootKeyEnv,
    int decryptCacheSize,
    Duration decryptCacheTtl,
    Duration keyRequestTimeout,
    Duration queryRefreshInterval,
    String ioDispatcher) {

  public static final Duration MIN_REUSE = Duration.ofSeconds(60);
  public static final Duration MAX_REUSE = Duration.ofSeconds(900);

  public StorageSettings {
    if (dataKeyReusePeriod.compareTo(MIN_REUSE) < 0 || dataKeyReusePeriod.compareTo(MAX_REUSE) > 0) {
      throw new IllegalArgumentException(
          "stepwise.kms.data-key-reuse-period must be between 60 s and 900 s, was "
              + dataKeyReusePeriod.toSeconds() + " s");
    }
    if (maxBatchEvents < 1 || replayChunkSize < 1 || decryptCacheSize < 1 || sealerThreads < 1) {
      throw new IllegalArgumentException("batch, chunk and cache sizes and sealer threads must be positive");
    }
  }

  public static StorageSettings fromConfig(Config root) {
    Config c = root.getConfig("stepwise");
    return new StorageSettings(
        Path.of(c.getString("data-dir")),
        c.getBoolean("journal.fsync"),
        c.getInt("journal.max-batch-events"),
        c.getDuration("journal.max-linger"),
        sealerThreads(c.getInt("journal.sealer-threads")),
        c.getInt("journal.replay-chunk-size"),
        c.getDuration("kms.data-key-reuse-period"),
        c.getString("kms.root-key-env"),
        c.getInt("kms.decrypt-cache-size"),
        c.getDuration("kms.decrypt-cache-ttl"),
        c.getDuration("kms.key-request-timeout"),
        c.getDuration("query.refresh-interval"),
        "stepwise.io-dispatcher");
  }

  /** 0 means one per core, at most 4 (beyond that the single writer's fsync is the limit). */
  private static int sealerThreads(int configured) {
    return configured == 0 ? Math.min(4, Runtime.getRuntime().availableProcessors()) : configured;
  }

  public Path journalDir() {
    return dataDir.resolve("journal");
  }

  public Path kmsDir() {
    return dataDir.resolve("kms");
  }
}
