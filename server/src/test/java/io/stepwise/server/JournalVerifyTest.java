package io.stepwise.server;

import static io.stepwise.server.ExecutionApiTest.awaitEnd;
import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.persistence.journal.JournalTool;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * {@code stepwise journal verify} on data directories the server wrote: clean, then with one
 * ciphertext bit flipped, then with the machine's KMS key disabled.
 */
class JournalVerifyTest {
  @TempDir Path dir;

  static final String DEFINITION = "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Next\":\"B\"},\"B\":{\"Type\":\"Pass\",\"End\":true}}}";

  static int verify(Path dataDir, StringBuilder output, String... options) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CommandLine cli = new CommandLine(new Main());
    JournalCommand.Verify[] verify = new JournalCommand.Verify[1];
    int code = cli.setExecutionStrategy(parse -> {
      CommandLine leaf = parse.subcommand().subcommand().commandSpec().commandLine();
      JournalCommand.Verify v = leaf.getCommand();
      v.out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
      v.progress = false;
      verify[0] = v;
      return new CommandLine.RunLast().execute(parse);
    }).execute(java.util.stream.Stream.concat(java.util.stream.Stream.of("journal", "verify", "--data-dir", dataDir.toString()),
        java.util.Arrays.stream(options)).toArray(String[]::new));
    output.append(bytes.toString(StandardCharsets.UTF_8));
    return code;
  }

  @Test
  void verify_findsTamperedEventsAndUnusableKeys_andPassesACleanJournal() throws Exception {
    String keyed, plain;
    String keyId;
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn(); KmsClient kms = server.kms()) {
      keyId = kms.createKey(b -> b.description("k")).keyMetadata().keyId();
      String m1 = sfn.createStateMachine(b -> b.name("keyed").roleArn("arn:aws:iam::123456789012:role/r").definition(DEFINITION)
          .encryptionConfiguration(e -> e.type("CUSTOMER_MANAGED_KMS_KEY").kmsKeyId(keyId))).stateMachineArn();
      String m2 = sfn.createStateMachine(b -> b.name("plain").roleArn("arn:aws:iam::123456789012:role/r").definition(DEFINITION))
          .stateMachineArn();
      keyed = sfn.startExecution(b -> b.stateMachineArn(m1).input("{\"a\":1}")).executionArn();
      plain = sfn.startExecution(b -> b.stateMachineArn(m2).input("{\"b\":2}")).executionArn();
      awaitEnd(sfn, keyed);
      awaitEnd(sfn, plain);
    }
    StringBuilder clean = new StringBuilder();
    assertThat(verify(dir, clean)).as(clean.toString()).isZero();
    assertThat(clean.toString()).contains("no problems").containsPattern("[1-9]\\d* entities, [1-9]\\d* events");
    StringBuilder deep = new StringBuilder();
    assertThat(verify(dir, deep, "--deep")).as(deep.toString()).isZero();
    assertThat(deep.toString().replaceAll(" in .*:", ":")).isEqualTo(clean.toString().replaceAll(" in .*:", ":"));

    JournalTool.flipCiphertextBit(dir, "Execution|" + plain, 1);
    StringBuilder flipped = new StringBuilder();
    assertThat(verify(dir, flipped)).isEqualTo(1);
    assertThat(flipped.toString()).contains("Execution|" + plain + " #1: unreadable: ciphertext failed authentication")
        .contains("1 problems");
    StringBuilder flippedDeep = new StringBuilder();
    assertThat(verify(dir, flippedDeep, "--deep")).isEqualTo(1);
    assertThat(flippedDeep.toString()).contains("Execution|" + plain + " #1: unreadable: ciphertext failed authentication");

    try (TestServer server = TestServer.start(dir); KmsClient kms = server.kms()) {
      kms.disableKey(b -> b.keyId(keyId));
    }
    StringBuilder disabled = new StringBuilder();
    assertThat(verify(dir, disabled)).isEqualTo(1);
    assertThat(disabled.toString()).contains("Execution|" + keyed + " #1: unreadable: data key")
        .contains("disabled");
  }

  /** A snapshot is checked too: recovery starts from it. */
  @Test
  void verify_findsATamperedSnapshot() throws Exception {
    String execution;
    try (TestServer server = TestServer.start(dir, java.util.Map.of("stepwise.engine.snapshot-every", 2, "stepwise.clock.mode", "virtual"));
        SfnClient sfn = server.sfn()) {
      String m = sfn.createStateMachine(b -> b.name("waits").roleArn("arn:aws:iam::123456789012:role/r").definition(
          "{\"StartAt\":\"W1\",\"States\":{\"W1\":{\"Type\":\"Wait\",\"Seconds\":5,\"Next\":\"W2\"},"
              + "\"W2\":{\"Type\":\"Wait\",\"Seconds\":5,\"Next\":\"W3\"},\"W3\":{\"Type\":\"Wait\",\"Seconds\":5,\"End\":true}}}"))
          .stateMachineArn();
      execution = sfn.startExecution(b -> b.stateMachineArn(m)).executionArn();
      awaitEnd(sfn, execution);
    }
    long seq = JournalTool.flipSnapshotCiphertextBit(dir, "Execution|" + execution);
    StringBuilder out = new StringBuilder();
    assertThat(verify(dir, out)).isEqualTo(1);
    assertThat(out.toString()).contains("Execution|" + execution + " #" + seq + ": snapshot unreadable: ciphertext failed authentication");
    // history export names it (on stderr) and goes on rather than failing with a stack trace; its
    // exit status says that not everything was exported
    StringBuilder out2 = new StringBuilder();
    assertThat(HistoryExportTest.exportCode(dir, out2, "--all", execution.replace(":execution:", ":stateMachine:").replaceAll(":[^:]+$", "")))
        .isEqualTo(1);
    assertThat(HistoryExportTest.JSON.readTree(out2.toString()).get("executions")).isEmpty();
  }
}
