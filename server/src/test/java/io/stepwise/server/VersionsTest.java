package io.stepwise.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ConflictException;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.ListStateMachineVersionsResponse;
import software.amazon.awssdk.services.sfn.model.StateMachineDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.StateMachineVersionListItem;
import software.amazon.awssdk.services.sfn.model.ValidationException;

/**
 * State machine versions by AWS's rules: published on create or update ({@code publish}) or with
 * PublishStateMachineVersion, numbered from 1 and never reused, each an immutable copy of its
 * revision (DescribeStateMachine on its ARN), listed newest first; publishing an unchanged
 * revision gives its version back; a stale {@code revisionId} is a ConflictException.
 */
class VersionsTest {
  @TempDir Path dir;

  private static java.util.List<String> versions(SfnClient sfn, String machine) {
    return sfn.listStateMachineVersions(b -> b.stateMachineArn(machine)).stateMachineVersions().stream()
        .map(StateMachineVersionListItem::stateMachineVersionArn).toList();
  }

  @Test
  void versions_arePublishedNumberedListedAndDeleted_asAwsDoes() throws Exception {
    String machine;
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      var created = sfn.createStateMachine(b -> b.name("versioned").definition(Definitions.PASS)
          .roleArn(Definitions.ROLE).publish(true).versionDescription("first"));
      machine = created.stateMachineArn();
      assertThat(created.stateMachineVersionArn()).isEqualTo(machine + ":1");
      var v1 = sfn.describeStateMachine(b -> b.stateMachineArn(machine + ":1"));
      assertThat(v1.stateMachineArn()).isEqualTo(machine + ":1");
      assertThat(v1.description()).isEqualTo("first");
      assertThat(v1.definition()).isEqualTo(Definitions.PASS);

      var updated = sfn.updateStateMachine(b -> b.stateMachineArn(machine).definition(Definitions.PASS_V2).publish(true));
      assertThat(updated.stateMachineVersionArn()).isEqualTo(machine + ":2");
      assertThat(sfn.describeStateMachine(b -> b.stateMachineArn(machine + ":1")).definition()).isEqualTo(Definitions.PASS);
      assertThat(sfn.describeStateMachine(b -> b.stateMachineArn(machine + ":2")).definition())
          .isEqualTo(Definitions.PASS_V2);
      // The current revision is published already: its version comes back.
      assertThat(sfn.publishStateMachineVersion(b -> b.stateMachineArn(machine)).stateMachineVersionArn())
          .isEqualTo(machine + ":2");
      String stale = sfn.describeStateMachine(b -> b.stateMachineArn(machine)).revisionId();
      sfn.updateStateMachine(b -> b.stateMachineArn(machine).definition(Definitions.PASS));
      assertThatThrownBy(() -> sfn.publishStateMachineVersion(b -> b.stateMachineArn(machine).revisionId(stale)))
          .isInstanceOf(ConflictException.class);
      String current = sfn.describeStateMachine(b -> b.stateMachineArn(machine)).revisionId();
      assertThat(sfn.publishStateMachineVersion(b -> b.stateMachineArn(machine).revisionId(current).description("third"))
          .stateMachineVersionArn()).isEqualTo(machine + ":3");
      assertThat(versions(sfn, machine)).containsExactly(machine + ":3", machine + ":2", machine + ":1");

      ListStateMachineVersionsResponse first = sfn.listStateMachineVersions(b -> b.stateMachineArn(machine).maxResults(2));
      assertThat(first.stateMachineVersions()).hasSize(2);
      assertThat(sfn.listStateMachineVersions(b -> b.stateMachineArn(machine).nextToken(first.nextToken()))
          .stateMachineVersions()).extracting(StateMachineVersionListItem::stateMachineVersionArn)
          .containsExactly(machine + ":1");
      assertThatThrownBy(() -> sfn.listStateMachineVersions(b -> b.stateMachineArn(machine).nextToken("bm9wZQ")))
          .isInstanceOf(InvalidTokenException.class);

      sfn.deleteStateMachineVersion(b -> b.stateMachineVersionArn(machine + ":2"));
      assertThatThrownBy(() -> sfn.describeStateMachine(b -> b.stateMachineArn(machine + ":2")))
          .isInstanceOf(StateMachineDoesNotExistException.class);
      assertThatThrownBy(() -> sfn.updateStateMachine(b -> b.stateMachineArn(machine).definition(Definitions.PASS_V2)
          .versionDescription("no publish"))).isInstanceOf(ValidationException.class);
    }
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      assertThat(versions(sfn, machine)).containsExactly(machine + ":3", machine + ":1");
      // Numbers are never used again.
      var again = sfn.updateStateMachine(b -> b.stateMachineArn(machine).definition(Definitions.PASS_V2).publish(true));
      assertThat(again.stateMachineVersionArn()).isEqualTo(machine + ":4");
      assertThat(sfn.describeStateMachine(b -> b.stateMachineArn(machine + ":3")).description()).isEqualTo("third");

      // An execution started on a version runs that version and names it; on the machine, the current revision.
      String onV1 = sfn.startExecution(b -> b.stateMachineArn(machine + ":1").input("{}")).executionArn();
      var d = ExecutionApiTest.awaitEnd(sfn, onV1);
      assertThat(d.output()).contains("\"greeting\":\"hi\"");
      assertThat(d.stateMachineArn()).isEqualTo(machine);
      assertThat(d.stateMachineVersionArn()).isEqualTo(machine + ":1");
      String onMachine = sfn.startExecution(b -> b.stateMachineArn(machine).input("{}")).executionArn();
      var current = ExecutionApiTest.awaitEnd(sfn, onMachine);
      assertThat(current.output()).contains("\"greeting\":\"v2\"");
      assertThat(current.stateMachineVersionArn()).isNull();
      assertThatThrownBy(() -> sfn.startExecution(b -> b.stateMachineArn(machine + ":2").input("{}")))
          .isInstanceOf(StateMachineDoesNotExistException.class);
    }
  }
}
