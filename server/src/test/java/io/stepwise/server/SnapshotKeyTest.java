package io.stepwise.server;

import static io.stepwise.server.Definitions.ROLE;
import static io.stepwise.server.ExecutionApiTest.history;
import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.persistence.journal.JournalTool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.*;

/**
 * An execution with a snapshot sealed under its machine's customer key, recovered after a restart
 * while that key is disabled: the snapshot cannot be unwrapped, recovery falls back to the events
 * (unreadable too), and the execution still fails with KMS's error when its next timer is due,
 * rather than staying RUNNING; once the key is enabled its history reads back whole.
 */
class SnapshotKeyTest {
  private static final String LOOP = Definitions.waitLoop(10, 60);

  @TempDir Path dir;

  @Test
  void snapshotUnderADisabledKey_recoveryFallsBackToTheEvents_andTheExecutionFails() throws Exception {
    TestClock clock = new TestClock();
    Map<String, Object> everyTwo = Map.of("stepwise.engine.snapshot-every", 2);
    String key;
    String execution;
    try (TestServer first = TestServer.start(dir, clock, everyTwo); SfnClient sfn = first.sfn();
        KmsClient kms = first.kms()) {
      key = kms.createKey(b -> b.description("sfn")).keyMetadata().keyId();
      String machine = sfn.createStateMachine(b -> b.name("loop").definition(LOOP).roleArn(ROLE)
          .encryptionConfiguration(CustomerKeyTest.customer(key))).stateMachineArn();
      execution = sfn.startExecution(b -> b.stateMachineArn(machine).input("{}")).executionArn();
      for (int fired = 1; fired <= 3; fired++) {
        clock.advance(Duration.ofSeconds(61));
        awaitWaitsExited(sfn, execution, fired);
      }
      kms.disableKey(b -> b.keyId(key));
    }
    assertThat(JournalTool.snapshotSequenceNrs(dir, "Execution|" + execution)).hasSize(1);

    try (TestServer second = TestServer.start(dir, clock, everyTwo); SfnClient sfn = second.sfn();
        KmsClient kms = second.kms()) {
      clock.advance(Duration.ofSeconds(61));
      // Nothing of the machine can be read while its key is disabled (listing included): give the
      // due wake-up (checked every second) time to fail the execution, then enable the key. Had it
      // not failed, it would go on waiting once readable, and the checks below would see RUNNING.
      Thread.sleep(5_000);
      kms.enableKey(b -> b.keyId(key));
      DescribeExecutionResponse d = sfn.describeExecution(b -> b.executionArn(execution));
      assertThat(d.status()).isEqualTo(ExecutionStatus.FAILED);
      assertThat(d.error()).isEqualTo("KMS.DisabledException");
      List<HistoryEvent> events = history(sfn, execution);
      for (int i = 0; i < events.size(); i++) assertThat(events.get(i).id()).isEqualTo(i + 1L);
      assertThat(events.stream().filter(e -> e.type() == HistoryEventType.WAIT_STATE_EXITED)).hasSize(3);
      assertThat(events.get(events.size() - 1).type()).isEqualTo(HistoryEventType.EXECUTION_FAILED);
    }
  }

  private static void awaitWaitsExited(SfnClient sfn, String execution, int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (history(sfn, execution).stream().filter(e -> e.type() == HistoryEventType.WAIT_STATE_EXITED).count() < count) {
      if (System.nanoTime() > deadline) throw new AssertionError("wait " + count + " did not end");
      Thread.sleep(50);
    }
  }
}
