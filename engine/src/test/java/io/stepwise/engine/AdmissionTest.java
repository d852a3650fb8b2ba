package io.stepwise.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class AdmissionTest {
  @Test
  void requestsBeyondTheBoundOfOneEntity_areThrottledAtOnce_andOthersAreNot() {
    Admission admission = new Admission(2);
    CompletableFuture<String> first = new CompletableFuture<>();
    CompletableFuture<String> second = new CompletableFuture<>();
    admission.admit("a", () -> first);
    admission.admit("a", () -> second);
    var refused = admission.admit("a", () -> CompletableFuture.completedFuture("never")).toCompletableFuture();
    assertThat(refused).isCompletedExceptionally();
    assertThat(refused.handle((v, f) -> ((ServiceError) f).code()).join()).isEqualTo("ThrottlingException");
    assertThat(admission.admit("b", () -> CompletableFuture.completedFuture("ok")).toCompletableFuture().join())
        .isEqualTo("ok");
    first.complete("done");
    assertThat(admission.admit("a", () -> CompletableFuture.completedFuture("again")).toCompletableFuture().join())
        .isEqualTo("again");
  }

  @Test
  void aRequestThatThrows_releasesItsPlace() {
    Admission admission = new Admission(1);
    try {
      admission.admit("a", () -> {
        throw new CompletionException(new IllegalStateException("boom"));
      });
    } catch (CompletionException expected) {
      // the caller sees the failure as thrown
    }
    assertThat(admission.admit("a", () -> CompletableFuture.completedFuture("ok")).toCompletableFuture().join())
        .isEqualTo("ok");
  }
}
