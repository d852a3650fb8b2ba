package io.stepwise.server;

import io.stepwise.asl.CompiledDefinition;
import io.stepwise.asl.InvalidDefinitionException;
import io.stepwise.asl.interpreter.HistoryEvent;
import io.stepwise.asl.replay.Replay;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code stepwise replay}: recorded executions re-run against another definition, offline. */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = {"Re-runs recorded executions of a data directory (the server stopped, or on a copy) against another",
        "definition: the same input and start, each Task state answered with what the recorded run's task of that",
        "state answered, Waits at the new definition's times. Reports the first event where the new run diverges",
        "(expected vs got), or that it matches; --all replays every execution of a machine and prints a summary.",
        "Exits 0 when every replay matches, 1 otherwise."})
public final class ReplayCommand implements Callable<Integer> {
  /** Tasks are checked as the engine checks them, so a task its parameters kept from starting replays so. */
  private static final io.stepwise.asl.TaskCheck TASKS = new io.stepwise.engine.integration.IntegrationCheck();

  @Mixin
  RecordedExecutions executions = new RecordedExecutions();

  @Option(names = "--definition", required = true, paramLabel = "NEW.json", description = "The definition to replay against.")
  Path definitionFile;

  PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    if (executions.problem() != null) {
      System.err.println("stepwise replay: " + executions.problem());
      return 2;
    }
    CompiledDefinition definition;
    try {
      definition = CompiledDefinition.compile(Files.readString(definitionFile));
    } catch (InvalidDefinitionException e) {
      System.err.println("stepwise replay: " + definitionFile + ": " + e.getMessage());
      return 2;
    }
    int[] counts = new int[3]; // matched, diverged, could not replay
    long start = System.nanoTime();
    try (HistoryCommand.Offline offline = new HistoryCommand.Offline(executions.dataDir)) {
      List<String> arns = executions.arns(offline);
      // histories are read and replayed on every core; results are printed in the executions' order
      offline.eachHistory(arns, read -> {
        if (read.failure() != null) return new Outcome(read.executionArn(), null, read.failure().getMessage());
        try {
          return new Outcome(read.executionArn(), Replay.replay(definition, read.executionArn(), read.history(), TASKS), null);
        } catch (RuntimeException e) {
          return new Outcome(read.executionArn(), null, e.getMessage());
        }
      }, outcome -> {
        if (outcome.result() == null) {
          counts[2]++;
          out.println(outcome.arn() + ": could not replay: " + outcome.failure());
        } else {
          counts[outcome.result().matched() ? 0 : 1]++;
          if (!executions.all() || !outcome.result().matched()) out.println(outcome.arn() + ": " + outcome.result().describe());
        }
      });
    }
    int matched = counts[0], diverged = counts[1], failed = counts[2];
    if (executions.all()) {
      double s = (System.nanoTime() - start) / 1e9;
      out.printf("%d matched, %d diverged, %d could not replay (%.0f executions/s)%n", matched, diverged, failed,
          (matched + diverged + failed) / Math.max(s, 1e-9));
    }
    return diverged == 0 && failed == 0 ? 0 : 1;
  }

  /** One execution's replay: its result, or why it could not be replayed. */
  private record Outcome(String arn, Replay.Result result, String failure) {}
}
