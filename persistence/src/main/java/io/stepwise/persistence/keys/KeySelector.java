package io.stepwise.persistence.keys;

/**
 * Chooses the encryption target for a persistence id; called for every event written, so it
 * must be fast and must not block. The default sends everything to the service-owned key; the
 * engine installs one that routes a state machine's entities to its customer-managed key.
 */
@FunctionalInterface
public interface KeySelector {
  EncryptionTarget select(String persistenceId);
}
