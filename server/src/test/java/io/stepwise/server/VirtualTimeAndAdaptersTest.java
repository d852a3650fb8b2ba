package io.stepwise.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.asl.CompiledDefinition;
import io.stepwise.asl.interpreter.ExecutionContext;
import io.stepwise.asl.interpreter.HistoryEvent;
import io.stepwise.engine.execution.LocalRun;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.StartSyncExecutionResponse;
import software.amazon.awssdk.services.sfn.model.SyncExecutionStatus;

/**
 * One effect driver, three adapters: the same definition (Parallel with retries and back-off, a
 * Map, Waits) gives the same history run locally ({@code run --virtual-time}) and as a persisted
 * Standard execution on a server with a virtual clock, and the same result as an Express
 * execution; and on the virtual clock day-long waits complete at once, in deadline order.
 */
class VirtualTimeAndAdaptersTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String FLAKY = """
      {"StartAt": "Prepare", "States": {
        "Prepare": {"Type": "Pass", "Parameters": {"items.$": "States.ArrayRange(1, 3, 1)"}, "Next": "Try"},
        "Try": {"Type": "Parallel", "Branches": [{"StartAt": "Boom", "States": {
            "Boom": {"Type": "Fail", "Error": "Flaky", "Cause": "always"}}}],
          "Retry": [{"ErrorEquals": ["Flaky"], "IntervalSeconds": 2, "MaxAttempts": 2, "BackoffRate": 3}],
          "Catch": [{"ErrorEquals": ["Flaky"], "ResultPath": "$.caught", "Next": "Each"}], "Next": "Each"},
        "Each": {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": {"StartAt": "Nap", "States": {
            "Nap": {"Type": "Wait", "Seconds": 5, "End": true}}}, "ResultPath": "$.naps", "Next": "Long"},
        "Long": {"Type": "Wait", "Seconds": 3600, "End": true}}}
      """;

  @TempDir static java.nio.file.Path dataDir;
  static TestServer server;
  static SfnClient sfn;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(dataDir, Map.of("stepwise.clock.mode", "virtual"));
    sfn = server.sfn();
  }

  @AfterAll
  static void stop() {
    sfn.close();
    server.close();
  }

  @Test
  void persistedAndLocalAdapters_giveTheSameHistory_andExpressTheSameResult() throws Exception {
    String arn = sfn.createStateMachine(b -> b.name("flaky").roleArn(Definitions.ROLE).definition(FLAKY))
        .stateMachineArn();
    String exec = sfn.startExecution(b -> b.stateMachineArn(arn).name("same").input("{\"k\":1}")).executionArn();
    DescribeExecutionResponse done = awaitEnd(exec);
    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    // A day of waiting and back-off took no real time, and the history shows virtual time.
    assertThat(Duration.between(done.startDate(), done.stopDate())).isGreaterThanOrEqualTo(Duration.ofSeconds(3600 + 5 + 8));

    // The history exactly as the server writes it on the wire.
    List<String> server = new ArrayList<>();
    RawClient raw = new RawClient(VirtualTimeAndAdaptersTest.server.endpoint());
    JsonNode page = raw.signed("AWSStepFunctions.GetExecutionHistory",
        "{\"executionArn\": \"" + exec + "\", \"maxResults\": 1000}").body();
    assertThat(page.has("nextToken")).isFalse();
    for (JsonNode e : page.get("events")) {
      ObjectNode details = ((ObjectNode) e.deepCopy()).remove(List.of("id", "previousEventId", "timestamp", "type"));
      Instant at = Instant.ofEpochMilli(Math.round(e.get("timestamp").asDouble() * 1000));
      server.add(normalized(e.get("type").asText(), e.get("id").asLong(), e.path("previousEventId").asLong(0), at,
          details));
    }

    CompiledDefinition def = CompiledDefinition.compile(FLAKY, false);
    ExecutionContext ctx = new ExecutionContext(exec, "same", arn, "flaky", Definitions.ROLE, done.startDate(), 0);
    LocalRun.Finished local = LocalRun.run(def, ctx, JSON.readTree("{\"k\":1}"), true, true);
    List<String> localHistory = new ArrayList<>();
    for (HistoryEvent e : local.events()) {
      localHistory.add(normalized(e.type(), e.id(), e.previousEventId(), e.timestamp(), e.details()));
    }
    assertThat(server).isEqualTo(localHistory);

    String express = sfn.createStateMachine(b -> b.name("flaky-express").roleArn(Definitions.ROLE).definition(FLAKY)
        .type("EXPRESS")).stateMachineArn();
    StartSyncExecutionResponse sync = sfn.startSyncExecution(b -> b.stateMachineArn(express).input("{\"k\":1}"));
    // An Express execution lasts five minutes at most: the hour-long Wait times it out, in virtual time.
    assertThat(sync.status()).isEqualTo(SyncExecutionStatus.TIMED_OUT);
  }

  @Test
  void manyDayLongWaits_completeInDeadlineOrder_withoutRealWaiting() {
    String arn = sfn.createStateMachine(b -> b.name("days").roleArn(Definitions.ROLE).definition("""
        {"StartAt": "Sleep", "States": {"Sleep": {"Type": "Wait", "SecondsPath": "$.s", "End": true}}}
        """)).stateMachineArn();
    long t0 = System.nanoTime();
    List<String> arns = IntStream.range(0, 50).mapToObj(i -> sfn.startExecution(b -> b.stateMachineArn(arn)
        .name("d" + i).input("{\"s\": " + (86_400 * (1 + i % 5) + i) + "}")).executionArn()).toList();
    List<DescribeExecutionResponse> ends = arns.stream().map(VirtualTimeAndAdaptersTest::awaitEnd).toList();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(60));
    for (int i = 0; i < ends.size(); i++) {
      DescribeExecutionResponse d = ends.get(i);
      assertThat(d.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(Duration.between(d.startDate(), d.stopDate()).toSeconds()).isGreaterThanOrEqualTo(86_400L * (1 + i % 5) + i);
    }
    // Deadline order: sorted by their deadline, the executions stopped in the same order.
    List<DescribeExecutionResponse> byDeadline = new ArrayList<>(ends);
    byDeadline.sort((a, b) -> deadline(a).compareTo(deadline(b)));
    for (int i = 1; i < byDeadline.size(); i++) {
      assertThat(byDeadline.get(i).stopDate()).isAfterOrEqualTo(byDeadline.get(i - 1).stopDate());
    }
  }

  private static Instant deadline(DescribeExecutionResponse d) {
    try {
      return d.startDate().plusSeconds(JSON.readTree(d.input()).get("s").asLong());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static DescribeExecutionResponse awaitEnd(String exec) {
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      DescribeExecutionResponse d = sfn.describeExecution(b -> b.executionArn(exec));
      if (d.status() != ExecutionStatus.RUNNING || System.nanoTime() > until) return d;
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static final ObjectMapper SORTED = new ObjectMapper()
      .configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private static String normalized(String type, long id, long previous, Instant at, Object details) {
    try {
      return type + " " + id + " " + previous + " " + at.toEpochMilli() + " "
          + SORTED.writeValueAsString(JSON.convertValue(details, Object.class));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
