package io.stepwise.server;

import static io.stepwise.server.ExecutionApiTest.awaitEnd;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * {@code stepwise history export} on a data directory the server wrote (executions long enough to
 * be snapshotted, so their early events come from a snapshot): each history is the one
 * GetExecutionHistory answered while the server ran, event for event.
 */
class HistoryExportTest {
  @TempDir Path dir;
  static final ObjectMapper JSON = new ObjectMapper();

  /** The exit code of an export (its output discarded). */
  static int exportCode(Path dataDir, StringBuilder output, String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<String> all = new ArrayList<>(List.of("history", "export", "--data-dir", dataDir.toString()));
    all.addAll(List.of(args));
    int code = new CommandLine(new Main()).setExecutionStrategy(parse -> {
      HistoryCommand.Export e = parse.subcommand().subcommand().commandSpec().commandLine().getCommand();
      e.out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
      return new CommandLine.RunLast().execute(parse);
    }).execute(all.toArray(String[]::new));
    output.append(bytes.toString(StandardCharsets.UTF_8));
    return code;
  }

  static String export(Path dataDir, String... args) {
    StringBuilder out = new StringBuilder();
    int code = exportCode(dataDir, out, args);
    assertThat(code).as(out.toString()).isZero();
    return out.toString();
  }

  @Test
  void export_isWhatGetExecutionHistoryAnswered_alsoFromSnapshots() throws Exception {
    String definition = "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Next\":\"W1\"},"
        + "\"W1\":{\"Type\":\"Wait\",\"Seconds\":5,\"Next\":\"B\"},\"B\":{\"Type\":\"Pass\",\"Result\":{\"x\":1},\"Next\":\"W2\"},"
        + "\"W2\":{\"Type\":\"Wait\",\"Seconds\":5,\"Next\":\"C\"},\"C\":{\"Type\":\"Pass\",\"Next\":\"W3\"},"
        + "\"W3\":{\"Type\":\"Wait\",\"Seconds\":5,\"End\":true}}}";
    String machine;
    List<String> executions = new ArrayList<>();
    Map<String, List<HistoryEvent>> recorded = new java.util.HashMap<>();
    try (TestServer server = TestServer.start(dir, Map.of("stepwise.engine.snapshot-every", 2, "stepwise.clock.mode", "virtual"));
        SfnClient sfn = server.sfn()) {
      machine = sfn.createStateMachine(b -> b.name("waits").roleArn("arn:aws:iam::123456789012:role/r").definition(definition))
          .stateMachineArn();
      for (int i = 0; i < 3; i++) {
        int n = i;
        String arn = sfn.startExecution(b -> b.stateMachineArn(machine).name("run-" + n).input("{\"n\":" + n + "}")).executionArn();
        awaitEnd(sfn, arn);
        executions.add(arn);
        recorded.put(arn, sfn.getExecutionHistory(b -> b.executionArn(arn).maxResults(1000)).events());
      }
    }
    JsonNode one = JSON.readTree(export(dir, executions.get(1)));
    assertSame(one.get("events"), recorded.get(executions.get(1)));

    JsonNode all = JSON.readTree(export(dir, "--all", machine));
    assertThat(all.get("executions")).hasSize(3);
    for (JsonNode e : all.get("executions")) assertSame(e.get("events"), recorded.get(e.get("executionArn").asText()));

    String[] lines = export(dir, "--all", machine, "--format", "jsonl").strip().split("\n");
    assertThat(lines).hasSize(recorded.values().stream().mapToInt(List::size).sum());
    JsonNode first = JSON.readTree(lines[0]);
    assertThat(first.get("executionArn").asText()).isEqualTo(executions.get(0));
    assertThat(first.get("type").asText()).isEqualTo("ExecutionStarted");
  }

  static void assertSame(JsonNode exported, List<HistoryEvent> recorded) {
    assertThat(exported).hasSize(recorded.size());
    for (int i = 0; i < recorded.size(); i++) {
      HistoryEvent r = recorded.get(i);
      JsonNode e = exported.get(i);
      assertThat(e.get("id").asLong()).isEqualTo(r.id());
      assertThat(e.get("previousEventId").asLong()).isEqualTo(r.previousEventId());
      assertThat(e.get("type").asText()).isEqualTo(r.typeAsString());
      assertThat(Math.round(e.get("timestamp").asDouble() * 1000)).isEqualTo(r.timestamp().toEpochMilli());
    }
    HistoryEvent last = recorded.get(recorded.size() - 1);
    assertThat(exported.get(recorded.size() - 1).path("executionSucceededEventDetails").path("output").asText())
        .isEqualTo(last.executionSucceededEventDetails().output());
  }
}
