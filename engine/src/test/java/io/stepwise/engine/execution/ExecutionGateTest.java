package io.stepwise.engine.execution;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** An execution is its entity's or one direct step's, never both; requests wait for a direct step. */
class ExecutionGateTest {
  private static final String ARN = "arn:aws:states:us-east-1:123456789012:execution:m:e";
  private final ExecutionGate gate = new ExecutionGate();

  @Test
  void aDirectStep_claimsOnlyAnExecutionNothingHolds() {
    assertThat(gate.claim(ARN)).isTrue();
    assertThat(gate.claim(ARN)).as("one direct step at a time").isFalse();
    gate.release(ARN);
    assertThat(gate.size()).isZero();
    assertThat(gate.claim(ARN)).isTrue();
    gate.release(ARN);
  }

  @Test
  void aLiveIncarnation_holdsTheExecutionUntilItStops() {
    gate.entityStarted(ARN);
    assertThat(gate.claim(ARN)).isFalse();
    gate.entityStopped(ARN);
    assertThat(gate.size()).isZero();
    assertThat(gate.claim(ARN)).isTrue();
    gate.release(ARN);
  }

  @Test
  void anOutstandingRequest_holdsTheExecutionUntilAnswered() {
    CompletableFuture<String> answer = new CompletableFuture<>();
    CompletionStage<String> asked = gate.toEntity(ARN, () -> answer);
    assertThat(gate.claim(ARN)).isFalse();
    answer.complete("ok");
    assertThat(asked.toCompletableFuture().join()).isEqualTo("ok");
    assertThat(gate.claim(ARN)).as("held no longer once answered").isTrue();
    gate.release(ARN);
    // A request that failed (an ask timeout) releases it too.
    CompletionStage<String> failed = gate.toEntity(ARN, () -> CompletableFuture.failedFuture(new RuntimeException("x")));
    assertThat(failed.toCompletableFuture()).isCompletedExceptionally();
    assertThat(gate.size()).isZero();
  }

  @Test
  void aRequestDuringADirectStep_isSentOnlyOnceTheStepEnds() {
    assertThat(gate.claim(ARN)).isTrue();
    AtomicInteger sent = new AtomicInteger();
    CompletionStage<Integer> asked = gate.toEntity(ARN, () -> CompletableFuture.completedFuture(sent.incrementAndGet()));
    assertThat(sent).as("not sent while the direct step runs").hasValue(0);
    gate.release(ARN);
    assertThat(asked.toCompletableFuture().join()).isEqualTo(1);
    assertThat(gate.size()).isZero();
  }

  /** Requests that waited for a direct step reach the entity in the order they came (same-deadline timers fire in order). */
  @Test
  void requestsDuringADirectStep_areSentInTheOrderTheyCame() {
    assertThat(gate.claim(ARN)).isTrue();
    java.util.List<Integer> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int i = 1; i <= 5; i++) {
      int n = i;
      gate.toEntity(ARN, () -> {
        sent.add(n);
        return CompletableFuture.completedFuture(n);
      });
    }
    gate.release(ARN);
    assertThat(sent).containsExactly(1, 2, 3, 4, 5);
    assertThat(gate.size()).isZero();

    // A direct step that hands its own work to the entity sends it ahead of what came meanwhile.
    sent.clear();
    assertThat(gate.claim(ARN)).isTrue();
    gate.toEntity(ARN, () -> {
      sent.add(2);
      return CompletableFuture.completedFuture(2);
    });
    gate.releaseTo(ARN, () -> {
      sent.add(1);
      return CompletableFuture.completedFuture(1);
    });
    assertThat(sent).containsExactly(1, 2);
    assertThat(gate.size()).isZero();
  }

  @Test
  void aRequestThatThrows_isAFailedAnswer_andHoldsNothing() {
    CompletionStage<String> asked = gate.toEntity(ARN, () -> {
      throw new IllegalStateException("refused");
    });
    assertThat(asked.toCompletableFuture()).isCompletedExceptionally();
    assertThat(gate.size()).isZero();
  }
}
