package io.stepwise.persistence.snapshot;

import io.stepwise.persistence.journal.BatchOp;

/** Snapshot housekeeping that entities submit to the journal's group commit themselves. */
public final class Snapshots {
  private Snapshots() {}

  /** Deletes the snapshots of {@code persistenceId} older than sequence number {@code sequenceNr}. */
  public static BatchOp deleteBefore(String persistenceId, long sequenceNr) {
    return new SnapshotOps.Delete(persistenceId, s -> s.sequenceNr() < sequenceNr);
  }
}
