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
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stepwise replay}: recorded executions re-run against another definition, offline. */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = {"Re-runs recorded executions of a data directory (the server stopped, or on a copy) against another",
        "definition: the same input and start, each Task state answered with what the recorded run's task of that",
        "state answered, Waits at the new definition's times. Reports the first event where the new run diverges",
        "(expected vs got), or that it matches; --all replays every execution of a machine and prints a summary.",
        "Exits 0 when every replay matches, 1 otherwise."})
public final class ReplayCommand implements Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", paramLabel = "EXECUTION_ARN", description = "The recorded execution.")
  String executionArn;

  @Option(names = "--all", paramLabel = "MACHINE_ARN", description = "Every recorded execution of this state machine.")
  String machineArn;

  @Option(names = "--definition", required = true, paramLabel = "NEW.json", description = "The definition to replay against.")
  Path definitionFile;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "The data directory (default ./data).")
  Path dataDir = Path.of("data");

  PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    if ((executionArn == null) == (machineArn == null)) {
      System.err.println("stepwise replay: give an EXECUTION_ARN or --all MACHINE_ARN");
      return 2;
    }
    CompiledDefinition definition;
    try {
      definition = CompiledDefinition.compile(Files.readString(definitionFile));
    } catch (InvalidDefinitionException e) {
      System.err.println("stepwise replay: " + definitionFile + ": " + e.getMessage());
      return 2;
    }
    if (!Files.isDirectory(dataDir.resolve("journal"))) {
      System.err.println("stepwise replay: no journal in " + dataDir.toAbsolutePath());
      return 2;
    }
    int matched = 0, diverged = 0, failed = 0;
    long start = System.nanoTime();
    try (HistoryCommand.Offline offline = new HistoryCommand.Offline(dataDir)) {
      List<String> arns = executionArn != null ? List.of(executionArn) : offline.executionsOf(machineArn);
      for (String arn : arns) {
        try {
          List<HistoryEvent> recorded = offline.history(arn);
          Replay.Result r = Replay.replay(definition, arn, recorded);
          if (r.matched()) matched++;
          else diverged++;
          if (executionArn != null || !r.matched()) out.println(arn + ": " + r.describe());
        } catch (Exception e) {
          failed++;
          out.println(arn + ": could not replay: " + e.getMessage());
        }
      }
    }
    if (machineArn != null) {
      double s = (System.nanoTime() - start) / 1e9;
      out.printf("%d matched, %d diverged, %d could not replay (%.0f executions/s)%n", matched, diverged, failed,
          (matched + diverged + failed) / Math.max(s, 1e-9));
    }
    return diverged == 0 && failed == 0 ? 0 : 1;
  }
}
