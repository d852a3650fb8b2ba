package io.stepwise.engine.kms;

import io.stepwise.engine.CborSerializable;

/**
 * A resource's {@code encryptionConfiguration}: {@code type} AWS_OWNED_KEY or
 * CUSTOMER_MANAGED_KMS_KEY; {@code kmsKeyId} as the caller gave it (key id, key ARN, alias name or
 * alias ARN) and {@code keyId} the key it resolved to when set; {@code reusePeriodSeconds} is
 * null when not given.
 */
public record EncryptionConfig(String type, String kmsKeyId, String keyId, Integer reusePeriodSeconds)
    implements CborSerializable {
  public static final String AWS_OWNED_KEY = "AWS_OWNED_KEY";
  public static final String CUSTOMER_MANAGED_KMS_KEY = "CUSTOMER_MANAGED_KMS_KEY";
  public static final int DEFAULT_REUSE_SECONDS = 300;

  public static final EncryptionConfig AWS_OWNED = new EncryptionConfig(AWS_OWNED_KEY, null, null, null);

  public boolean customerManaged() {
    return CUSTOMER_MANAGED_KMS_KEY.equals(type);
  }

  /** Null (records written before encryption configurations existed) reads as AWS_OWNED_KEY. */
  public static EncryptionConfig orDefault(EncryptionConfig c) {
    return c == null ? AWS_OWNED : c;
  }
}
