package io.stepwise.persistence.snapshot;

import io.stepwise.persistence.StepwiseStorage;
import io.stepwise.persistence.crypto.Envelope;
import io.stepwise.persistence.journal.JournalStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.SelectedSnapshot;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.snapshot.japi.SnapshotStore;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;

/**
 * Snapshot store plugin ({@code stepwise.snapshot-store}): snapshots live in the journal's LevelDB,
 * encrypted like events (associated data: persistence id, sequence number, timestamp). Loading
 * falls back to an older snapshot when the newest cannot be decrypted, recovers from the events
 * alone when only KMS's refusal to unwrap data keys stood in the way (and no event was deleted),
 * and fails otherwise,
 * since recovering from a damaged snapshot would silently lose state.
 */
public final class StepwiseSnapshotStore extends SnapshotStore {
  private final StepwiseStorage storage = StepwiseStorage.get(Adapter.toTyped(context().system()));
  private final StepwiseStorage.Handles handles = storage.handles();

  @Override
  public Future<Optional<SelectedSnapshot>> doLoadAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
    CompletionStage<Optional<SelectedSnapshot>> loaded = CompletableFuture
        .supplyAsync(() -> candidates(persistenceId, criteria), storage.ioExecutor())
        .thenCompose(c -> tryLoad(persistenceId, c.list(), 0, null, c.eventsKept()));
    return FutureConverters.asScala(loaded);
  }

  @Override
  public Future<Void> doSaveAsync(SnapshotMetadata metadata, Object snapshot) {
    var op = new SnapshotOps.Save(metadata.persistenceId(), metadata.sequenceNr(), metadata.timestamp(), snapshot);
    handles.committer().submit(op);
    return FutureConverters.asScala(op.done);
  }

  @Override
  public Future<Void> doDeleteAsync(SnapshotMetadata metadata) {
    var op = new SnapshotOps.Delete(metadata.persistenceId(), s -> s.sequenceNr() == metadata.sequenceNr()
        && (metadata.timestamp() == 0L || s.timestamp() == metadata.timestamp()));
    handles.committer().submit(op);
    return FutureConverters.asScala(op.done);
  }

  @Override
  public Future<Void> doDeleteAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
    var op = new SnapshotOps.Delete(persistenceId, s -> matches(s, criteria));
    handles.committer().submit(op);
    return FutureConverters.asScala(op.done);
  }

  /** Snapshots to try, newest first; {@code eventsKept}: no event of the entity was ever deleted. */
  private record Candidates(List<JournalStore.RawEntry> list, boolean eventsKept) {}

  private Candidates candidates(String persistenceId, SnapshotSelectionCriteria criteria) {
    OptionalLong id = handles.store().idOf(persistenceId);
    if (id.isEmpty()) {
      return new Candidates(List.of(), true);
    }
    List<JournalStore.RawEntry> list = new ArrayList<>();
    for (JournalStore.RawEntry s : handles.store().snapshots(id.getAsLong())) {
      if (matches(s, criteria)) {
        list.add(s);
      }
    }
    list.sort(Comparator.comparingLong(JournalStore.RawEntry::sequenceNr)
        .thenComparingLong(JournalStore.RawEntry::timestamp).reversed());
    return new Candidates(list, handles.store().deletedTo(id.getAsLong()) == 0);
  }

  /**
   * {@code onlyKeysRefused}: every snapshot tried so far failed because KMS would not unwrap its
   * data key (a disabled or deleted key), not because it failed authentication, and the entity's
   * events were never deleted. Then recovery goes on without a snapshot: replaying the events
   * reports them unreadable the same way, until the key is usable again.
   */
  private CompletionStage<Optional<SelectedSnapshot>> tryLoad(String pid, List<JournalStore.RawEntry> list, int i,
      Throwable lastFailure, boolean onlyKeysRefused) {
    if (i >= list.size()) {
      return lastFailure == null || onlyKeysRefused
          ? CompletableFuture.completedFuture(Optional.empty())
          : CompletableFuture.failedFuture(new IllegalStateException("No snapshot of " + pid + " could be read: "
              + (lastFailure instanceof javax.crypto.AEADBadTagException
                  ? "ciphertext failed authentication (tampered, moved or wrong key)"
                  : lastFailure.getMessage()), lastFailure));
    }
    JournalStore.RawEntry s = list.get(i);
    Envelope env;
    try {
      env = Envelope.parse(s.envelope());
    } catch (IllegalArgumentException e) {
      return tryLoad(pid, list, i + 1, e, false);
    }
    return handles.dataKeys().unwrap(env.dataKeyRef())
        .handle((key, refused) -> {
          if (refused != null) throw new KeyRefused(refused);
          return key;
        })
        .thenApplyAsync(key -> {
          try {
            Object payload = handles.codec().openSnapshot(pid, s.sequenceNr(), s.timestamp(), env, key);
            return Optional.of(SelectedSnapshot.create(SnapshotMetadata.apply(pid, s.sequenceNr(), s.timestamp()),
                payload));
          } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
          }
        }, storage.ioExecutor())
        .handle((ok, err) -> {
          if (ok != null) return CompletableFuture.completedFuture(ok);
          Throwable cause = err instanceof java.util.concurrent.CompletionException c ? c.getCause() : err;
          boolean refused = cause instanceof KeyRefused;
          return tryLoad(pid, list, i + 1, refused ? cause.getCause() : cause, onlyKeysRefused && refused);
        })
        .thenCompose(f -> f);
  }

  /** KMS would not unwrap a snapshot's data key. */
  private static final class KeyRefused extends RuntimeException {
    KeyRefused(Throwable cause) {
      super(cause);
    }
  }

  private static boolean matches(JournalStore.RawEntry s, SnapshotSelectionCriteria c) {
    return s.sequenceNr() <= c.maxSequenceNr() && s.timestamp() <= c.maxTimestamp()
        && s.sequenceNr() >= c.minSequenceNr() && s.timestamp() >= c.minTimestamp();
  }
}
