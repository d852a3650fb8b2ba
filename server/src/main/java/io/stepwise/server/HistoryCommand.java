package io.stepwise.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.stepwise.api.sfn.Shapes;
import io.stepwise.asl.interpreter.HistoryEvent;
import io.stepwise.engine.execution.ExecutionHistory;
import io.stepwise.persistence.StepwiseStorage;
import io.stepwise.persistence.UnreadableEvent;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.SnapshotProtocol;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stepwise history export}: executions' histories read offline from a data directory. */
@Command(name = "history", mixinStandardHelpOptions = true,
    description = "Offline tools on the executions of a data directory (the server stopped, or on a copy).",
    subcommands = {HistoryCommand.Export.class})
public final class HistoryCommand {
  static final ObjectMapper JSON = new ObjectMapper();

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = {"Prints an execution's history exactly as GetExecutionHistory returns it (every event, oldest",
          "first), decrypted with the KMS keys of the data directory; --all prints every execution of a machine.",
          "json: {\"events\": [...]} (with --all: {\"executions\": [{\"executionArn\", \"events\"}, ...]});",
          "jsonl: one event a line (with --all, each with its executionArn)."})
  static final class Export implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "EXECUTION_ARN", description = "The execution.")
    String executionArn;

    @Option(names = "--all", paramLabel = "MACHINE_ARN", description = "Every execution of this state machine.")
    String machineArn;

    @Option(names = "--format", paramLabel = "json|jsonl", description = "Output format (default json).")
    String format = "json";

    @Option(names = "--data-dir", paramLabel = "DIR", description = "The data directory (default ./data).")
    Path dataDir = Path.of("data");

    PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
      if ((executionArn == null) == (machineArn == null)) {
        System.err.println("stepwise history export: give an EXECUTION_ARN or --all MACHINE_ARN");
        return 2;
      }
      if (!format.equals("json") && !format.equals("jsonl")) {
        System.err.println("stepwise history export: --format takes json or jsonl, got " + format);
        return 2;
      }
      if (!Files.isDirectory(dataDir.resolve("journal"))) {
        System.err.println("stepwise history export: no journal in " + dataDir.toAbsolutePath());
        return 2;
      }
      try (Offline offline = new Offline(dataDir)) {
        List<String> arns = executionArn != null ? List.of(executionArn) : offline.executionsOf(machineArn);
        ArrayNode executions = JsonNodeFactory.instance.arrayNode();
        for (String arn : arns) {
          List<HistoryEvent> history;
          try {
            history = offline.history(arn);
          } catch (Exception e) {
            // one execution that cannot be read (a damaged event or snapshot) does not stop the others
            System.err.println("stepwise history export: " + arn + ": " + e.getMessage());
            if (executionArn != null) return 1;
            continue;
          }
          ArrayNode events = JsonNodeFactory.instance.arrayNode();
          for (HistoryEvent e : history) events.add(Shapes.historyEvent(e, true));
          if (format.equals("jsonl")) {
            for (var e : events) {
              ObjectNode line = JsonNodeFactory.instance.objectNode();
              if (machineArn != null) line.put("executionArn", arn);
              line.setAll((ObjectNode) e);
              out.println(JSON.writeValueAsString(line));
            }
          } else if (machineArn != null) {
            executions.addObject().put("executionArn", arn).set("events", events);
          } else {
            out.println(JSON.writeValueAsString(JsonNodeFactory.instance.objectNode().set("events", events)));
          }
        }
        if (format.equals("json") && machineArn != null) {
          out.println(JSON.writeValueAsString(JsonNodeFactory.instance.objectNode().set("executions", executions)));
        }
      }
      return 0;
    }
  }

  /** A data directory's storage opened without an engine: nothing runs, nothing is written. */
  static final class Offline implements AutoCloseable {
    private final ActorSystem<Void> system;
    private final StepwiseStorage.Handles handles;

    StepwiseStorage.Handles handles() {
      return handles;
    }

    Offline(Path dataDir) {
      Config config = ConfigFactory.parseMap(Map.of("stepwise.data-dir", dataDir.toAbsolutePath().toString(),
              "pekko.loglevel", "ERROR", "pekko.stdout-loglevel", "OFF"))
          .withFallback(ConfigFactory.load());
      system = ActorSystem.create(Behaviors.empty(), "stepwise-offline", config);
      handles = StepwiseStorage.get(system).open();
    }

    /** The (Standard) executions of a machine, in the order they were first written. */
    List<String> executionsOf(String machineArn) {
      String prefix = "Execution|" + machineArn.replace(":stateMachine:", ":execution:") + ":";
      List<String> out = new ArrayList<>();
      for (String pid : handles.store().persistenceIds(0, Integer.MAX_VALUE).values()) {
        if (pid.startsWith(prefix)) out.add(pid.substring("Execution|".length()));
      }
      return out;
    }

    /** The history, from its latest snapshot (if any) and the events after it. */
    List<HistoryEvent> history(String executionArn) throws Exception {
      String pid = "Execution|" + executionArn;
      var id = handles.store().idOf(pid);
      if (id.isEmpty()) throw new ExecutionHistoryMissing(executionArn);
      if (handles.store().snapshots(id.getAsLong()).isEmpty()) {
        return ExecutionHistory.rebuild(null, events(pid, 1)); // no snapshot: every event is there
      }
      var classic = Adapter.toClassic(system);
      var snapshots = Persistence.get(classic).snapshotStoreFor("stepwise.snapshot-store", ConfigFactory.empty());
      Object reply = Patterns.ask(snapshots,
          new SnapshotProtocol.LoadSnapshot(pid, SnapshotSelectionCriteria.latest(), Long.MAX_VALUE),
          Duration.ofSeconds(60)).toCompletableFuture().get();
      if (!(reply instanceof SnapshotProtocol.LoadSnapshotResult loaded)) {
        Throwable why = reply instanceof SnapshotProtocol.LoadSnapshotFailed f ? f.cause() : null;
        throw new ExecutionHistory.Unavailable("its snapshot cannot be read: " + (why == null ? reply : why.getMessage())) {};
      }
      Object snapshot = null;
      long from = 1;
      if (loaded.snapshot().isDefined()) {
        snapshot = loaded.snapshot().get().snapshot();
        from = loaded.snapshot().get().metadata().sequenceNr() + 1;
      }
      List<Object> events = events(pid, from);
      if (snapshot == null && events.isEmpty()) throw new ExecutionHistoryMissing(executionArn);
      return ExecutionHistory.rebuild(snapshot, events);
    }

    private List<Object> events(String pid, long from) {
      List<Object> events = new ArrayList<>();
      handles.reader().replay(pid, from, Long.MAX_VALUE, Long.MAX_VALUE, repr -> {
        Object p = repr.payload();
        events.add(p instanceof UnreadableEvent u ? "event #" + u.sequenceNr() + " is unreadable: " + u.reason() : p);
      }).toCompletableFuture().join();
      return events;
    }

    @Override
    public void close() {
      system.terminate();
      try {
        system.getWhenTerminated().toCompletableFuture().get();
      } catch (Exception e) {
        // shutting down
      }
    }
  }

  /** No journal of that execution (never started, an Express execution, or another data directory). */
  static final class ExecutionHistoryMissing extends ExecutionHistory.Unavailable {
    ExecutionHistoryMissing(String arn) {
      super("no execution " + arn + " in this data directory");
    }
  }
}
