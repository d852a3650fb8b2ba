package io.stepwise.engine.execution;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.asl.CompiledDefinition;
import io.stepwise.asl.interpreter.Effect;
import io.stepwise.asl.interpreter.ExecutionPosition;
import io.stepwise.asl.interpreter.HistoryEvent;
import io.stepwise.asl.interpreter.Signal;
import io.stepwise.asl.interpreter.Step;
import io.stepwise.engine.execution.ExecutionEntity.Event;
import io.stepwise.engine.execution.ExecutionEntity.KeyFailed;
import io.stepwise.engine.execution.ExecutionEntity.Redriven;
import io.stepwise.engine.execution.ExecutionEntity.Started;
import io.stepwise.engine.execution.ExecutionEntity.State;
import io.stepwise.engine.execution.ExecutionEntity.Stepped;
import io.stepwise.engine.execution.ExecutionEntity.Unreadable;
import io.stepwise.engine.statemachine.Revisions;
import io.stepwise.persistence.index.ActivityQueue;
import io.stepwise.persistence.index.ExecutionIndex;
import io.stepwise.persistence.index.IndexOp;
import io.stepwise.engine.integration.Integrations;
import io.stepwise.persistence.index.WakeUpIndex.WakeUp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * What an execution's events make of its state, and what a due wake-up row or a signal does to
 * a running execution: the rules shared by {@link ExecutionEntity} and {@link DirectWaker}, which
 * steps executions straight from their journals while no entity of them runs.
 */
final class ExecutionSteps {
  private ExecutionSteps() {}

  /** The state after {@code e}. A {@code Started} without a definition takes it from its revision. */
  static State apply(State s, Event e, Revisions revisions) {
    if (e instanceof Started started) {
      ExecutionInfo info = started.info();
      if (info.definition() == null && revisions != null) {
        info = revisions.definition(info.revisionId()).map(info::withDefinition).orElse(info);
      }
      return new State(info, History.EMPTY, null, null, s.unreadable());
    }
    if (e instanceof Stepped st) {
      return new State(s.info(), s.history().append(st.events()), st.positionAfter(s.position()), st.result(),
          s.unreadable());
    }
    if (e instanceof Redriven r) {
      Stepped st = r.step();
      return new State(s.info().redriven(r.redriveDate(), r.clientToken()), s.history().append(st.events()),
          st.positionAfter(s.position()), st.result(), s.unreadable());
    }
    if (e instanceof Unreadable u) {
      return new State(s.info(), s.history(), s.position(), s.result(), u.reason());
    }
    return keyFailed(s, (KeyFailed) e);
  }

  /** The execution ends FAILED; its history gains ExecutionFailed when what came before is readable. */
  private static State keyFailed(State s, KeyFailed e) {
    Result result = new Result("FAILED", null, e.error(), e.cause(), e.stopDate());
    if (s.info() == null || s.unreadable() != null) {
      return new State(s.info(), s.history(), null, result, s.unreadable());
    }
    long previous = s.history().size();
    ObjectNode details = JsonNodeFactory.instance.objectNode();
    details.putObject("executionFailedEventDetails").put("error", e.error()).put("cause", e.cause());
    HistoryEvent failed = new HistoryEvent(previous + 1, previous, e.stopDate(), "ExecutionFailed", details);
    return new State(s.info(), s.history().append(List.of(failed)), null, result, null);
  }

  /** What a due row does to a running, readable execution. */
  sealed interface OnDue {}

  /** The row stands for nothing the execution waits on (a crash left it): delete it. */
  record Obsolete() implements OnDue {}

  /** The deadline it stands for is later than the row's (or not reached yet): hand it over again then. */
  record Later(Instant at) implements OnDue {}

  /** Make the call of a task an integration carries out; its answer comes back as a task result. */
  record Dispatch(Effect.ScheduleTask task) implements OnDue {}

  /** Resume the execution with this signal. */
  record Resume(Signal signal) implements OnDue {}

  static OnDue onDue(State state, CompiledDefinition def, ExecutionPosition position, WakeUp row, Instant now) {
    if (row.timerId().equals(ExecutionStore.TIMEOUT_TIMER)) {
      Integer timeout = def.timeoutSeconds();
      if (timeout == null || !ExecutionStore.timeoutRow(state.info(), timeout).equals(row)) return new Obsolete();
      if (row.deadline().isAfter(now)) return new Later(row.deadline());
      return new Resume(new Signal.ExecutionTimedOut());
    }
    for (Effect pending : position.pendingEffects()) {
      if (pending instanceof Effect.StartTimer t && t.id().equals(row.timerId())) {
        if (t.fireAt().isAfter(now)) return new Later(t.fireAt());
        return new Resume(new Signal.TimerFired(t.id()));
      }
      if (pending instanceof Effect.ScheduleTask t && t.timesOutAt() != null
          && row.timerId().equals(ExecutionStore.TASK_TIMEOUT_TIMER + t.id())) {
        Instant deadline = t.timesOutAt();
        if (deadline.isAfter(now)) return new Later(deadline);
        return new Resume(new Signal.TaskFailed(t.id(), "States.Timeout", null));
      }
      if (pending instanceof Effect.ScheduleTask t && Integrations.awaitsCall(t)
          && row.timerId().equals(ExecutionStore.DISPATCH_TIMER + t.id())) {
        return new Dispatch(t);
      }
      if (pending instanceof Effect.ScheduleTask t && t.heartbeatSeconds() != null && t.heartbeatAt() != null
          && row.timerId().equals(ExecutionStore.HEARTBEAT_TIMER + t.id())) {
        Instant deadline = ExecutionStore.heartbeatDeadline(t);
        if (deadline.isAfter(now)) return new Later(deadline);
        return new Resume(new Signal.TaskFailed(t.id(), "States.HeartbeatTimeout", null));
      }
    }
    return new Obsolete();
  }

  /** The pending task {@code effectId} of {@code position}, if it waits for one. */
  static java.util.Optional<Effect.ScheduleTask> pendingTask(ExecutionPosition position, String effectId) {
    if (position == null || position.finished()) return java.util.Optional.empty();
    for (Effect e : position.pendingEffects()) {
      if (e instanceof Effect.ScheduleTask t && t.id().equals(effectId)) return java.util.Optional.of(t);
    }
    return java.util.Optional.empty();
  }

  /**
   * A step to persist: the event; the wake-up rows and activity tasks it starts and the listing's
   * final status ({@code ahead}, durable no later than the event); and the rows it consumed
   * ({@link #behind}, deleted once it is durable).
   */
  record Advance(Event event, List<WakeUp> added, List<ActivityQueue.Task> queued, IndexOp ahead,
      List<WakeUp> consumed, List<ActivityQueue.Task> unqueued,
      List<io.stepwise.persistence.journal.AppendWrite> inputs, List<Effect.ScheduleTask> released,
      ExecutionPosition after) {
    /** The deletions of what the step consumed. */
    IndexOp behind(IndexOp op) {
      return ExecutionStore.unqueueAll(ExecutionStore.deleteAll(op, consumed), unqueued);
    }
  }

  /** Runs the interpreter on {@code signal}; null when the signal changes nothing. */
  static Advance advance(State state, CompiledDefinition def, ExecutionPosition before, Signal signal,
      EffectDriver driver, ExecutionIndex listing, Clock clock) {
    ExecutionInfo info = state.info();
    Step step = driver.resume(def, info, before, signal, clock::instant);
    // A signal that changes nothing persists nothing; one that only moves the position (a heartbeat) does.
    if (step.events().isEmpty() && !step.finished() && step.position().toJson().equals(state.position())) return null;
    Stepped stepped = persisted(state, step, clock.instant());
    Advance a = rowsOf(info, def, before, step, stepped, stepped, listing, stepped.result() != null, "RUNNING");
    // A task the signal answered from its own call (not a timeout) has nothing left to let go of.
    String answered = signal instanceof Signal.TaskSucceeded ok ? ok.effectId()
        : signal instanceof Signal.TaskFailed f && !"States.Timeout".equals(f.error())
            && !"States.HeartbeatTimeout".equals(f.error()) ? f.effectId() : null;
    if (answered == null || a.released().isEmpty()) return a;
    return new Advance(a.event(), a.added(), a.queued(), a.ahead(), a.consumed(), a.unqueued(), a.inputs(),
        a.released().stream().filter(t -> !t.id().equals(answered)).toList(), a.after());
  }

  /**
   * What goes with a step, given the position before it: the wake-up rows and activity tasks it
   * starts (with the tasks' inputs) and consumes, and — when {@code relist} — the execution's new
   * listing row (replacing its row under {@code previousStatus}).
   */
  private static Advance rowsOf(ExecutionInfo info, CompiledDefinition def, ExecutionPosition before, Step step,
      Stepped stepped, Event event, ExecutionIndex listing, boolean relist, String previousStatus) {
    List<WakeUp> had = ExecutionStore.rows(info, def, before);
    List<WakeUp> has = stepped.result() != null ? List.of() : ExecutionStore.rows(info, def, step.position());
    List<ActivityQueue.Task> queuedBefore = ExecutionStore.queuedTasks(info, before);
    List<ActivityQueue.Task> queuedAfter =
        stepped.result() != null ? List.of() : ExecutionStore.queuedTasks(info, step.position());
    List<WakeUp> added = ExecutionStore.minus(has, had);
    List<ActivityQueue.Task> queued = ExecutionStore.minus(queuedAfter, queuedBefore);
    IndexOp ahead = ExecutionStore.queueAll(ExecutionStore.putAll(new IndexOp(), added), queued);
    if (relist) listing.put(ahead, ExecutionStore.listingRow(info, stepped.result()), previousStatus);
    return new Advance(event, added, queued, ahead, ExecutionStore.minus(had, has),
        ExecutionStore.minus(queuedBefore, queuedAfter), ExecutionStore.taskInputs(step.position(), queued),
        released(before, stepped.result() != null ? null : step.position()), step.position());
  }

  /**
   * The integrations' tasks that {@code before} waited on and {@code after} (null: the execution
   * ended) does not: answered, timed out, or cut off by a stop, a timeout or a failing sibling.
   */
  private static List<Effect.ScheduleTask> released(ExecutionPosition before, ExecutionPosition after) {
    if (before == null || before.finished()) return List.of();
    java.util.Set<String> still = new java.util.HashSet<>();
    if (after != null) after.pendingEffects().forEach(e -> still.add(e.id()));
    List<Effect.ScheduleTask> out = new java.util.ArrayList<>();
    for (Effect e : before.pendingEffects()) {
      if (e instanceof Effect.ScheduleTask t && Integrations.dispatched(t.resource()) && !still.contains(t.id())) {
        out.add(t);
      }
    }
    return out;
  }

  /** The step as persisted: within the history limit, its position as what changed since {@code state}'s. */
  private static Stepped persisted(State state, Step step, Instant now) {
    Stepped stepped = HistoryLimit.apply(state.history().size(), ExecutionEntity.stepped(step, now), now);
    if (stepped.position() instanceof ObjectNode after && state.position() instanceof ObjectNode previous) {
      stepped = new Stepped(stepped.events(), null, stepped.result(), JsonDelta.diff(previous, after));
    }
    return stepped;
  }

  static final String RUNNING = "Execution is RUNNING and cannot be redriven";
  static final String SUCCEEDED = "Execution is SUCCEEDED and cannot be redriven";

  /** Events AWS keeps room for in a history that is to be redriven: ExecutionRedriven and one more. */
  private static final int REDRIVE_ROOM = 2;
  private static final java.time.Duration REDRIVABLE_FOR = java.time.Duration.ofDays(14);
  private static final java.time.Duration MAX_OPEN = java.time.Duration.ofDays(365);

  /**
   * Why the execution cannot be redriven at {@code now}, in AWS's words, or null if it can: it
   * ended without succeeding no more than 14 days ago, less than a year after it started, with
   * room in its history, and it kept where it stood when it ended.
   */
  static String notRedrivable(State s, Instant now) {
    if (s.result() == null) return RUNNING;
    if (s.result().status().equals("SUCCEEDED")) return SUCCEEDED;
    if (s.history().size() > HistoryLimit.MAX_EVENTS - 1 - REDRIVE_ROOM) return "Execution history event limit exceeded";
    if (now.isAfter(s.info().startDate().plus(MAX_OPEN))) return "Execution has exceeded the max execution time";
    if (now.isAfter(s.result().stopDate().plus(REDRIVABLE_FOR))) return "Execution redrivable period exceeded";
    if (s.position() == null) {
      // It ended without a position to go on from: its KMS key was unusable when it had to go on,
      // or a Stepwise version that did not keep where executions end wrote it.
      return "Execution cannot be redriven: no record of the state it ended in was kept";
    }
    return null;
  }

  /**
   * The redrive of a redrivable execution (see {@link #notRedrivable}): the interpreter continues
   * it, and its wake-up rows, activity tasks and listing row (RUNNING again, or how the redrive
   * ended) go with the {@link Redriven} event.
   */
  static Advance redrive(State state, CompiledDefinition def, ExecutionPosition before, String clientToken,
      EffectDriver driver, ExecutionIndex listing, Clock clock) {
    Instant now = clock.instant();
    ExecutionInfo info = state.info().redriven(now, clientToken);
    Step step = driver.redrive(def, info, before, clock::instant);
    Stepped stepped = persisted(state, step, now);
    // An ended position waits for nothing: every row and task of the redrive is new.
    return rowsOf(info, def, before, step, stepped, new Redriven(info.redriveCount(), now, clientToken, stepped),
        listing, true, state.result().status());
  }
}
