package io.stepwise.engine.execution;

import io.stepwise.asl.CompiledDefinition;
import io.stepwise.asl.interpreter.Effect;
import io.stepwise.asl.interpreter.ExecutionPosition;
import io.stepwise.persistence.index.ExecutionIndex;
import io.stepwise.persistence.index.IndexOp;
import io.stepwise.persistence.index.WakeUpIndex;
import io.stepwise.persistence.index.WakeUpIndex.WakeUp;
import io.stepwise.persistence.journal.BatchOp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What persisted executions keep beside their journals: their rows in the wake-up index and in
 * the listing index, written through the journal's group commit. A row that starts a wait is
 * submitted before the event that starts it (so it is durable no later); rows that a step made
 * obsolete are deleted after the step is durable.
 */
public final class ExecutionStore {
  /** The timer id of the state machine's top-level TimeoutSeconds. */
  static final String TIMEOUT_TIMER = "$timeout";

  private final Consumer<BatchOp> committer;
  private final Consumer<WakeUp> scheduler;
  private final ExecutionIndex listing;
  private final Executor io;
  private final int snapshotEvery;
  private final ExecutionGate gate = new ExecutionGate();

  /**
   * @param committer the journal's group commit ({@code GroupCommitter::submit})
   * @param scheduler learns of durable wake-up rows ({@code WakeUpScheduler::scheduled})
   * @param io where blocking reads of the listing run
   * @param snapshotEvery an execution's state is snapshotted every this many journal events
   */
  public ExecutionStore(Consumer<BatchOp> committer, Consumer<WakeUp> scheduler, ExecutionIndex listing, Executor io,
      int snapshotEvery) {
    if (snapshotEvery < 1) throw new IllegalArgumentException("snapshot-every must be positive, was " + snapshotEvery);
    this.committer = committer;
    this.scheduler = scheduler;
    this.listing = listing;
    this.io = io;
    this.snapshotEvery = snapshotEvery;
  }

  int snapshotEvery() {
    return snapshotEvery;
  }

  /** Whether an execution is its entity's or a direct step's now. */
  public ExecutionGate gate() {
    return gate;
  }

  /** {@code read}, which may block on the store, run on the I/O executor. */
  <T> CompletionStage<T> onIo(Supplier<T> read) {
    return CompletableFuture.supplyAsync(read, io);
  }

  public ExecutionIndex listing() {
    return listing;
  }

  /** Hands {@code op} to the group commit; ops submitted one after the other keep their order. */
  void submit(BatchOp op) {
    committer.accept(op);
  }

  /** The scheduler learns of rows once they are durable. */
  void scheduled(List<WakeUp> rows) {
    for (WakeUp w : rows) scheduler.accept(w);
  }

  /** Rows of the timers {@code position} waits on, and of the execution timeout while it runs. */
  static List<WakeUp> rows(ExecutionInfo info, CompiledDefinition def, ExecutionPosition position) {
    List<WakeUp> out = new ArrayList<>();
    if (position.finished()) return out;
    for (Effect e : position.pendingEffects()) {
      if (e instanceof Effect.StartTimer t) out.add(new WakeUp(t.fireAt(), info.executionArn(), t.id()));
    }
    if (def.timeoutSeconds() != null) out.add(timeoutRow(info, def.timeoutSeconds()));
    return out;
  }

  static WakeUp timeoutRow(ExecutionInfo info, int timeoutSeconds) {
    return new WakeUp(info.startDate().plusSeconds(timeoutSeconds), info.executionArn(), TIMEOUT_TIMER);
  }

  /** The rows of {@code a} that {@code b} does not have. */
  static List<WakeUp> minus(List<WakeUp> a, List<WakeUp> b) {
    Set<WakeUp> drop = new HashSet<>(b);
    List<WakeUp> out = new ArrayList<>();
    for (WakeUp w : a) if (!drop.contains(w)) out.add(w);
    return out;
  }

  static IndexOp putAll(IndexOp op, List<WakeUp> rows) {
    for (WakeUp w : rows) WakeUpIndex.put(op, w);
    return op;
  }

  static IndexOp deleteAll(IndexOp op, List<WakeUp> rows) {
    for (WakeUp w : rows) WakeUpIndex.delete(op, w);
    return op;
  }

  static ExecutionIndex.Row listingRow(ExecutionInfo info, Result result) {
    return new ExecutionIndex.Row(info.executionArn(), info.stateMachineArn(), info.name(),
        result == null ? "RUNNING" : result.status(), micros(info.startDate()),
        result == null ? -1 : micros(result.stopDate()));
  }

  static long micros(Instant i) {
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
  }

  public static Instant ofMicros(long m) {
    return Instant.ofEpochSecond(Math.floorDiv(m, 1_000_000L), Math.floorMod(m, 1_000_000L) * 1_000);
  }
}
