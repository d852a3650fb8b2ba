package io.stepwise.asl;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.interpreter.Effect;
import io.stepwise.asl.interpreter.ExecutionContext;
import io.stepwise.asl.interpreter.ExecutionPosition;
import io.stepwise.asl.interpreter.HistoryEvent;
import io.stepwise.asl.interpreter.Interpreter;
import io.stepwise.asl.interpreter.Outcome;
import io.stepwise.asl.interpreter.Signal;
import io.stepwise.asl.interpreter.Step;
import io.stepwise.asl.path.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Runs a definition to its end on a virtual clock, firing timers in order and answering tasks with a function. */
public final class Harness {
  public static final Instant T0 = Instant.parse("2024-06-01T12:00:00Z");
  public static final ExecutionContext CTX = new ExecutionContext(
      "arn:aws:states:us-east-1:123456789012:execution:sm:ex", "ex", "arn:aws:states:us-east-1:123456789012:stateMachine:sm", "sm",
      "arn:aws:iam::123456789012:role/r", T0, 0);

  /** {@code position} is where it ended (a redrive continues from it). */
  public record Result(Outcome outcome, List<HistoryEvent> events, List<Effect> effects, Instant end,
      ExecutionPosition position) {
    public List<String> types() {
      return events.stream().map(HistoryEvent::type).toList();
    }

    public JsonNode output() {
      return ((Outcome.Succeeded) outcome).output();
    }

    public Outcome.Failed failure() {
      return (Outcome.Failed) outcome;
    }

    public HistoryEvent event(String type) {
      return events.stream().filter(e -> e.type().equals(type)).findFirst().orElseThrow();
    }
  }

  private Harness() {}

  public static JsonNode json(String s) {
    try {
      return Json.parse(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  public static CompiledDefinition compile(String def) {
    try {
      return CompiledDefinition.compile(def);
    } catch (InvalidDefinitionException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  public static Result run(String def, String input) {
    return run(def, input, e -> new Signal.TaskFailed(e.id(), "States.TaskFailed", "no task runner"));
  }

  /** {@code tasks} answers each ScheduleTask; positions go through JSON before every resume, as the engine stores them. */
  public static Result run(String def, String input, Function<Effect.ScheduleTask, Signal> tasks) {
    return drive(compile(def), CTX, Interpreter.start(compile(def), CTX, json(input), T0), T0, tasks);
  }

  /** As {@link #run(String, String, Function)}, tasks' effective parameters checked by {@code check} before they are scheduled. */
  public static Result run(String def, String input, io.stepwise.asl.TaskCheck check, Function<Effect.ScheduleTask, Signal> tasks) {
    ExecutionContext ctx = CTX.withTaskCheck(check);
    return drive(compile(def), ctx, Interpreter.start(compile(def), ctx, json(input), T0), T0, tasks);
  }

  /** As {@link #run(String, String, Function)}, Distributed Maps handed over as Map Runs ({@link ExecutionContext#MAP_RUN} tasks). */
  public static Result runWithMapRuns(String def, String input, Function<Effect.ScheduleTask, Signal> tasks) {
    ExecutionContext ctx = CTX.withMapRuns();
    return drive(compile(def), ctx, Interpreter.start(compile(def), ctx, json(input), T0), T0, tasks);
  }

  /** Redrives a run that ended unsuccessfully, at {@code at}, as redrive number {@code count}, to its new end. */
  public static Result redrive(String def, Result ended, int count, Instant at, Function<Effect.ScheduleTask, Signal> tasks) {
    return redrive(def, ended, count, at, false, tasks);
  }

  /** As above; {@code mapRuns}: Distributed Maps are Map Runs. */
  public static Result redrive(String def, Result ended, int count, Instant at, boolean mapRuns,
      Function<Effect.ScheduleTask, Signal> tasks) {
    ExecutionContext plain = new ExecutionContext(CTX.executionArn(), CTX.executionName(), CTX.stateMachineArn(),
        CTX.stateMachineName(), CTX.roleArn(), CTX.startTime(), count, at);
    ExecutionContext ctx = mapRuns ? plain.withMapRuns() : plain;
    ExecutionPosition pos = ExecutionPosition.fromJson(json(Json.write(ended.position().toJson())));
    return drive(compile(def), ctx, Interpreter.redrive(compile(def), ctx, pos, at), at, tasks);
  }

  private static Result drive(CompiledDefinition d, ExecutionContext ctx, Step first, Instant start,
      Function<Effect.ScheduleTask, Signal> tasks) {
    List<HistoryEvent> events = new ArrayList<>();
    List<Effect> effects = new ArrayList<>();
    Step step = first;
    events.addAll(step.events());
    effects.addAll(step.effects());
    Instant now = start;
    for (int guard = 0; !step.finished(); guard++) {
      if (guard > 1000) throw new AssertionError("did not finish");
      ExecutionPosition pos = ExecutionPosition.fromJson(json(Json.write(step.position().toJson())));
      List<Effect> pending = pos.pendingEffects();
      if (pending.isEmpty()) throw new AssertionError("no pending effects");
      Effect next = pending.get(0);
      for (Effect e : pending) {
        if (e instanceof Effect.ScheduleTask) { next = e; break; }
        if (next instanceof Effect.StartTimer n && e instanceof Effect.StartTimer t && t.fireAt().isBefore(n.fireAt())) next = e;
      }
      Signal signal;
      if (next instanceof Effect.StartTimer t) {
        if (t.fireAt().isAfter(now)) now = t.fireAt();
        signal = new Signal.TimerFired(t.id());
      } else {
        signal = tasks.apply((Effect.ScheduleTask) next);
      }
      step = Interpreter.resume(d, ctx, pos, signal, now);
      events.addAll(step.events());
      effects.addAll(step.effects());
    }
    return new Result(step.outcome(), events, effects, now, step.position());
  }
}
