package io.stepwise.engine.execution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.stepwise.asl.interpreter.HistoryEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryLimitTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  private static ExecutionEntity.Stepped step(long firstId, String... types) {
    List<HistoryEvent> events = new ArrayList<>();
    for (int i = 0; i < types.length; i++) {
      events.add(new HistoryEvent(firstId + i, firstId + i - 1, NOW, types[i], JsonNodeFactory.instance.objectNode()));
    }
    boolean ends = types[types.length - 1].startsWith("Execution");
    return new ExecutionEntity.Stepped(events, ends ? null : JsonNodeFactory.instance.objectNode(),
        ends ? new Result("SUCCEEDED", "{}", null, null, NOW) : null);
  }

  @Test
  void belowTheLimit_theStepIsUnchanged() {
    ExecutionEntity.Stepped s = step(24_990, "PassStateEntered", "PassStateExited");
    assertThat(HistoryLimit.apply(24_989, s, NOW)).isSameAs(s);
  }

  @Test
  void event25000_mayBeExecutionSucceeded() {
    ExecutionEntity.Stepped s = step(24_999, "PassStateExited", "ExecutionSucceeded");
    assertThat(HistoryLimit.apply(24_998, s, NOW)).isSameAs(s);
  }

  @Test
  void anyOtherEvent25000_becomesExecutionFailed_andTheExecutionEnds() {
    ExecutionEntity.Stepped s = step(24_998, "PassStateEntered", "PassStateExited", "PassStateEntered", "PassStateExited");
    ExecutionEntity.Stepped limited = HistoryLimit.apply(24_997, s, NOW);
    assertThat(limited.events()).extracting(HistoryEvent::type)
        .containsExactly("PassStateEntered", "PassStateExited", "ExecutionFailed");
    HistoryEvent last = limited.events().get(2);
    assertThat(last.id()).isEqualTo(25_000);
    assertThat(last.previousEventId()).isEqualTo(24_999);
    assertThat(last.details().path("executionFailedEventDetails").path("error").asText()).isEqualTo("States.Runtime");
    assertThat(limited.result().status()).isEqualTo("FAILED");
    assertThat(limited.position()).isNull();
  }
}
