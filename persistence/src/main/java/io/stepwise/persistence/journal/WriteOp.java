package io.stepwise.persistence.journal;

import io.stepwise.persistence.keys.DataKeyLease;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import scala.jdk.javaapi.CollectionConverters;

/**
 * One {@code WriteMessages} request. An AtomicWrite that cannot be serialized or encrypted, or
 * that does not follow on the journal's last event (another writer went on since its entity
 * recovered), is rejected on its own (its entity gets {@code onPersistRejected}); the others are
 * written.
 */
final class WriteOp implements BatchOp {
  private final List<AtomicWrite> writes;
  private final CompletableFuture<Iterable<Optional<Exception>>> done = new CompletableFuture<>();
  private final List<Optional<Exception>> results = new ArrayList<>();
  private final int size;

  WriteOp(Iterable<AtomicWrite> messages) {
    this.writes = new ArrayList<>();
    int n = 0;
    for (AtomicWrite w : messages) {
      writes.add(w);
      n += w.size();
    }
    this.size = n;
  }

  CompletableFuture<Iterable<Optional<Exception>>> done() {
    return done;
  }

  @Override
  public Collection<String> encryptsFor() {
    LinkedHashSet<String> pids = new LinkedHashSet<>();
    for (AtomicWrite w : writes) {
      pids.add(w.persistenceId());
    }
    return pids;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public void prepare(BatchContext ctx) {
    results.clear();
    for (AtomicWrite w : writes) {
      List<PersistentRepr> events = CollectionConverters.asJava(w.payload());
      var existing = ctx.existingId(w.persistenceId());
      long after = w.lowestSequenceNr() - 1;
      if (existing.isPresent() ? !ctx.endsAt(existing.getAsLong(), after) : after != 0) {
        // Another writer (an AppendWrite) went on since this entity recovered: its state is stale.
        results.add(Optional.of(new IllegalStateException("the journal of " + w.persistenceId()
            + " does not end at " + after + ": the entity's state is stale")));
        continue;
      }
      List<byte[]> values = new ArrayList<>(events.size());
      try {
        DataKeyLease lease = ctx.lease(w.persistenceId());
        for (PersistentRepr r : events) {
          long ts = r.timestamp() > 0 ? r.timestamp() : ctx.now();
          values.add(ctx.codec().sealEvent(r, ts, lease, ctx::payloadTypeId));
        }
      } catch (Exception e) {
        results.add(Optional.of(e));
        continue;
      }
      long id = ctx.idFor(w.persistenceId());
      for (int i = 0; i < events.size(); i++) {
        ctx.put(JournalKeys.event(id, events.get(i).sequenceNr()), values.get(i));
      }
      ctx.setHighest(id, w.highestSequenceNr());
      results.add(Optional.empty());
    }
  }

  @Override
  public void committed() {
    done.complete(List.copyOf(results));
  }

  @Override
  public void failed(Throwable cause) {
    done.completeExceptionally(cause);
  }
}
