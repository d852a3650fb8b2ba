package io.stepwise.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ConflictException;
import software.amazon.awssdk.services.sfn.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sfn.model.RoutingConfigurationListItem;
import software.amazon.awssdk.services.sfn.model.StateMachineAliasListItem;
import software.amazon.awssdk.services.sfn.model.ValidationException;

/**
 * State machine aliases by AWS's rules: an alias routes executions to one or two versions by
 * weight (summing to 100); executions started on it record the alias and the version it chose; a
 * version an alias routes to cannot be deleted; the same create again is idempotent, a different
 * one with the name is a ConflictException.
 */
class AliasesTest {
  @TempDir Path dir;

  private static RoutingConfigurationListItem route(String versionArn, int weight) {
    return RoutingConfigurationListItem.builder().stateMachineVersionArn(versionArn).weight(weight).build();
  }

  @Test
  void anAlias_routesExecutionsToItsVersionsByWeight_andHoldsThemAgainstDeletion() throws Exception {
    String machine;
    String alias;
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      machine = sfn.createStateMachine(b -> b.name("aliased").definition(Definitions.PASS).roleArn(Definitions.ROLE)
          .publish(true)).stateMachineArn();
      sfn.updateStateMachine(b -> b.stateMachineArn(machine).definition(Definitions.PASS_V2).publish(true));
      String v1 = machine + ":1";
      String v2 = machine + ":2";
      alias = sfn.createStateMachineAlias(b -> b.name("prod").description("live").routingConfiguration(route(v1, 100)))
          .stateMachineAliasArn();
      assertThat(alias).isEqualTo(machine + ":prod");
      assertThat(sfn.createStateMachineAlias(b -> b.name("prod").description("live").routingConfiguration(route(v1, 100)))
          .stateMachineAliasArn()).as("the same create again").isEqualTo(alias);
      assertThatThrownBy(() -> sfn.createStateMachineAlias(b -> b.name("prod").routingConfiguration(route(v2, 100))))
          .isInstanceOf(ConflictException.class);
      var described = sfn.describeStateMachineAlias(b -> b.stateMachineAliasArn(alias));
      assertThat(described.name()).isEqualTo("prod");
      assertThat(described.routingConfiguration()).containsExactly(route(v1, 100));

      String exec = sfn.startExecution(b -> b.stateMachineArn(alias).input("{}")).executionArn();
      var d = ExecutionApiTest.awaitEnd(sfn, exec);
      assertThat(d.output()).contains("\"greeting\":\"hi\"");
      assertThat(d.stateMachineAliasArn()).isEqualTo(alias);
      assertThat(d.stateMachineVersionArn()).isEqualTo(v1);

      assertThatThrownBy(() -> sfn.deleteStateMachineVersion(b -> b.stateMachineVersionArn(v1)))
          .isInstanceOf(ConflictException.class);
      sfn.updateStateMachineAlias(b -> b.stateMachineAliasArn(alias).routingConfiguration(route(v1, 50), route(v2, 50)));
      Set<String> chosen = new HashSet<>();
      for (int i = 0; i < 40; i++) {
        String e = sfn.startExecution(b -> b.stateMachineArn(alias).input("{}")).executionArn();
        chosen.add(sfn.describeExecution(b -> b.executionArn(e)).stateMachineVersionArn());
      }
      assertThat(chosen).as("both versions get executions at 50/50").containsExactlyInAnyOrder(v1, v2);

      assertThatThrownBy(() -> sfn.updateStateMachineAlias(b -> b.stateMachineAliasArn(alias)
          .routingConfiguration(route(v1, 50), route(v2, 40)))).isInstanceOf(ValidationException.class);
      assertThatThrownBy(() -> sfn.createStateMachineAlias(b -> b.name("123").routingConfiguration(route(v1, 100))))
          .isInstanceOf(ValidationException.class);
      assertThatThrownBy(() -> sfn.createStateMachineAlias(b -> b.name("ghost")
          .routingConfiguration(route(machine + ":9", 100)))).isInstanceOf(ResourceNotFoundException.class);
      sfn.createStateMachineAlias(b -> b.name("beta").routingConfiguration(route(v2, 100)));
    }
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      // ListExecutions on a version or alias ARN lists the executions started on it (the alias's
      // also under the version it chose); on the machine, all of them, each naming what it ran.
      var all = sfn.listExecutionsPaginator(b -> b.stateMachineArn(machine).maxResults(7)).executions().stream()
          .toList();
      assertThat(all).hasSize(41).allSatisfy(e -> {
        assertThat(e.stateMachineArn()).isEqualTo(machine);
        assertThat(e.stateMachineAliasArn()).isEqualTo(alias);
        assertThat(e.stateMachineVersionArn()).isIn(machine + ":1", machine + ":2");
      });
      assertThat(sfn.listExecutionsPaginator(b -> b.stateMachineArn(alias)).executions().stream().count())
          .isEqualTo(41);
      long onV2 = all.stream().filter(e -> e.stateMachineVersionArn().equals(machine + ":2")).count();
      assertThat(sfn.listExecutionsPaginator(b -> b.stateMachineArn(machine + ":2")).executions())
          .hasSize((int) onV2).allSatisfy(e -> assertThat(e.stateMachineVersionArn()).isEqualTo(machine + ":2"));
      String direct = sfn.startExecution(b -> b.stateMachineArn(machine + ":2").input("{}")).executionArn();
      assertThat(sfn.listExecutions(b -> b.stateMachineArn(machine + ":2").maxResults(1)).executions().get(0))
          .satisfies(e -> {
            assertThat(e.executionArn()).isEqualTo(direct);
            assertThat(e.stateMachineAliasArn()).isNull();
          });
      assertThat(sfn.listExecutionsPaginator(b -> b.stateMachineArn(alias)).executions().stream().count())
          .as("started on the version, not through the alias").isEqualTo(41);
      assertThatThrownBy(() -> sfn.listExecutions(b -> b.stateMachineArn(machine + ":7")))
          .isInstanceOf(software.amazon.awssdk.services.sfn.model.StateMachineDoesNotExistException.class);
      assertThatThrownBy(() -> sfn.listExecutions(b -> b.stateMachineArn(machine + ":nope")))
          .isInstanceOf(ResourceNotFoundException.class);
      assertThat(sfn.listStateMachineAliases(b -> b.stateMachineArn(machine)).stateMachineAliases())
          .extracting(StateMachineAliasListItem::stateMachineAliasArn).containsExactly(machine + ":beta", alias);
      sfn.deleteStateMachineAlias(b -> b.stateMachineAliasArn(alias));
      assertThatThrownBy(() -> sfn.describeStateMachineAlias(b -> b.stateMachineAliasArn(alias)))
          .isInstanceOf(ResourceNotFoundException.class);
      sfn.deleteStateMachineVersion(b -> b.stateMachineVersionArn(machine + ":1")); // no alias holds it now
    }
  }
  /**
   * ListStateMachineAliases: "sorted by time, with the most recently created aliases listed first",
   * page by page, and a version ARN lists the aliases that route to that version.
   */
  @Test
  void aliases_areListedNewestFirst_andByTheVersionTheyRouteTo() throws Exception {
    TestClock clock = new TestClock();
    try (TestServer server = TestServer.start(dir, clock, java.util.Map.of()); SfnClient sfn = server.sfn()) {
      String machine = sfn.createStateMachine(b -> b.name("listed").definition(Definitions.PASS).roleArn(Definitions.ROLE)
          .publish(true)).stateMachineArn();
      sfn.updateStateMachine(b -> b.stateMachineArn(machine).definition(Definitions.PASS_V2).publish(true));
      String v1 = machine + ":1";
      String v2 = machine + ":2";
      sfn.createStateMachineAlias(b -> b.name("zeta").routingConfiguration(route(v1, 100)));
      clock.advance(java.time.Duration.ofSeconds(1));
      sfn.createStateMachineAlias(b -> b.name("alpha").routingConfiguration(route(v2, 100)));
      clock.advance(java.time.Duration.ofSeconds(1));
      sfn.createStateMachineAlias(b -> b.name("mid").routingConfiguration(route(v1, 40), route(v2, 60)));
      java.util.List<String> all = new java.util.ArrayList<>();
      String token = null;
      do {
        String from = token;
        var page = sfn.listStateMachineAliases(b -> b.stateMachineArn(machine).maxResults(2).nextToken(from));
        page.stateMachineAliases().forEach(a -> all.add(a.stateMachineAliasArn()));
        token = page.nextToken();
      } while (token != null);
      assertThat(all).containsExactly(machine + ":mid", machine + ":alpha", machine + ":zeta");
      assertThat(sfn.listStateMachineAliases(b -> b.stateMachineArn(v2)).stateMachineAliases())
          .extracting(StateMachineAliasListItem::stateMachineAliasArn).containsExactly(machine + ":mid", machine + ":alpha");
      assertThat(sfn.listStateMachineAliases(b -> b.stateMachineArn(v1)).stateMachineAliases())
          .extracting(StateMachineAliasListItem::stateMachineAliasArn).containsExactly(machine + ":mid", machine + ":zeta");
    }
  }
}
