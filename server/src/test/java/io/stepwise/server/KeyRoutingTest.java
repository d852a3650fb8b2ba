package io.stepwise.server;

import static io.stepwise.server.ExecutionApiTest.awaitEnd;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * The key of every event comes from the entity's own persisted configuration: an execution of a
 * customer-key machine that was deleted while it ran goes on, after a restart, under that
 * machine's key — never under the service key because its machine is gone.
 */
class KeyRoutingTest {
  @TempDir Path dir;

  @Test
  void executionsOfADeletedMachine_stayUnderItsKey_acrossARestart() throws Exception {
    String keyId, execution, activity;
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn(); KmsClient kms = server.kms()) {
      keyId = kms.createKey(b -> b.description("machine key")).keyMetadata().keyId();
      activity = sfn.createActivity(b -> b.name("waits")).activityArn();
      String machine = sfn.createStateMachine(b -> b.name("keyed").roleArn("arn:aws:iam::123456789012:role/r")
          .encryptionConfiguration(e -> e.type("CUSTOMER_MANAGED_KMS_KEY").kmsKeyId(keyId))
          .definition("{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Task\",\"Resource\":\"" + activity
              + "\",\"Next\":\"P\"},\"P\":{\"Type\":\"Pass\",\"End\":true}}}")).stateMachineArn();
      execution = sfn.startExecution(b -> b.stateMachineArn(machine).input("{\"secret\":1}")).executionArn();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (sfn.getExecutionHistory(b -> b.executionArn(execution)).events().stream()
          .noneMatch(e -> e.typeAsString().equals("ActivityScheduled")) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      sfn.deleteStateMachine(b -> b.stateMachineArn(machine));
    }
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      var task = sfn.getActivityTask(b -> b.activityArn(activity).workerName("w"));
      sfn.sendTaskSuccess(b -> b.taskToken(task.taskToken()).output("{\"done\":true}"));
      assertThat(awaitEnd(sfn, execution).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      var store = server.storage().handles().store();
      long id = store.idOf("Execution|" + execution).getAsLong();
      Set<String> wrappedBy = new HashSet<>();
      var events = store.readEvents(id, 1, Long.MAX_VALUE, 1000);
      assertThat(events).hasSizeGreaterThanOrEqualTo(3);
      for (var raw : events) {
        long ref = io.stepwise.persistence.crypto.Envelope.parse(raw.envelope()).dataKeyRef();
        wrappedBy.add(store.find(ref).orElseThrow().kmsKeyId());
      }
      assertThat(wrappedBy).as("every event of the execution, before and after the restart").containsExactly(keyId);
    }
  }
}
