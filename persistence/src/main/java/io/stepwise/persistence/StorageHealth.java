package io.stepwise.persistence;

/**
 * Whether the storage can still write. The server answers {@code /health} from it and exits
 * non-zero once it is {@link Unhealthy}, so that a supervisor restarts it.
 */
public sealed interface StorageHealth {
  /** Open, and no write has failed. */
  record Healthy() implements StorageHealth {}

  /** The storage cannot write: {@code reason} says why, for people; {@code cause} is null if closed. */
  record Unhealthy(String reason, Throwable cause) implements StorageHealth {}
}
