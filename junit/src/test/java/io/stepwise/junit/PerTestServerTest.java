package io.stepwise.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sfn.SfnClient;

/** On an instance field, the extension gives each test a server of its own, deleted afterwards. */
class PerTestServerTest {
  @RegisterExtension
  StepwiseExtension stepwise = StepwiseExtension.builder().build();

  static final List<Path> dataDirs = new ArrayList<>();

  @RepeatedTest(2)
  void eachTestStartsEmpty(SfnClient sfn) {
    assertThat(sfn.listActivities(b -> {}).activities()).isEmpty();
    sfn.createActivity(b -> b.name("worker"));
    dataDirs.add(stepwise.dataDirectory());
  }

  @AfterAll
  static void theirDataDirectoriesAreGone() {
    assertThat(dataDirs).hasSize(2).doesNotHaveDuplicates();
    assertThat(dataDirs).noneMatch(Files::exists);
  }
}
