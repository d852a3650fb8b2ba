package io.stepwise.persistence.journal;

import java.util.Collection;
import java.util.List;

/**
 * One request for the {@link GroupCommitter}: it adds its puts and deletes to the shared batch
 * and is completed only after that batch is durable.
 */
public interface BatchOp {
  /** Persistence ids this op encrypts for, so leases can be fetched before the batch is built; none for deletions. */
  default Collection<String> encryptsFor() {
    return List.of();
  }

  /** Events (or snapshots) this op writes, counted against the batch limit; a deletion counts as one. */
  default int size() {
    return 1;
  }

  /** Adds this op's changes to the batch; a per-item failure should be recorded, not thrown. */
  void prepare(BatchContext ctx);

  void committed();

  void failed(Throwable cause);
}
