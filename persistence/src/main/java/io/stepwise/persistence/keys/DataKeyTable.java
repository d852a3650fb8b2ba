package io.stepwise.persistence.keys;

import java.util.Optional;

/** Where wrapped data keys are stored once, so that each event only carries a reference. */
public interface DataKeyTable {
  /** Stores durably and returns the new row's reference. */
  long add(String kmsKeyId, java.util.Map<String, String> encryptionContext, byte[] wrapped);

  Optional<StoredDataKey> find(long ref);
}
