package io.stepwise.server;

import static io.stepwise.server.ExecutionApiTest.awaitEnd;
import static io.stepwise.server.ExecutionApiTest.history;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/** Nested Step Functions (states:startExecution and its .sync, .sync:2 and .waitForTaskToken forms), through the SDK. */
class NestedExecutionsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  private static String create(SfnClient sfn, String name, String definition) {
    return sfn.createStateMachine(b -> b.name(name).definition(definition).roleArn(Definitions.ROLE)).stateMachineArn();
  }

  private static String parent(SfnClient sfn, String name, String resource, String childArn, String extra) {
    return create(sfn, name, """
        {"StartAt": "Child", "States": {
          "Child": {"Type": "Task", "Resource": "arn:aws:states:::states:%s",
            "Parameters": {"StateMachineArn": "%s",
              "Input": {"n.$": "$.n",%s "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id"}}%s,
            "End": true}%s}}
        """.formatted(resource, childArn, resource.endsWith(".waitForTaskToken") ? " \"token.$\": \"$$.Task.Token\"," : "",
        extra,
        extra.contains("Caught") ? ", \"Caught\": {\"Type\": \"Pass\", \"End\": true}" : ""));
  }

  private static DescribeExecutionResponse run(SfnClient sfn, String machine) throws Exception {
    DescribeExecutionResponse d =
        awaitEnd(sfn, sfn.startExecution(b -> b.stateMachineArn(machine).input("{\"n\": 2}")).executionArn());
    return d;
  }

  @Test
  void requestResponse_sync_andSync2_answerAsAws() throws Exception {
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      String child = create(sfn, "child", """
          {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "Next": "P"},
            "P": {"Type": "Pass", "Parameters": {"doubled.$": "States.MathAdd($.n, $.n)"}, "End": true}}}
          """);
      // request-response: the child's ARN and start date, at once
      DescribeExecutionResponse started = run(sfn, parent(sfn, "fire-and-forget", "startExecution", child, ""));
      JsonNode out = JSON.readTree(started.output());
      assertThat(out.get("ExecutionArn").asText()).startsWith(child.replace(":stateMachine:", ":execution:") + ":");
      assertThat(out.get("StartDate").isNumber()).isTrue();
      assertThat(out.get("SdkHttpMetadata").get("HttpStatusCode").asInt()).isEqualTo(200);
      DescribeExecutionResponse childRun = awaitEnd(sfn, out.get("ExecutionArn").asText());
      assertThat(childRun.output()).isEqualTo("{\"doubled\":4}");
      assertThat(JSON.readTree(childRun.input()).get("AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID").asText())
          .isEqualTo(started.executionArn());

      // .sync: what DescribeExecution shows once the child has ended, output as text
      DescribeExecutionResponse sync = run(sfn, parent(sfn, "sync", "startExecution.sync", child, ""));
      assertThat(sync.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      JsonNode s = JSON.readTree(sync.output());
      assertThat(s.get("Status").asText()).isEqualTo("SUCCEEDED");
      assertThat(s.get("Output").asText()).isEqualTo("{\"doubled\":4}");
      assertThat(s.get("StateMachineArn").asText()).isEqualTo(child);
      assertThat(s.get("StopDate").asLong()).isGreaterThanOrEqualTo(s.get("StartDate").asLong() + 1000);
      // once the child has started: TaskStarted, then TaskSubmitted with StartExecution's answer
      List<HistoryEvent> events = history(sfn, sync.executionArn());
      List<String> types = events.stream().map(HistoryEvent::typeAsString).toList();
      assertThat(types).containsSubsequence("TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded");
      assertThat(types.indexOf("TaskSubmitted")).isEqualTo(types.indexOf("TaskStarted") + 1);
      HistoryEvent submitted = events.get(types.indexOf("TaskSubmitted"));
      assertThat(submitted.taskSubmittedEventDetails().resource()).isEqualTo("startExecution.sync");
      assertThat(submitted.taskSubmittedEventDetails().resourceType()).isEqualTo("states");
      assertThat(JSON.readTree(submitted.taskSubmittedEventDetails().output()).get("ExecutionArn").asText())
          .isEqualTo(s.get("ExecutionArn").asText());
      // the submission comes when the child starts, not when it ends
      assertThat(submitted.timestamp()).isBefore(events.get(types.indexOf("TaskSucceeded")).timestamp().minusMillis(500));

      // .sync:2: the same with input and output as JSON
      JsonNode s2 = JSON.readTree(run(sfn, parent(sfn, "sync2", "startExecution.sync:2", child, "")).output());
      assertThat(s2.get("Output")).isEqualTo(JSON.readTree("{\"doubled\":4}"));
      assertThat(s2.get("Input").get("n").asInt()).isEqualTo(2);
    }
  }

  /** On the virtual clock a parent waiting on a child does not hold time: the child's day-long Wait passes. */
  @Test
  void virtualTime_aSyncTaskWaitsForAChildThatWaitsADay() throws Exception {
    try (TestServer server = TestServer.start(dir, java.util.Map.of("stepwise.clock.mode", "virtual"));
        SfnClient sfn = server.sfn()) {
      String child = create(sfn, "day", """
          {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 86400, "Next": "P"},
            "P": {"Type": "Pass", "Result": "done", "End": true}}}
          """);
      DescribeExecutionResponse d = run(sfn, parent(sfn, "patient-parent", "startExecution.sync:2", child, ""));
      assertThat(d.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(JSON.readTree(d.output()).get("Output").asText()).isEqualTo("done");
    }
  }

  @Test
  void aSyncTask_waitsForAnExpressChild_too() throws Exception {
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      String express = sfn.createStateMachine(b -> b.name("express-child").roleArn(Definitions.ROLE).type("EXPRESS")
          .definition("""
              {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "Next": "P"},
                "P": {"Type": "Pass", "Parameters": {"got.$": "$.n"}, "End": true}}}
              """)).stateMachineArn();
      JsonNode out = JSON.readTree(run(sfn, parent(sfn, "on-express", "startExecution.sync:2", express, "")).output());
      assertThat(out.get("Status").asText()).isEqualTo("SUCCEEDED");
      assertThat(out.get("Output")).isEqualTo(JSON.readTree("{\"got\":2}"));
      assertThat(out.get("ExecutionArn").asText()).contains(":express:express-child:");
    }
  }

  @Test
  void aChildThatFails_failsTheSyncTaskWithStatesTaskFailed_andAMissingMachineIsAServiceError() throws Exception {
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      String failing = create(sfn, "failing", """
          {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Child.Broke", "Cause": "on purpose"}}}
          """);
      DescribeExecutionResponse caught = run(sfn, parent(sfn, "catches", "startExecution.sync", failing,
          ", \"Catch\": [{\"ErrorEquals\": [\"States.TaskFailed\"], \"ResultPath\": \"$.err\", \"Next\": \"Caught\"}]"));
      JsonNode err = JSON.readTree(caught.output()).get("err");
      assertThat(err.get("Error").asText()).isEqualTo("States.TaskFailed");
      JsonNode cause = JSON.readTree(err.get("Cause").asText());
      assertThat(cause.get("Status").asText()).isEqualTo("FAILED");
      assertThat(cause.get("Error").asText()).isEqualTo("Child.Broke");
      assertThat(cause.get("Cause").asText()).isEqualTo("on purpose");

      String missing = failing.replace(":failing", ":nothing-here");
      DescribeExecutionResponse m = run(sfn, parent(sfn, "missing", "startExecution.sync", missing, ""));
      assertThat(m.status()).isEqualTo(ExecutionStatus.FAILED);
      assertThat(m.error()).isEqualTo("StepFunctions.StateMachineDoesNotExistException");
    }
  }

  @Test
  void aSyncTaskThatIsCutOff_stopsItsChild() throws Exception {
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      String child = create(sfn, "long", """
          {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 600, "End": true}}}
          """);
      // the parent is stopped
      String stopped = sfn.startExecution(b -> b.stateMachineArn(parent(sfn, "stopped", "startExecution.sync", child, ""))
          .input("{\"n\": 1}")).executionArn();
      String firstChild = awaitChild(sfn, child, 1);
      sfn.stopExecution(b -> b.executionArn(stopped));
      DescribeExecutionResponse aborted = awaitEnd(sfn, firstChild);
      assertThat(aborted.status()).isEqualTo(ExecutionStatus.ABORTED);
      assertThat(aborted.cause()).isEqualTo("The Task state in AWS Step Functions execution [" + stopped
          + "] which was managing this resource was aborted");

      // the parent's task times out
      String timedOut = sfn.startExecution(b -> b.stateMachineArn(
          parent(sfn, "impatient", "startExecution.sync:2", child, ", \"TimeoutSeconds\": 1")).input("{\"n\": 2}"))
          .executionArn();
      assertThat(awaitEnd(sfn, timedOut).error()).isEqualTo("States.Timeout");
      String secondChild = awaitChild(sfn, child, 2);
      assertThat(awaitEnd(sfn, secondChild).status()).isEqualTo(ExecutionStatus.ABORTED);
    }
  }

  /** The newest execution of {@code machine}, once it has {@code count}. */
  private static String awaitChild(SfnClient sfn, String machine, int count) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      List<ExecutionListItem> all = sfn.listExecutions(b -> b.stateMachineArn(machine)).executions();
      if (all.size() >= count) return all.get(0).executionArn();
      Thread.sleep(50);
    }
    throw new AssertionError("no child started");
  }

  @Test
  void waitForTaskToken_startsTheChild_andWaitsForItsSignedTokenToComeBack() throws Exception {
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      String child = create(sfn, "waits", """
          {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 600, "End": true}}}
          """);
      String parentArn = parent(sfn, "callback", "startExecution.waitForTaskToken", child, "");
      String execution = sfn.startExecution(b -> b.stateMachineArn(parentArn).input("{\"n\": 1}")).executionArn();
      List<ExecutionListItem> children = List.of();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (children.isEmpty() && System.nanoTime() < deadline) {
        children = sfn.listExecutions(b -> b.stateMachineArn(child)).executions();
        Thread.sleep(50);
      }
      assertThat(children).hasSize(1);
      String input = sfn.describeExecution(b -> b.executionArn(children0(sfn, child))).input();
      String token = JSON.readTree(input).get("token").asText();
      // a token that is not the one given is refused
      assertThat(org.assertj.core.api.Assertions.catchThrowable(
          () -> sfn.sendTaskSuccess(b -> b.taskToken(token.substring(0, token.length() - 4) + "AAAA").output("{}"))))
          .isNotNull();
      long until = System.nanoTime() + 10_000_000_000L;
      while (!history(sfn, execution).stream().anyMatch(e -> e.typeAsString().equals("TaskStarted"))
          && System.nanoTime() < until) {
        Thread.sleep(50);
      }
      sfn.sendTaskSuccess(b -> b.taskToken(token).output("{\"answer\": 42}"));
      DescribeExecutionResponse done = awaitEnd(sfn, execution);
      assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(done.output()).isEqualTo("{\"answer\":42}");
      List<String> types = history(sfn, execution).stream().map(HistoryEvent::typeAsString).toList();
      assertThat(types).containsSubsequence("TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded");
      assertThat(types.stream().filter(t -> t.equals("TaskSubmitted"))).hasSize(1);
    }
  }

  private static String children0(SfnClient sfn, String child) {
    return sfn.listExecutions(b -> b.stateMachineArn(child)).executions().get(0).executionArn();
  }

  @Test
  void aSyncTaskWaitingWhenTheServerStops_findsItsChildAfterTheRestart() throws Exception {
    String execution;
    String child;
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      child = create(sfn, "slow", """
          {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 2, "End": true}}}
          """);
      execution = sfn.startExecution(b -> b.stateMachineArn(parent(sfn, "patient", "startExecution.sync:2", child, ""))
          .input("{\"n\": 3}")).executionArn();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (sfn.listExecutions(b -> b.stateMachineArn(child)).executions().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
    }
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      DescribeExecutionResponse done = awaitEnd(sfn, execution);
      assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(JSON.readTree(done.output()).get("Input").get("n").asInt()).isEqualTo(3);
      String childArn = child;
      assertThat(sfn.listExecutions(b -> b.stateMachineArn(childArn)).executions()).hasSize(1);
    }
  }
}
