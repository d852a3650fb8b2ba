package io.stepwise.persistence.journal;

import io.stepwise.persistence.index.IndexOp;
import io.stepwise.persistence.keys.DataKeyLease;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.persistence.PersistentRepr;

/**
 * The first events of an entity known to be new, written without starting (and recovering) the
 * entity: they join the group commit like any write, sealed and stored exactly as the entity
 * itself would have written them, so the entity recovers them later as its own. The check that
 * the persistence id has no events yet is made while sealing, in the committer's order, so two
 * writes of the same id cannot both succeed; index rows go into the same batch.
 */
public final class NewEntityWrite implements BatchOp {
  /** What became of the write. */
  public enum Outcome { WRITTEN, ALREADY_EXISTS }

  private final String persistenceId;
  private final List<Object> events;
  private final String writerUuid;
  private final IndexOp rows;
  private final CompletableFuture<Outcome> done = new CompletableFuture<>();
  private Outcome outcome;
  private Exception rejected;

  /** {@code events} get sequence numbers 1..n; {@code rows} are written only with them. */
  public NewEntityWrite(String persistenceId, List<Object> events, String writerUuid, IndexOp rows) {
    this.persistenceId = persistenceId;
    this.events = List.copyOf(events);
    this.writerUuid = writerUuid;
    this.rows = rows;
  }

  /** Completes once the batch is durable, or fails if the events could not be sealed or written. */
  public CompletionStage<Outcome> done() {
    return done;
  }

  @Override
  public Collection<String> encryptsFor() {
    return List.of(persistenceId);
  }

  @Override
  public int size() {
    return events.size();
  }

  @Override
  public void prepare(BatchContext ctx) {
    outcome = null;
    rejected = null;
    var existing = ctx.existingId(persistenceId);
    if (existing.isPresent() && ctx.highest(existing.getAsLong()) > 0) {
      outcome = Outcome.ALREADY_EXISTS;
      return;
    }
    List<byte[]> values = new ArrayList<>(events.size());
    try {
      DataKeyLease lease = ctx.lease(persistenceId);
      long now = ctx.now();
      for (int i = 0; i < events.size(); i++) {
        PersistentRepr repr = PersistentRepr.apply(events.get(i), i + 1, persistenceId, "", false,
            ActorRef.noSender(), writerUuid);
        values.add(ctx.codec().sealEvent(repr, now, lease, ctx::payloadTypeId));
      }
    } catch (Exception e) {
      rejected = e;
      return;
    }
    long id = ctx.idFor(persistenceId);
    for (int i = 0; i < values.size(); i++) {
      ctx.put(JournalKeys.event(id, i + 1), values.get(i));
    }
    ctx.setHighest(id, events.size());
    rows.addTo(ctx);
    outcome = Outcome.WRITTEN;
  }

  @Override
  public void committed() {
    if (rejected != null) done.completeExceptionally(rejected);
    else done.complete(outcome);
  }

  @Override
  public void failed(Throwable cause) {
    done.completeExceptionally(cause);
  }
}
