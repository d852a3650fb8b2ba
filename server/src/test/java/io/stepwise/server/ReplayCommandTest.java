package io.stepwise.server;

import static io.stepwise.server.ExecutionApiTest.awaitEnd;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * {@code stepwise replay} on executions the server recorded — a Choice on a mocked Task's answer —
 * against the same definition (every execution matches) and against one whose Choice changed
 * (the executions whose route changed diverge, at the event of the state they now go to).
 */
class ReplayCommandTest {
  @TempDir Path dir;

  static String machine(int threshold) {
    return """
        {"StartAt": "Score", "States": {
          "Score": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "score", "Payload.$": "$"}, "ResultSelector": {"score.$": "$.Payload.score"},
            "ResultPath": "$.result", "Next": "Approve?"},
          "Approve?": {"Type": "Choice", "Choices": [{"Variable": "$.result.score", "NumericGreaterThanEquals": %d,
            "Next": "Approved"}], "Default": "Rejected"},
          "Approved": {"Type": "Pass", "Result": "approved", "End": true},
          "Rejected": {"Type": "Pass", "Result": "rejected", "End": true}}}
        """.formatted(threshold);
  }

  static final String MOCKS = """
      {"StateMachines": {"loans": {"TestCases": {"Low": {"Score": "Low"}, "High": {"Score": "High"}}}},
       "MockedResponses": {
         "Low": {"0": {"Return": {"StatusCode": 200, "Payload": {"score": 40}}}},
         "High": {"0": {"Return": {"StatusCode": 200, "Payload": {"score": 80}}}}}}
      """;

  static String replay(Path dataDir, int[] code, String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<String> all = new ArrayList<>(List.of("replay", "--data-dir", dataDir.toString()));
    all.addAll(List.of(args));
    code[0] = new CommandLine(new Main()).setExecutionStrategy(parse -> {
      ReplayCommand r = parse.subcommand().commandSpec().commandLine().getCommand();
      r.out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
      return new CommandLine.RunLast().execute(parse);
    }).execute(all.toArray(String[]::new));
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aChangedChoice_isFoundAtTheRightEvent() throws Exception {
    Path mocks = Files.writeString(dir.resolve("mocks.json"), MOCKS);
    Path data = dir.resolve("data");
    String machine, low, high;
    try (TestServer server = TestServer.start(data, Map.of("stepwise.engine.mock-config", mocks.toString()));
        SfnClient sfn = server.sfn()) {
      machine = sfn.createStateMachine(b -> b.name("loans").roleArn("arn:aws:iam::123456789012:role/r").definition(machine(50)))
          .stateMachineArn();
      low = sfn.startExecution(b -> b.stateMachineArn(machine + "#Low").name("low").input("{\"id\":1}")).executionArn();
      high = sfn.startExecution(b -> b.stateMachineArn(machine + "#High").name("high").input("{\"id\":2}")).executionArn();
      assertThat(awaitEnd(sfn, low).output()).isEqualTo("\"rejected\"");
      assertThat(awaitEnd(sfn, high).output()).isEqualTo("\"approved\"");
    }
    Path same = Files.writeString(dir.resolve("same.json"), machine(50));
    Path stricter = Files.writeString(dir.resolve("stricter.json"), machine(90));
    int[] code = new int[1];

    String one = replay(data, code, high, "--definition", same.toString());
    assertThat(code[0]).as(one).isZero();
    assertThat(one).contains(high + ": matches");

    String all = replay(data, code, "--all", machine, "--definition", stricter.toString());
    assertThat(code[0]).as(all).isEqualTo(1);
    // the low score was rejected either way; the high one now goes to Rejected: after the Choice's exit
    assertThat(all).contains("1 matched, 1 diverged, 0 could not replay")
        .contains(high + ": diverges at event ").contains("expected PassStateEntered 'Approved', got PassStateEntered 'Rejected'")
        .doesNotContain(low + ":");
  }
}
