package io.stepwise.server;

import static io.stepwise.server.CustomerKeyTest.customer;
import static io.stepwise.server.Definitions.*;
import static io.stepwise.server.ExecutionApiTest.awaitEnd;
import static io.stepwise.server.ExecutionApiTest.history;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stepwise.persistence.keys.KeyMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.*;

/**
 * What a customer key's lifecycle does to the data under it, across restarts (so that reads go
 * through the journal and KMS Decrypt, not memory): disabling shreds until re-enabled, deletion
 * for good, other keys never notice; and how often data keys are generated.
 */
class CryptoShreddingTest extends FreshServerTest {
  private void restart() throws Exception {
    stopServer();
    startServer();
  }

  private String key() {
    return kms.createKey(b -> b.description("shred")).keyMetadata().keyId();
  }

  private String machine(String name, String keyId) {
    return sfn.createStateMachine(b -> b.name(name).definition(PASS).roleArn(ROLE)
        .encryptionConfiguration(customer(keyId))).stateMachineArn();
  }

  private String run(String machine, String input) throws Exception {
    String exec = sfn.startExecution(b -> b.stateMachineArn(machine).input(input)).executionArn();
    assertThat(awaitEnd(sfn, exec).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    return exec;
  }

  private void assertInvalidState(Runnable read, KmsKeyState state) {
    assertThatThrownBy(read::run).isInstanceOfSatisfying(KmsInvalidStateException.class,
        e -> assertThat(e.kmsKeyState()).isEqualTo(state));
  }

  @Test
  void disabledKey_shredsItsMachinesOnly_evenAfterRestart_andEnablingRestoresAccess() throws Exception {
    String shredKey = key();
    String otherKey = key();
    String shred = machine("shred", shredKey);
    String other = machine("other", otherKey);
    String plain = sfn.createStateMachine(b -> b.name("plain").definition(PASS).roleArn(ROLE)).stateMachineArn();
    String shredExec = run(shred, "{\"v\":1}");
    String otherExec = run(other, "{\"v\":2}");

    kms.disableKey(b -> b.keyId(shredKey));
    assertInvalidState(() -> sfn.describeStateMachine(b -> b.stateMachineArn(shred)), KmsKeyState.DISABLED);
    assertInvalidState(() -> sfn.describeExecution(b -> b.executionArn(shredExec)), KmsKeyState.DISABLED);
    assertInvalidState(() -> sfn.startExecution(b -> b.stateMachineArn(shred)), KmsKeyState.DISABLED);

    restart();
    assertInvalidState(() -> sfn.describeStateMachine(b -> b.stateMachineArn(shred)), KmsKeyState.DISABLED);
    assertInvalidState(() -> sfn.describeExecution(b -> b.executionArn(shredExec)), KmsKeyState.DISABLED);
    assertInvalidState(() -> sfn.getExecutionHistory(b -> b.executionArn(shredExec)), KmsKeyState.DISABLED);
    assertThat(sfn.describeStateMachine(b -> b.stateMachineArn(other)).definition()).isEqualTo(PASS);
    assertThat(sfn.describeExecution(b -> b.executionArn(otherExec)).input()).isEqualTo("{\"v\":2}");
    assertThat(sfn.describeStateMachine(b -> b.stateMachineArn(plain)).definition()).isEqualTo(PASS);

    kms.enableKey(b -> b.keyId(shredKey));
    assertThat(sfn.describeStateMachine(b -> b.stateMachineArn(shred)).definition()).isEqualTo(PASS);
    assertThat(sfn.describeExecution(b -> b.executionArn(shredExec)).input()).isEqualTo("{\"v\":1}");
    assertThat(history(sfn, shredExec)).extracting(HistoryEvent::typeAsString).contains("ExecutionSucceeded");
    run(shred, "{\"v\":3}");
  }

  /**
   * Many reads at once of a machine, an execution and an activity that cannot be read each get
   * the key's error at once: the entity that answers the first leaves memory without dropping the
   * others (an entity that stopped itself lost the commands in its mailbox; their callers got a
   * 503 after the ask timeout).
   */
  @Test
  void concurrentReadsOfUnreadableResources_allGetTheKeysError() throws Exception {
    String keyId = key();
    String machine = machine("crowded", keyId);
    String exec = run(machine, "{}");
    String activity = sfn.createActivity(b -> b.name("crowded").encryptionConfiguration(e -> e
        .type(EncryptionType.CUSTOMER_MANAGED_KMS_KEY).kmsKeyId(keyId).kmsDataKeyReusePeriodSeconds(300)))
        .activityArn();
    kms.disableKey(b -> b.keyId(keyId));
    restart();
    List<Runnable> reads = List.of(
        () -> sfn.describeStateMachine(b -> b.stateMachineArn(machine)),
        () -> sfn.listStateMachineVersions(b -> b.stateMachineArn(machine)),
        () -> sfn.describeExecution(b -> b.executionArn(exec)),
        () -> sfn.getExecutionHistory(b -> b.executionArn(exec)),
        () -> sfn.describeActivity(b -> b.activityArn(activity)),
        () -> sfn.listTagsForResource(b -> b.resourceArn(activity)));
    var pool = java.util.concurrent.Executors.newFixedThreadPool(24);
    try {
      for (int round = 0; round < 3; round++) {
        List<java.util.concurrent.Future<?>> answers = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
          Runnable read = reads.get(i % reads.size());
          answers.add(pool.submit(() -> assertInvalidState(read, KmsKeyState.DISABLED)));
        }
        for (var answer : answers) answer.get(60, java.util.concurrent.TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * A machine deleted while its key is disabled and one of its executions still runs is being
   * deleted, without showing what it cannot read; with the key enabled again it shows as DELETING.
   */
  @Test
  void aMachineDeletedWhileUnreadable_isBeingDeleted_whileItsExecutionRuns() throws Exception {
    String keyId = key();
    String machine = sfn.createStateMachine(b -> b.name("unreadable-deleting").roleArn(ROLE)
        .definition("{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Wait\",\"Seconds\":3600,\"End\":true}}}")
        .encryptionConfiguration(customer(keyId))).stateMachineArn();
    String exec = sfn.startExecution(b -> b.stateMachineArn(machine)).executionArn();
    kms.disableKey(b -> b.keyId(keyId));
    restart();
    sfn.deleteStateMachine(b -> b.stateMachineArn(machine));
    assertThatThrownBy(() -> sfn.describeStateMachine(b -> b.stateMachineArn(machine)))
        .isInstanceOf(StateMachineDeletingException.class);
    assertThatThrownBy(() -> sfn.startExecution(b -> b.stateMachineArn(machine)))
        .isInstanceOf(StateMachineDeletingException.class);
    assertThat(sfn.listExecutions(b -> b.stateMachineArn(machine)).executions())
        .extracting(ExecutionListItem::executionArn).containsExactly(exec);

    kms.enableKey(b -> b.keyId(keyId));
    restart();
    DescribeStateMachineResponse d = sfn.describeStateMachine(b -> b.stateMachineArn(machine));
    assertThat(d.status()).isEqualTo(StateMachineStatus.DELETING);
    assertThat(d.definition()).contains("3600");
    sfn.stopExecution(b -> b.executionArn(exec));
    assertThat(awaitEnd(sfn, exec).status()).isEqualTo(ExecutionStatus.ABORTED);
    assertThatThrownBy(() -> sfn.describeStateMachine(b -> b.stateMachineArn(machine)))
        .isInstanceOf(StateMachineDoesNotExistException.class);
  }

  @Test
  void deletedKey_dataIsGoneForGood_otherMachinesUnaffected() throws Exception {
    String doomedKey = key();
    String otherKey = key();
    String doomed = machine("doomed", doomedKey);
    String other = machine("survivor", otherKey);
    String doomedExec = run(doomed, "{}");
    run(other, "{}");

    kms.scheduleKeyDeletion(b -> b.keyId(doomedKey).pendingWindowInDays(7));
    assertInvalidState(() -> sfn.describeStateMachine(b -> b.stateMachineArn(doomed)), KmsKeyState.PENDING_DELETION);
    clock.advance(Duration.ofDays(8));
    restart();
    assertInvalidState(() -> sfn.describeStateMachine(b -> b.stateMachineArn(doomed)), KmsKeyState.UNAVAILABLE);
    assertInvalidState(() -> sfn.describeExecution(b -> b.executionArn(doomedExec)), KmsKeyState.UNAVAILABLE);
    assertThat(sfn.describeStateMachine(b -> b.stateMachineArn(other)).definition()).isEqualTo(PASS);
    // Listed still, as AWS lists a machine whose key is gone (the listing holds no customer data).
    // (The test's clock stands still: both were created at the same instant, so in either order.)
    assertThat(sfn.listStateMachines().stateMachines()).extracting(StateMachineListItem::name)
        .containsExactlyInAnyOrder("survivor", "doomed");

    // The shredded machine can still be deleted, and its name used again.
    sfn.deleteStateMachine(b -> b.stateMachineArn(doomed));
    assertThat(sfn.listStateMachines().stateMachines()).extracting(StateMachineListItem::name).containsExactly("survivor");
    assertThatThrownBy(() -> sfn.describeStateMachine(b -> b.stateMachineArn(doomed)))
        .isInstanceOf(StateMachineDoesNotExistException.class);
    assertThat(machine("doomed", key())).isEqualTo(doomed);
    run(doomed, "{}");
    restart();
    assertThat(sfn.describeStateMachine(b -> b.stateMachineArn(doomed)).definition()).isEqualTo(PASS);
  }

  @Test
  void sixtySecondWindow_hundredExecutionsOverTenMinutes_generateAboutTenDataKeys() throws Exception {
    String key = key();
    String arn = sfn.createStateMachine(b -> b.name("windowed").definition(PASS).roleArn(ROLE)
        .encryptionConfiguration(e -> e.type(EncryptionType.CUSTOMER_MANAGED_KMS_KEY).kmsKeyId(key)
            .kmsDataKeyReusePeriodSeconds(60))).stateMachineArn();
    KeyMetrics metrics = server.server.storage().keyMetrics();
    long before = metrics.dataKeysGenerated();
    for (int i = 0; i < 100; i++) {
      run(arn, "{\"i\":" + i + "}");
      clock.advance(Duration.ofSeconds(6));
    }
    long generated = metrics.dataKeysGenerated() - before;
    assertThat(generated).as("data keys for 100 executions over 10 minutes with a 60 s window").isBetween(9L, 12L);
  }

  @Test
  void rotateKeyOnDemand_eventsFromBeforeAndAfterBothDecryptAfterRestart() throws Exception {
    String key = key();
    String arn = machine("rotating", key);
    String before = run(arn, "{\"when\":\"before\"}");
    kms.rotateKeyOnDemand(b -> b.keyId(key));
    String after = run(arn, "{\"when\":\"after\"}");

    restart();
    assertThat(sfn.describeExecution(b -> b.executionArn(before)).input()).isEqualTo("{\"when\":\"before\"}");
    assertThat(sfn.describeExecution(b -> b.executionArn(after)).input()).isEqualTo("{\"when\":\"after\"}");
    assertThat(history(sfn, before)).hasSize(history(sfn, after).size());
    // One data key from before the rotation (old material), one from after (new material), both unwrapped by KMS Decrypt.
    assertThat(server.server.storage().keyMetrics().kmsDecrypts()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void canary_neverReachesTheDiskInPlaintextUnderACustomerKey() throws Exception {
    String canary = "CANARY-" + UUID.randomUUID();
    String definition = """
        {"Comment": "%s", "StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "Result": "%s", "ResultPath": "$.echo", "End": true}}}
        """.formatted(canary, canary);
    String key = key();
    String arn = sfn.createStateMachine(b -> b.name("canary").definition(definition).roleArn(ROLE)
        .encryptionConfiguration(customer(key))).stateMachineArn();
    String exec = sfn.startExecution(b -> b.stateMachineArn(arn).input("{\"secret\": \"" + canary + "\"}")).executionArn();
    assertThat(awaitEnd(sfn, exec).output()).contains(canary);
    stopServer();
    try {
      byte[] needle = canary.getBytes(StandardCharsets.UTF_8);
      for (Path f : files(dir)) {
        assertThat(indexOf(Files.readAllBytes(f), needle)).as("canary found in %s", f).isEqualTo(-1);
      }
    } finally {
      startServer();
    }
  }

  static List<Path> files(Path dir) throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.filter(Files::isRegularFile).forEach(files::add);
    }
    assertThat(files).isNotEmpty();
    return files;
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) continue outer;
      }
      return i;
    }
    return -1;
  }
}
