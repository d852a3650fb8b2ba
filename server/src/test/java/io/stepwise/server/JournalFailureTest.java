package io.stepwise.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.SfnException;

/**
 * A journal that cannot write: the write fails (the entity restarts with back-off and cannot
 * finish it), and /health turns 503 with the reason; the CLI then exits non-zero (Main).
 */
class JournalFailureTest {
  @TempDir Path dir;

  @Test
  void aFailedJournalWrite_failsTheRequest_andTurnsHealthUnhealthyWithTheReason() throws Exception {
    try (TestServer server = TestServer.start(dir, new TestClock(), Map.of("stepwise.engine.ask-timeout", "3s"));
        SfnClient sfn = server.sfn()) {
      String arn = sfn.createStateMachine(b -> b.name("m").roleArn(Definitions.ROLE)
          .definition(Definitions.waitSeconds(600))).stateMachineArn();
      String exec = sfn.startExecution(b -> b.stateMachineArn(arn).name("waiting").input("{\"tag\":1}"))
          .executionArn();
      sfn.describeExecution(b -> b.executionArn(exec)); // its entity is now in memory
      HttpClient http = HttpClient.newHttpClient();
      URI health = server.endpoint().resolve("/health");
      assertThat(http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(200);

      // The store goes away under the journal, as a failing disk would take it: the next write fails.
      server.storage().handles().db().close();
      assertThatThrownBy(() -> sfn.stopExecution(b -> b.executionArn(exec))).isInstanceOf(SfnException.class);

      HttpResponse<String> down = http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(down.body()).contains("\"status\":\"DOWN\"").contains("\"reason\"");
    }
  }
}
