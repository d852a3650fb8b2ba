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
 * falls back to an older snapshot when the newest cannot be decrypted, and fails only if none can,
 * since recovering from a damaged snapshot would silently lose state.
 */
public final class StepwiseSnapshotStore extends SnapshotStore {
  private final StepwiseStorage storage = StepwiseStorage.get(Adapter.toTyped(context().system()));
  private final StepwiseStorage.Handles handles = storage.handles();

  @Override
  public Future<Optional<SelectedSnapshot>> doLoadAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
    CompletionStage<Optional<SelectedSnapshot>> loaded = CompletableFuture
        .supplyAsync(() -> candidates(persistenceId, criteria), storage.ioExecutor())
        .thenCompose(list -> tryLoad(persistenceId, list, 0, null));
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

  private List<JournalStore.RawEntry> candidates(String persistenceId, SnapshotSelectionCriteria criteria) {
    OptionalLong id = handles.store().idOf(persistenceId);
    if (id.isEmpty()) {
      return List.of();
    }
    List<JournalStore.RawEntry> list = new ArrayList<>();
    for (JournalStore.RawEntry s : handles.store().snapshots(id.getAsLong())) {
      if (matches(s, criteria)) {
        list.add(s);
      }
    }
    list.sort(Comparator.comparingLong(JournalStore.RawEntry::sequenceNr)
        .thenComparingLong(JournalStore.RawEntry::timestamp).reversed());
    return list;
  }

  private CompletionStage<Optional<SelectedSnapshot>> tryLoad(String pid, List<JournalStore.RawEntry> list, int i,
      Throwable lastFailure) {
    if (i >= list.size()) {
      return lastFailure == null
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
      return tryLoad(pid, list, i + 1, e);
    }
    return handles.dataKeys().unwrap(env.dataKeyRef())
        .thenApplyAsync(key -> {
          try {
            Object payload = handles.codec().openSnapshot(pid, s.sequenceNr(), s.timestamp(), env, key);
            return Optional.of(SelectedSnapshot.create(SnapshotMetadata.apply(pid, s.sequenceNr(), s.timestamp()),
                payload));
          } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
          }
        }, storage.ioExecutor())
        .handle((ok, err) -> ok != null
            ? CompletableFuture.completedFuture(ok)
            : tryLoad(pid, list, i + 1, err instanceof java.util.concurrent.CompletionException c ? c.getCause() : err))
        .thenCompose(f -> f);
  }

  private static boolean matches(JournalStore.RawEntry s, SnapshotSelectionCriteria c) {
    return s.sequenceNr() <= c.maxSequenceNr() && s.timestamp() <= c.maxTimestamp()
        && s.sequenceNr() >= c.minSequenceNr() && s.timestamp() >= c.minTimestamp();
  }
}
