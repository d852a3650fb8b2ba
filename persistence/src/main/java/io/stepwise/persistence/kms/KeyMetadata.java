package io.stepwise.persistence.kms;

import java.time.Instant;

/**
 * A KMS key's description, as DescribeKey returns it (ARNs are built by the API layer, which
 * knows region and account). Immutable: state changes produce a new record.
 *
 * @param primaryMaterial version of the key material new ciphertexts use; rotation adds one
 * @param deletionDate when a key pending deletion is destroyed, else null
 */
public record KeyMetadata(
    String keyId,
    String description,
    String keySpec,
    String keyUsage,
    KeyOwner owner,
    KeyState state,
    Instant creationDate,
    Instant deletionDate,
    boolean rotationEnabled,
    int primaryMaterial) {

  public static final String SYMMETRIC_DEFAULT = "SYMMETRIC_DEFAULT";
  public static final String ENCRYPT_DECRYPT = "ENCRYPT_DECRYPT";

  public KeyMetadata withState(KeyState newState, Instant newDeletionDate) {
    return new KeyMetadata(keyId, description, keySpec, keyUsage, owner, newState, creationDate,
        newDeletionDate, rotationEnabled, primaryMaterial);
  }

  public KeyMetadata withRotation(boolean enabled) {
    return new KeyMetadata(keyId, description, keySpec, keyUsage, owner, state, creationDate,
        deletionDate, enabled, primaryMaterial);
  }

  public KeyMetadata withPrimaryMaterial(int version) {
    return new KeyMetadata(keyId, description, keySpec, keyUsage, owner, state, creationDate,
        deletionDate, rotationEnabled, version);
  }

  public boolean symmetric() {
    return SYMMETRIC_DEFAULT.equals(keySpec);
  }
}
