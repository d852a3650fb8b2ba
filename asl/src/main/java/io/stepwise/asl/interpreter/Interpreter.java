package io.stepwise.asl.interpreter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.asl.CompiledDefinition;
import io.stepwise.asl.StatesError;
import io.stepwise.asl.model.State;
import java.time.Instant;
import java.util.Collections;
import java.util.List;

/**
 * The pure interpreter: (definition, position, signal, now) to (events, position, effects,
 * outcome). It never reads a clock, sleeps, does I/O or owns randomness: what States.UUID,
 * States.MathRandom, $random, $uuid and retry jitter need is drawn from a SplitMix64 sequence
 * seeded by the execution ARN and a counter kept in the position, so a replay gives the same values.
 */
public final class Interpreter {
  private Interpreter() {}

  public static Step start(CompiledDefinition def, ExecutionContext ctx, JsonNode input, Instant now) {
    Run run = new Run(def, ctx, now, input, 0, 0);
    ObjectNode d = run.obj();
    d.put("input", run.text(input));
    d.set("inputDetails", Run.truncatedFalse());
    d.put("roleArn", ctx.roleArn());
    d.put("stateMachineArn", ctx.stateMachineArn());
    run.emit(null, "ExecutionStarted", "executionStartedEventDetails", d);
    Frame root = new Frame();
    root.machine = def.machine();
    // AWS chains the first state's Entered event to 0, not to ExecutionStarted
    root.lastEventId = 0;
    Driver driver = new Driver(run);
    try {
      driver.enter(root, def.machine().startAt(), input);
    } catch (StatesError e) {
      driver.failFrame(root, e.error(), e.cause());
    }
    driver.drive(root);
    return finish(run, root);
  }

  /**
   * Continues after {@code signal}. A finished position, or an effect id the position does not
   * wait for (a duplicate delivery after a crash), gives a no-op step: no events, same position,
   * no effects and a null outcome.
   */
  public static Step resume(CompiledDefinition def, ExecutionContext ctx, ExecutionPosition position, Signal signal, Instant now) {
    if (position.finished()) return noop(position);
    Frame root = position.root.copy(null);
    PositionCodec.link(root, def.machine());
    Run run = new Run(def, ctx, now, position.executionInput, position.lastEventId, position.randomCounter);
    run.invocations.putAll(position.invocations);
    Driver driver = new Driver(run);
    if (signal instanceof Signal.Stop stop) {
      ObjectNode d = run.obj();
      if (stop.error() != null) d.put("error", stop.error());
      if (stop.cause() != null) d.put("cause", stop.cause());
      // like ExecutionTimedOut, chained to no event: previousEventId 0 (floci#2965, measured on AWS)
      run.emitUnchained("ExecutionAborted", "executionAbortedEventDetails", d);
      root.status = Frame.Status.ABORTED;
      Outcome out = new Outcome.Aborted(stop.error(), stop.cause());
      return new Step(List.copyOf(run.events), new ExecutionPosition(root, run.lastEventId, run.randomCounter, run.executionInput, out, run.invocations), List.of(), out);
    }
    if (signal instanceof Signal.ExecutionTimedOut) {
      // AWS names States.Timeout only in this event (previousEventId 0); DescribeExecution shows no error or cause
      ObjectNode d = run.obj();
      d.put("error", "States.Timeout");
      run.emitUnchained("ExecutionTimedOut", "executionTimedOutEventDetails", d);
      root.status = Frame.Status.ABORTED;
      Outcome out = new Outcome.TimedOut(null, null);
      return new Step(List.copyOf(run.events), new ExecutionPosition(root, run.lastEventId, run.randomCounter, run.executionInput, out, run.invocations), List.of(), out);
    }
    String effectId = signal instanceof Signal.TimerFired t ? t.effectId()
        : signal instanceof Signal.TaskSucceeded t ? t.effectId()
        : signal instanceof Signal.TaskStarted t ? t.effectId()
        : signal instanceof Signal.TaskHeartbeat t ? t.effectId()
        : signal instanceof Signal.TaskFailed t ? t.effectId() : null;
    Frame f = effectId == null ? null : root.find(effectId);
    if (f == null || f.done()) return noop(position);
    State s = f.machine.state(f.state);
    Frame.WaitKind kind = f.waiting.kind();
    boolean timer = signal instanceof Signal.TimerFired;
    if (timer ? kind != Frame.WaitKind.WAIT_STATE && kind != Frame.WaitKind.RETRY
        : kind != Frame.WaitKind.TASK && kind != Frame.WaitKind.MAP_RUN) {
      return noop(position);
    }
    if (kind == Frame.WaitKind.MAP_RUN && !(signal instanceof Signal.TaskSucceeded) && !(signal instanceof Signal.TaskFailed)) {
      return noop(position);
    }
    // A task starts once: a second start changes nothing.
    if (signal instanceof Signal.TaskStarted && f.waiting.started()) return noop(position);
    try {
      if (kind == Frame.WaitKind.MAP_RUN) driver.branches.mapRunEnded(f, (State.Map) s, signal);
      else if (timer && kind == Frame.WaitKind.WAIT_STATE) driver.bodies.waitFired(f, (State.Wait) s);
      else if (timer) f.waiting = null;
      else if (signal instanceof Signal.TaskStarted st) driver.bodies.taskStarted(f, (State.Task) s, st.workerName(), st.submitted());
      else if (signal instanceof Signal.TaskHeartbeat) driver.bodies.taskHeartbeat(f);
      else if (signal instanceof Signal.TaskSucceeded ts) driver.bodies.taskSucceeded(f, (State.Task) s, ts.output());
      else driver.bodies.taskFailed(f, (State.Task) s, ((Signal.TaskFailed) signal).error(), ((Signal.TaskFailed) signal).cause());
    } catch (StatesError e) {
      driver.fail(f, s, e);
    } catch (RuntimeException e) {
      driver.fail(f, s, StatesError.runtime("Internal error: " + e));
    }
    driver.drive(root);
    return finish(run, root);
  }

  /** Whether {@link #redrive} can continue {@code position}: it ended without succeeding, and it kept where it stood. */
  public static boolean redrivable(ExecutionPosition position) {
    return position.finished() && !(position.outcome instanceof Outcome.Succeeded) && position.root.state != null;
  }

  /**
   * Continues an execution that failed, was aborted or timed out (RedriveExecution): records
   * {@code ExecutionRedriven} ({@code ctx.redriveCount()} is the new count), then runs again what
   * did not succeed — the state it ended in, from that state's input with its retries reset; of a
   * Parallel or Map, only the branches and iterations that did not succeed. What succeeded before
   * keeps its results and is not run again.
   *
   * @throws IllegalArgumentException if the position is not {@link #redrivable}
   */
  public static Step redrive(CompiledDefinition def, ExecutionContext ctx, ExecutionPosition position, Instant now) {
    if (!redrivable(position)) throw new IllegalArgumentException("the execution cannot be redriven");
    Frame root = position.root.copy(null);
    PositionCodec.link(root, def.machine());
    Run run = new Run(def, ctx, now, position.executionInput, position.lastEventId, position.randomCounter);
    run.invocations.putAll(position.invocations);
    ObjectNode d = run.obj();
    d.put("redriveCount", ctx.redriveCount());
    long redriven = run.emit(null, "ExecutionRedriven", "executionRedrivenEventDetails", d);
    Driver driver = new Driver(run);
    try {
      driver.redrive(root, redriven);
    } catch (StatesError e) {
      driver.failFrame(root, e.error(), e.cause());
    }
    driver.drive(root);
    return finish(run, root);
  }

  private static Step noop(ExecutionPosition position) {
    return new Step(List.of(), position, List.of(), null);
  }

  private static Step finish(Run run, Frame root) {
    Outcome outcome = null;
    if (root.status == Frame.Status.SUCCEEDED) {
      ObjectNode d = run.obj();
      d.put("output", run.text(root.output));
      d.set("outputDetails", Run.truncatedFalse());
      run.emit(root, "ExecutionSucceeded", "executionSucceededEventDetails", d);
      outcome = new Outcome.Succeeded(root.output);
    } else if (root.status == Frame.Status.FAILED) {
      ObjectNode d = run.obj();
      if (root.error != null) d.put("error", root.error);
      if (root.cause != null) d.put("cause", root.cause);
      run.emit(root, "ExecutionFailed", "executionFailedEventDetails", d);
      outcome = new Outcome.Failed(root.error, root.cause);
    }
    ExecutionPosition pos = new ExecutionPosition(root, run.lastEventId, run.randomCounter, run.executionInput, outcome, run.invocations);
    List<Effect> effects = outcome == null ? Collections.unmodifiableList(run.effects) : List.of();
    return new Step(Collections.unmodifiableList(run.events), pos, effects, outcome);
  }
}
