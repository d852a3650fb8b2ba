package io.stepwise.persistence.kms;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A key management service in AWS KMS's terms. The journal only needs {@link #generateDataKey}
 * and {@link #decrypt}, through the key-manager actor; the rest is what the KMS API (TrentService)
 * and key lifecycle need. Key ids are bare ids; resolving ARNs and aliases is the caller's job.
 * Every call may throw {@link KmsException}.
 */
public interface Kms {

  /** The service-owned key (AWS_OWNED_KEY) that exists from first start. */
  String serviceOwnedKeyId();

  KeyMetadata createKey(String description, String keySpec);

  /**
   * A customer key: {@code keySpec} SYMMETRIC_DEFAULT or RSA_2048, {@code keyUsage}
   * ENCRYPT_DECRYPT; a null policy means AWS's default policy for the owning account.
   */
  KeyMetadata createKey(String description, String keySpec, String keyUsage, String policy, Map<String, String> tags);

  /** The key a ciphertext blob from {@link #encrypt} names (symmetric keys only). */
  String ciphertextKeyId(byte[] ciphertextBlob);

  /** The key id named by a key id, key ARN, alias name ({@code alias/x}) or alias ARN. */
  String resolveKeyId(String keyRef);

  /** As {@link #resolveKeyId(String)} for a caller of {@code account}: names and ids in that account, ARNs in theirs. */
  String resolveKeyId(String account, String keyRef);

  /** A customer key owned by {@code account}. */
  KeyMetadata createKey(String account, String description, String keySpec, String keyUsage, String policy,
      Map<String, String> tags);

  KeyMetadata createAlias(String account, String aliasName, String keyId);

  KeyMetadata updateAlias(String account, String aliasName, String keyId);

  void deleteAlias(String account, String aliasName);

  /** The aliases of {@code account}. */
  List<KmsAlias> listAliases(String account);

  /** The customer keys of {@code account}. */
  List<KeyMetadata> listKeys(String account);

  /** Gives keys and aliases written before keys had owners to {@code account}. */
  void adoptUnowned(String account);

  KeyMetadata createAlias(String aliasName, String keyId);

  KeyMetadata updateAlias(String aliasName, String keyId);

  void deleteAlias(String aliasName);

  List<KmsAlias> listAliases();

  /** The key's policy document, or null for the default policy. */
  String keyPolicy(String keyId);

  void putKeyPolicy(String keyId, String policy);

  Map<String, String> tags(String keyId);

  void tag(String keyId, Map<String, String> tags);

  void untag(String keyId, java.util.Collection<String> tagKeys);

  KeyMetadata describeKey(String keyId);

  /** Customer keys, in creation order. */
  List<KeyMetadata> listKeys();

  /** A fresh 256-bit data key, wrapped under the key's primary material and bound to the context. */
  DataKey generateDataKey(String keyId, Map<String, String> encryptionContext);

  byte[] encrypt(String keyId, byte[] plaintext, Map<String, String> encryptionContext);

  /**
   * Unwraps a ciphertext blob made by {@link #encrypt} or {@link #generateDataKey}. The blob names
   * its key; {@code expectedKeyId}, if not null, must match it.
   */
  byte[] decrypt(String expectedKeyId, byte[] ciphertextBlob, Map<String, String> encryptionContext);

  KeyMetadata enableKey(String keyId);

  KeyMetadata disableKey(String keyId);

  /** Marks the key pending deletion; it is destroyed for good at the returned date. */
  Instant scheduleKeyDeletion(String keyId, int pendingWindowDays);

  KeyMetadata cancelKeyDeletion(String keyId);

  KeyMetadata setRotation(String keyId, boolean enabled);

  /** New primary key material; ciphertexts under older material stay decryptable. */
  KeyMetadata rotateKeyOnDemand(String keyId);

  /** Called with the key id after any state change, so caches of its data keys can be dropped. */
  void onKeyChange(Consumer<String> listener);
}
