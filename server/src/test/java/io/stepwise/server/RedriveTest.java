package io.stepwise.server;

import static io.stepwise.server.ExecutionApiTest.awaitEnd;
import static io.stepwise.server.ExecutionApiTest.history;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionNotRedrivableException;
import software.amazon.awssdk.services.sfn.model.ExecutionRedriveFilter;
import software.amazon.awssdk.services.sfn.model.ExecutionRedriveStatus;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.GetActivityTaskResponse;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.InvalidArnException;
import software.amazon.awssdk.services.sfn.model.ValidationException;

/**
 * RedriveExecution through the SDK: a Standard execution that failed, was aborted or timed out
 * continues from the state that did not succeed (the states before it do not run again), under
 * the same ARN; DescribeExecution and ListExecutions show the redrive count and date and whether
 * it can be redriven; a client token used again within 15 minutes answers the same; the
 * execution timeout counts again from the redrive; all of it survives a restart.
 */
class RedriveTest {
  @TempDir Path dir;
  private static final Map<String, Object> QUICK_POLLS = Map.of("stepwise.engine.activity-poll-wait", "2s");

  private static GetActivityTaskResponse task(SfnClient sfn, String activity) {
    for (int i = 0; i < 10; i++) {
      GetActivityTaskResponse t = sfn.getActivityTask(b -> b.activityArn(activity).workerName("w"));
      if (t.taskToken() != null) return t;
    }
    throw new AssertionError("no task");
  }

  @Test
  void aFailedExecution_continuesFromItsFailedState_once_perClientToken() throws Exception {
    String exec;
    String machine;
    Instant redriveDate;
    try (TestServer server = TestServer.start(dir, QUICK_POLLS); SfnClient sfn = server.sfn()) {
      String activity = sfn.createActivity(b -> b.name("flaky")).activityArn();
      machine = sfn.createStateMachine(b -> b.name("redrivable").roleArn(Definitions.ROLE).definition("""
          {"StartAt": "Prep", "States": {
            "Prep": {"Type": "Pass", "Result": "ready", "ResultPath": "$.prep", "Next": "Work"},
            "Work": {"Type": "Task", "Resource": "%s", "End": true}}}
          """.formatted(activity))).stateMachineArn();
      exec = sfn.startExecution(b -> b.stateMachineArn(machine).name("e1").input("{\"n\": 1}")).executionArn();
      String firstExec = exec;
      GetActivityTaskResponse first = task(sfn, activity);
      sfn.sendTaskFailure(b -> b.taskToken(first.taskToken()).error("Flaky").cause("first try"));
      DescribeExecutionResponse failed = awaitEnd(sfn, exec);
      assertThat(failed.status()).isEqualTo(ExecutionStatus.FAILED);
      assertThat(failed.redriveStatus()).isEqualTo(ExecutionRedriveStatus.REDRIVABLE);
      assertThat(failed.redriveCount()).isZero();
      assertThat(failed.redriveDate()).isNull();
      int before = history(sfn, exec).size();

      redriveDate = sfn.redriveExecution(b -> b.executionArn(firstExec).clientToken("token-1")).redriveDate();
      assertThat(sfn.redriveExecution(b -> b.executionArn(firstExec).clientToken("token-1")).redriveDate())
          .as("the same client token again: the same redrive").isEqualTo(redriveDate);
      DescribeExecutionResponse running = sfn.describeExecution(b -> b.executionArn(firstExec));
      assertThat(running.status()).isEqualTo(ExecutionStatus.RUNNING);
      assertThat(running.redriveCount()).isEqualTo(1);
      assertThat(running.redriveDate()).isEqualTo(redriveDate);
      assertThat(running.redriveStatus()).isEqualTo(ExecutionRedriveStatus.NOT_REDRIVABLE);
      assertThat(running.redriveStatusReason()).isEqualTo("Execution is RUNNING and cannot be redriven");
      assertThatThrownBy(() -> sfn.redriveExecution(b -> b.executionArn(firstExec).clientToken("token-2")))
          .isInstanceOf(ExecutionNotRedrivableException.class);

      GetActivityTaskResponse second = task(sfn, activity);
      assertThat(second.input()).as("the failed state's own input").isEqualTo("{\"n\":1,\"prep\":\"ready\"}");
      sfn.sendTaskSuccess(b -> b.taskToken(second.taskToken()).output("{\"ok\": true}"));
      assertThat(awaitEnd(sfn, exec).status()).isEqualTo(ExecutionStatus.SUCCEEDED);

      List<HistoryEvent> events = history(sfn, exec);
      for (int i = 0; i < events.size(); i++) assertThat(events.get(i).id()).isEqualTo(i + 1);
      List<HistoryEvent> redriven = events.subList(before, events.size());
      assertThat(redriven).extracting(HistoryEvent::typeAsString).containsExactly("ExecutionRedriven",
          "TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivitySucceeded", "TaskStateExited",
          "ExecutionSucceeded");
      assertThat(redriven.get(0).executionRedrivenEventDetails().redriveCount()).isEqualTo(1);
      assertThat(redriven.get(0).previousEventId()).isEqualTo(before);

      String other = sfn.startExecution(b -> b.stateMachineArn(machine).name("e2")).executionArn();
      GetActivityTaskResponse t2 = task(sfn, activity);
      sfn.sendTaskSuccess(b -> b.taskToken(t2.taskToken()).output("{}"));
      awaitEnd(sfn, other);
      assertThat(sfn.listExecutions(b -> b.stateMachineArn(machine).redriveFilter(ExecutionRedriveFilter.REDRIVEN))
          .executions()).extracting(ExecutionListItem::executionArn).containsExactly(exec);
      assertThat(sfn.listExecutions(b -> b.stateMachineArn(machine).redriveFilter(ExecutionRedriveFilter.NOT_REDRIVEN))
          .executions()).extracting(ExecutionListItem::executionArn).containsExactly(other);
    }
    try (TestServer server = TestServer.start(dir, QUICK_POLLS); SfnClient sfn = server.sfn()) {
      String arn = exec;
      DescribeExecutionResponse d = sfn.describeExecution(b -> b.executionArn(arn));
      assertThat(d.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(d.output()).isEqualTo("{\"ok\":true}");
      assertThat(d.redriveCount()).isEqualTo(1);
      assertThat(d.redriveDate()).isEqualTo(redriveDate);
      assertThat(d.redriveStatus()).isEqualTo(ExecutionRedriveStatus.NOT_REDRIVABLE);
      assertThat(d.redriveStatusReason()).isEqualTo("Execution is SUCCEEDED and cannot be redriven");
      ExecutionListItem listed = sfn.listExecutions(b -> b.stateMachineArn(machine)
          .statusFilter(ExecutionStatus.SUCCEEDED).redriveFilter(ExecutionRedriveFilter.REDRIVEN)).executions().get(0);
      assertThat(listed.redriveCount()).isEqualTo(1);
      assertThat(listed.redriveDate()).isEqualTo(redriveDate);
      assertThatThrownBy(() -> sfn.redriveExecution(b -> b.executionArn(arn)))
          .isInstanceOf(ExecutionNotRedrivableException.class)
          .hasMessageContaining("Execution is SUCCEEDED and cannot be redriven");
    }
  }

  @Test
  void abortedAndTimedOutExecutions_runAgainTheStateTheyWereIn_andTheTimeoutCountsFromTheRedrive() throws Exception {
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      String machine = sfn.createStateMachine(b -> b.name("waiting").roleArn(Definitions.ROLE).definition("""
          {"TimeoutSeconds": 3, "StartAt": "Wait", "States": {
            "Wait": {"Type": "Wait", "SecondsPath": "$.wait", "Next": "Done"},
            "Done": {"Type": "Pass", "End": true}}}
          """)).stateMachineArn();
      String stopped = sfn.startExecution(b -> b.stateMachineArn(machine).input("{\"wait\": 1}")).executionArn();
      sfn.stopExecution(b -> b.executionArn(stopped).error("Stop").cause("by hand"));
      assertThat(sfn.describeExecution(b -> b.executionArn(stopped)).redriveStatus())
          .isEqualTo(ExecutionRedriveStatus.REDRIVABLE);
      sfn.redriveExecution(b -> b.executionArn(stopped));
      DescribeExecutionResponse done = awaitEnd(sfn, stopped);
      assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(history(sfn, stopped)).extracting(HistoryEvent::typeAsString).containsSubsequence("ExecutionAborted",
          "ExecutionRedriven", "WaitStateEntered", "WaitStateExited", "PassStateEntered", "ExecutionSucceeded");

      String slow = sfn.startExecution(b -> b.stateMachineArn(machine).input("{\"wait\": 30}")).executionArn();
      DescribeExecutionResponse timedOut = awaitEnd(sfn, slow);
      assertThat(timedOut.status()).isEqualTo(ExecutionStatus.TIMED_OUT);
      Thread.sleep(1500);
      Instant at = sfn.redriveExecution(b -> b.executionArn(slow)).redriveDate();
      DescribeExecutionResponse again = awaitEnd(sfn, slow);
      assertThat(again.status()).isEqualTo(ExecutionStatus.TIMED_OUT);
      assertThat(Duration.between(at, again.stopDate())).as("3 s from the redrive, not from the start")
          .isBetween(Duration.ofMillis(2900), Duration.ofSeconds(8));
      assertThat(again.redriveCount()).isEqualTo(1);
    }
  }

  @Test
  void badRequests_getAwsErrors() throws Exception {
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      String ghost = "arn:aws:states:us-east-1:123456789012:execution:nothing:here";
      assertThatThrownBy(() -> sfn.redriveExecution(b -> b.executionArn(ghost)))
          .isInstanceOf(ExecutionDoesNotExistException.class);
      assertThatThrownBy(() -> sfn.redriveExecution(b -> b.executionArn("not-an-arn")))
          .isInstanceOf(InvalidArnException.class);
      assertThatThrownBy(() -> sfn.redriveExecution(b -> b.executionArn(ghost).clientToken("has space")))
          .isInstanceOf(ValidationException.class);
      assertThatThrownBy(() -> sfn.redriveExecution(b -> b.executionArn(ghost).clientToken("x".repeat(65))))
          .isInstanceOf(ValidationException.class);
    }
  }
}
