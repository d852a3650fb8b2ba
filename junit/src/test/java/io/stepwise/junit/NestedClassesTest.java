package io.stepwise.junit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sfn.SfnClient;

/** {@code @Nested} classes share their outer class's server: it stops after the outer class, not after the first nested one. */
class NestedClassesTest {
  @RegisterExtension
  static StepwiseExtension stepwise = StepwiseExtension.builder().build();

  @BeforeAll
  static void createActivity(SfnClient sfn) {
    sfn.createActivity(b -> b.name("shared"));
  }

  @Nested
  class First {
    @Test
    void seesTheOuterClassesActivity(SfnClient sfn) {
      assertThat(sfn.listActivities(b -> {}).activities()).extracting(a -> a.name()).containsExactly("shared");
    }
  }

  @Nested
  class Second {
    @Test
    void stillSeesIt(SfnClient sfn) {
      assertThat(sfn.listActivities(b -> {}).activities()).extracting(a -> a.name()).containsExactly("shared");
    }
  }
}
