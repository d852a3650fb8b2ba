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
      assertThat(mapRunArn).isNotNull();
      first.kill9();
    }
    try (ForkedServer second = ForkedServer.start(data); SfnClient sfn = second.sfn()) {
      DescribeExecutionResponse d = ExecutionApiTest.awaitEnd(sfn, execution);
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
}
