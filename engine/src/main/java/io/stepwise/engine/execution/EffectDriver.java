package io.stepwise.engine.execution;

import io.stepwise.asl.CompiledDefinition;
import io.stepwise.asl.interpreter.Effect;
import io.stepwise.asl.interpreter.ExecutionContext;
import io.stepwise.asl.interpreter.ExecutionPosition;
import io.stepwise.asl.interpreter.HistoryEvent;
import io.stepwise.asl.interpreter.Interpreter;
import io.stepwise.asl.interpreter.Signal;
import io.stepwise.asl.interpreter.Step;
import io.stepwise.engine.integration.Integrations;
import io.stepwise.engine.mock.Mocks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The one effect driver. It runs the interpreter and carries out every effect that can be
 * answered at once (today a Task whose resource has no integration, which fails as AWS fails
 * it), looping inline until the execution ends or waits for something outside it. What is left
 * is handed to the caller's adapter: persisted executions record their timers in the durable
 * wake-up index ({@code ExecutionEntity}, {@code ExecutionStarter}), Express executions arm them
 * in memory ({@link ExpressRunner}), local runs keep a queue in virtual or real time
 * ({@link LocalRun}). Activities and integrations plug in at {@link TaskDispatch}, once.
 */
public final class EffectDriver {
  /** Answers a task at once with a signal, or returns null when the answer comes later. */
  @FunctionalInterface
  public interface TaskDispatch {
    Signal dispatch(Effect.ScheduleTask task);
  }

  /** No integration is wired in yet: every task fails as AWS fails a resource it cannot invoke. */
  public static final TaskDispatch UNSUPPORTED = Tasks::unsupported;

  /**
   * Persisted (Standard) executions: a task on an activity waits for a worker (GetActivityTask,
   * then SendTask*); any other resource fails as above.
   */
  public static final TaskDispatch ACTIVITIES_LATER = task -> Activities.isActivity(task.resource()) ? null
      : Tasks.unsupported(task);

  private final TaskDispatch tasks;
  private final Mocks mocks;
  private final Integrations integrations;
  private final ExecutionContext.TokenMinter taskTokens;

  public EffectDriver(TaskDispatch tasks) {
    this(tasks, Mocks.NONE, Integrations.NONE, null);
  }

  /**
   * Tasks of executions started with a test case are answered by {@code mocks} first; a task an
   * integration carries out is left waiting (its caller dispatches it, see {@link #integrations}),
   * any other goes to {@code tasks}.
   */
  public EffectDriver(TaskDispatch tasks, Mocks mocks, Integrations integrations,
      ExecutionContext.TokenMinter taskTokens) {
    this.tasks = tasks;
    this.mocks = mocks;
    this.integrations = integrations;
    this.taskTokens = taskTokens;
  }

  /** What a task's effective parameters must be to start it (AWS's request shapes). */
  static final io.stepwise.asl.TaskCheck TASK_CHECK = new io.stepwise.engine.integration.IntegrationCheck();

  /** The execution's context, with this driver's task tokens ({@code $$.Task.Token}) and {@link #TASK_CHECK}. */
  private ExecutionContext context(ExecutionInfo info) {
    ExecutionContext ctx = (taskTokens == null ? info.context() : info.context().withTaskTokens(taskTokens))
        .withTaskCheck(TASK_CHECK);
    // Distributed Maps run as Map Runs where the server carries them out, else inline
    return integrations.handles(ExecutionContext.MAP_RUN) ? ctx.withMapRuns() : ctx;
  }

  /** The integrations that carry out the tasks this driver leaves waiting for them. */
  public Integrations integrations() {
    return integrations;
  }

  /** Starts at the execution's start date ({@code ctx.startTime()}), which its timeout counts from. */
  public Step start(CompiledDefinition def, ExecutionContext ctx, com.fasterxml.jackson.databind.JsonNode input,
      Supplier<Instant> clock) {
    return settle(def, ctx, Interpreter.start(def, ctx, input, ctx.startTime()), clock, null);
  }

  /** Starts the execution {@code info} describes (with its test case's mocks, if it has one). */
  public Step start(CompiledDefinition def, ExecutionInfo info, com.fasterxml.jackson.databind.JsonNode input,
      Supplier<Instant> clock) {
    ExecutionContext ctx = context(info);
    return settle(def, ctx, Interpreter.start(def, ctx, input, ctx.startTime()), clock, info);
  }

  public Step resume(CompiledDefinition def, ExecutionContext ctx, ExecutionPosition position, Signal signal,
      Supplier<Instant> clock) {
    return settle(def, ctx, Interpreter.resume(def, ctx, position, signal, clock.get()), clock, null);
  }

  public Step resume(CompiledDefinition def, ExecutionInfo info, ExecutionPosition position, Signal signal,
      Supplier<Instant> clock) {
    ExecutionContext ctx = context(info);
    return settle(def, ctx, Interpreter.resume(def, ctx, position, signal, clock.get()), clock, info);
  }

  /** Redrives an execution that ended unsuccessfully ({@link Interpreter#redrive}); {@code info} has the new redrive count. */
  public Step redrive(CompiledDefinition def, ExecutionInfo info, ExecutionPosition position,
      Supplier<Instant> clock) {
    ExecutionContext ctx = context(info);
    return settle(def, ctx, Interpreter.redrive(def, ctx, position, clock.get()), clock, info);
  }

  /**
   * Carries out the step's immediate effects, resuming the interpreter with their answers, and
   * returns one step: every event in order, the last position, and the effects that still wait
   * (timers and tasks answered later), which are the caller's to arm.
   */
  Step settle(CompiledDefinition def, ExecutionContext ctx, Step step, Supplier<Instant> clock, ExecutionInfo info) {
    String testCase = info == null ? null : info.testCase();
    // a Map Run's child (machine/label) takes its machine's mocks
    String machine = info == null || info.stateMachineName() == null ? null : info.stateMachineName().split("/")[0];
    String executionArn = ctx.executionArn();
    List<Signal> ready = answered(step.effects(), machine, testCase, executionArn);
    if (ready.isEmpty()) return step;
    List<HistoryEvent> events = new ArrayList<>(step.events());
    List<Effect> waiting = new ArrayList<>(step.effects());
    while (!ready.isEmpty() && !step.finished()) {
      Signal next = ready.remove(0);
      step = Interpreter.resume(def, ctx, step.position(), next, clock.get());
      events.addAll(step.events());
      waiting.addAll(step.effects());
      ready.addAll(answered(step.effects(), machine, testCase, executionArn));
    }
    if (step.finished()) return new Step(events, step.position(), List.of(), step.outcome());
    Set<String> pending = new HashSet<>();
    for (Effect e : step.position().pendingEffects()) pending.add(e.id());
    List<Effect> left = new ArrayList<>();
    for (Effect e : waiting) {
      if (pending.contains(e.id())) left.add(e);
    }
    return new Step(events, step.position(), left, null);
  }

  /** The answers known at once: a mocked response of the execution's test case, else the dispatch's. */
  private List<Signal> answered(List<Effect> effects, String machine, String testCase, String executionArn) {
    List<Signal> out = new ArrayList<>();
    for (Effect e : effects) {
      if (e instanceof Effect.ScheduleTask task) {
        Signal s = testCase == null || task.resource().equals(ExecutionContext.MAP_RUN) ? null
            : mocks.answer(machine, testCase, task);
        if (s == null && Activities.isActivity(task.resource()) && Activities.ofAnotherAccount(task.resource(), executionArn)) {
          s = Activities.refused(task, executionArn);
        }
        if (s == null && !(Integrations.dispatched(task.resource()) && integrations.handles(task.resource()))) {
          s = tasks.dispatch(task);
        }
        if (s != null) out.add(s);
      }
    }
    return out;
  }
}
