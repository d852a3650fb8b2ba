package io.stepwise.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stepwise.persistence.index.IndexOp;
import io.stepwise.persistence.index.ResourceIndex;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ActivityListItem;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.KmsInvalidStateException;
import software.amazon.awssdk.services.sfn.model.StateMachineListItem;

/**
 * ListStateMachines and ListActivities read a persisted index: it survives restarts, a row lost
 * in a crash between an event and its row is rebuilt when the entity recovers, and a machine
 * whose own key is disabled is still listed (AWS lists it; describing it is what fails).
 */
class ListingTest {
  @TempDir Path dir;

  @Test
  void machinesAndActivities_areListedFromDisk_acrossRestarts_andRebuiltWhenARowIsLost() throws Exception {
    String gone;
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      for (String name : new String[] {"b", "a", "c"}) {
        sfn.createStateMachine(b -> b.name(name).definition(Definitions.PASS).roleArn(Definitions.ROLE));
      }
      gone = sfn.createStateMachine(b -> b.name("gone").definition(Definitions.PASS).roleArn(Definitions.ROLE))
          .stateMachineArn();
      sfn.deleteStateMachine(b -> b.stateMachineArn(gone));
      sfn.createActivity(b -> b.name("worker"));
      // As if the process died after machine "a"'s event and before its listing row.
      var handles = server.storage().handles();
      var index = new ResourceIndex(handles.db(), handles.names());
      String a = "arn:aws:states:us-east-1:123456789012:stateMachine:a";
      var lost = index.delete(new IndexOp(), ResourceIndex.Kind.STATE_MACHINE, a,
          index.get(ResourceIndex.Kind.STATE_MACHINE, a).orElseThrow().creationMicros());
      server.storage().handles().committer().submit(lost);
      lost.done().toCompletableFuture().join();
      // Newest first, as AWS lists them.
      assertThat(sfn.listStateMachines().stateMachines()).extracting(StateMachineListItem::name)
          .containsExactly("c", "b");
    }
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      long until = System.nanoTime() + 10_000_000_000L;
      while (sfn.listStateMachines().stateMachines().size() < 3 && System.nanoTime() < until) Thread.sleep(20);
      assertThat(sfn.listStateMachines().stateMachines()).extracting(StateMachineListItem::name)
          .containsExactly("c", "a", "b");
      var first = sfn.listStateMachines(b -> b.maxResults(2));
      assertThat(first.stateMachines()).extracting(StateMachineListItem::name).containsExactly("c", "a");
      assertThat(sfn.listStateMachines(b -> b.maxResults(2).nextToken(first.nextToken())).stateMachines())
          .extracting(StateMachineListItem::name).containsExactly("b");
      assertThat(sfn.listActivities().activities()).extracting(ActivityListItem::name).containsExactly("worker");
      // A token of one listing is not one of another.
      String activityToken = sfn.listActivities(b -> b.maxResults(1)).nextToken();
      assertThat(activityToken).isNull();
      assertThatThrownBy(() -> sfn.listActivities(b -> b.nextToken("bm90IG91cnM")))
          .isInstanceOf(InvalidTokenException.class);
    }
  }

  @Test
  void aMachineWhoseKeyIsDisabled_isStillListed() throws Exception {
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn(); KmsClient kms = server.kms()) {
      String key = kms.createKey(b -> b.description("sfn")).keyMetadata().keyId();
      String arn = sfn.createStateMachine(b -> b.name("locked").definition(Definitions.PASS).roleArn(Definitions.ROLE)
          .encryptionConfiguration(CustomerKeyTest.customer(key))).stateMachineArn();
      kms.disableKey(b -> b.keyId(key));
      assertThatThrownBy(() -> sfn.describeStateMachine(b -> b.stateMachineArn(arn)))
          .isInstanceOf(KmsInvalidStateException.class);
      assertThat(sfn.listStateMachines().stateMachines()).extracting(StateMachineListItem::name)
          .containsExactly("locked");
    }
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      assertThat(sfn.listStateMachines().stateMachines()).extracting(StateMachineListItem::name)
          .containsExactly("locked");
    }
  }
}
