package io.stepwise.persistence.keys;

import java.util.concurrent.atomic.AtomicLong;

/** Counters for tests and metrics; monotonic for the life of the storage. */
public final class KeyMetrics {
  final AtomicLong dataKeysGenerated = new AtomicLong();
  final AtomicLong kmsCalls = new AtomicLong();
  final AtomicLong kmsDecrypts = new AtomicLong();
  final AtomicLong leasesGranted = new AtomicLong();

  /** GenerateDataKey calls that succeeded. */
  public long dataKeysGenerated() {
    return dataKeysGenerated.get();
  }

  /** Every call into the KMS (GenerateDataKey and Decrypt), failed ones included. */
  public long kmsCalls() {
    return kmsCalls.get();
  }

  /** KMS Decrypt calls made to unwrap stored data keys. */
  public long kmsDecrypts() {
    return kmsDecrypts.get();
  }

  public long leasesGranted() {
    return leasesGranted.get();
  }
}
