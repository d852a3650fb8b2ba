package io.stepwise.persistence.kms;

/** Who manages a key: AWS's {@code KeyManager} field. Service-owned keys never appear in ListKeys. */
public enum KeyOwner {
  /** Owned by Stepwise itself, what AWS calls AWS_OWNED_KEY for Step Functions. */
  AWS,
  CUSTOMER
}
