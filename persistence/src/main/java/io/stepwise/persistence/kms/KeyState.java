package io.stepwise.persistence.kms;

/** KMS key states, named as AWS names them in {@code KeyMetadata.KeyState}. */
public enum KeyState {
  ENABLED("Enabled"),
  DISABLED("Disabled"),
  PENDING_DELETION("PendingDeletion");

  private final String awsName;

  KeyState(String awsName) {
    this.awsName = awsName;
  }

  public String awsName() {
    return awsName;
  }
}
