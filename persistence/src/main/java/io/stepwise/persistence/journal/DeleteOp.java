package io.stepwise.persistence.journal;

import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * Deletes the events of one entity up to a sequence number. Goes through the committer so it is
 * ordered with that entity's writes; the highest sequence number is kept.
 */
public final class DeleteOp implements BatchOp {
  private final String persistenceId;
  private final long toSequenceNr;
  private final CompletableFuture<Void> done = new CompletableFuture<>();

  /** Deletes the events of {@code persistenceId} up to {@code toSequenceNr}, keeping its highest sequence number. */
  public static DeleteOp eventsTo(String persistenceId, long toSequenceNr) {
    return new DeleteOp(persistenceId, toSequenceNr);
  }

  DeleteOp(String persistenceId, long toSequenceNr) {
    this.persistenceId = persistenceId;
    this.toSequenceNr = toSequenceNr;
  }

  CompletableFuture<Void> done() {
    return done;
  }

  @Override
  public java.util.Collection<String> persistenceIds() {
    return java.util.List.of(persistenceId);
  }

  @Override
  public void prepare(BatchContext ctx) {
    OptionalLong id = ctx.existingId(persistenceId);
    if (id.isEmpty()) {
      return;
    }
    long highest = ctx.highest(id.getAsLong());
    long to = Math.min(toSequenceNr, highest);
    long deletedTo = ctx.store().deletedTo(id.getAsLong());
    if (to <= deletedTo) {
      return;
    }
    for (byte[] key : ctx.store().eventKeys(id.getAsLong(), deletedTo + 1, to)) {
      ctx.delete(key);
    }
    ctx.put(JournalKeys.deletedTo(id.getAsLong()), JournalKeys.longBytes(to));
    // The highest sequence number must outlive the events that carried it.
    ctx.put(JournalKeys.highest(id.getAsLong()), JournalKeys.longBytes(highest));
  }

  @Override
  public void committed() {
    done.complete(null);
  }

  @Override
  public void failed(Throwable cause) {
    done.completeExceptionally(cause);
  }
}
