package io.stepwise.persistence.keys;

import java.time.Duration;
import java.util.Map;

/**
 * Under which KMS key, with which encryption context, and for how long one data key may be
 * reused. Data keys are issued per target: two state machines with different contexts never
 * share a data key even under the same KMS key.
 */
public record EncryptionTarget(String kmsKeyId, Map<String, String> encryptionContext, Duration reusePeriod) {
  public EncryptionTarget {
    encryptionContext = Map.copyOf(encryptionContext);
  }
}
