package io.stepwise.persistence;

/**
 * The data directory cannot be used: its LevelDB lock is held by another server, the store is
 * corrupt, or the KMS root key does not open the key store. Thrown by {@link StepwiseStorage#open()}
 * at boot so the server exits with this message instead of hanging on its first write.
 */
public final class StorageUnavailableException extends RuntimeException {
  public StorageUnavailableException(String message) {
    super(message);
  }

  public StorageUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
