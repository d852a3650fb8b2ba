package io.stepwise.engine.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stepwise.engine.ServiceError;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatalogTest {
  private static final String M = "arn:aws:states:us-east-1:123456789012:stateMachine:m";
  private final Catalog catalog = new Catalog();

  private ExecutionSummary exec(String name, long second, String status) {
    return new ExecutionSummary("arn:aws:states:us-east-1:123456789012:execution:m:" + name, M, name, status,
        Instant.ofEpochSecond(second), status.equals("RUNNING") ? null : Instant.ofEpochSecond(second + 1));
  }

  @Test
  void executions_areListedNewestFirstAcrossPages() {
    for (int i = 0; i < 10; i++) catalog.putExecution(exec("e" + i, 1000 + i, "SUCCEEDED"));
    catalog.putExecution(exec("tie-a", 1005, "SUCCEEDED"));
    List<String> names = new ArrayList<>();
    String token = null;
    do {
      Page<ExecutionSummary> page = catalog.listExecutions(M, null, 3, token);
      assertThat(page.items().size()).isLessThanOrEqualTo(3);
      page.items().forEach(s -> names.add(s.name()));
      token = page.nextToken();
    } while (token != null);
    assertThat(names).hasSize(11).doesNotHaveDuplicates();
    assertThat(names.get(0)).isEqualTo("e9");
    assertThat(names.get(names.size() - 1)).isEqualTo("e0");
  }

  @Test
  void statusFilter_andStatusUpdatesReplaceTheRow() {
    catalog.putExecution(exec("a", 1, "RUNNING"));
    catalog.putExecution(exec("b", 2, "RUNNING"));
    catalog.putExecution(exec("a", 1, "FAILED"));
    assertThat(catalog.listExecutions(M, "RUNNING", 100, null).items()).extracting(ExecutionSummary::name)
        .containsExactly("b");
    assertThat(catalog.listExecutions(M, "FAILED", 100, null).items()).extracting(ExecutionSummary::name)
        .containsExactly("a");
    assertThat(catalog.listExecutions(M, null, 100, null).items()).hasSize(2);
  }

  @Test
  void stateMachines_arePagedWithinTheirAccountAndRegion() {
    for (int i = 0; i < 5; i++) {
      catalog.putStateMachine(new StateMachineSummary(
          "arn:aws:states:us-east-1:123456789012:stateMachine:s" + i, "s" + i, "STANDARD", Instant.EPOCH));
    }
    catalog.putStateMachine(new StateMachineSummary(
        "arn:aws:states:us-east-1:999999999999:stateMachine:other", "other", "STANDARD", Instant.EPOCH));
    String prefix = "arn:aws:states:us-east-1:123456789012:stateMachine:";
    Page<StateMachineSummary> first = catalog.listStateMachines(prefix, 2, null);
    Page<StateMachineSummary> second = catalog.listStateMachines(prefix, 2, first.nextToken());
    Page<StateMachineSummary> third = catalog.listStateMachines(prefix, 2, second.nextToken());
    assertThat(third.nextToken()).isNull();
    assertThat(first.items().size() + second.items().size() + third.items().size()).isEqualTo(5);
    catalog.removeStateMachine(prefix + "s0");
    assertThat(catalog.listStateMachines(prefix, 100, null).items()).hasSize(4);
  }

  @Test
  void garbageTokens_areInvalidTokens() {
    assertThatThrownBy(() -> catalog.listExecutions(M, null, 10, "%%%"))
        .isInstanceOfSatisfying(ServiceError.class, e -> assertThat(e.code()).isEqualTo("InvalidToken"));
    assertThatThrownBy(() -> catalog.listExecutions(M, null, 10, "bm90LWEtdG9rZW4"))
        .isInstanceOf(ServiceError.class);
  }
}
