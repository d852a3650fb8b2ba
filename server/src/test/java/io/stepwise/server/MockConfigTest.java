package io.stepwise.server;

import static io.stepwise.server.ExecutionApiTest.awaitEnd;
import static io.stepwise.server.ExecutionApiTest.history;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.SfnException;
import software.amazon.awssdk.services.sfn.model.StartSyncExecutionResponse;
import software.amazon.awssdk.services.sfn.model.SyncExecutionStatus;

/**
 * Mocked Task responses in AWS Step Functions Local's format, through the real SDK: the examples of
 * its developer-guide pages (happy path, retry path, a hybrid path whose unmocked state runs
 * unmocked), Map iterations sharing one counter, an activity, StartSyncExecution, and the file read
 * again when it changes.
 */
class MockConfigTest {
  @TempDir Path dir;

  /** The developer guide's LambdaSQSIntegration machine. */
  private static final String LAMBDA_SQS = """
      {"StartAt": "LambdaState", "States": {
        "LambdaState": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
          "Parameters": {"Payload.$": "$", "FunctionName": "HelloWorldFunction"},
          "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 3, "BackoffRate": 1}],
          "ResultSelector": {"body.$": "$.Payload.body"}, "Next": "SQSState"},
        "SQSState": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
          "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/myQueue", "MessageBody.$": "$"},
          "End": true}}}
      """;

  private static final String CONFIG = """
      {
        "StateMachines": {
          "LambdaSQSIntegration": {
            "TestCases": {
              "HappyPath": {"LambdaState": "MockedLambdaSuccess", "SQSState": "MockedSQSSuccess"},
              "RetryPath": {"LambdaState": "MockedLambdaRetry", "SQSState": "MockedSQSSuccess"},
              "HybridPath": {"LambdaState": "MockedLambdaSuccess"},
              "TooFewResponses": {"LambdaState": "LambdaMockedResourceNotReady"}
            }
          },
          "Items": {"TestCases": {"Numbered": {"Each": "FirstThenSecond"}}},
          "Worker": {"TestCases": {"Done": {"Work": "MockedActivity"}}},
          "Quick": {"TestCases": {"HappyPath": {"Call": "MockedLambdaSuccess"}}},
          "Callback": {"TestCases": {"Answered": {"Wait": "MockedSQSSuccess", "Job": "MockedLambdaSuccess"}}}
        },
        "MockedResponses": {
          "MockedLambdaSuccess": {"0": {"Return": {"StatusCode": 200, "Payload": {"StatusCode": 200, "body": "Hello from Lambda!"}}}},
          "LambdaMockedResourceNotReady": {"0": {"Throw": {"Error": "Lambda.ResourceNotReadyException", "Cause": "Lambda resource is not ready."}}},
          "MockedSQSSuccess": {"0": {"Return": {"MD5OfMessageBody": "3bcb6e8e-7h85-4375-b0bc-1a59812c6e51", "MessageId": "3bcb6e8e-8b51-4375-b0bc-1a59812c6e51"}}},
          "MockedLambdaRetry": {
            "0": {"Throw": {"Error": "Lambda.ResourceNotReadyException", "Cause": "Lambda resource is not ready."}},
            "1-2": {"Throw": {"Error": "Lambda.TimeoutException", "Cause": "Lambda timed out."}},
            "3": {"Return": {"StatusCode": 200, "Payload": {"StatusCode": 200, "body": "Hello from Lambda!"}}}
          },
          "FirstThenSecond": {"0": {"Return": "first"}, "1-9": {"Return": "second"}},
          "MockedActivity": {"0": {"Return": {"done": true}}}
        }
      }
      """;

  private TestServer start(Path config) throws Exception {
    return TestServer.start(dir.resolve("data"), Map.of("stepwise.engine.mock-config", config.toString(),
        "stepwise.engine.mock-config-check", "100ms"));
  }

  private static String create(SfnClient sfn, String name, String definition, String type) {
    return sfn.createStateMachine(b -> b.name(name).definition(definition).roleArn(Definitions.ROLE).type(type))
        .stateMachineArn();
  }

  private static DescribeExecutionResponse run(SfnClient sfn, String machineArn, String testCase) throws Exception {
    String arn = sfn.startExecution(b -> b.stateMachineArn(machineArn + "#" + testCase).input("{\"in\":1}")).executionArn();
    assertThat(arn).doesNotContain("#");
    return awaitEnd(sfn, arn);
  }

  private static List<String> types(SfnClient sfn, String executionArn) {
    return history(sfn, executionArn).stream().map(HistoryEvent::typeAsString).toList();
  }

  @Test
  void theGuidesTestCases_runOnTheirMockedResponses() throws Exception {
    Path config = Files.writeString(dir.resolve("MockConfigFile.json"), CONFIG);
    try (TestServer server = start(config); SfnClient sfn = server.sfn()) {
      String machine = create(sfn, "LambdaSQSIntegration", LAMBDA_SQS, "STANDARD");

      DescribeExecutionResponse happy = run(sfn, machine, "HappyPath");
      assertThat(happy.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(happy.stateMachineArn()).isEqualTo(machine);
      assertThat(happy.output()).isEqualTo(
          "{\"MD5OfMessageBody\":\"3bcb6e8e-7h85-4375-b0bc-1a59812c6e51\",\"MessageId\":\"3bcb6e8e-8b51-4375-b0bc-1a59812c6e51\"}");
      assertThat(types(sfn, happy.executionArn())).containsSubsequence("TaskScheduled", "TaskStarted", "TaskSucceeded",
          "TaskStateExited", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "ExecutionSucceeded");
      HistoryEvent sqs = history(sfn, happy.executionArn()).stream()
          .filter(e -> e.typeAsString().equals("TaskSucceeded")).reduce((a, b) -> b).orElseThrow();
      assertThat(sqs.taskSucceededEventDetails().resourceType()).isEqualTo("sqs");
      assertThat(sqs.taskSucceededEventDetails().resource()).isEqualTo("sendMessage");

      // invocation 0 throws, 1-2 throw another error, 3 returns: three retries, then on to SQS
      DescribeExecutionResponse retry = run(sfn, machine, "RetryPath");
      assertThat(retry.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      List<HistoryEvent> events = history(sfn, retry.executionArn());
      assertThat(events.stream().filter(e -> e.typeAsString().equals("TaskFailed"))
          .map(e -> e.taskFailedEventDetails().error()))
          .containsExactly("Lambda.ResourceNotReadyException", "Lambda.TimeoutException", "Lambda.TimeoutException");
      assertThat(events.stream().filter(e -> e.typeAsString().equals("TaskScheduled"))).hasSize(5);

      // the unmocked SQS state runs as it would without a mock: no endpoint for it here, so it fails
      DescribeExecutionResponse hybrid = run(sfn, machine, "HybridPath");
      assertThat(hybrid.status()).isEqualTo(ExecutionStatus.FAILED);
      assertThat(hybrid.cause()).contains("arn:aws:states:::sqs:sendMessage");
      assertThat(types(sfn, hybrid.executionArn())).containsSubsequence("TaskSucceeded", "TaskStateExited",
          "TaskStateEntered", "TaskScheduled", "TaskFailed", "ExecutionFailed");

      // a mocked state needs a response for every invocation: the first retry has none
      DescribeExecutionResponse tooFew = run(sfn, machine, "TooFewResponses");
      assertThat(tooFew.status()).isEqualTo(ExecutionStatus.FAILED);
      assertThat(tooFew.error()).isEqualTo("States.Runtime");
      assertThat(tooFew.cause()).contains("invocation 1", "LambdaState");

      // starting the same name and input again answers the running execution only with the same test case
      String again = sfn.startExecution(b -> b.stateMachineArn(machine + "#RetryPath").name("again")).executionArn();
      assertThat(sfn.startExecution(b -> b.stateMachineArn(machine + "#RetryPath").name("again")).executionArn())
          .isEqualTo(again);
      assertThatThrownBy(() -> sfn.startExecution(b -> b.stateMachineArn(machine + "#HappyPath").name("again")))
          .isInstanceOfSatisfying(SfnException.class,
              e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ExecutionAlreadyExists"));
      assertThat(awaitEnd(sfn, again).status()).isEqualTo(ExecutionStatus.SUCCEEDED);

      // an execution without a test case is not mocked; a bare '#' names none
      String plain = sfn.startExecution(b -> b.stateMachineArn(machine + "#")).executionArn();
      assertThat(awaitEnd(sfn, plain).cause()).contains("arn:aws:states:::lambda:invoke");

      assertThatThrownBy(() -> sfn.startExecution(b -> b.stateMachineArn(machine + "#NoSuchCase")))
          .isInstanceOfSatisfying(SfnException.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
            assertThat(e.awsErrorDetails().errorMessage()).contains("'NoSuchCase'", "'LambdaSQSIntegration'");
          });
    }
  }

  @Test
  void mapIterations_shareTheStatesCounter_andActivitiesAndSyncExecutionsAreMockedToo() throws Exception {
    Path config = Files.writeString(dir.resolve("MockConfigFile.json"), CONFIG);
    try (TestServer server = start(config); SfnClient sfn = server.sfn()) {
      String items = create(sfn, "Items", """
          {"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 1,
            "ItemProcessor": {"StartAt": "Each", "States": {
              "Each": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}},
            "End": true}}}
          """, "STANDARD");
      String arn = sfn.startExecution(b -> b.stateMachineArn(items + "#Numbered").input("{\"items\":[1,2,3]}"))
          .executionArn();
      assertThat(awaitEnd(sfn, arn).output()).isEqualTo("[\"first\",\"second\",\"second\"]");

      String activity = sfn.createActivity(b -> b.name("never-polled")).activityArn();
      String worker = create(sfn, "Worker", """
          {"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": "%s", "End": true}}}
          """.formatted(activity), "STANDARD");
      DescribeExecutionResponse done = run(sfn, worker, "Done");
      assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(done.output()).isEqualTo("{\"done\":true}");
      assertThat(types(sfn, done.executionArn())).containsSubsequence("ActivityScheduled", "ActivityStarted",
          "ActivitySucceeded", "ExecutionSucceeded");

      String callback = create(sfn, "Callback", """
          {"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
            {"StartAt": "Wait", "States": {"Wait": {"Type": "Task",
              "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
              "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}}, "End": true}}},
            {"StartAt": "Job", "States": {"Job": {"Type": "Task", "Resource": "arn:aws:states:::glue:startJobRun.sync",
              "Parameters": {"JobName": "j"}, "ResultSelector": {"code.$": "$.StatusCode"}, "End": true}}}]}}}
          """, "STANDARD");
      DescribeExecutionResponse answered = run(sfn, callback, "Answered");
      assertThat(answered.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(answered.output()).isEqualTo("[{\"MD5OfMessageBody\":\"3bcb6e8e-7h85-4375-b0bc-1a59812c6e51\","
          + "\"MessageId\":\"3bcb6e8e-8b51-4375-b0bc-1a59812c6e51\"},{\"code\":200}]");

      String quick = create(sfn, "Quick", """
          {"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "OutputPath": "$.Payload", "End": true}}}
          """, "EXPRESS");
      StartSyncExecutionResponse sync = sfn.startSyncExecution(b -> b.stateMachineArn(quick + "#HappyPath"));
      assertThat(sync.status()).isEqualTo(SyncExecutionStatus.SUCCEEDED);
      assertThat(sync.output()).isEqualTo("{\"StatusCode\":200,\"body\":\"Hello from Lambda!\"}");
    }
  }

  @Test
  void theFile_isReadAgainWhenItChanges_andAChangeThatBreaksARuleIsNotUsed() throws Exception {
    Path config = Files.writeString(dir.resolve("MockConfigFile.json"), CONFIG);
    try (TestServer server = start(config); SfnClient sfn = server.sfn()) {
      String machine = create(sfn, "LambdaSQSIntegration", LAMBDA_SQS, "STANDARD");
      assertThat(run(sfn, machine, "HappyPath").output()).contains("MD5OfMessageBody");

      Files.writeString(config, CONFIG.replace("\"MockedSQSSuccess\": {\"0\": {\"Return\": {\"MD5OfMessageBody\"",
          "\"MockedSQSSuccess\": {\"0\": {\"Return\": {\"Changed\": true, \"MD5OfMessageBody\""));
      awaitOutput(sfn, machine, "\"Changed\":true");

      Files.writeString(config, CONFIG.replace("\"1-2\"", "\"2-1\""));
      Thread.sleep(500);
      assertThat(run(sfn, machine, "HappyPath").output()).contains("\"Changed\":true");
    }
  }

  /** {@code ./stepwise run} takes the same file and test case, without a server. */
  @Test
  void theRunCommand_runsATestCaseWithoutAServer() throws Exception {
    Path config = Files.writeString(dir.resolve("MockConfigFile.json"), CONFIG);
    Path machine = Files.writeString(dir.resolve("machine.asl.json"), LAMBDA_SQS);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    java.io.PrintStream stdout = System.out;
    java.io.PrintStream stderr = System.err;
    int ok;
    int unknown;
    try {
      System.setOut(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
      ok = new picocli.CommandLine(new Main()).execute("run", machine.toString(), "--name", "LambdaSQSIntegration",
          "--mock-config", config.toString(), "--test-case", "RetryPath", "--virtual-time");
      unknown = new picocli.CommandLine(new Main()).execute("run", machine.toString(), "--name", "LambdaSQSIntegration",
          "--mock-config", config.toString(), "--test-case", "NoSuchCase");
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
    assertThat(ok).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8).trim())
        .isEqualTo("{\"MD5OfMessageBody\":\"3bcb6e8e-7h85-4375-b0bc-1a59812c6e51\",\"MessageId\":\"3bcb6e8e-8b51-4375-b0bc-1a59812c6e51\"}");
    assertThat(unknown).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("no test case 'NoSuchCase'", "LambdaSQSIntegration");
  }

  @Test
  void aFileThatBreaksARule_stopsTheServerFromStarting_namingTheLine() throws Exception {
    Path config = Files.writeString(dir.resolve("MockConfigFile.json"), CONFIG.replace("\"1-2\"", "\"1-x\""));
    assertThatThrownBy(() -> start(config))
        .isInstanceOf(StepwiseServer.StartupException.class)
        .hasMessageContaining("MockConfigFile.json: line " + (CONFIG.substring(0, CONFIG.indexOf("\"1-2\"")).split("\n").length))
        .hasMessageContaining("'1-x'");
  }

  private static void awaitOutput(SfnClient sfn, String machine, String expected) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!run(sfn, machine, "HappyPath").output().contains(expected)) {
      if (System.nanoTime() > deadline) throw new AssertionError("the changed mock configuration was not read again");
      Thread.sleep(100);
    }
  }
}
