/**
 * Stepwise's storage: its own Pekko journal plugin on leveldbjni ({@code stepwise.journal}), a
 * snapshot store ({@code stepwise.snapshot-store}) and a read journal ({@code stepwise.query}), all
 * in {@code <data-dir>/journal}; a local KMS in {@code <data-dir>/kms}; and the key-manager actor
 * that issues data keys.
 *
 * <p>Write path: the journal actor hands each {@code WriteMessages} to the {@link
 * io.stepwise.persistence.journal.GroupCommitter}, which serializes each event with Pekko
 * serialization and encrypts it on its own (AES-256-GCM, fresh nonce, associated data = persistence
 * id and sequence number) under a data key leased from the {@link
 * io.stepwise.persistence.keys.KeyManager}; everything that arrives while one fsync is in flight
 * goes into the next single WriteBatch. Read path: replay and queries decrypt in chunks; an event
 * that cannot be read arrives as an {@link io.stepwise.persistence.UnreadableEvent}.
 *
 * <p>The server calls {@link io.stepwise.persistence.StepwiseStorage#open()} at boot so that a
 * locked or corrupt data directory fails at once. All LevelDB I/O and crypto run on the
 * {@code stepwise.io-dispatcher}.
 */
package io.stepwise.persistence;
