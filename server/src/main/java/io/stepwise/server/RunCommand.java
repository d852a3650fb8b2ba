package io.stepwise.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.asl.InvalidDefinitionException;
import io.stepwise.asl.interpreter.HistoryEvent;
import io.stepwise.asl.interpreter.Outcome;
import io.stepwise.engine.execution.LocalRun;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code stepwise run}: one execution, locally, no server; exit code 0 only if it succeeded. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run a state machine locally, without a server, and print its output (or error and cause).",
        "Exit code: 0 succeeded, 1 failed/timed out/aborted, 2 invalid definition or input."})
final class RunCommand implements Callable<Integer> {
  @Mixin LocalInputs inputs;

  @Option(names = "--history", description = "Also print every history event, one JSON object a line, before the result.")
  boolean history;

  @Option(names = "--virtual-time", description = "Fire Wait timers and retry back-offs at once instead of waiting.")
  boolean virtualTime;

  @Option(names = "--mock-config", paramLabel = "FILE", description = {
      "Mocked Task responses in Step Functions Local's MockConfigFile.json format (or SFN_MOCK_CONFIG);",
      "the test case is --test-case, for the machine named by --name."})
  java.nio.file.Path mockConfig;

  @Option(names = "--test-case", paramLabel = "NAME", description = "The mock configuration's test case to run with.")
  String testCase;

  @Override
  public Integer call() throws Exception {
    LocalRun.Finished done;
    java.nio.file.Path mockFile = mockConfig != null ? mockConfig
        : System.getenv("SFN_MOCK_CONFIG") == null || System.getenv("SFN_MOCK_CONFIG").isBlank() ? null
        : java.nio.file.Path.of(System.getenv("SFN_MOCK_CONFIG"));
    if (testCase != null && mockFile == null) {
      System.err.println("--test-case needs a mock configuration: --mock-config FILE or SFN_MOCK_CONFIG");
      return 2;
    }
    if (testCase == null && mockConfig != null) {
      // as Step Functions Local: mocked responses answer only an execution started with a test case
      System.err.println("Note: --mock-config is used only with --test-case NAME; running without mocks");
    }
    io.stepwise.engine.mock.Mocks mocks = io.stepwise.engine.mock.Mocks.NONE;
    try {
      String execName = UUID.randomUUID().toString();
      if (testCase != null) {
        mocks = io.stepwise.engine.mock.Mocks.load(mockFile, java.time.Duration.ofHours(1));
        if (!mocks.current().hasTestCase(inputs.name, testCase)) {
          mocks.close();
          throw new IllegalArgumentException("The mock configuration " + mockFile + " has no test case '" + testCase
              + "' for state machine '" + inputs.name + "' (name the machine with --name)");
        }
      }
      try {
        done = LocalRun.run(inputs.compile(), inputs.context(execName, Instant.now()), inputs.input(), virtualTime, history,
            mocks, testCase);
      } finally {
        mocks.close();
      }
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      System.err.println(e.getMessage());
      return 2;
    } catch (InvalidDefinitionException e) {
      System.err.println(e.getMessage());
      return 2;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      System.err.println("Invalid input: " + e.getOriginalMessage());
      return 2;
    }
    if (history) {
      for (HistoryEvent e : done.events()) System.out.println(LocalInputs.MAPPER.writeValueAsString(event(e)));
    }
    Outcome o = done.outcome();
    if (o instanceof Outcome.Succeeded s) {
      System.out.println(LocalInputs.MAPPER.writeValueAsString(s.output()));
      return 0;
    }
    ObjectNode failure = LocalInputs.MAPPER.createObjectNode();
    failure.put("status", o.status());
    if (o instanceof Outcome.Failed f) failure.put("error", f.error()).put("cause", f.cause());
    if (o instanceof Outcome.TimedOut t) failure.put("error", t.error()).put("cause", t.cause());
    if (o instanceof Outcome.Aborted a) failure.put("error", a.error()).put("cause", a.cause());
    System.out.println(LocalInputs.MAPPER.writeValueAsString(failure));
    return 1;
  }

  private static ObjectNode event(HistoryEvent e) {
    ObjectNode n = LocalInputs.MAPPER.createObjectNode();
    n.put("timestamp", e.timestamp().toString());
    n.put("type", e.type());
    n.put("id", e.id());
    n.put("previousEventId", e.previousEventId());
    n.setAll(e.details());
    return n;
  }
}
