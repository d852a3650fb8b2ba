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

  /** The numeric id of {@code persistenceId}, allocated in this batch if it has none. */
  long idFor(String persistenceId);

  /** The numeric id if {@code persistenceId} was ever written (or is allocated in this batch). */
  OptionalLong existingId(String persistenceId);

  /** The number of a payload type, added to the type table in this batch if new. */
  int payloadTypeId(PayloadType type);

  /** The highest sequence number of {@code id}, including writes sealed but not yet durable. */
  long highest(long id);

  /** Records that events up to {@code sequenceNr} of {@code id} are in this batch. */
  void setHighest(long id, long sequenceNr);

  /**
   * The data key lease for {@code persistenceId}'s target.
   *
   * @throws RuntimeException the KMS refusal if no lease could be had (the op should reject)
   */
  DataKeyLease lease(String persistenceId);
}
