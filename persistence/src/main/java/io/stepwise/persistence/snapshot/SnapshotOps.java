package io.stepwise.persistence.snapshot;

import io.stepwise.persistence.journal.BatchContext;
import io.stepwise.persistence.journal.BatchOp;
import io.stepwise.persistence.journal.JournalStore;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/** Snapshot writes and deletes, as ops of the journal's group committer (one writer per store). */
final class SnapshotOps {
  private SnapshotOps() {}

  static final class Save implements BatchOp {
    private final String persistenceId;
    private final long sequenceNr;
    private final long timestamp;
    private final Object snapshot;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    private RuntimeException rejected;

    Save(String persistenceId, long sequenceNr, long timestamp, Object snapshot) {
      this.persistenceId = persistenceId;
      this.sequenceNr = sequenceNr;
      this.timestamp = timestamp;
      this.snapshot = snapshot;
    }

    @Override
    public Collection<String> encryptsFor() {
      return List.of(persistenceId);
    }

    @Override
    public int size() {
      return 1;
    }

    @Override
    public void prepare(BatchContext ctx) {
      rejected = null;
      try {
        byte[] sealed = ctx.codec().sealSnapshot(persistenceId, sequenceNr, timestamp, snapshot,
            ctx.lease(persistenceId), ctx::payloadTypeId);
        long id = ctx.idFor(persistenceId);
        ctx.put(JournalStore.snapshotKey(id, sequenceNr, timestamp), sealed);
      } catch (RuntimeException e) {
        rejected = e;
      }
    }

    @Override
    public void committed() {
      if (rejected != null) {
        done.completeExceptionally(rejected);
      } else {
        done.complete(null);
      }
    }

    @Override
    public void failed(Throwable cause) {
      done.completeExceptionally(cause);
    }
  }

  static final class Delete implements BatchOp {
    private final String persistenceId;
    private final Predicate<JournalStore.RawEntry> matches;
    final CompletableFuture<Void> done = new CompletableFuture<>();

    Delete(String persistenceId, Predicate<JournalStore.RawEntry> matches) {
      this.persistenceId = persistenceId;
      this.matches = matches;
    }

    @Override
    public Collection<String> persistenceIds() {
      return List.of(persistenceId);
    }

    @Override
    public void prepare(BatchContext ctx) {
      OptionalLong id = ctx.existingId(persistenceId);
      if (id.isEmpty()) {
        return;
      }
      for (JournalStore.RawEntry s : ctx.store().snapshots(id.getAsLong())) {
        if (matches.test(s)) {
          ctx.delete(JournalStore.snapshotKey(id.getAsLong(), s.sequenceNr(), s.timestamp()));
        }
      }
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
}
