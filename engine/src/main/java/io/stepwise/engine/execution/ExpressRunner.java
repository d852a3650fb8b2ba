package io.stepwise.engine.execution;

import io.stepwise.asl.CompiledDefinition;
import io.stepwise.asl.interpreter.Effect;
import io.stepwise.asl.interpreter.ExecutionPosition;
import io.stepwise.asl.interpreter.Signal;
import io.stepwise.asl.interpreter.Step;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
  private final Clock clock;

  public ExpressRunner(Scheduler scheduler, ExecutionContextExecutor executor, EffectDriver driver, Clock clock) {
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
    int timeout = def.timeoutSeconds() == null ? MAX_DURATION_SECONDS : Math.min(def.timeoutSeconds(), MAX_DURATION_SECONDS);
    run.begin(timeout);
    return run.done;
  }

  private final class Run {
    final CompiledDefinition def;
    final ExecutionInfo info;
    final CompletableFuture<Result> done = new CompletableFuture<>();
    /** Timers still scheduled; cancelled when the run ends so a finished run is not kept alive by them. */
    final List<Cancellable> timers = new ArrayList<>();
    ExecutionPosition position;

    Run(CompiledDefinition def, ExecutionInfo info) {
      this.def = def;
      this.info = info;
    }

    synchronized void begin(int timeoutSeconds) {
      Step step = driver.start(def, info.context(), ExecutionEntity.parseInput(info.input()), clock::instant);
      if (!step.finished()) {
        timers.add(scheduler.scheduleOnce(Duration.ofSeconds(timeoutSeconds),
            () -> resume(new Signal.ExecutionTimedOut()), executor));
      }
      apply(step);
    }

    synchronized void resume(Signal signal) {
      if (done.isDone()) return;
      apply(driver.resume(def, info.context(), position, signal, clock::instant));
    }

    private void apply(Step step) {
      position = step.position();
      if (step.finished()) {
        timers.forEach(Cancellable::cancel);
        timers.clear();
        done.complete(Result.of(step.outcome(), clock.instant()));
        return;
      }
      for (Effect effect : step.effects()) {
        if (effect instanceof Effect.StartTimer t) {
          Duration delay = Duration.between(clock.instant(), t.fireAt());
          timers.add(scheduler.scheduleOnce(delay.isNegative() ? Duration.ZERO : delay,
              () -> resume(new Signal.TimerFired(t.id())), executor));
        }
        // A task left by the driver is answered later, through resume().
      }
    }
  }
}
