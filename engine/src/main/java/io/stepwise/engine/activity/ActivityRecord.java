package io.stepwise.engine.activity;

import io.stepwise.engine.CborSerializable;
import io.stepwise.engine.kms.EncryptionConfig;
import java.time.Instant;

/** Everything DescribeActivity shows about one activity. */
public record ActivityRecord(String activityArn, String name, Instant creationDate,
    EncryptionConfig encryptionConfiguration) implements CborSerializable {

  public EncryptionConfig encryption() {
    return EncryptionConfig.orDefault(encryptionConfiguration);
  }
}
