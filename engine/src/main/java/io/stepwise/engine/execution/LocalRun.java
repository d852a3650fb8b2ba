package io.stepwise.engine.execution;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.CompiledDefinition;
import io.stepwise.asl.interpreter.Effect;
import io.stepwise.asl.interpreter.ExecutionContext;
import io.stepwise.asl.interpreter.HistoryEvent;
import io.stepwise.asl.interpreter.Outcome;
import io.stepwise.asl.interpreter.Signal;
import io.stepwise.asl.interpreter.Step;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Runs one execution to its end on the calling thread, without actors or a journal: the
 * {@code run} and {@code bench} commands. Timers either really wait or, on virtual time, fire at
 * once with the clock moved to their deadline, so a day-long Wait takes no time at all. Timers due
 * at the same instant fire in the order of their ids, as the wake-up index orders them, so local
 * and persisted runs give the same history.
 */
public final class LocalRun {
  /** The execution's outcome and, when asked for, every history event. */
  public record Finished(Outcome outcome, List<HistoryEvent> events) {}

  private LocalRun() {}

  private static final EffectDriver DRIVER = new EffectDriver(EffectDriver.UNSUPPORTED);

  public static Finished run(CompiledDefinition def, ExecutionContext ctx, JsonNode input, boolean virtualTime,
      boolean keepHistory) throws InterruptedException {
    return run(def, ctx, input, virtualTime, keepHistory, io.stepwise.engine.mock.Mocks.NONE, null);
  }

  /**
   * As above, with Task states answered by the mock configuration's {@code testCase} for the
   * machine the context names (as Step Functions Local answers {@code <arn>#<TestCase>}); null: none.
   */
  public static Finished run(CompiledDefinition def, ExecutionContext ctx, JsonNode input, boolean virtualTime,
      boolean keepHistory, io.stepwise.engine.mock.Mocks mocks, String testCase) throws InterruptedException {
    EffectDriver driver = testCase == null ? DRIVER
        : new EffectDriver(EffectDriver.UNSUPPORTED, mocks, io.stepwise.engine.integration.Integrations.NONE, null);
    ExecutionInfo info = testCase == null ? null : new ExecutionInfo(ctx.executionArn(), ctx.executionName(),
        ctx.stateMachineArn(), ctx.stateMachineName(), "STANDARD", null, null, ctx.startTime(), ctx.roleArn(),
        input.toString(), ctx.startTime(), null, null, null).withTestCase(testCase);
    Instant[] clock = {ctx.startTime()};
    Instant now = ctx.startTime();
    List<HistoryEvent> history = keepHistory ? new ArrayList<>() : null;
    PriorityQueue<Effect.StartTimer> timers = new PriorityQueue<>(
        Comparator.comparing(Effect.StartTimer::fireAt).thenComparing(Effect.StartTimer::id));
    Instant timeout = def.timeoutSeconds() == null ? null : now.plusSeconds(def.timeoutSeconds());
    Step step = info == null ? driver.start(def, ctx, input, () -> clock[0]) : driver.start(def, info, input, () -> clock[0]);
    while (true) {
      if (keepHistory) history.addAll(step.events());
      if (step.finished()) return new Finished(step.outcome(), history);
      for (Effect effect : step.effects()) {
        if (effect instanceof Effect.StartTimer t) timers.add(t);
      }
      Effect.StartTimer t = timers.poll();
      if (t == null) throw new IllegalStateException("the execution waits for nothing it can be woken by");
      Instant at = t.fireAt().isAfter(now) ? t.fireAt() : now;
      Signal next;
      if (timeout != null && at.isAfter(timeout)) {
        at = timeout;
        next = new Signal.ExecutionTimedOut();
      } else {
        next = new Signal.TimerFired(t.id());
      }
      if (!virtualTime) sleepUntil(at);
      now = at;
      if (!virtualTime) now = max(now, Instant.now());
      clock[0] = now;
      step = info == null ? driver.resume(def, ctx, step.position(), next, () -> clock[0])
          : driver.resume(def, info, step.position(), next, () -> clock[0]);
    }
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static void sleepUntil(Instant at) throws InterruptedException {
    Duration d = Duration.between(Instant.now(), at);
    if (!d.isNegative() && !d.isZero()) Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
  }
}
