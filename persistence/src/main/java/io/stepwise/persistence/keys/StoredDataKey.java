package io.stepwise.persistence.keys;

import java.util.Map;

/** A row of the key table: a data key wrapped by its KMS key, referenced by events as {@code ref}. */
public record StoredDataKey(long ref, String kmsKeyId, Map<String, String> encryptionContext, byte[] wrapped) {}
