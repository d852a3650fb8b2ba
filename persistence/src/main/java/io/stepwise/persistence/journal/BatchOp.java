package io.stepwise.persistence.journal;

import java.util.Collection;
import java.util.List;

/**
 * One request for the {@link GroupCommitter}: it adds its puts and deletes to the shared batch
 * and is completed only after that batch is durable.
 *
 * <p>Order: for ops {@code a} submitted before {@code b}, {@code b} is durable no earlier than
 * {@code a} (same batch or a later one) when they share a persistence id (from {@link
 * #persistenceIds}), and whenever {@code a} did not have to wait for a data key lease. Only an op
 * that waits for the key manager (its lease is missing, or an earlier op of one of its persistence
 * ids waits) may be overtaken, and only by ops of other persistence ids, so that one slow KMS call
 * does not stall every writer. An op that must never overtake another entity's write (an index
 * entry that points at it) declares that entity's persistence id.
 *
 * <p>{@link #prepare} runs on one of several sealer threads, in parallel with other ops' but never
 * with an op that shares a persistence id with it (those run one after another, in order).
 */
public interface BatchOp {
  /** Persistence ids this op encrypts for, so leases can be fetched before the batch is built; none for deletions. */
  default Collection<String> encryptsFor() {
    return List.of();
  }

  /**
   * Persistence ids whose order this op is part of (see above); those it encrypts for by default.
   * An op that reads or changes an entity without encrypting for it (a deletion) names it here.
   */
  default Collection<String> persistenceIds() {
    return encryptsFor();
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
