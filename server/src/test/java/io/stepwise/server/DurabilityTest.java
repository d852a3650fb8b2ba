package io.stepwise.server;

import static io.stepwise.server.Definitions.*;
import static io.stepwise.server.ExecutionApiTest.awaitEnd;
import static io.stepwise.server.ExecutionApiTest.history;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stepwise.persistence.journal.JournalTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.*;

/** What survives a restart, what never reaches the disk in plaintext, and what tampering does. */
class DurabilityTest {

  @Test
  void waitingExecution_resumesAfterRestartWithNothingLostOrRepeated(@TempDir Path dir) throws Exception {
    String machine;
    String finished;
    String waiting;
    List<HistoryEvent> finishedHistory;
    String fractions;
    try (TestServer first = TestServer.start(dir); SfnClient sfn = first.sfn()) {
      machine = sfn.createStateMachine(b -> b.name("durable").definition(waitSeconds(3)).roleArn(ROLE)).stateMachineArn();
      String quick = sfn.createStateMachine(b -> b.name("quick").definition(PASS).roleArn(ROLE)).stateMachineArn();
      finished = sfn.startExecution(b -> b.stateMachineArn(quick).input("{\"k\":1}")).executionArn();
      awaitEnd(sfn, finished);
      finishedHistory = history(sfn, finished);
      waiting = sfn.startExecution(b -> b.stateMachineArn(machine).input("{\"tag\":\"survivor\"}")
          .traceHeader("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1")).executionArn();
      assertThat(sfn.describeExecution(b -> b.executionArn(waiting)).status()).isEqualTo(ExecutionStatus.RUNNING);
      String numbers = sfn.createStateMachine(b -> b.name("numbers").definition(FRACTIONS_THEN_WAIT).roleArn(ROLE)).stateMachineArn();
      fractions = sfn.startExecution(b -> b.stateMachineArn(numbers).input("{\"in\": 1.50, \"e\": 2E1}")).executionArn();
    }

    try (TestServer second = TestServer.start(dir); SfnClient sfn = second.sfn()) {
      assertThat(sfn.describeStateMachine(b -> b.stateMachineArn(machine)).definition()).isEqualTo(waitSeconds(3));
      assertThat(sfn.listStateMachines().stateMachines()).hasSize(3);
      assertThat(sfn.describeExecution(b -> b.executionArn(finished)).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(history(sfn, finished)).isEqualTo(finishedHistory);
      assertThat(sfn.listExecutions(b -> b.stateMachineArn(machine)).executions())
          .extracting(ExecutionListItem::executionArn).containsExactly(waiting);

      DescribeExecutionResponse resumed = awaitEnd(sfn, waiting);
      assertThat(resumed.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(resumed.output()).isEqualTo("{\"waited\":\"survivor\"}");
      assertThat(resumed.traceHeader()).isEqualTo("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1");
      List<HistoryEvent> events = history(sfn, waiting);
      assertThat(events).extracting(HistoryEvent::typeAsString).containsExactly(
          "ExecutionStarted", "WaitStateEntered", "WaitStateExited", "PassStateEntered", "PassStateExited",
          "ExecutionSucceeded");
      for (int i = 0; i < events.size(); i++) assertThat(events.get(i).id()).isEqualTo(i + 1L);

      // fractions are doubles, read back from the journal as they were written before the restart
      DescribeExecutionResponse numbers = awaitEnd(sfn, fractions);
      assertThat(numbers.output()).isEqualTo("{\"in\":1.5,\"e\":20.0,\"r\":{\"a\":100.0,\"b\":10.5,\"c\":1000.0,\"i\":3}}");
      assertThat(history(sfn, fractions)).filteredOn(e -> e.stateExitedEventDetails() != null)
          .extracting(e -> e.stateExitedEventDetails().output()).containsOnly(numbers.output());
    }
  }

  static final String FRACTIONS_THEN_WAIT = """
      {"StartAt": "Numbers", "States": {
        "Numbers": {"Type": "Pass", "Result": {"a": 100.0, "b": 10.50, "c": 1e3, "i": 3}, "ResultPath": "$.r", "Next": "Pause"},
        "Pause": {"Type": "Wait", "Seconds": 3, "Next": "Done"},
        "Done": {"Type": "Pass", "End": true}}}
      """;

  /**
   * With a snapshot every 2 journal events, an execution looping through Waits is recovered after
   * a restart from its newest (encrypted) snapshot plus the events after it, and goes on with a
   * gap-free history: nothing lost, nothing repeated.
   */
  @Test
  void longExecution_resumesAfterRestartFromItsSnapshot(@TempDir Path dir) throws Exception {
    String loop = waitLoop(4, 1);
    java.util.Map<String, Object> everyTwo = java.util.Map.of("stepwise.engine.snapshot-every", 2);
    String execution;
    try (TestServer first = TestServer.start(dir, everyTwo); SfnClient sfn = first.sfn()) {
      String machine = sfn.createStateMachine(b -> b.name("loop").definition(loop).roleArn(ROLE)).stateMachineArn();
      execution = sfn.startExecution(b -> b.stateMachineArn(machine).input("{}")).executionArn();
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (history(sfn, execution).stream().filter(e -> e.type() == HistoryEventType.WAIT_STATE_EXITED).count() < 2) {
        if (System.nanoTime() > deadline) throw new AssertionError("the loop did not get going");
        Thread.sleep(100);
      }
    }
    // One snapshot is kept, the newest: those before it were deleted once it was durable.
    List<Long> snapshots = JournalTool.snapshotSequenceNrs(dir, "Execution|" + execution);
    assertThat(snapshots).hasSize(1);
    assertThat(snapshots.get(0) % 2).isZero();
    assertThat(snapshots.get(0)).isGreaterThanOrEqualTo(4);
    try (TestServer second = TestServer.start(dir, everyTwo); SfnClient sfn = second.sfn()) {
      DescribeExecutionResponse done = awaitEnd(sfn, execution);
      assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(done.output()).isEqualTo("{\"i\":4}");
      List<HistoryEvent> events = history(sfn, execution);
      for (int i = 0; i < events.size(); i++) assertThat(events.get(i).id()).isEqualTo(i + 1L);
      assertThat(events.stream().filter(e -> e.type() == HistoryEventType.WAIT_STATE_ENTERED)).hasSize(4);
      assertThat(events.stream().filter(e -> e.type() == HistoryEventType.WAIT_STATE_EXITED)).hasSize(4);
      assertThat(events.stream().filter(e -> e.type() == HistoryEventType.EXECUTION_SUCCEEDED)).hasSize(1);
    }
  }

  /**
   * An execution stepped straight from its journal (no entity holds it), then by its entity, then
   * straight from its journal again: its entity recovers every step afterwards. (Direct steps once
   * shared one writer id per process, which Pekko's replay filter took, seen again after the
   * entity's events, for an old writer's and dropped at recovery: the execution stayed stuck.)
   */
  @Test
  void directSteps_beforeAndAfterTheEntity_allRecover(@TempDir Path dir) throws Exception {
    String waits = """
        {"StartAt": "W1", "States": {
          "W1": {"Type": "Wait", "Seconds": 1, "Next": "W2"},
          "W2": {"Type": "Wait", "Seconds": 2, "Next": "W3"},
          "W3": {"Type": "Wait", "Seconds": 9, "Next": "W4"},
          "W4": {"Type": "Wait", "Seconds": 1, "End": true}}}""";
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      String machine = sfn.createStateMachine(b -> b.name("direct-entity-direct").definition(waits).roleArn(ROLE))
          .stateMachineArn();
      String execution = sfn.startExecution(b -> b.stateMachineArn(machine)).executionArn();
      Thread.sleep(1_500); // W1 fired from the journal; describing starts the entity, which fires W2
      assertThat(sfn.describeExecution(b -> b.executionArn(execution)).status()).isEqualTo(ExecutionStatus.RUNNING);
      // The entity passivates a few seconds after W2; W3 and W4 fire from the journal again. Wait
      // on the listing (which starts no entity) until it has ended, then describe: the entity recovers.
      long deadline = System.nanoTime() + 40_000_000_000L;
      while (sfn.listExecutions(b -> b.stateMachineArn(machine).statusFilter(ExecutionStatus.SUCCEEDED))
          .executions().isEmpty()) {
        if (System.nanoTime() > deadline) throw new AssertionError("the execution did not end");
        Thread.sleep(200);
      }
      DescribeExecutionResponse done = sfn.describeExecution(b -> b.executionArn(execution));
      assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      List<HistoryEvent> events = history(sfn, execution);
      for (int i = 0; i < events.size(); i++) assertThat(events.get(i).id()).isEqualTo(i + 1L);
      assertThat(events.stream().filter(e -> e.type() == HistoryEventType.WAIT_STATE_EXITED)).hasSize(4);
      assertThat(events.get(events.size() - 1).type()).isEqualTo(HistoryEventType.EXECUTION_SUCCEEDED);
    }
  }

  @Test
  void canary_neverReachesTheDiskInPlaintext(@TempDir Path dir) throws Exception {
    String canary = "CANARY-" + UUID.randomUUID();
    String definition = """
        {"Comment": "%s", "StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "Result": "%s", "ResultPath": "$.echo", "End": true}}}
        """.formatted(canary, canary);
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      String machine = sfn.createStateMachine(b -> b.name("canary").definition(definition).roleArn(ROLE)).stateMachineArn();
      String exec = sfn.startExecution(b -> b.stateMachineArn(machine).input("{\"secret\": \"" + canary + "\"}")).executionArn();
      assertThat(awaitEnd(sfn, exec).output()).contains(canary);
    }
    byte[] needle = canary.getBytes(StandardCharsets.UTF_8);
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.filter(Files::isRegularFile).forEach(files::add);
    }
    assertThat(files).isNotEmpty();
    long scanned = 0;
    for (Path f : files) {
      byte[] content = Files.readAllBytes(f);
      scanned += content.length;
      assertThat(indexOf(content, needle)).as("canary found in %s", f).isEqualTo(-1);
    }
    assertThat(scanned).as("the journal holds the run").isGreaterThan(needle.length * 4L);
  }

  /**
   * Names and ARNs are in no file either: of machines, executions, states and activities, with
   * executions waiting (a wake-up row) and an activity task queued (a queue row) when the server
   * stops.
   */
  @Test
  void namesAndArns_neverReachTheDiskInClear(@TempDir Path dir) throws Exception {
    String canary = UUID.randomUUID().toString();
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      String activity = sfn.createActivity(b -> b.name("act-" + canary)).activityArn();
      String waits = sfn.createStateMachine(b -> b.name("sm-" + canary).roleArn(ROLE).definition("""
          {"StartAt": "wait-%s", "States": {"wait-%s": {"Type": "Wait", "Seconds": 3600, "End": true}}}
          """.formatted(canary, canary))).stateMachineArn();
      String works = sfn.createStateMachine(b -> b.name("task-sm-" + canary).roleArn(ROLE).definition("""
          {"StartAt": "task-%s", "States": {"task-%s": {"Type": "Task", "Resource": "%s", "End": true}}}
          """.formatted(canary, canary, activity))).stateMachineArn();
      sfn.startExecution(b -> b.stateMachineArn(waits).name("ex-" + canary));
      String queued = sfn.startExecution(b -> b.stateMachineArn(works).name("queued-" + canary)).executionArn();
      long until = System.nanoTime() + 10_000_000_000L;
      while (sfn.getExecutionHistory(b -> b.executionArn(queued)).events().stream()
          .noneMatch(e -> e.typeAsString().equals("ActivityScheduled")) && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      assertThat(sfn.listExecutions(b -> b.stateMachineArn(waits)).executions()).hasSize(1);
    }
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.filter(Files::isRegularFile).forEach(files::add);
    }
    for (String needle : List.of(canary, "arn:aws:states")) {
      for (Path f : files) {
        assertThat(indexOf(Files.readAllBytes(f), needle.getBytes(StandardCharsets.UTF_8)))
            .as("%s found in %s", needle, f).isEqualTo(-1);
      }
    }
  }

  @Test
  void tamperedEvent_failsOnlyItsOwnEntityAndTheServerStaysUp(@TempDir Path dir) throws Exception {
    String victim;
    String bystander;
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      String machine = sfn.createStateMachine(b -> b.name("tamper").definition(PASS).roleArn(ROLE)).stateMachineArn();
      victim = sfn.startExecution(b -> b.stateMachineArn(machine).name("victim")).executionArn();
      bystander = sfn.startExecution(b -> b.stateMachineArn(machine).name("bystander")).executionArn();
      awaitEnd(sfn, victim);
      awaitEnd(sfn, bystander);
    }
    JournalTool.flipCiphertextBit(dir, "Execution|" + victim, 1);

    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      assertThatThrownBy(() -> sfn.describeExecution(b -> b.executionArn(victim)))
          .isInstanceOfSatisfying(SfnException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(500);
            assertThat(e.awsErrorDetails().errorMessage()).contains("cannot be read");
          });
      assertThat(sfn.describeExecution(b -> b.executionArn(bystander)).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(new RawClient(server.endpoint()).get("/health")).isEqualTo(200);
    }
  }

  @Test
  void secondServerOnTheSameDataDirectory_failsAtOnceWithAClearMessage(@TempDir Path dir) throws Exception {
    try (TestServer first = TestServer.start(dir)) {
      assertThatThrownBy(() -> TestServer.start(dir))
          .isInstanceOf(StepwiseServer.StartupException.class)
          .hasMessageContaining(dir.toString());
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) throws IOException {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
      return i;
    }
    return -1;
  }
}
