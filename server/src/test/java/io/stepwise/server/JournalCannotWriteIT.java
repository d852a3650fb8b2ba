package io.stepwise.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The README's promise for a journal that cannot write: the server process exits with status 3
 * (so a supervisor restarts it), saying why. The disk "fills" through a file size limit on the
 * forked server, so its LevelDB writes really fail.
 */
class JournalCannotWriteIT {
  @TempDir Path data;

  @Test
  void aJournalThatCannotWrite_makesTheServerExitWithStatus3() throws Exception {
    ForkedServer server = ForkedServer.startWithFileSizeLimit(1024, data);
    byte[] noise = new byte[100_000]; // incompressible: the journal compresses payloads before sealing
    new java.util.Random(42).nextBytes(noise);
    String input = "{\"pad\":\"" + java.util.Base64.getEncoder().encodeToString(noise) + "\"}";
    try (SfnClient sfn = server.sfn()) {
      String arn = sfn.createStateMachine(b -> b.name("big").roleArn(Definitions.ROLE)
          .definition(Definitions.waitSeconds(600))).stateMachineArn();
      int failed = 0;
      for (int i = 0; i < 200 && failed == 0; i++) {
        int n = i;
        try {
          sfn.startExecution(b -> b.stateMachineArn(arn).name("e" + n).input(input));
        } catch (RuntimeException refused) {
          failed++; // the write that passed the limit
        }
      }
      assertThat(failed).as("a start failed once the journal could not write").isPositive();
    } catch (RuntimeException | AssertionError e) {
      server.kill9();
      throw e;
    }
    Integer status = server.awaitExit(Duration.ofSeconds(60));
    assertThat(status).as("exit status; log:\n%s", server.logText()).isEqualTo(Main.EXIT_JOURNAL_FAILED);
    assertThat(server.logText()).contains("the journal cannot write");
  }
}
