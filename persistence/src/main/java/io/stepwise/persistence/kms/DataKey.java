package io.stepwise.persistence.kms;

/**
 * A GenerateDataKey result: the plaintext data key (keep in memory only) and the same key wrapped
 * by the KMS key, which is what gets stored.
 */
public record DataKey(String keyId, byte[] plaintext, byte[] ciphertextBlob) {}
