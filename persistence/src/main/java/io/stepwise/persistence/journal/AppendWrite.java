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
 * Events appended to an entity's journal without its actor, on the condition that the journal
 * still ends where the writer read it: the first events of an entity known to be new (after
 * sequence number 0), or the step of an entity stepped from its journal while no actor of it
 * runs. They join the group commit like any write, sealed and stored exactly as the entity would
 * have written them, so the entity recovers them later as its own. The condition is checked while
 * sealing, in the committer's order, so two conditional writes after the same sequence number
 * cannot both succeed; index rows go into the same batch, only with the events.
 */
public final class AppendWrite implements BatchOp {
  /** What became of the write: written, or refused because the journal no longer ended where expected. */
  public enum Outcome { WRITTEN, CONFLICT }

  private final String persistenceId;
  private final long after;
  private final List<Object> events;
  private final String writerUuid;
  private final IndexOp rows;
  private final CompletableFuture<Outcome> done = new CompletableFuture<>();
  private Outcome outcome;
  private Exception rejected;

  /**
   * {@code events} get sequence numbers {@code after + 1 ..}, written only if the highest sequence
   * number of {@code persistenceId} is then {@code after}; {@code rows} are written only with them.
   */
  public AppendWrite(String persistenceId, long after, List<Object> events, String writerUuid, IndexOp rows) {
    if (after < 0) throw new IllegalArgumentException("after must not be negative, was " + after);
    this.persistenceId = persistenceId;
    this.after = after;
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
    if (existing.isPresent() ? !ctx.endsAt(existing.getAsLong(), after) : after != 0) {
      outcome = Outcome.CONFLICT;
      return;
    }
    List<byte[]> values = new ArrayList<>(events.size());
    try {
      DataKeyLease lease = ctx.lease(persistenceId);
      long now = ctx.now();
      for (int i = 0; i < events.size(); i++) {
        PersistentRepr repr = PersistentRepr.apply(events.get(i), after + i + 1, persistenceId, "", false,
            ActorRef.noSender(), writerUuid);
        values.add(ctx.codec().sealEvent(repr, now, lease, ctx::payloadTypeId));
      }
    } catch (Exception e) {
      rejected = e;
      return;
    }
    long id = ctx.idFor(persistenceId);
    for (int i = 0; i < values.size(); i++) {
      ctx.put(JournalKeys.event(id, after + i + 1), values.get(i));
    }
    ctx.setHighest(id, after + events.size());
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
