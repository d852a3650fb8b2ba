package io.stepwise.persistence.journal;

import io.stepwise.persistence.StepwiseStorage;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.journal.japi.AsyncWriteJournal;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;

/**
 * Stepwise's journal plugin ({@code stepwise.journal}). The actor itself only hands requests to
 * the shared {@link GroupCommitter} and {@link EventReader}, which do all LevelDB I/O and crypto
 * on the I/O dispatcher; see {@link io.stepwise.persistence.UnreadableEvent} for what replay
 * delivers when an event cannot be decrypted.
 */
public final class StepwiseJournal extends AsyncWriteJournal {
  private final StepwiseStorage.Handles storage =
      StepwiseStorage.get(Adapter.toTyped(context().system())).handles();

  @Override
  public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(Iterable<AtomicWrite> messages) {
    WriteOp op = new WriteOp(messages);
    storage.committer().submit(op);
    return FutureConverters.asScala(op.done());
  }

  @Override
  public Future<Void> doAsyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
    DeleteOp op = new DeleteOp(persistenceId, toSequenceNr);
    storage.committer().submit(op);
    return FutureConverters.asScala(op.done());
  }

  @Override
  public Future<Void> doAsyncReplayMessages(String persistenceId, long fromSequenceNr, long toSequenceNr,
      long max, Consumer<PersistentRepr> replayCallback) {
    return FutureConverters.asScala(storage.reader().replay(persistenceId, fromSequenceNr, toSequenceNr, max,
        replayCallback));
  }

  @Override
  public Future<Long> doAsyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
    CompletionStage<Long> highest = storage.reader().highestSequenceNr(persistenceId);
    return FutureConverters.asScala(highest);
  }
}
