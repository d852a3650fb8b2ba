package io.stepwise.engine.execution;

import io.stepwise.asl.CompiledDefinition;
import io.stepwise.asl.InvalidDefinitionException;
import io.stepwise.asl.interpreter.ExecutionPosition;
import io.stepwise.engine.DefinitionCache;
import io.stepwise.engine.kms.ExecutionKeys;
import io.stepwise.engine.statemachine.Revisions;
import io.stepwise.persistence.index.IndexOp;
import io.stepwise.persistence.index.WakeUpIndex.WakeUp;
import io.stepwise.persistence.journal.AppendWrite;
import io.stepwise.persistence.journal.EventReader;
import io.stepwise.persistence.journal.JournalStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires a due wake-up row of an execution that no entity holds, straight from its journal: reads
 * and decrypts its events, runs the step its entity would run, and appends the step with its
 * index rows as one write in the group commit, on the condition that the journal still ends
 * where it was read. Waiting executions come back by the thousand when their deadlines fall due
 * (after a restart, every deadline that passed while the server was down); this spares each an
 * actor's start, recovery and passivation.
 *
 * <p>The rules are the entity's ({@link ExecutionSteps}). Whatever is not the plain case goes to
 * the entity instead: an execution an entity holds (see {@link ExecutionGate}), one with a snapshot
 * or due one (the entity snapshots), one that cannot be read or whose key is unusable (the
 * entity fails it as KMS says), one whose revision is not readable, and a write that lost the race.
 */
public final class DirectWaker {
  private static final Logger log = LoggerFactory.getLogger(DirectWaker.class);

  private final ExecutionStore store;
  private final JournalStore journal;
  private final EventReader reader;
  private final Revisions revisions;
  private final DefinitionCache definitions;
  private final EffectDriver driver;
  private final ExecutionKeys keys;
  private final Clock clock;
  private final Executor io;
  /** Threads stepping claimed rows at once (the committer's sealers and writer run beside them). */
  private static final int MAX_DRAINERS = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
  /** Rows a drainer steps before it yields its thread to the executor's other work. */
  private static final int DRAIN_CHUNK = 64;

  private final ConcurrentLinkedQueue<Claimed> claimed = new ConcurrentLinkedQueue<>();
  private final AtomicInteger drainers = new AtomicInteger();
  private final LongAdder steppedDirectly = new LongAdder();
  private final LongAdder byEntities = new LongAdder();

  public DirectWaker(ExecutionStore store, JournalStore journal, EventReader reader, Revisions revisions,
      DefinitionCache definitions, EffectDriver driver, ExecutionKeys keys, Clock clock, Executor io) {
    this.store = store;
    this.journal = journal;
    this.reader = reader;
    this.revisions = revisions;
    this.definitions = definitions;
    this.driver = driver;
    this.keys = keys;
    this.clock = clock;
    this.io = io;
  }

  /** What the direct path did: when to hand the row over again (null: done). */
  private record Fired(Instant retryAt) {}

  /**
   * Fires {@code row}, directly when nothing holds its execution, else (or when the direct path
   * declines) through {@code byEntity}; completes with when to try again (null: done).
   */
  public CompletionStage<Instant> fire(WakeUp row, Supplier<CompletionStage<Instant>> byEntity) {
    String arn = row.entityId();
    if (!store.gate().claim(arn)) return toEntity(byEntity);
    Claimed claim = new Claimed(row, new CompletableFuture<>());
    claimed.add(claim);
    startDrainer();
    CompletableFuture<Instant> answer = new CompletableFuture<>();
    claim.done().whenComplete((fired, failure) -> {
      if (failure != null) log.debug("Direct wake-up of {} failed, handing it to its entity: {}", arn, failure.toString());
      if (failure == null && fired != null) {
        store.gate().release(arn);
        steppedDirectly.increment();
        answer.complete(fired.retryAt());
        return;
      }
      // Handed to the entity ahead of the requests that came meanwhile, so its order is kept.
      byEntities.increment();
      store.gate().releaseTo(arn, byEntity).whenComplete((retryAt, error) -> {
        if (error != null) answer.completeExceptionally(error);
        else answer.complete(retryAt);
      });
    });
    return answer;
  }

  /** A row whose execution this waker has claimed, and what became of it. */
  private record Claimed(WakeUp row, CompletableFuture<Fired> done) {}

  /**
   * Claimed rows are stepped by a few drainers on the I/O executor, each taking them one after
   * another on its thread (no hand-over between threads per row while the data keys are cached).
   */
  private void startDrainer() {
    for (int n = drainers.get(); n < MAX_DRAINERS; n = drainers.get()) {
      if (drainers.compareAndSet(n, n + 1)) {
        io.execute(this::drain);
        return;
      }
    }
  }

  private void drain() {
    int taken = 0;
    try {
      for (Claimed c = claimed.poll(); c != null; c = ++taken < DRAIN_CHUNK ? claimed.poll() : null) {
        Claimed claim = c;
        CompletionStage<Fired> result;
        try {
          result = stepFrom(PersistenceId.of(ExecutionEntity.ENTITY_KEY.name(), claim.row().entityId()).id())
              .apply(claim.row());
        } catch (RuntimeException e) {
          result = CompletableFuture.failedFuture(e);
        }
        result.whenComplete((fired, failure) -> {
          if (failure != null) claim.done().completeExceptionally(failure);
          else claim.done().complete(fired);
        });
      }
    } finally {
      drainers.decrementAndGet();
      // A row added after the last poll, while every drainer was busy, is not left behind; after a
      // chunk the drainer goes to the back of the executor's queue, so the journal's work is not held up.
      if (!claimed.isEmpty()) startDrainer();
    }
  }

  private CompletionStage<Instant> toEntity(Supplier<CompletionStage<Instant>> byEntity) {
    byEntities.increment();
    return byEntity.get();
  }

  /** Rows fired so far: {@code [directly, by entities]}. */
  public long[] fired() {
    return new long[] {steppedDirectly.sum(), byEntities.sum()};
  }

  /** What firing a row does, given where the journal ends; a null result hands the row to the entity. */
  private interface Step {
    CompletionStage<Fired> apply(WakeUp row);
  }

  private static final Step TO_ENTITY = row -> CompletableFuture.completedFuture(null);

  /**
   * Runs on a drainer: the events of {@code pid} as stored, in one scan, if the direct path
   * may step it — every event from the first is there and fewer than a snapshot's worth (events are
   * never deleted without a snapshot; a snapshot only shortens a replay, so one is not looked for).
   */
  private Step stepFrom(String pid) {
    OptionalLong id = journal.idOf(pid);
    if (id.isEmpty()) return TO_ENTITY;
    List<JournalStore.RawEntry> raw = journal.readEvents(id.getAsLong(), 1, Long.MAX_VALUE, store.snapshotEvery());
    int n = raw.size();
    if (n == 0 || n + 1 >= store.snapshotEvery() || raw.get(0).sequenceNr() != 1 || raw.get(n - 1).sequenceNr() != n) {
      return TO_ENTITY;
    }
    return row -> {
      List<PersistentRepr> events = reader.openCached(pid, raw);
      return events != null ? step(pid, n, events, row)
          : reader.open(pid, raw).thenCompose(opened -> step(pid, n, opened, row));
    };
  }

  private CompletionStage<Fired> step(String pid, long highest, List<PersistentRepr> events, WakeUp row) {
    ExecutionEntity.State state = new ExecutionEntity.State(null, History.EMPTY, null, null, null);
    for (PersistentRepr r : events) {
      if (!(r.payload() instanceof ExecutionEntity.Event e)) return done(null);
      state = ExecutionSteps.apply(state, e, revisions);
    }
    if (state.info() == null || state.unreadable() != null) return done(null);
    if (!state.running()) return deleted(row);
    Instant now = clock.instant();
    if (!row.deadline().isAfter(now) && keys.unusable(state.info().stateMachineArn()).isPresent()) return done(null);
    if (state.info().definition() == null) return done(null);
    CompiledDefinition def;
    try {
      def = definitions.get(state.info().definition(), state.info().type());
    } catch (InvalidDefinitionException e) {
      return done(null);
    }
    ExecutionPosition position = ExecutionPosition.fromJson(state.position());
    ExecutionSteps.OnDue due = ExecutionSteps.onDue(state, def, position, row, now);
    if (due instanceof ExecutionSteps.Later later) return done(new Fired(later.at()));
    if (due instanceof ExecutionSteps.Dispatch) return done(null); // the entity makes integration calls
    if (!(due instanceof ExecutionSteps.Resume resume)) return deleted(row);
    ExecutionSteps.Advance a = ExecutionSteps.advance(state, def, position, resume.signal(), driver, store.listing(), clock);
    if (a == null) return done(new Fired(null));
    ExecutionInfo info = state.info();
    IndexOp rows = a.behind(a.ahead());
    store.submitAll(a.inputs());
    AppendWrite write = new AppendWrite(pid, highest, List.of(a.event()), ExecutionStore.directWriter(), rows);
    store.submit(write);
    return write.done().thenApply(outcome -> {
      if (outcome != AppendWrite.Outcome.WRITTEN) return null;
      if (a.event() instanceof ExecutionEntity.Stepped st && st.result() != null) store.ended(info.executionArn(), st.result());
      store.scheduled(a.added());
      store.queued(a.queued());
      for (var task : a.released()) driver.integrations().released(task, info);
      return new Fired(null);
    });
  }

  /** The row stands for nothing the execution waits on any more: deleted, as its entity would. */
  private CompletionStage<Fired> deleted(WakeUp row) {
    store.submit(ExecutionStore.deleteAll(new IndexOp(), List.of(row)));
    return done(new Fired(null));
  }

  private static CompletionStage<Fired> done(Fired fired) {
    return CompletableFuture.completedFuture(fired);
  }
}
