package io.stepwise.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.RoutingConfigurationListItem;
import software.amazon.awssdk.services.sfn.model.SfnException;
import software.amazon.awssdk.services.sfn.model.StateMachineType;
import software.amazon.awssdk.services.sfn.model.Tag;

/**
 * Two accounts on one server, through the real SDK: every action given the other account's ARNs
 * is refused as AWS refuses it (AccessDeniedException: Step Functions has no resource-based
 * policies; another account's task token is InvalidToken), listings show only the caller's own
 * resources, and nothing of the other account is read or changed.
 */
class AccountIsolationTest {
  @TempDir Path dir;

  static final String ALICE = "123456789012";
  static final String BOB = "210987654321";

  /** alice of account ALICE and bob of account BOB; activity polls answer after a second. */
  static Map<String, Object> twoAccounts() {
    return Map.of("stepwise.api.credentials", List.of(
        Map.of("access-key-id", "alice", "secret-access-key", "alice", "account-id", ALICE),
        Map.of("access-key-id", "bob", "secret-access-key", "bob", "account-id", BOB)),
        "stepwise.engine.activity-poll-wait", "1s");
  }

  @Test
  void anotherAccountsResources_areNeitherSeenNorTouched() throws Exception {
    Map<String, Object> config = twoAccounts();
    try (TestServer server = TestServer.start(dir, config);
        SfnClient alice = server.sfn("alice", "alice"); SfnClient bob = server.sfn("bob", "bob")) {
      String role = "arn:aws:iam::" + BOB + ":role/r";
      String activity = bob.createActivity(b -> b.name("work")).activityArn();
      String machine = bob.createStateMachine(b -> b.name("secret").roleArn(role).publish(true)
          .tags(Tag.builder().key("k").value("v").build())
          .definition("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Task\",\"Resource\":\"" + activity + "\",\"End\":true}}}"))
          .stateMachineArn();
      String version = machine + ":1";
      String alias = bob.createStateMachineAlias(b -> b.name("live").routingConfiguration(
          RoutingConfigurationListItem.builder().stateMachineVersionArn(version).weight(100).build())).stateMachineAliasArn();
      String express = bob.createStateMachine(b -> b.name("quick").roleArn(role).type(StateMachineType.EXPRESS)
          .definition("{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}}")).stateMachineArn();
      String execution = bob.startExecution(b -> b.stateMachineArn(machine).name("run").input("{\"secret\":1}")).executionArn();
      String token = bob.getActivityTask(b -> b.activityArn(activity).workerName("w")).taskToken();
      assertThat(token).isNotEmpty();
      String mapRun = execution.replace(":execution:", ":mapRun:") + "/m:00000000-0000-0000-0000-000000000000";

      Map<String, Runnable> attempts = new LinkedHashMap<>();
      attempts.put("DescribeStateMachine", () -> alice.describeStateMachine(b -> b.stateMachineArn(machine)));
      attempts.put("DescribeStateMachine(version)", () -> alice.describeStateMachine(b -> b.stateMachineArn(version)));
      attempts.put("UpdateStateMachine", () -> alice.updateStateMachine(b -> b.stateMachineArn(machine).roleArn(role)));
      attempts.put("DeleteStateMachine", () -> alice.deleteStateMachine(b -> b.stateMachineArn(machine)));
      attempts.put("StartExecution", () -> alice.startExecution(b -> b.stateMachineArn(machine)));
      attempts.put("StartExecution(alias)", () -> alice.startExecution(b -> b.stateMachineArn(alias)));
      attempts.put("StartSyncExecution", () -> alice.startSyncExecution(b -> b.stateMachineArn(express)));
      attempts.put("DescribeExecution", () -> alice.describeExecution(b -> b.executionArn(execution)));
      attempts.put("GetExecutionHistory", () -> alice.getExecutionHistory(b -> b.executionArn(execution)));
      attempts.put("DescribeStateMachineForExecution", () -> alice.describeStateMachineForExecution(b -> b.executionArn(execution)));
      attempts.put("StopExecution", () -> alice.stopExecution(b -> b.executionArn(execution)));
      attempts.put("RedriveExecution", () -> alice.redriveExecution(b -> b.executionArn(execution)));
      attempts.put("ListExecutions", () -> alice.listExecutions(b -> b.stateMachineArn(machine)));
      attempts.put("DescribeActivity", () -> alice.describeActivity(b -> b.activityArn(activity)));
      attempts.put("DeleteActivity", () -> alice.deleteActivity(b -> b.activityArn(activity)));
      attempts.put("GetActivityTask", () -> alice.getActivityTask(b -> b.activityArn(activity)));
      attempts.put("ListTagsForResource", () -> alice.listTagsForResource(b -> b.resourceArn(machine)));
      attempts.put("TagResource", () -> alice.tagResource(b -> b.resourceArn(machine).tags(Tag.builder().key("x").value("y").build())));
      attempts.put("UntagResource", () -> alice.untagResource(b -> b.resourceArn(machine).tagKeys("k")));
      attempts.put("PublishStateMachineVersion", () -> alice.publishStateMachineVersion(b -> b.stateMachineArn(machine)));
      attempts.put("ListStateMachineVersions", () -> alice.listStateMachineVersions(b -> b.stateMachineArn(machine)));
      attempts.put("DeleteStateMachineVersion", () -> alice.deleteStateMachineVersion(b -> b.stateMachineVersionArn(version)));
      attempts.put("CreateStateMachineAlias", () -> alice.createStateMachineAlias(b -> b.name("mine").routingConfiguration(
          RoutingConfigurationListItem.builder().stateMachineVersionArn(version).weight(100).build())));
      attempts.put("DescribeStateMachineAlias", () -> alice.describeStateMachineAlias(b -> b.stateMachineAliasArn(alias)));
      attempts.put("UpdateStateMachineAlias", () -> alice.updateStateMachineAlias(b -> b.stateMachineAliasArn(alias).description("x")));
      attempts.put("DeleteStateMachineAlias", () -> alice.deleteStateMachineAlias(b -> b.stateMachineAliasArn(alias)));
      attempts.put("ListStateMachineAliases", () -> alice.listStateMachineAliases(b -> b.stateMachineArn(machine)));
      attempts.put("DescribeMapRun", () -> alice.describeMapRun(b -> b.mapRunArn(mapRun)));
      attempts.put("ListMapRuns", () -> alice.listMapRuns(b -> b.executionArn(execution)));
      attempts.put("UpdateMapRun", () -> alice.updateMapRun(b -> b.mapRunArn(mapRun).maxConcurrency(1)));
      for (var a : attempts.entrySet()) {
        assertThatThrownBy(() -> a.getValue().run()).as(a.getKey())
            .isInstanceOfSatisfying(SfnException.class, e -> {
              assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
              assertThat(e.statusCode()).isEqualTo(400);
              assertThat(e.awsErrorDetails().errorMessage()).contains("is not authorized to perform: states:")
                  .contains("arn:aws:iam::" + ALICE + ":user/alice").doesNotContain("secret\":1");
            });
      }
      for (Runnable send : List.<Runnable>of(
          () -> alice.sendTaskSuccess(b -> b.taskToken(token).output("{}")),
          () -> alice.sendTaskFailure(b -> b.taskToken(token).error("E")),
          () -> alice.sendTaskHeartbeat(b -> b.taskToken(token)))) {
        assertThatThrownBy(send::run).isInstanceOf(InvalidTokenException.class);
      }
      assertThat(alice.listStateMachines(b -> {}).stateMachines()).isEmpty();
      assertThat(alice.listActivities(b -> {}).activities()).isEmpty();

      // nothing of bob's changed: his machine, version, alias, tags and waiting execution are as they were
      assertThat(bob.describeStateMachine(b -> b.stateMachineArn(machine)).roleArn()).isEqualTo(role);
      assertThat(bob.listStateMachineVersions(b -> b.stateMachineArn(machine)).stateMachineVersions()).hasSize(1);
      assertThat(bob.describeStateMachineAlias(b -> b.stateMachineAliasArn(alias)).description()).isNull();
      assertThat(bob.listTagsForResource(b -> b.resourceArn(machine)).tags()).containsExactly(Tag.builder().key("k").value("v").build());
      assertThat(bob.describeExecution(b -> b.executionArn(execution)).status()).isEqualTo(ExecutionStatus.RUNNING);
      assertThat(bob.listExecutions(b -> b.stateMachineArn(machine)).executions()).hasSize(1);
      bob.sendTaskSuccess(b -> b.taskToken(token).output("{\"done\":true}"));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (bob.describeExecution(b -> b.executionArn(execution)).status() == ExecutionStatus.RUNNING && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(bob.describeExecution(b -> b.executionArn(execution)).output()).isEqualTo("{\"done\":true}");
    }
  }

  /** A definition cannot reach another account either: not its machines (nested starts), not its activities. */
  @Test
  void definitionsCannotReachAnotherAccount() throws Exception {
    Map<String, Object> config = twoAccounts();
    try (TestServer server = TestServer.start(dir, config);
        SfnClient alice = server.sfn("alice", "alice"); SfnClient bob = server.sfn("bob", "bob")) {
      String bobsMachine = bob.createStateMachine(b -> b.name("secret").roleArn("arn:aws:iam::" + BOB + ":role/r")
          .definition("{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"Result\":{\"secret\":42},\"End\":true}}}"))
          .stateMachineArn();
      String bobsActivity = bob.createActivity(b -> b.name("work")).activityArn();
      String role = "arn:aws:iam::" + ALICE + ":role/r";
      String nested = alice.createStateMachine(b -> b.name("nested").roleArn(role).definition(
          "{\"StartAt\":\"S\",\"States\":{\"S\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::states:startExecution.sync:2\","
              + "\"Parameters\":{\"StateMachineArn\":\"" + bobsMachine + "\"},\"End\":true}}}")).stateMachineArn();
      String viaActivity = alice.createStateMachine(b -> b.name("activity").roleArn(role).definition(
          "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Task\",\"Resource\":\"" + bobsActivity + "\",\"End\":true}}}"))
          .stateMachineArn();
      var n = ExecutionApiTest.awaitEnd(alice, alice.startExecution(b -> b.stateMachineArn(nested)).executionArn());
      assertThat(n.status()).isEqualTo(ExecutionStatus.FAILED);
      assertThat(n.error()).isEqualTo("StepFunctions.AccessDeniedException");
      assertThat(bob.listExecutions(b -> b.stateMachineArn(bobsMachine)).executions()).isEmpty();
      var a = ExecutionApiTest.awaitEnd(alice, alice.startExecution(b -> b.stateMachineArn(viaActivity)
          .input("{\"aliceSecret\":7}")).executionArn());
      assertThat(a.status()).isEqualTo(ExecutionStatus.FAILED);
      assertThat(a.error()).isEqualTo("States.Runtime");
      assertThat(bob.getActivityTask(b -> b.activityArn(bobsActivity).workerName("w")).taskToken()).isNullOrEmpty();
    }
  }

  /**
   * KMS keys belong to the account that created them: listings and aliases are per account, a key
   * id of another account is not found, and another account may only use a key, by its ARN, when
   * the key's policy names it; the default policy admits the key's own account only.
   */
  @Test
  void kmsKeys_belongToTheirAccount() throws Exception {
    Map<String, Object> config = twoAccounts();
    try (TestServer server = TestServer.start(dir, config);
        var alice = server.kms("alice", "alice"); var bob = server.kms("bob", "bob"); SfnClient aliceSfn = server.sfn("alice", "alice")) {
      var bobKey = bob.createKey(b -> b.description("bob's")).keyMetadata();
      assertThat(bobKey.awsAccountId()).isEqualTo(BOB);
      assertThat(bobKey.arn()).contains(":" + BOB + ":key/");
      bob.createAlias(b -> b.aliasName("alias/app").targetKeyId(bobKey.keyId()));
      var aliceKey = alice.createKey(b -> b.description("alice's")).keyMetadata();
      // the same alias name in another account is another alias
      alice.createAlias(b -> b.aliasName("alias/app").targetKeyId(aliceKey.keyId()));
      assertThat(alice.listKeys(b -> {}).keys()).extracting(k -> k.keyId()).containsExactly(aliceKey.keyId());
      assertThat(bob.listKeys(b -> {}).keys()).extracting(k -> k.keyId()).containsExactly(bobKey.keyId());
      assertThat(alice.listAliases(b -> {}).aliases()).extracting(a -> a.targetKeyId()).containsExactly(aliceKey.keyId());
      assertThat(alice.describeKey(b -> b.keyId("alias/app")).keyMetadata().keyId()).isEqualTo(aliceKey.keyId());

      // by id: not found; by ARN: the default policy admits bob's account only
      assertThatThrownBy(() -> alice.describeKey(b -> b.keyId(bobKey.keyId())))
          .isInstanceOf(software.amazon.awssdk.services.kms.model.NotFoundException.class);
      assertThatThrownBy(() -> alice.describeKey(b -> b.keyId(bobKey.arn())))
          .isInstanceOf(software.amazon.awssdk.services.kms.model.KmsException.class)
          .satisfies(e -> assertThat(((software.amazon.awssdk.services.kms.model.KmsException) e).awsErrorDetails().errorCode())
              .isEqualTo("AccessDeniedException"));
      assertThatThrownBy(() -> alice.encrypt(b -> b.keyId(bobKey.arn()).plaintext(software.amazon.awssdk.core.SdkBytes.fromUtf8String("x"))))
          .satisfies(e -> assertThat(((software.amazon.awssdk.services.kms.model.KmsException) e).awsErrorDetails().errorCode())
              .isEqualTo("AccessDeniedException"));
      for (Runnable manage : List.<Runnable>of(
          () -> alice.disableKey(b -> b.keyId(bobKey.arn())),
          () -> alice.scheduleKeyDeletion(b -> b.keyId(bobKey.arn()).pendingWindowInDays(7)),
          () -> alice.putKeyPolicy(b -> b.keyId(bobKey.arn()).policy("{\"Statement\":[]}")),
          () -> alice.tagResource(b -> b.keyId(bobKey.arn()).tags(t -> t.tagKey("k").tagValue("v"))))) {
        assertThatThrownBy(manage::run).isInstanceOf(software.amazon.awssdk.services.kms.model.NotFoundException.class);
      }
      // a Step Functions resource of alice cannot be sealed under bob's key
      assertThatThrownBy(() -> aliceSfn.createActivity(b -> b.name("a").encryptionConfiguration(e -> e
          .type("CUSTOMER_MANAGED_KMS_KEY").kmsKeyId(bobKey.arn()))))
          .isInstanceOf(SfnException.class);
      aliceSfn.createActivity(b -> b.name("own").encryptionConfiguration(e -> e
          .type("CUSTOMER_MANAGED_KMS_KEY").kmsKeyId("alias/app")));

      // once bob's key policy names alice's account, she may use (not manage) it by its ARN
      bob.putKeyPolicy(b -> b.keyId(bobKey.keyId()).policy("""
          {"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"kms:*","Resource":"*"},
            {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},
             "Action":["kms:Encrypt","kms:Decrypt","kms:DescribeKey","kms:GenerateDataKey"],"Resource":"*"}]}
          """.formatted(BOB, ALICE)));
      var sealed = alice.encrypt(b -> b.keyId(bobKey.arn()).plaintext(software.amazon.awssdk.core.SdkBytes.fromUtf8String("x")));
      assertThat(sealed.keyId()).isEqualTo(bobKey.arn());
      assertThat(alice.decrypt(b -> b.ciphertextBlob(sealed.ciphertextBlob())).plaintext().asUtf8String()).isEqualTo("x");
      assertThatThrownBy(() -> alice.disableKey(b -> b.keyId(bobKey.arn())))
          .isInstanceOf(software.amazon.awssdk.services.kms.model.NotFoundException.class);
      aliceSfn.createActivity(b -> b.name("shared").encryptionConfiguration(e -> e
          .type("CUSTOMER_MANAGED_KMS_KEY").kmsKeyId(bobKey.arn())));
    }
  }
}
