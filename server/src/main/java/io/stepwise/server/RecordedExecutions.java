package io.stepwise.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What the offline commands on executions ({@code history export}, {@code replay}) take alike: one
 * EXECUTION_ARN or {@code --all MACHINE_ARN}, and the data directory (a picocli mixin).
 */
final class RecordedExecutions {
  @Parameters(index = "0", arity = "0..1", paramLabel = "EXECUTION_ARN", description = "The recorded execution.")
  String executionArn;

  @Option(names = "--all", paramLabel = "MACHINE_ARN", description = "Every recorded execution of this state machine.")
  String machineArn;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "The data directory (default ./data).")
  Path dataDir = Path.of("data");

  /** Why the arguments cannot be used, for {@code stepwise <command>: ...}; null if they can. */
  String problem() {
    if ((executionArn == null) == (machineArn == null)) return "give an EXECUTION_ARN or --all MACHINE_ARN";
    if (!io.stepwise.persistence.internal.Db.exists(dataDir.resolve("journal"))) return "no journal in " + dataDir.toAbsolutePath();
    return null;
  }

  boolean all() {
    return machineArn != null;
  }

  /** The executions named: the one given, or every (Standard) execution of the machine. */
  List<String> arns(HistoryCommand.Offline offline) {
    return executionArn != null ? List.of(executionArn) : offline.executionsOf(machineArn);
  }
}
