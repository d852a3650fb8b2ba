package io.stepwise.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stepwise.api.http.Credential;
import io.stepwise.api.http.CredentialStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Credentials from the command line, a file and the environment; the warning for test/test on an open address. */
class ServeOptionsTest {
  @TempDir Path dir;

  static CredentialStore credentials(ServeOptions o) {
    return CredentialStore.fromConfig(o.toConfig(), "stepwise.api.credentials", "123456789012");
  }

  static ServeOptions parse(Map<String, String> env, String... args) {
    ServeOptions o = new ServeOptions();
    new CommandLine(o).parseArgs(args);
    o.env = env::get;
    return o;
  }

  @Test
  void secrets_comeFromAFileOrTheEnvironment_notOnlyFromArguments() throws Exception {
    Path file = dir.resolve("creds");
    Files.writeString(file, """
        # production keys
        AKIAFILE:file-secret:111111111111

        ASIATEMP:temp-secret:222222222222:session-token==
        """);
    CredentialStore store = credentials(parse(Map.of("STEPWISE_CREDENTIALS", "AKIAENV:env-secret, other:x:333333333333"),
        "--credentials-file", file.toString(), "--credentials", "cli:cli-secret"));
    assertThat(store.find("AKIAFILE")).hasValue(new Credential("AKIAFILE", "file-secret", "111111111111"));
    assertThat(store.find("ASIATEMP")).hasValue(new Credential("ASIATEMP", "temp-secret", "222222222222", "session-token=="));
    assertThat(store.find("AKIAENV")).hasValue(new Credential("AKIAENV", "env-secret", "123456789012"));
    assertThat(store.find("other").map(Credential::accountId)).hasValue("333333333333");
    assertThat(store.find("cli")).isPresent();
    assertThat(store.find("test")).isEmpty(); // the defaults are replaced
    assertThat(credentials(parse(Map.of())).find("test")).isPresent();
    assertThatThrownBy(() -> parse(Map.of(), "--credentials-file", dir.resolve("missing").toString()).toConfig())
        .hasMessageContaining("cannot be read");
    assertThatThrownBy(() -> parse(Map.of("STEPWISE_CREDENTIALS", "justakey")).toConfig())
        .hasMessageContaining("KEY:SECRET");
  }

  @Test
  void defaultCredentials_onAnAddressOthersCanReach_areWarnedAbout() {
    CredentialStore defaults = CredentialStore.defaults();
    assertThat(StepwiseServer.openWithDefaultCredentials("127.0.0.1", defaults)).isFalse();
    assertThat(StepwiseServer.openWithDefaultCredentials("localhost", defaults)).isFalse();
    assertThat(StepwiseServer.openWithDefaultCredentials("0.0.0.0", defaults)).isTrue();
    assertThat(StepwiseServer.openWithDefaultCredentials("0.0.0.0",
        CredentialStore.of(List.of(new Credential("AKIA", "s3cret", "1"))))).isFalse();
  }
}
