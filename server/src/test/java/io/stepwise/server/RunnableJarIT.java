package io.stepwise.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * The jar users run ({@code ./stepwise} runs exactly this file) starts, serves the SDK, and stops:
 * the shaded jar merges every module's configuration, which unit tests on the plain classpath never see.
 */
class RunnableJarIT {
  private static final Pattern SERVING = Pattern.compile("serving on http://([^:]+):(\\d+)");

  @Test
  void runnableJar_servesTheSdk(@TempDir Path dataDir) throws Exception {
    withServer(dataDir, null, sfn -> {
      String machine = sfn.createStateMachine(b -> b.name("from-jar").roleArn(Definitions.ROLE)
          .definition(Definitions.PASS)).stateMachineArn();
      String exec = sfn.startExecution(b -> b.stateMachineArn(machine).input("{}")).executionArn();
      assertThat(ExecutionApiTest.awaitEnd(sfn, exec).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    });
    assertThat(Files.list(dataDir).count()).isPositive();
    // an offline tool on what it wrote: its answer on stdout, and nothing on stderr (no logging
    // set-up warnings either)
    Path jar = Path.of("target", "stepwise-all.jar");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process verify = new ProcessBuilder(java, "-jar", jar.toString(), "journal", "verify", "--data-dir", dataDir.toString())
        .start();
    String out = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(verify.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(verify.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(verify.exitValue()).as(out + err).isZero();
    assertThat(out).contains("no problems");
    assertThat(err).isEmpty();
  }

  /** The SFN_MOCK_CONFIG environment variable names the mock configuration, as for Step Functions Local. */
  @Test
  void sfnMockConfig_namesTheMockConfiguration(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("MockConfigFile.json"), """
        {"StateMachines": {"mocked": {"TestCases": {"HappyPath": {"Call": "Hello"}}}},
         "MockedResponses": {"Hello": {"0": {"Return": {"Payload": "hello"}}}}}
        """);
    withServer(dir.resolve("data"), config, sfn -> {
      String machine = sfn.createStateMachine(b -> b.name("mocked").roleArn(Definitions.ROLE).definition("""
          {"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "OutputPath": "$.Payload", "End": true}}}
          """)).stateMachineArn();
      String exec = sfn.startExecution(b -> b.stateMachineArn(machine + "#HappyPath")).executionArn();
      assertThat(ExecutionApiTest.awaitEnd(sfn, exec).output()).isEqualTo("\"hello\"");
    });
  }

  private interface WithClient {
    void accept(SfnClient sfn) throws Exception;
  }

  private static void withServer(Path dataDir, Path mockConfig, WithClient then) throws Exception {
    Path jar = Path.of("target", "stepwise-all.jar");
    assertThat(jar).exists();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-jar", jar.toString(), "serve", "--port", "0",
        "--data-dir", dataDir.toString())
        .redirectErrorStream(true);
    pb.environment().remove("SFN_MOCK_CONFIG");
    if (mockConfig != null) pb.environment().put("SFN_MOCK_CONFIG", mockConfig.toString());
    Process process = pb.start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      int port = -1;
      StringBuilder seen = new StringBuilder();
      for (String line; port < 0 && (line = out.readLine()) != null; ) {
        seen.append(line).append('\n');
        Matcher m = SERVING.matcher(line);
        if (m.find()) port = Integer.parseInt(m.group(2));
      }
      assertThat(port).as("server output:\n%s", seen).isPositive();
      try (SfnClient sfn = SfnClient.builder()
          .endpointOverride(URI.create("http://127.0.0.1:" + port))
          .region(Region.US_EAST_1)
          .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
          .httpClient(ApacheHttpClient.create())
          .build()) {
        then.accept(sfn);
      }
    } finally {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly();
    }
  }
}
