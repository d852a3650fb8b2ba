package io.stepwise.persistence.query.javadsl;

import io.stepwise.persistence.StepwiseStorage;
import io.stepwise.persistence.journal.EventReader;
import io.stepwise.persistence.journal.JournalStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentPersistenceIdsQuery;
import org.apache.pekko.persistence.query.javadsl.EventsByPersistenceIdQuery;
import org.apache.pekko.persistence.query.javadsl.PersistenceIdsQuery;
import org.apache.pekko.persistence.query.javadsl.ReadJournal;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Read journal ({@code stepwise.query}) over the encrypted journal. Events come decrypted, with
 * {@link io.stepwise.persistence.UnreadableEvent} in place of any that cannot be read. Live
 * queries poll every {@code refresh-interval}. Persistence ids are listed in the order they were
 * first written. Offsets are sequence numbers.
 */
public final class StepwiseReadJournal implements ReadJournal, CurrentPersistenceIdsQuery, PersistenceIdsQuery,
    CurrentEventsByPersistenceIdQuery, EventsByPersistenceIdQuery {
  public static final String IDENTIFIER = "stepwise.query";

  private static final int ID_PAGE = 1000;

  private final ActorSystem system;
  private final StepwiseStorage storage;
  private final Duration refresh;
  private final int chunk;

  public StepwiseReadJournal(ActorSystem system, Duration refreshInterval) {
    this.system = system;
    this.storage = StepwiseStorage.get(org.apache.pekko.actor.typed.javadsl.Adapter.toTyped(system));
    this.refresh = refreshInterval;
    this.chunk = storage.settings().replayChunkSize();
  }

  @Override
  public Source<String, NotUsed> currentPersistenceIds() {
    return ids(false);
  }

  @Override
  public Source<String, NotUsed> persistenceIds() {
    return ids(true);
  }

  @Override
  public Source<EventEnvelope, NotUsed> currentEventsByPersistenceId(String persistenceId, long from, long to) {
    return events(persistenceId, from, to, false);
  }

  @Override
  public Source<EventEnvelope, NotUsed> eventsByPersistenceId(String persistenceId, long from, long to) {
    return events(persistenceId, from, to, true);
  }

  private Source<String, NotUsed> ids(boolean live) {
    return Source.<Long, List<String>>unfoldAsync(0L, afterId -> idPage(afterId, live))
        .mapConcat(list -> list);
  }

  private CompletionStage<Optional<Pair<Long, List<String>>>> idPage(long afterId, boolean live) {
    JournalStore store = storage.handles().store();
    CompletionStage<Optional<Pair<Long, List<String>>>> page = CompletableFuture.supplyAsync(() -> {
      var found = store.persistenceIds(afterId, ID_PAGE);
      if (found.isEmpty()) {
        return Optional.empty();
      }
      long last = 0;
      for (long id : found.keySet()) {
        last = id;
      }
      return Optional.of(Pair.create(last, new ArrayList<>(found.values())));
    }, storage.ioExecutor());
    if (!live) {
      return page;
    }
    return page.thenCompose(p -> p.isPresent()
        ? CompletableFuture.completedFuture(p)
        : Patterns.after(refresh, system.scheduler(), system.dispatcher(), () -> idPage(afterId, true)));
  }

  private Source<EventEnvelope, NotUsed> events(String pid, long from, long to, boolean live) {
    return Source.<Long, List<EventEnvelope>>unfoldAsync(Math.max(from, 1L), next -> eventPage(pid, next, to, live))
        .mapConcat(list -> list);
  }

  private CompletionStage<Optional<Pair<Long, List<EventEnvelope>>>> eventPage(String pid, long next, long to,
      boolean live) {
    if (next > to) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    EventReader reader = storage.handles().reader();
    return reader.read(pid, next, to, chunk).thenCompose(events -> {
      if (!events.isEmpty()) {
        List<EventEnvelope> out = new ArrayList<>(events.size());
        for (PersistentRepr r : events) {
          out.add(EventEnvelope.apply(Offset.sequence(r.sequenceNr()), pid, r.sequenceNr(), r.payload(),
              r.timestamp()));
        }
        long after = events.get(events.size() - 1).sequenceNr() + 1;
        return CompletableFuture.completedFuture(Optional.of(Pair.create(after, out)));
      }
      if (!live) {
        return CompletableFuture.completedFuture(Optional.empty());
      }
      return Patterns.after(refresh, system.scheduler(), system.dispatcher(), () -> eventPage(pid, next, to, true));
    });
  }
}
