package io.stepwise.server;

import static io.stepwise.server.Definitions.*;
import static io.stepwise.server.ExecutionApiTest.awaitEnd;
import static io.stepwise.server.ExecutionApiTest.history;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.*;

/** encryptionConfiguration on state machines and activities: validation, what it shows, and Kms* errors. */
class CustomerKeyTest extends FreshServerTest {
  static Consumer<EncryptionConfiguration.Builder> customer(String keyId) {
    return e -> e.type(EncryptionType.CUSTOMER_MANAGED_KMS_KEY).kmsKeyId(keyId);
  }

  private String key() {
    return kms.createKey(b -> b.description("sfn")).keyMetadata().keyId();
  }

  private String machine(String name, String keyId) {
    return sfn.createStateMachine(b -> b.name(name).definition(PASS).roleArn(ROLE)
        .encryptionConfiguration(customer(keyId))).stateMachineArn();
  }

  @ParameterizedTest
  @ValueSource(strings = {"id", "arn", "alias", "aliasArn"})
  void createStateMachine_customerKeyInAnyForm_isDescribedAsGiven(String form) throws Exception {
    String key = key();
    kms.createAlias(b -> b.aliasName("alias/sfn").targetKeyId(key));
    String ref = switch (form) {
      case "id" -> key;
      case "arn" -> "arn:aws:kms:us-east-1:123456789012:key/" + key;
      case "alias" -> "alias/sfn";
      default -> "arn:aws:kms:us-east-1:123456789012:alias/sfn";
    };
    String arn = sfn.createStateMachine(b -> b.name("m").definition(PASS).roleArn(ROLE)
        .encryptionConfiguration(e -> e.type(EncryptionType.CUSTOMER_MANAGED_KMS_KEY).kmsKeyId(ref)
            .kmsDataKeyReusePeriodSeconds(120))).stateMachineArn();
    DescribeStateMachineResponse d = sfn.describeStateMachine(b -> b.stateMachineArn(arn));
    assertThat(d.encryptionConfiguration().type()).isEqualTo(EncryptionType.CUSTOMER_MANAGED_KMS_KEY);
    assertThat(d.encryptionConfiguration().kmsKeyId()).isEqualTo(ref);
    assertThat(d.encryptionConfiguration().kmsDataKeyReusePeriodSeconds()).isEqualTo(120);
    assertThat(d.definition()).isEqualTo(PASS);
    String exec = sfn.startExecution(b -> b.stateMachineArn(arn).input("{\"x\":1}")).executionArn();
    assertThat(awaitEnd(sfn, exec).output()).contains("greeting");
    assertThat(sfn.describeStateMachineForExecution(b -> b.executionArn(exec)).encryptionConfiguration().kmsKeyId())
        .isEqualTo(ref);
  }

  @Test
  void defaultConfiguration_isAwsOwnedKey() {
    String arn = sfn.createStateMachine(b -> b.name("plain").definition(PASS).roleArn(ROLE)).stateMachineArn();
    EncryptionConfiguration c = sfn.describeStateMachine(b -> b.stateMachineArn(arn)).encryptionConfiguration();
    assertThat(c.type()).isEqualTo(EncryptionType.AWS_OWNED_KEY);
    assertThat(c.kmsKeyId()).isNull();
  }

  @Test
  void customerTypeWithoutKey_isInvalidEncryptionConfiguration() {
    assertThatThrownBy(() -> sfn.createStateMachine(b -> b.name("m").definition(PASS).roleArn(ROLE)
        .encryptionConfiguration(e -> e.type(EncryptionType.CUSTOMER_MANAGED_KMS_KEY))))
        .isInstanceOf(InvalidEncryptionConfigurationException.class);
  }

  @ParameterizedTest
  @ValueSource(ints = {59, 901})
  void reusePeriodOutsideSixtyToNineHundred_isInvalidEncryptionConfiguration(int seconds) {
    String key = key();
    assertThatThrownBy(() -> sfn.createStateMachine(b -> b.name("m").definition(PASS).roleArn(ROLE)
        .encryptionConfiguration(e -> e.type(EncryptionType.CUSTOMER_MANAGED_KMS_KEY).kmsKeyId(key)
            .kmsDataKeyReusePeriodSeconds(seconds))))
        .isInstanceOf(InvalidEncryptionConfigurationException.class);
  }

  @Test
  void asymmetricKey_isInvalidEncryptionConfiguration() {
    String rsa = kms.createKey(b -> b.keySpec(KeySpec.RSA_2048).keyUsage(KeyUsageType.ENCRYPT_DECRYPT)).keyMetadata().keyId();
    assertThatThrownBy(() -> machine("m", rsa)).isInstanceOf(InvalidEncryptionConfigurationException.class);
  }

  @Test
  void disabledKey_atCreate_isKmsInvalidStateWithItsState() {
    String key = key();
    kms.disableKey(b -> b.keyId(key));
    assertThatThrownBy(() -> machine("m", key)).isInstanceOfSatisfying(KmsInvalidStateException.class,
        e -> assertThat(e.kmsKeyState()).isEqualTo(KmsKeyState.DISABLED));
  }

  @Test
  void pendingDeletionKey_atCreate_isKmsInvalidStateWithItsState() {
    String key = key();
    kms.scheduleKeyDeletion(b -> b.keyId(key).pendingWindowInDays(7));
    assertThatThrownBy(() -> machine("m", key)).isInstanceOfSatisfying(KmsInvalidStateException.class,
        e -> assertThat(e.kmsKeyState()).isEqualTo(KmsKeyState.PENDING_DELETION));
  }

  @Test
  void unknownKey_isKmsAccessDenied() {
    assertThatThrownBy(() -> machine("m", "1234abcd-12ab-34cd-56ef-1234567890ab"))
        .isInstanceOf(KmsAccessDeniedException.class);
  }

  @Test
  void callerThePolicyDenies_cannotCreateWithTheKey() {
    String key = key();
    kms.putKeyPolicy(b -> b.keyId(key).policyName("default").policy(KmsApiTest.denyReaderDecrypt()));
    try (SfnClient reader = server.sfn("reader", "reader")) {
      assertThatThrownBy(() -> reader.createStateMachine(b -> b.name("m").definition(PASS).roleArn(ROLE)
          .encryptionConfiguration(customer(key)))).isInstanceOf(KmsAccessDeniedException.class);
    }
  }

  @Test
  void awsOwnedKeyWithKmsKeyId_isInvalidEncryptionConfiguration() {
    String key = key();
    assertThatThrownBy(() -> sfn.createStateMachine(b -> b.name("m").definition(PASS).roleArn(ROLE)
        .encryptionConfiguration(e -> e.type(EncryptionType.AWS_OWNED_KEY).kmsKeyId(key))))
        .isInstanceOf(InvalidEncryptionConfigurationException.class);
  }

  @Test
  void callerWithoutDecrypt_getsKmsAccessDeniedForAllData_andMetadataOnlyWithoutData() throws Exception {
    String key = key();
    String standard = machine("std", key);
    String express = sfn.createStateMachine(b -> b.name("exp").definition(PASS).roleArn(ROLE)
        .type(StateMachineType.EXPRESS).encryptionConfiguration(customer(key))).stateMachineArn();
    String exec = sfn.startExecution(b -> b.stateMachineArn(standard).input("{\"secret\":\"s3\"}")).executionArn();
    awaitEnd(sfn, exec);
    kms.putKeyPolicy(b -> b.keyId(key).policyName("default").policy(KmsApiTest.denyReaderDecrypt()));

    try (SfnClient reader = server.sfn("reader", "reader")) {
      assertThatThrownBy(() -> reader.describeStateMachine(b -> b.stateMachineArn(standard)))
          .isInstanceOf(KmsAccessDeniedException.class);
      assertThatThrownBy(() -> reader.describeExecution(b -> b.executionArn(exec)))
          .isInstanceOf(KmsAccessDeniedException.class);
      assertThatThrownBy(() -> reader.describeStateMachineForExecution(b -> b.executionArn(exec)))
          .isInstanceOf(KmsAccessDeniedException.class);
      assertThatThrownBy(() -> reader.startSyncExecution(b -> b.stateMachineArn(express)))
          .isInstanceOf(KmsAccessDeniedException.class);
      assertThatThrownBy(() -> reader.getExecutionHistory(b -> b.executionArn(exec)))
          .isInstanceOf(KmsAccessDeniedException.class);

      DescribeStateMachineResponse m = reader.describeStateMachine(b -> b.stateMachineArn(standard)
          .includedData(IncludedData.METADATA_ONLY));
      assertThat(m.definition()).isEqualTo("{}");
      assertThat(m.name()).isEqualTo("std");
      assertThat(m.encryptionConfiguration().kmsKeyId()).isEqualTo(key);

      DescribeExecutionResponse e = reader.describeExecution(b -> b.executionArn(exec)
          .includedData(IncludedData.METADATA_ONLY));
      assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(e.input()).isNull();
      assertThat(e.output()).isNull();
      assertThat(e.inputDetails().included()).isFalse();

      DescribeStateMachineForExecutionResponse f = reader.describeStateMachineForExecution(b -> b.executionArn(exec)
          .includedData(IncludedData.METADATA_ONLY));
      assertThat(f.definition()).isEqualTo("{}");

      StartSyncExecutionResponse sync = reader.startSyncExecution(b -> b.stateMachineArn(express).input("{\"a\":1}")
          .includedData(IncludedData.METADATA_ONLY));
      assertThat(sync.status()).isEqualTo(SyncExecutionStatus.SUCCEEDED);
      assertThat(sync.input()).isNull();
      assertThat(sync.output()).isNull();
      assertThat(sync.inputDetails().included()).isFalse();
    }
    // The account's other principals still read everything.
    assertThat(sfn.describeExecution(b -> b.executionArn(exec)).input()).contains("s3");
  }

  @Test
  void updateToAnotherKey_appliesToNewEvents_oldOnesReadableWhileTheirKeyIs() throws Exception {
    String first = key();
    String second = key();
    String arn = machine("moving", first);
    String before = sfn.startExecution(b -> b.stateMachineArn(arn)).executionArn();
    awaitEnd(sfn, before);
    UpdateStateMachineResponse u = sfn.updateStateMachine(b -> b.stateMachineArn(arn).encryptionConfiguration(customer(second)));
    assertThat(u.revisionId()).isNotNull();
    assertThat(sfn.describeStateMachine(b -> b.stateMachineArn(arn)).encryptionConfiguration().kmsKeyId()).isEqualTo(second);
    String after = sfn.startExecution(b -> b.stateMachineArn(arn)).executionArn();
    awaitEnd(sfn, after);

    kms.disableKey(b -> b.keyId(first));
    assertThatThrownBy(() -> sfn.describeExecution(b -> b.executionArn(before)))
        .isInstanceOfSatisfying(KmsInvalidStateException.class, e -> assertThat(e.kmsKeyState()).isEqualTo(KmsKeyState.DISABLED));
    assertThat(sfn.describeExecution(b -> b.executionArn(after)).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(history(sfn, after)).isNotEmpty();

    sfn.updateStateMachine(b -> b.stateMachineArn(arn).encryptionConfiguration(e -> e.type(EncryptionType.AWS_OWNED_KEY)));
    assertThat(sfn.describeStateMachine(b -> b.stateMachineArn(arn)).encryptionConfiguration().type())
        .isEqualTo(EncryptionType.AWS_OWNED_KEY);
  }

  @Test
  void restartAfterTheFirstKeyIsDisabled_serverStartsAndTheMachineReportsTheKeyState() throws Exception {
    String first = key();
    String second = key();
    String arn = machine("moved", first);
    sfn.updateStateMachine(b -> b.stateMachineArn(arn).encryptionConfiguration(customer(second)));
    String after = sfn.startExecution(b -> b.stateMachineArn(arn)).executionArn();
    awaitEnd(sfn, after);
    String bystander = sfn.createStateMachine(b -> b.name("bystander").definition(PASS).roleArn(ROLE)).stateMachineArn();
    kms.disableKey(b -> b.keyId(first));

    // The creation is under the disabled key, the update under the enabled one: replay must not fail.
    stopServer();
    startServer();
    assertThatThrownBy(() -> sfn.describeStateMachine(b -> b.stateMachineArn(arn)))
        .isInstanceOfSatisfying(KmsInvalidStateException.class, e -> assertThat(e.kmsKeyState()).isEqualTo(KmsKeyState.DISABLED));
    assertThat(sfn.describeStateMachine(b -> b.stateMachineArn(bystander)).name()).isEqualTo("bystander");
    assertThat(sfn.describeExecution(b -> b.executionArn(after)).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
  }

  @Test
  void activities_createDescribeListDelete_withCustomerKey() throws Exception {
    String key = key();
    CreateActivityResponse created = sfn.createActivity(b -> b.name("worker").encryptionConfiguration(e -> e
        .type(EncryptionType.CUSTOMER_MANAGED_KMS_KEY).kmsKeyId(key).kmsDataKeyReusePeriodSeconds(600)));
    assertThat(created.activityArn()).isEqualTo("arn:aws:states:us-east-1:123456789012:activity:worker");
    clock.advance(java.time.Duration.ofSeconds(1)); // listed newest first: "plain" is the newer
    sfn.createActivity(b -> b.name("plain"));
    DescribeActivityResponse d = sfn.describeActivity(b -> b.activityArn(created.activityArn()));
    assertThat(d.name()).isEqualTo("worker");
    assertThat(d.encryptionConfiguration().kmsKeyId()).isEqualTo(key);
    assertThat(d.encryptionConfiguration().kmsDataKeyReusePeriodSeconds()).isEqualTo(600);
    assertThat(sfn.createActivity(b -> b.name("worker")).creationDate()).isEqualTo(created.creationDate());
    assertThat(sfn.listActivities(b -> b.maxResults(1)).activities()).extracting(ActivityListItem::name).containsExactly("plain");
    assertThat(sfn.listActivities().activities()).extracting(ActivityListItem::name).containsExactly("plain", "worker");

    sfn.close();
    kms.close();
    server.close();
    server = TestServer.start(dir, clock);
    sfn = server.sfn();
    kms = server.kms();
    assertThat(sfn.describeActivity(b -> b.activityArn(created.activityArn())).encryptionConfiguration().kmsKeyId()).isEqualTo(key);
    assertThat(sfn.listActivities().activities()).hasSize(2);

    sfn.deleteActivity(b -> b.activityArn(created.activityArn()));
    assertThatThrownBy(() -> sfn.describeActivity(b -> b.activityArn(created.activityArn())))
        .isInstanceOf(ActivityDoesNotExistException.class);
    assertThat(sfn.listActivities().activities()).extracting(ActivityListItem::name).containsExactly("plain");
  }

  /**
   * An activity's tasks are journaled under the activity's key (not the machine's): a worker needs
   * kms:Decrypt on it, a disabled key hands out no task (the task stays queued), and the task's
   * input event is sealed with a data key that the activity's key wraps.
   */
  @Test
  void activityTasks_areJournaledAndHandedOutUnderTheActivitysKey() throws Exception {
    String key = key();
    String activity = sfn.createActivity(b -> b.name("sealed-worker").encryptionConfiguration(customer(key)))
        .activityArn();
    String machine = sfn.createStateMachine(b -> b.name("uses-activity").roleArn(ROLE).definition(
        "{\"StartAt\": \"W\", \"States\": {\"W\": {\"Type\": \"Task\", \"Resource\": \"" + activity
            + "\", \"End\": true}}}")).stateMachineArn();
    String exec = sfn.startExecution(b -> b.stateMachineArn(machine).input("{\"secret\": \"s3\"}")).executionArn();
    var store = server.storage().handles().store();
    // The input's write may wait for its data key (a KMS call) while other writes go on.
    long written = System.nanoTime() + 10_000_000_000L;
    java.util.function.Supplier<java.util.List<String>> tasks = () -> store.persistenceIdsOfType("ActivityTask|").stream()
        .filter(p -> p.startsWith("ActivityTask|" + activity + "|")).toList();
    while (tasks.get().isEmpty() && System.nanoTime() < written) {
      Thread.sleep(20);
    }
    String pid = tasks.get().get(0);
    long id = store.idOf(pid).getAsLong();
    var raw = store.readEvents(id, 1, Long.MAX_VALUE, 10);
    assertThat(raw).hasSize(1);
    long ref = io.stepwise.persistence.crypto.Envelope.parse(raw.get(0).envelope()).dataKeyRef();
    assertThat(store.find(ref).orElseThrow().kmsKeyId()).as("the activity's key wraps its data key")
        .isEqualTo(kms.describeKey(b -> b.keyId(key)).keyMetadata().keyId());

    kms.putKeyPolicy(b -> b.keyId(key).policyName("default").policy(KmsApiTest.denyReaderDecrypt()));
    try (SfnClient reader = server.sfn("reader", "reader")) {
      assertThatThrownBy(() -> reader.getActivityTask(b -> b.activityArn(activity)))
          .isInstanceOf(KmsAccessDeniedException.class);
    }
    kms.disableKey(b -> b.keyId(key));
    assertThatThrownBy(() -> sfn.getActivityTask(b -> b.activityArn(activity)))
        .isInstanceOf(KmsInvalidStateException.class);
    kms.enableKey(b -> b.keyId(key));

    GetActivityTaskResponse task = sfn.getActivityTask(b -> b.activityArn(activity).workerName("w"));
    assertThat(task.input()).as("still queued: the refusals took nothing").isEqualTo("{\"secret\":\"s3\"}");
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!store.readEvents(id, 1, Long.MAX_VALUE, 10).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(store.readEvents(id, 1, Long.MAX_VALUE, 10)).as("handed out: the copy is deleted").isEmpty();
    sfn.sendTaskSuccess(b -> b.taskToken(task.taskToken()).output("{\"done\": 1}"));
    assertThat(awaitEnd(sfn, exec).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
  }

  @Test
  void kmsRequestQuotaExceeded_isKmsThrottling() throws Exception {
    String key = key();
    String arn = machine("throttled", key);
    stopServer();
    server = TestServer.start(dir, clock, java.util.Map.of("stepwise.engine.kms-requests-per-second", 2));
    sfn = server.sfn();
    kms = server.kms();
    assertThatThrownBy(() -> {
      for (int i = 0; i < 20; i++) sfn.describeStateMachine(b -> b.stateMachineArn(arn));
    }).isInstanceOf(KmsThrottlingException.class);
    // Metadata needs no KMS request, so it is never throttled.
    for (int i = 0; i < 20; i++) {
      sfn.describeStateMachine(b -> b.stateMachineArn(arn).includedData(IncludedData.METADATA_ONLY));
    }
  }

  @Test
  void createActivity_customerTypeWithoutKey_isInvalidEncryptionConfiguration() {
    assertThatThrownBy(() -> sfn.createActivity(b -> b.name("a")
        .encryptionConfiguration(e -> e.type(EncryptionType.CUSTOMER_MANAGED_KMS_KEY))))
        .isInstanceOf(InvalidEncryptionConfigurationException.class);
  }

  /**
   * Executions waiting when their machine's key becomes unusable fail when they must go on, with
   * the error KMS gave (as Step Functions names a service's errors): none stays RUNNING, whether
   * its entity was in memory (readable) or has to be read back under the unusable key.
   */
  @ParameterizedTest
  @ValueSource(strings = {"disabled", "pendingDeletion"})
  void keyUnusableWhileExecutionsWait_theyFailWithTheKmsError_noneStaysRunning(String how) throws Exception {
    String key = key();
    String machine = sfn.createStateMachine(b -> b.name("waits").definition(waitSeconds(60)).roleArn(ROLE)
        .encryptionConfiguration(customer(key))).stateMachineArn();
    List<String> executions = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      int n = i;
      executions.add(sfn.startExecution(b -> b.stateMachineArn(machine).name("e" + n).input("{\"tag\":" + n + "}"))
          .executionArn());
    }
    sfn.describeExecution(b -> b.executionArn(executions.get(0))); // one entity stays in memory, readable
    if (how.equals("disabled")) {
      kms.disableKey(b -> b.keyId(key));
    } else {
      kms.scheduleKeyDeletion(b -> b.keyId(key).pendingWindowInDays(7));
    }
    clock.advance(Duration.ofSeconds(61));

    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (failed(machine) < executions.size()) {
      if (System.nanoTime() > deadline) throw new AssertionError("still running: " + (executions.size() - failed(machine)));
      Thread.sleep(100);
    }
    assertThat(sfn.listExecutions(b -> b.stateMachineArn(machine).statusFilter(ExecutionStatus.RUNNING)).executions())
        .isEmpty();
    // While the key is unusable, what was sealed under it cannot be read.
    assertThatThrownBy(() -> sfn.describeExecution(b -> b.executionArn(executions.get(1))))
        .isInstanceOf(KmsInvalidStateException.class);

    if (how.equals("disabled")) {
      kms.enableKey(b -> b.keyId(key));
    } else {
      kms.cancelKeyDeletion(b -> b.keyId(key));
      kms.enableKey(b -> b.keyId(key));
    }
    String error = how.equals("disabled") ? "KMS.DisabledException" : "KMS.KMSInvalidStateException";
    for (String arn : executions) {
      DescribeExecutionResponse d = sfn.describeExecution(b -> b.executionArn(arn));
      assertThat(d.status()).isEqualTo(ExecutionStatus.FAILED);
      assertThat(d.error()).isEqualTo(error);
      assertThat(d.cause()).contains(key);
      assertThat(d.stopDate()).isAfterOrEqualTo(d.startDate());
      List<HistoryEvent> events = history(sfn, arn);
      HistoryEvent last = events.get(events.size() - 1);
      assertThat(last.type()).isEqualTo(HistoryEventType.EXECUTION_FAILED);
      assertThat(last.executionFailedEventDetails().error()).isEqualTo(error);
      assertThat(events.stream().filter(e -> e.type() == HistoryEventType.EXECUTION_FAILED)).hasSize(1);
      for (int i = 0; i < events.size(); i++) {
        assertThat(events.get(i).id()).isEqualTo(i + 1);
      }
      assertThat(last.previousEventId()).isEqualTo(events.size() - 1);
    }
  }

  private int failed(String machine) {
    return sfn.listExecutions(b -> b.stateMachineArn(machine).statusFilter(ExecutionStatus.FAILED)).executions().size();
  }
}
