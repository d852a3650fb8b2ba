package io.stepwise.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.MapRunStatus;

/**
 * A Distributed Map with Standard children running when the server JVM is killed with
 * {@code kill -9}: after the restart the run goes on, finds the children it had started (none is
 * started twice), and ends with every output in item order and the right counts.
 */
class DistributedMapKillNineIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ITEMS = 120;
  @TempDir Path dir;

  @Test
  void killNine_duringAMapRun_theRunFinishes_withEachChildOnce() throws Exception {
    Path data = dir.resolve("data");
    StringBuilder values = new StringBuilder();
    for (int i = 0; i < ITEMS; i++) values.append(i == 0 ? "" : ",").append(i);
    String execution;
    String mapRunArn;
    try (ForkedServer first = ForkedServer.start(data); SfnClient sfn = first.sfn()) {
      String machine = sfn.createStateMachine(b -> b.name("crash-map").roleArn(Definitions.ROLE).definition("""
          {"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemsPath": "$.values", "MaxConcurrency": 30,
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
              "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "Next": "P"},
                "P": {"Type": "Pass", "Parameters": {"n.$": "$"}, "End": true}}},
            "End": true}}}""")).stateMachineArn();
      execution = sfn.startExecution(b -> b.stateMachineArn(machine).input("{\"values\": [" + values + "]}")).executionArn();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      String run = null;
      while (System.nanoTime() < deadline) {
        var runs = sfn.listMapRuns(b -> b.executionArn(execution)).mapRuns();
        if (!runs.isEmpty()) {
          run = runs.get(0).mapRunArn();
          String r = run;
          if (sfn.listExecutions(b -> b.mapRunArn(r).statusFilter("SUCCEEDED")).executions().size() >= 30) break;
        }
        Thread.sleep(50);
      }
      mapRunArn = run;
      if (mapRunArn == null) {
        // once seen in a local run (not reproduced in 14 more): say where the execution stood
        DescribeExecutionResponse now = sfn.describeExecution(b -> b.executionArn(execution));
        assertThat(mapRunArn).as("no Map Run listed within 60 s; the execution is " + now.status() + ", its history "
            + ExecutionApiTest.history(sfn, execution).stream().map(e -> e.typeAsString()).toList()
            + "; the server's log:\n" + first.logText()).isNotNull();
      }
      first.kill9();
    }
    try (ForkedServer second = ForkedServer.start(data); SfnClient sfn = second.sfn()) {
      // a child's end whose notice a restarted run missed is found by its 30 s look (CI once went past a 30 s bound)
      DescribeExecutionResponse d = ExecutionApiTest.awaitEnd(sfn, execution, java.time.Duration.ofSeconds(120));
      assertThat(d.status()).as(d.error() + ": " + d.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
      JsonNode out = JSON.readTree(d.output());
      assertThat(out).hasSize(ITEMS);
      for (int i = 0; i < ITEMS; i++) assertThat(out.get(i).get("n").asInt()).isEqualTo(i);
      // every child once: the run found those started before the crash
      java.util.List<ExecutionListItem> children = new java.util.ArrayList<>();
      String token = null;
      do {
        String t = token;
        var page = sfn.listExecutions(b -> b.mapRunArn(mapRunArn).maxResults(100).nextToken(t));
        children.addAll(page.executions());
        token = page.nextToken();
      } while (token != null);
      assertThat(children).hasSize(ITEMS).allSatisfy(c -> assertThat(c.statusAsString()).isEqualTo("SUCCEEDED"));
      var mr = sfn.describeMapRun(b -> b.mapRunArn(mapRunArn));
      assertThat(mr.status()).isEqualTo(MapRunStatus.SUCCEEDED);
      assertThat(mr.executionCounts().succeeded()).isEqualTo(ITEMS);
      assertThat(HistoryInvariants.problems(ExecutionApiTest.history(sfn, execution))).isEmpty();
      second.stop();
    }
  }

  /** The one item whose child fails until it is redriven (a child first started by the redrive starts afresh). */
  private static boolean bad(int n) {
    return n == 37;
  }

  /**
   * kill -9 while a Map Run is redriven: after the restart the redrive goes on under the same run,
   * every child ends succeeded, the children that failed (or were never started) ran again —
   * redriven once, from where they failed — and those that had succeeded did not.
   */
  @Test
  void killNine_duringAMapRunRedrive_theRedriveFinishes_andRunsOnlyWhatDidNotSucceed() throws Exception {
    Path data = dir.resolve("data");
    int items = 60;
    StringBuilder values = new StringBuilder();
    for (int i = 0; i < items; i++) values.append(i == 0 ? "" : ",").append(i);
    String execution;
    String mapRunArn;
    try (ForkedServer first = ForkedServer.start(data); SfnClient sfn = first.sfn()) {
      // item 37's Risky state fails until its child is redriven ($$.Execution.RedriveCount > 0; a redrive
      // runs the failed state again): ten at a time, the
      // children before it have mostly succeeded when it fails the run, those running are aborted,
      // the rest never start; a Wait makes the redrive last
      String machine = sfn.createStateMachine(b -> b.name("crash-redrive").roleArn(Definitions.ROLE).definition("""
          {"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemsPath": "$.values", "MaxConcurrency": 10,
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
              "StartAt": "Check", "States": {
                "Check": {"Type": "Choice", "Choices": [{"Variable": "$.bad", "BooleanEquals": true, "Next": "Risky"}],
                  "Default": "W"},
                "Risky": {"Type": "Pass", "ResultPath": null, "Next": "W", "Parameters": {
                  "v.$": "States.MathAdd(States.ArrayGetItem(States.Array('not a number', 1), $$.Execution.RedriveCount), 1)"}},
                "W": {"Type": "Wait", "Seconds": 1, "Next": "P"},
                "P": {"Type": "Pass", "Parameters": {"n.$": "$.n"}, "End": true}}},
            "End": true}}}""")).stateMachineArn();
      StringBuilder objects = new StringBuilder();
      for (int i = 0; i < items; i++) {
        objects.append(i == 0 ? "" : ",").append("{\"n\":").append(i).append(",\"bad\":").append(bad(i)).append('}');
      }
      execution = sfn.startExecution(b -> b.stateMachineArn(machine).input("{\"values\": [" + objects + "]}"))
          .executionArn();
      assertThat(ExecutionApiTest.awaitEnd(sfn, execution).status()).isEqualTo(ExecutionStatus.FAILED);
      mapRunArn = sfn.listMapRuns(b -> b.executionArn(execution)).mapRuns().get(0).mapRunArn();
      assertThat(sfn.describeMapRun(b -> b.mapRunArn(mapRunArn)).executionCounts().succeeded()).isGreaterThanOrEqualTo(20);
      sfn.redriveExecution(b -> b.executionArn(execution));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        if (sfn.describeMapRun(b -> b.mapRunArn(mapRunArn)).executionCounts().succeeded() >= 45) break;
        Thread.sleep(50);
      }
      first.kill9();
    }
    try (ForkedServer second = ForkedServer.start(data); SfnClient sfn = second.sfn()) {
      // a child's end whose notice a restarted run missed is found by its 30 s look (CI once went past a 30 s bound)
      DescribeExecutionResponse d = ExecutionApiTest.awaitEnd(sfn, execution, java.time.Duration.ofSeconds(120));
      assertThat(d.status()).as(d.error() + ": " + d.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
      JsonNode out = JSON.readTree(d.output());
      assertThat(out).hasSize(items);
      for (int i = 0; i < items; i++) assertThat(out.get(i).get("n").asInt()).isEqualTo(i);
      java.util.List<ExecutionListItem> children = sfn.listExecutions(b -> b.mapRunArn(mapRunArn).maxResults(1000)).executions();
      assertThat(children).hasSize(items).allSatisfy(c -> assertThat(c.statusAsString()).isEqualTo("SUCCEEDED"));
      // the failed one was redriven (once); none that had succeeded before the redrive was
      for (ExecutionListItem c : children) {
        var child = sfn.describeExecution(b -> b.executionArn(c.executionArn()));
        int n = JSON.readTree(child.input()).get("n").asInt();
        if (bad(n)) assertThat(child.redriveCount()).as("child " + n).isEqualTo(1);
        if (n < 20) assertThat(child.redriveCount()).as("child " + n).isZero();
      }
      var mr = sfn.describeMapRun(b -> b.mapRunArn(mapRunArn));
      assertThat(mr.status()).isEqualTo(MapRunStatus.SUCCEEDED);
      assertThat(mr.redriveCount()).isEqualTo(1);
      assertThat(mr.executionCounts().succeeded()).isEqualTo(items);
      assertThat(HistoryInvariants.problems(ExecutionApiTest.history(sfn, execution))).isEmpty();
      second.stop();
    }
  }
}
