package io.stepwise.server;

import static io.stepwise.server.ExecutionApiTest.awaitEnd;
import static io.stepwise.server.ExecutionApiTest.history;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.DescribeMapRunResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionRedriveStatus;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.MapRunStatus;

/**
 * Redriving a Map Run (AWS developer guide, "Redriving Map Runs"): RedriveExecution of an
 * execution whose Distributed Map failed redrives that Map Run — the same run, with its redrive
 * count and date — which runs again only the children that did not succeed: Standard children are
 * redriven (same execution, from where they failed), Express children start again; children that
 * succeeded keep their outputs and do not run again. The children call a real local HTTP endpoint
 * that fails for chosen items until the test mends it.
 */
class MapRunRedriveTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONNECTION = "arn:aws:events:us-east-1:123456789012:connection/local-api/1b2c3d4e";
  @TempDir Path dir;
  private HttpServer http;
  private String base;
  private final Set<Integer> broken = ConcurrentHashMap.newKeySet();
  /** Items whose answer takes a while. */
  private final Set<Integer> slow = ConcurrentHashMap.newKeySet();
  /** Successful answers per item: a child that succeeded once must never call again. */
  private final Map<Integer, AtomicInteger> served = new ConcurrentHashMap<>();
  private final AtomicInteger failedCalls = new AtomicInteger();

  @BeforeEach
  void startEndpoint() throws IOException {
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.setExecutor(Executors.newCachedThreadPool());
    http.createContext("/item", this::item);
    http.start();
    base = "http://127.0.0.1:" + http.getAddress().getPort();
  }

  @AfterEach
  void stopEndpoint() {
    http.stop(0);
  }

  private void item(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    int n = Integer.parseInt(path.substring(path.lastIndexOf('/') + 1));
    if (slow.contains(n)) {
      try {
        Thread.sleep(1500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    boolean ok = !broken.contains(n);
    if (ok) served.computeIfAbsent(n, k -> new AtomicInteger()).incrementAndGet();
    else failedCalls.incrementAndGet();
    byte[] body = (ok ? "{\"n\":" + n + "}" : "{\"message\":\"broken\"}").getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(ok ? 200 : 500, body.length);
    ex.getResponseBody().write(body);
    ex.close();
  }

  private TestServer start() throws Exception {
    return TestServer.start(dir.resolve("data"), Map.of("stepwise.engine.http-connections", List.of(
        Map.of("connection", "local-api")), "stepwise.engine.bucket-directories.results", dir.resolve("results").toString()));
  }

  private String machine(SfnClient sfn, String name, String childType, String mapFields) {
    String definition = """
        {"StartAt": "Fan", "States": {
          "Fan": {"Type": "Map", "ItemsPath": "$.items", %s
            "ItemSelector": {"n.$": "$$.Map.Item.Value", "base.$": "$.base"},
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "%s"},
              "StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::http:invoke",
                "Parameters": {"ApiEndpoint.$": "States.Format('{}/item/{}', $.base, $.n)", "Method": "GET",
                  "Authentication": {"ConnectionArn": "%s"}},
                "ResultSelector": {"n.$": "$.ResponseBody.n"}, "End": true}}},
            "Next": "Done"},
          "Done": {"Type": "Pass", "End": true}}}""".formatted(mapFields, childType, CONNECTION);
    return sfn.createStateMachine(b -> b.name(name).roleArn(Definitions.ROLE).definition(definition)).stateMachineArn();
  }

  private String input(int items) {
    StringBuilder list = new StringBuilder();
    for (int i = 0; i < items; i++) list.append(i == 0 ? "" : ",").append(i);
    return "{\"items\": [" + list + "], \"base\": \"" + base + "\"}";
  }

  private static void assertOutputInItemOrder(DescribeExecutionResponse d, int items) throws Exception {
    JsonNode out = JSON.readTree(d.output());
    assertThat(out).hasSize(items);
    for (int i = 0; i < items; i++) assertThat(out.get(i).get("n").asInt()).isEqualTo(i);
  }

  private void assertEachItemSucceededOnce(int items) {
    for (int i = 0; i < items; i++) {
      assertThat(served.get(i)).as("successful calls for item " + i).isNotNull();
      assertThat(served.get(i).get()).as("successful calls for item " + i).isEqualTo(1);
    }
  }

  @Test
  void standardChildren_theFailedOneIsRedriven_theSucceededKeepTheirOutputs_theUnstartedStart() throws Exception {
    broken.add(3);
    try (TestServer server = start(); SfnClient sfn = server.sfn()) {
      // one child at a time: 0-2 succeed, 3 fails the run (nothing tolerated), 4-11 never start
      String machine = machine(sfn, "redrive-standard", "STANDARD", "\"MaxConcurrency\": 1,");
      String exec = sfn.startExecution(b -> b.stateMachineArn(machine).input(input(12))).executionArn();
      DescribeExecutionResponse failed = awaitEnd(sfn, exec);
      assertThat(failed.status()).isEqualTo(ExecutionStatus.FAILED);
      assertThat(failed.error()).isEqualTo("States.ExceedToleratedFailureThreshold");
      String mapRunArn = sfn.listMapRuns(b -> b.executionArn(exec)).mapRuns().get(0).mapRunArn();
      DescribeMapRunResponse first = sfn.describeMapRun(b -> b.mapRunArn(mapRunArn));
      assertThat(first.status()).isEqualTo(MapRunStatus.FAILED);
      assertThat(first.redriveCount()).isZero();
      assertThat(first.redriveDate()).isNull();
      assertThat(first.executionCounts().succeeded()).isEqualTo(3);
      assertThat(first.executionCounts().failed()).isEqualTo(1);
      List<ExecutionListItem> failedChildren = sfn.listExecutions(b -> b.mapRunArn(mapRunArn).statusFilter("FAILED"))
          .executions();
      assertThat(failedChildren).hasSize(1);
      String failedChild = failedChildren.get(0).executionArn();
      DescribeExecutionResponse child = sfn.describeExecution(b -> b.executionArn(failedChild));
      assertThat(child.error()).isEqualTo("States.Http.StatusCode.500");
      assertThat(child.redriveStatus()).isEqualTo(ExecutionRedriveStatus.REDRIVABLE_BY_MAP_RUN);

      broken.clear();
      sfn.redriveExecution(b -> b.executionArn(exec));
      DescribeExecutionResponse redriven = awaitEnd(sfn, exec);
      assertThat(redriven.status()).as(redriven.error() + " " + redriven.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertOutputInItemOrder(redriven, 12);
      assertEachItemSucceededOnce(12);
      assertThat(failedCalls.get()).isEqualTo(1);

      // the same Map Run, redriven: one run listed, its redrive count and date, every child succeeded
      assertThat(sfn.listMapRuns(b -> b.executionArn(exec)).mapRuns()).hasSize(1);
      DescribeMapRunResponse again = sfn.describeMapRun(b -> b.mapRunArn(mapRunArn));
      assertThat(again.status()).isEqualTo(MapRunStatus.SUCCEEDED);
      assertThat(again.redriveCount()).isEqualTo(1);
      assertThat(again.redriveDate()).isAfterOrEqualTo(again.startDate()).isBeforeOrEqualTo(java.time.Instant.now());
      assertThat(again.startDate()).isEqualTo(first.startDate());
      assertThat(again.executionCounts().succeeded()).isEqualTo(12);
      assertThat(again.executionCounts().failed()).isZero();
      assertThat(again.executionCounts().total()).isEqualTo(12);
      // the failed child was redriven, not replaced: the same execution, redriven once
      assertThat(sfn.listExecutions(b -> b.mapRunArn(mapRunArn)).executions()).hasSize(12);
      DescribeExecutionResponse childAfter = sfn.describeExecution(b -> b.executionArn(failedChild));
      assertThat(childAfter.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(childAfter.redriveCount()).isEqualTo(1);
      assertThat(history(sfn, failedChild).stream().map(HistoryEvent::typeAsString)).contains("ExecutionRedriven");

      List<HistoryEvent> events = history(sfn, exec);
      List<String> types = events.stream().map(HistoryEvent::typeAsString).toList();
      assertThat(types).containsSubsequence("MapRunStarted", "MapRunFailed", "ExecutionFailed", "ExecutionRedriven",
          "MapRunRedriven", "MapRunSucceeded", "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded");
      assertThat(types.stream().filter("MapStateEntered"::equals)).hasSize(1);
      HistoryEvent mapRunRedriven = events.stream().filter(e -> e.typeAsString().equals("MapRunRedriven")).findFirst()
          .orElseThrow();
      assertThat(mapRunRedriven.mapRunRedrivenEventDetails().mapRunArn()).isEqualTo(mapRunArn);
      assertThat(mapRunRedriven.mapRunRedrivenEventDetails().redriveCount()).isEqualTo(1);
    }
  }

  @Test
  void expressChildren_onlyThoseThatFailedRunAgain_andASecondRedriveCountsOn() throws Exception {
    broken.addAll(Set.of(2, 5, 9, 14));
    try (TestServer server = start(); SfnClient sfn = server.sfn()) {
      // one at a time, one failure tolerated: 2 fails, 5 fails the run, 6-15 never start
      String machine = machine(sfn, "redrive-express", "EXPRESS", "\"MaxConcurrency\": 1, \"ToleratedFailureCount\": 1,");
      String exec = sfn.startExecution(b -> b.stateMachineArn(machine).input(input(16))).executionArn();
      assertThat(awaitEnd(sfn, exec).status()).isEqualTo(ExecutionStatus.FAILED);
      String mapRunArn = sfn.listMapRuns(b -> b.executionArn(exec)).mapRuns().get(0).mapRunArn();

      // mended for 2 and 5: the redrive runs them again and starts 6-15, of which 9 fails (tolerated) and 14 fails the run
      broken.removeAll(Set.of(2, 5));
      int callsBefore = failedCalls.get() + served.values().stream().mapToInt(AtomicInteger::get).sum();
      sfn.redriveExecution(b -> b.executionArn(exec));
      assertThat(awaitEnd(sfn, exec).status()).isEqualTo(ExecutionStatus.FAILED);
      DescribeMapRunResponse once = sfn.describeMapRun(b -> b.mapRunArn(mapRunArn));
      assertThat(once.redriveCount()).isEqualTo(1);
      assertThat(once.status()).isEqualTo(MapRunStatus.FAILED);
      assertThat(once.executionCounts().failed()).isEqualTo(2);
      assertThat(once.executionCounts().succeeded()).isEqualTo(13);
      assertThat(once.executionCounts().total()).isEqualTo(16);
      int callsAfter = failedCalls.get() + served.values().stream().mapToInt(AtomicInteger::get).sum();
      assertThat(callsAfter - callsBefore).as("calls made by the first redrive (2, 5, 6-14)").isEqualTo(11);

      broken.clear();
      sfn.redriveExecution(b -> b.executionArn(exec));
      DescribeExecutionResponse done = awaitEnd(sfn, exec);
      assertThat(done.status()).as(done.error() + " " + done.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(done.redriveCount()).isEqualTo(2);
      assertOutputInItemOrder(done, 16);
      assertEachItemSucceededOnce(16);
      DescribeMapRunResponse twice = sfn.describeMapRun(b -> b.mapRunArn(mapRunArn));
      assertThat(twice.redriveCount()).isEqualTo(2);
      assertThat(twice.status()).isEqualTo(MapRunStatus.SUCCEEDED);
      assertThat(twice.executionCounts().succeeded()).isEqualTo(16);
      assertThat(history(sfn, exec).stream().filter(e -> e.typeAsString().equals("MapRunRedriven"))
          .map(e -> e.mapRunRedrivenEventDetails().redriveCount())).containsExactly(1, 2);
    }
  }

  @Test
  void standardChildrenAbortedWhenTheRunFailed_areRedrivenToo() throws Exception {
    broken.add(0);
    for (int i = 1; i < 8; i++) slow.add(i);
    try (TestServer server = start(); SfnClient sfn = server.sfn()) {
      // 0 fails at once, while 1-3 still wait for their answers: the run fails and aborts them
      String machine = machine(sfn, "redrive-aborted", "STANDARD", "\"MaxConcurrency\": 4, \"ResultWriter\": {"
          + "\"Resource\": \"arn:aws:states:::s3:putObject\", \"Parameters\": {\"Bucket\": \"results\", \"Prefix\": \"out\"}},");
      String exec = sfn.startExecution(b -> b.stateMachineArn(machine).input(input(8))).executionArn();
      assertThat(awaitEnd(sfn, exec).status()).isEqualTo(ExecutionStatus.FAILED);
      String mapRunArn = sfn.listMapRuns(b -> b.executionArn(exec)).mapRuns().get(0).mapRunArn();
      DescribeMapRunResponse first = sfn.describeMapRun(b -> b.mapRunArn(mapRunArn));
      assertThat(first.executionCounts().aborted()).isEqualTo(3);
      assertThat(sfn.listExecutions(b -> b.mapRunArn(mapRunArn).statusFilter("ABORTED")).executions()).hasSize(3);

      broken.clear();
      slow.clear();
      sfn.redriveExecution(b -> b.executionArn(exec));
      DescribeExecutionResponse done = awaitEnd(sfn, exec);
      assertThat(done.status()).as(done.error() + " " + done.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
      // the result files: every child succeeded; those redriven (0 failed, 1-3 aborted) say so
      JsonNode manifest = JSON.readTree(dir.resolve("results").resolve(
          JSON.readTree(done.output()).get("ResultWriterDetails").get("Key").asText()).toFile());
      Map<Integer, Integer> redrives = new java.util.TreeMap<>();
      for (JsonNode file : manifest.get("ResultFiles").get("SUCCEEDED")) {
        for (JsonNode entry : JSON.readTree(dir.resolve("results").resolve(file.get("Key").asText()).toFile())) {
          redrives.put(JSON.readTree(entry.get("Input").asText()).get("n").asInt(), entry.get("RedriveCount").asInt());
        }
      }
      assertThat(redrives).isEqualTo(new java.util.TreeMap<>(Map.of(0, 1, 1, 1, 2, 1, 3, 1, 4, 0, 5, 0, 6, 0, 7, 0)));
      DescribeMapRunResponse again = sfn.describeMapRun(b -> b.mapRunArn(mapRunArn));
      assertThat(again.executionCounts().succeeded()).isEqualTo(8);
      assertThat(again.executionCounts().aborted()).isZero();
      // the aborted children were redriven: the same executions, each redriven once
      assertThat(sfn.listExecutions(b -> b.mapRunArn(mapRunArn)).executions()).hasSize(8)
          .filteredOn(e -> e.redriveCount() != null && e.redriveCount() == 1).hasSize(4);
    }
  }
}
