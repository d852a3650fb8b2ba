package io.stepwise.engine.execution;

import io.stepwise.asl.CompiledDefinition;
import io.stepwise.asl.interpreter.Effect;
import io.stepwise.asl.interpreter.ExecutionPosition;
import io.stepwise.asl.interpreter.Signal;
import io.stepwise.asl.interpreter.Step;
import io.stepwise.engine.timers.EngineClock;
import java.time.Duration;
import java.util.ArrayList;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.Scheduler;
import scala.concurrent.ExecutionContextExecutor;

/**
 * Runs Express executions in memory, unjournaled, as AWS keeps no history for them: the same
 * interpreter as Standard executions, with timers on the actor system's scheduler. An Express
 * execution runs for at most five minutes.
 */
public final class ExpressRunner {
  static final int MAX_DURATION_SECONDS = 300;

  private final Scheduler scheduler;
  private final ExecutionContextExecutor executor;
  private final EffectDriver driver;
  private final EngineClock clock;

  public ExpressRunner(Scheduler scheduler, ExecutionContextExecutor executor, EffectDriver driver, EngineClock clock) {
    this.scheduler = scheduler;
    this.executor = executor;
    this.driver = driver;
    this.clock = clock;
  }

  /**
   * Starts the execution on the calling thread; the stage completes with its result when it ends
   * (already complete when the execution ran to its end without waiting).
   */
  public CompletionStage<Result> run(ExecutionInfo info, CompiledDefinition def) {
    Run run = new Run(def, info);
    if (info.mapRunArn() != null) {
      // a Map Run's child can be stopped when its run fails or is cut off
      stoppable.put(info.executionArn(), run);
      run.done.whenComplete((r, e) -> stoppable.remove(info.executionArn(), run));
    }
    int timeout = def.timeoutSeconds() == null ? MAX_DURATION_SECONDS : Math.min(def.timeoutSeconds(), MAX_DURATION_SECONDS);
    run.begin(timeout);
    return run.done;
  }

  private final java.util.concurrent.ConcurrentHashMap<String, Run> stoppable = new java.util.concurrent.ConcurrentHashMap<>();

  /** Stops a Map Run's Express child still running (it ends ABORTED); nothing if it has ended. */
  public void stop(String executionArn, String error, String cause) {
    Run run = stoppable.get(executionArn);
    if (run != null) executor.execute(() -> run.resume(new Signal.Stop(error, cause)));
  }

  private final class Run {
    final CompiledDefinition def;
    final ExecutionInfo info;
    final CompletableFuture<Result> done = new CompletableFuture<>();
    /** Timers still scheduled; cancelled when the run ends so a finished run is not kept alive by them. */
    final List<Cancellable> timers = new ArrayList<>();
    /** Virtual time: pending deadlines, fired in deadline order with the run's own clock moved to each. */
    final PriorityQueue<Pending> virtual = new PriorityQueue<>(DEADLINE_ORDER);
    Instant virtualNow;
    ExecutionPosition position;
    /** Integration calls under way: virtual time does not move while there are any. */
    int calls;

    Run(CompiledDefinition def, ExecutionInfo info) {
      this.def = def;
      this.info = info;
      this.virtualNow = info.startDate();
    }

    private Instant now() {
      return clock.isVirtual() ? virtualNow : clock.instant();
    }

    synchronized void begin(int timeoutSeconds) {
      Step step = driver.start(def, info, ExecutionEntity.parseInput(info.input()), this::now);
      if (!step.finished()) arm(info.startDate().plusSeconds(timeoutSeconds), "$timeout", new Signal.ExecutionTimedOut());
      apply(step);
    }

    synchronized void resume(Signal signal) {
      if (done.isDone()) return;
      apply(driver.resume(def, info, position, signal, this::now));
    }

    private void apply(Step step) {
      position = step.position();
      if (step.finished()) {
        timers.forEach(Cancellable::cancel);
        timers.clear();
        done.complete(Result.of(step.outcome(), now()));
        return;
      }
      for (Effect effect : step.effects()) {
        if (effect instanceof Effect.StartTimer t) arm(t.fireAt(), t.id(), new Signal.TimerFired(t.id()));
        // An integration's task is answered when its call completes, through resume().
        if (effect instanceof Effect.ScheduleTask t && driver.integrations().handles(t.resource())) {
          calls++;
          driver.integrations().invoke(t, info).thenAcceptAsync(this::answered, executor);
        }
      }
      if (clock.isVirtual() && calls == 0 && !virtual.isEmpty()) executor.execute(this::fireNextVirtual);
    }

    synchronized void answered(Signal signal) {
      calls--;
      resume(signal);
    }

    private void arm(Instant at, String id, Signal signal) {
      if (clock.isVirtual()) {
        virtual.add(new Pending(at, id, signal));
        return;
      }
      Duration delay = clock.realDelay(Duration.between(clock.instant(), at));
      timers.add(scheduler.scheduleOnce(delay, () -> resume(signal), executor));
    }

    private synchronized void fireNextVirtual() {
      if (calls > 0) return; // a call's answer moves the run on, then time
      Pending next = virtual.poll();
      if (next == null || done.isDone()) return;
      if (next.at().isAfter(virtualNow)) virtualNow = next.at();
      resume(next.signal());
    }
  }

  /** Ties fire in id order, as in the wake-up index. */
  private record Pending(Instant at, String id, Signal signal) {}

  private static final Comparator<Pending> DEADLINE_ORDER =
      Comparator.comparing(Pending::at).thenComparing(Pending::id);
}
