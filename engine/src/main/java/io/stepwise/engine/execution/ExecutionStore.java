package io.stepwise.engine.execution;

import io.stepwise.asl.CompiledDefinition;
import io.stepwise.asl.interpreter.Effect;
import io.stepwise.asl.interpreter.ExecutionPosition;
import io.stepwise.persistence.index.ActivityQueue;
import io.stepwise.persistence.index.ExecutionIndex;
import io.stepwise.persistence.index.IndexOp;
import io.stepwise.engine.integration.Integrations;
import io.stepwise.persistence.index.WakeUpIndex;
import io.stepwise.persistence.index.WakeUpIndex.WakeUp;
import io.stepwise.engine.Json;
import io.stepwise.engine.activity.TaskInput;
import io.stepwise.persistence.journal.AppendWrite;
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
  /** Timer ids of a task's TimeoutSeconds: this and the task's effect id. */
  static final String TASK_TIMEOUT_TIMER = "$task:";
  /** Timer ids of a started task's HeartbeatSeconds: this and the task's effect id. */
  static final String HEARTBEAT_TIMER = "$heartbeat:";
  /**
   * Timer ids of a task an integration carries out: due when it is scheduled, it makes the call,
   * and stays until the task's answer is persisted (a crash before then makes the call again).
   */
  static final String DISPATCH_TIMER = "$dispatch:";

  private final Consumer<BatchOp> committer;
  private final Consumer<WakeUp> scheduler;
  private final Consumer<ActivityQueue.Task> queued;
  private final ExecutionIndex listing;
  private final Executor io;
  private final int snapshotEvery;
  private final ExecutionGate gate = new ExecutionGate();
  /** Whoever waits in this process for an execution's end (a Map Run for its children), by ARN. */
  private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.CompletableFuture<Result>> ends =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Completes with the execution's result once a step that ends it is durable in this process.
   * Only a hint: the caller also looks at the execution, which may have ended before it asked.
   */
  public java.util.concurrent.CompletableFuture<Result> endOf(String executionArn) {
    return ends.computeIfAbsent(executionArn, a -> new java.util.concurrent.CompletableFuture<>());
  }

  /** Stops waiting for {@code executionArn}'s end. */
  public void forgetEnd(String executionArn) {
    ends.remove(executionArn);
  }

  /** A step that ended {@code executionArn} with {@code result} is durable. */
  void ended(String executionArn, Result result) {
    if (result == null || ends.isEmpty()) return;
    var waiting = ends.remove(executionArn);
    if (waiting != null) waiting.complete(result);
  }

  /**
   * @param committer the journal's group commit ({@code GroupCommitter::submit})
   * @param scheduler learns of durable wake-up rows ({@code WakeUpScheduler::scheduled})
   * @param io where blocking reads of the listing run
   * @param snapshotEvery an execution's state is snapshotted every this many journal events
   */
  public ExecutionStore(Consumer<BatchOp> committer, Consumer<WakeUp> scheduler, ExecutionIndex listing, Executor io,
      int snapshotEvery) {
    this(committer, scheduler, task -> {}, listing, io, snapshotEvery);
  }

  /** As above; {@code queued} learns of activity tasks once they are durable in the activity queue. */
  public ExecutionStore(Consumer<BatchOp> committer, Consumer<WakeUp> scheduler, Consumer<ActivityQueue.Task> queued,
      ExecutionIndex listing, Executor io, int snapshotEvery) {
    if (snapshotEvery < 1) throw new IllegalArgumentException("snapshot-every must be positive, was " + snapshotEvery);
    this.committer = committer;
    this.scheduler = scheduler;
    this.queued = queued;
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
    // Earliest first: on a virtual clock the scheduler may move time to the earliest row it holds
    // while these are handed over, and must never move it past one of them.
    List<WakeUp> ordered = new ArrayList<>(rows);
    ordered.sort(java.util.Comparator.comparing(WakeUp::deadline));
    for (WakeUp w : ordered) scheduler.accept(w);
  }

  /** Workers' polls learn of activity tasks once they are durable. */
  void queued(List<ActivityQueue.Task> tasks) {
    for (ActivityQueue.Task t : tasks) queued.accept(t);
  }

  /**
   * Rows of the timers {@code position} waits on (Wait states, retry back-offs, tasks'
   * TimeoutSeconds and, once started, HeartbeatSeconds), and of the execution timeout while it runs.
   */
  /** Whether {@code row} stands for an integration's call to make (again). */
  public static boolean isDispatch(WakeUp row) {
    return row.timerId().startsWith(DISPATCH_TIMER);
  }

  static List<WakeUp> rows(ExecutionInfo info, CompiledDefinition def, ExecutionPosition position) {
    List<WakeUp> out = new ArrayList<>();
    if (position.finished()) return out;
    for (Effect e : position.pendingEffects()) {
      if (e instanceof Effect.StartTimer t) out.add(new WakeUp(t.fireAt(), info.executionArn(), t.id()));
      if (e instanceof Effect.ScheduleTask t && t.timesOutAt() != null) {
        out.add(new WakeUp(t.timesOutAt(), info.executionArn(), TASK_TIMEOUT_TIMER + t.id()));
      }
      if (e instanceof Effect.ScheduleTask t && t.scheduledAt() != null && Integrations.awaitsCall(t)) {
        out.add(new WakeUp(t.scheduledAt(), info.executionArn(), DISPATCH_TIMER + t.id()));
      }
      if (e instanceof Effect.ScheduleTask t && t.heartbeatSeconds() != null && t.heartbeatAt() != null) {
        out.add(new WakeUp(heartbeatDeadline(t), info.executionArn(), HEARTBEAT_TIMER + t.id()));
      }
    }
    if (def.timeoutSeconds() != null) out.add(timeoutRow(info, def.timeoutSeconds()));
    return out;
  }

  static Instant heartbeatDeadline(Effect.ScheduleTask t) {
    return t.heartbeatAt().plusSeconds(t.heartbeatSeconds());
  }

  /** The activity tasks {@code position} has scheduled that no worker has taken yet. */
  static List<ActivityQueue.Task> queuedTasks(ExecutionInfo info, ExecutionPosition position) {
    List<ActivityQueue.Task> out = new ArrayList<>();
    if (position.finished()) return out;
    for (Effect e : position.pendingEffects()) {
      if (e instanceof Effect.ScheduleTask t && !t.started() && Activities.isActivity(t.resource())
          && !Activities.ofAnotherAccount(t.resource(), info.executionArn())) {
        out.add(new ActivityQueue.Task(t.resource(), t.scheduledAt() != null ? t.scheduledAt() : info.startDate(),
            info.executionArn(), t.id()));
      }
    }
    return out;
  }

  /** Per process: the journal records which incarnation wrote an event. */
  private static final String WRITER = java.util.UUID.randomUUID().toString();
  private static final java.util.concurrent.atomic.AtomicLong WRITES = new java.util.concurrent.atomic.AtomicLong();

  /**
   * The writer id of one write made without the execution's entity (a start, a step from the
   * journal): each its own, as each entity incarnation has its own. A writer id seen again after
   * another writer's events would make Pekko's replay filter drop its later events as an old
   * writer's (an execution stepped directly, then by its entity, then directly again lost the last
   * steps at recovery and stayed stuck).
   */
  static String directWriter() {
    return WRITER + "-" + Long.toString(WRITES.incrementAndGet(), 36);
  }

  /**
   * The journal writes of the inputs of {@code queued} (tasks {@code position} scheduled), each
   * under its activity's key ({@link TaskInput}); they go to the group
   * commit before the queue rows that announce the tasks. One already written (a step done again
   * after a crash) stays as it is.
   */
  static List<AppendWrite> taskInputs(ExecutionPosition position,
      List<ActivityQueue.Task> queued) {
    if (queued.isEmpty()) return List.of();
    List<AppendWrite> out = new ArrayList<>(queued.size());
    for (ActivityQueue.Task t : queued) {
      for (Effect e : position.pendingEffects()) {
        if (e instanceof Effect.ScheduleTask task && task.id().equals(t.effectId())) {
          out.add(new AppendWrite(TaskInput.persistenceId(t),
              0, List.of(new TaskInput(Json.write(task.parameters()))),
              WRITER, new IndexOp()));
        }
      }
    }
    return out;
  }

  /** Submits {@code writes} in order. */
  void submitAll(List<? extends BatchOp> writes) {
    for (BatchOp w : writes) submit(w);
  }

  static IndexOp queueAll(IndexOp op, List<ActivityQueue.Task> tasks) {
    for (ActivityQueue.Task t : tasks) ActivityQueue.put(op, t);
    return op;
  }

  static IndexOp unqueueAll(IndexOp op, List<ActivityQueue.Task> tasks) {
    for (ActivityQueue.Task t : tasks) ActivityQueue.delete(op, t);
    return op;
  }

  static WakeUp timeoutRow(ExecutionInfo info, int timeoutSeconds) {
    return new WakeUp(info.timeoutFrom().plusSeconds(timeoutSeconds), info.executionArn(), TIMEOUT_TIMER);
  }

  /** The rows of {@code a} that {@code b} does not have. */
  static <T> List<T> minus(List<T> a, List<T> b) {
    Set<T> drop = new HashSet<>(b);
    List<T> out = new ArrayList<>();
    for (T w : a) if (!drop.contains(w)) out.add(w);
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
    // a Map Run's child is listed under its Map Run
    return new ExecutionIndex.Row(info.executionArn(), info.mapRunArn() != null ? info.mapRunArn() : info.stateMachineArn(), info.name(),
        result == null ? "RUNNING" : result.status(), micros(info.startDate()),
        result == null ? -1 : micros(result.stopDate()), info.stateMachineVersionArn(), info.stateMachineAliasArn(),
        info.redriveCount(), info.redriveDate() == null ? -1 : micros(info.redriveDate()),
        info.mapRunItems() == null ? -1 : info.mapRunItems());
  }

  static long micros(Instant i) {
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
  }

  public static Instant ofMicros(long m) {
    return Instant.ofEpochSecond(Math.floorDiv(m, 1_000_000L), Math.floorMod(m, 1_000_000L) * 1_000);
  }
}
