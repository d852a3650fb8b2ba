package io.stepwise.persistence.journal;

import io.stepwise.persistence.keys.DataKeyLease;
import java.util.OptionalLong;

/** What a {@link BatchOp} may use while the committer seals it into the next WriteBatch. */
public interface BatchContext {
  void put(byte[] key, byte[] value);

  void delete(byte[] key);

  JournalStore store();

  EventCodec codec();

  /** Epoch millis for timestamps, from the storage clock. */
  long now();

  /**
   * The numeric id of {@code persistenceId}, allocated in this batch if it has none. Ids of the
   * persistence ids an op {@linkplain BatchOp#encryptsFor encrypts for} are numbered in batch
   * order; any other new id is numbered when asked.
   */
  long idFor(String persistenceId);

  /** The numeric id if {@code persistenceId} was ever written (or is allocated in this batch). */
  OptionalLong existingId(String persistenceId);

  /** The number of a payload type, added to the type table (durably, at once) if new. */
  int payloadTypeId(PayloadType type);

  /** The highest sequence number of {@code id}, including writes sealed but not yet durable. */
  long highest(long id);

  /** Whether the highest sequence number of {@code id} is {@code sequenceNr} (cheaper than {@link #highest}). */
  boolean endsAt(long id, long sequenceNr);

  /** Records that events up to {@code sequenceNr} of {@code id} are in this batch. */
  void setHighest(long id, long sequenceNr);

  /**
   * The data key lease for {@code persistenceId}'s target, taken when the op was admitted (and
   * kept usable for this op even if its window ends while the op is sealed).
   *
   * @throws RuntimeException the KMS refusal if no lease could be had (the op should reject)
   */
  DataKeyLease lease(String persistenceId);
}
