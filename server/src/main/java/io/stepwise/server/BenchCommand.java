package io.stepwise.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.CompiledDefinition;
import io.stepwise.asl.InvalidDefinitionException;
import io.stepwise.asl.interpreter.ExecutionContext;
import io.stepwise.asl.interpreter.Outcome;
import io.stepwise.engine.execution.LocalRun;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code stepwise bench}: runs one definition over and over on this thread, the way an Express
 * execution runs (history events built, nothing persisted, virtual time), checks that every run
 * gives the same result, and prints {@code N executions/s} last.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Run a state machine repeatedly in-process on one thread and print executions/s.")
final class BenchCommand implements Callable<Integer> {
  @Mixin LocalInputs inputs;

  @Option(names = "--seconds", defaultValue = "10", description = "How long to measure (default 10), after a warm-up.")
  int seconds;

  @Option(names = "--warmup", defaultValue = "3", description = "Seconds of warm-up not measured (default 3).")
  int warmup;

  @Override
  public Integer call() throws Exception {
    CompiledDefinition def;
    JsonNode input;
    try {
      def = inputs.compile();
      input = inputs.input();
    } catch (InvalidDefinitionException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    // Every run gets the same context, so that outputs reading $$ compare equal too.
    ExecutionContext ctx = inputs.context("bench", Instant.now());
    Outcome expected = LocalRun.run(def, ctx, input, true, true).outcome();
    System.out.println("result: " + expected);
    loop(def, ctx, input, expected, warmup);
    long runs = loop(def, ctx, input, expected, seconds);
    System.out.printf("%d executions in %d s%n", runs, seconds);
    System.out.printf("%d executions/s%n", runs / Math.max(1, seconds));
    return 0;
  }

  /** Runs for {@code seconds}; every run's outcome must equal the first one's. */
  private long loop(CompiledDefinition def, ExecutionContext ctx, JsonNode input, Outcome expected, int seconds)
      throws InterruptedException {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    long runs = 0;
    while (System.nanoTime() < end) {
      for (int i = 0; i < 256; i++) {
        Outcome got = LocalRun.run(def, ctx, input, true, true).outcome();
        if (!got.equals(expected)) {
          throw new IllegalStateException("run " + runs + " gave " + got + ", the first run gave " + expected);
        }
        runs++;
      }
    }
    return runs;
  }
}
