package io.stepwise.persistence;

/**
 * What the journal replays in place of a stored event that it cannot decrypt, authenticate or
 * deserialize (tampered or moved ciphertext, a data key the KMS no longer releases, a class that
 * no longer exists).
 *
 * <p>Contract: this record is created in memory during replay and query only; it is never
 * persisted. It arrives as the event payload with the original persistence id and sequence
 * number, so the journal, the other entities and the rest of the replay carry on. An entity that
 * may meet one must map it to its own error event, typically with an {@code EventAdapter} whose
 * {@code fromJournal} recognises this type, and then refuse commands with a clear error rather
 * than rebuild state from a gap. Entities that do not handle it fail their recovery with a
 * {@code ClassCastException}, which is also safe but less clear.
 *
 * @param reason why the event could not be read, for logs and error messages; never contains
 *     plaintext or key material
 */
public record UnreadableEvent(String persistenceId, long sequenceNr, String reason) {}
