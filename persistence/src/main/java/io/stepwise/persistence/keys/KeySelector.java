package io.stepwise.persistence.keys;

/**
 * Chooses the encryption target for a persistence id; called for every event written, so it
 * must be fast and must not block. The default sends everything to the service-owned key; the
 * engine installs one that routes a state machine's entities to its customer-managed key.
 */
@FunctionalInterface
public interface KeySelector {
  /** The target, or null when no key is known for this entity: its writes are then refused, never sealed under a default. */
  EncryptionTarget select(String persistenceId);
}
