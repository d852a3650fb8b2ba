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
    assertThatThrownBy(() -> catalog.listStateMachines(M, 10, "%%%"))
        .isInstanceOfSatisfying(ServiceError.class, e -> assertThat(e.code()).isEqualTo("InvalidToken"));
    assertThatThrownBy(() -> ListingTokens.decode("%%%"))
        .isInstanceOfSatisfying(ServiceError.class, e -> assertThat(e.code()).isEqualTo("InvalidToken"));
  }
}
