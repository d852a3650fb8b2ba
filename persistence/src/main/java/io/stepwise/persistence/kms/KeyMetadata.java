package io.stepwise.persistence.kms;

import java.time.Instant;

/**
 * A KMS key's description, as DescribeKey returns it (ARNs are built by the API layer, which
 * knows region and account). Immutable: state changes produce a new record.
 *
 * @param primaryMaterial version of the key material new ciphertexts use; rotation adds one
 * @param deletionDate when a key pending deletion is destroyed, else null
 * @param account the account that owns a customer key (null for the service-owned key, and for
 *     keys written before keys had owners until {@link LocalKms#adoptUnowned} gives them one)
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
    int primaryMaterial,
    String account) {

  public static final String SYMMETRIC_DEFAULT = "SYMMETRIC_DEFAULT";
  public static final String ENCRYPT_DECRYPT = "ENCRYPT_DECRYPT";

  public KeyMetadata withState(KeyState newState, Instant newDeletionDate) {
    return new KeyMetadata(keyId, description, keySpec, keyUsage, owner, newState, creationDate,
        newDeletionDate, rotationEnabled, primaryMaterial, account);
  }

  public KeyMetadata withRotation(boolean enabled) {
    return new KeyMetadata(keyId, description, keySpec, keyUsage, owner, state, creationDate,
        deletionDate, enabled, primaryMaterial, account);
  }

  public KeyMetadata withPrimaryMaterial(int version) {
    return new KeyMetadata(keyId, description, keySpec, keyUsage, owner, state, creationDate,
        deletionDate, rotationEnabled, version, account);
  }

  public KeyMetadata withAccount(String owner) {
    return new KeyMetadata(keyId, description, keySpec, keyUsage, this.owner, state, creationDate,
        deletionDate, rotationEnabled, primaryMaterial, owner);
  }

  public boolean symmetric() {
    return SYMMETRIC_DEFAULT.equals(keySpec);
  }
}
