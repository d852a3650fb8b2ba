package io.stepwise.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sfn.SfnClient;

/** With {@code @ExtendWith}: one server for the class, a client and its endpoint as parameters. */
@ExtendWith(StepwiseExtension.class)
class ExtendWithTest {
  static Path dataDir;

  @Test
  void theClientReachesTheServer_andTheDataDirectoryIsTemporary(SfnClient sfn, URI endpoint, StepwiseExtension stepwise) {
    assertThat(endpoint.getHost()).isEqualTo("127.0.0.1");
    assertThat(sfn.listStateMachines(b -> {}).stateMachines()).isEmpty();
    sfn.createActivity(b -> b.name("worker"));
    assertThat(sfn.listActivities(b -> {}).activities()).hasSize(1);
    dataDir = stepwise.dataDirectory();
    assertThat(Files.isDirectory(dataDir)).isTrue();
  }

}
