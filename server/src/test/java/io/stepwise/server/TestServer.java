package io.stepwise.server;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/** A real Stepwise server on a free port and its own data directory, and real AWS SDK clients for it. */
final class TestServer implements AutoCloseable {
  final Path dataDir;
  final StepwiseServer server;

  private TestServer(Path dataDir, StepwiseServer server) {
    this.dataDir = dataDir;
    this.server = server;
  }

  static Config config(Path dataDir, Map<String, Object> extra) {
    return ConfigFactory.parseMap(Map.of("stepwise.port", 0, "stepwise.data-dir", dataDir.toString()))
        .withFallback(ConfigFactory.parseMap(extra))
        .withFallback(ConfigFactory.load());
  }

  static TestServer start(Path dataDir) throws StepwiseServer.StartupException {
    return start(dataDir, Map.of());
  }

  static TestServer start(Path dataDir, Map<String, Object> extra) throws StepwiseServer.StartupException {
    return new TestServer(dataDir, StepwiseServer.start(config(dataDir, extra)));
  }

  /** With a clock the test moves, and a second access key {@code reader}/{@code reader} in the same account. */
  static TestServer start(Path dataDir, Clock clock) throws StepwiseServer.StartupException {
    return start(dataDir, clock, Map.of());
  }

  static TestServer start(Path dataDir, Clock clock, Map<String, Object> extra) throws StepwiseServer.StartupException {
    Config config = ConfigFactory.parseString("""
        stepwise.api.credentials = [
          { access-key-id = "test", secret-access-key = "test" },
          { access-key-id = "reader", secret-access-key = "reader" }
        ]""").withFallback(config(dataDir, extra));
    return new TestServer(dataDir, StepwiseServer.start(config, clock));
  }

  KmsClient kms() {
    return kms("test", "test");
  }

  KmsClient kms(String accessKey, String secret) {
    return KmsClient.builder()
        .endpointOverride(endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secret)))
        .httpClient(ApacheHttpClient.create())
        .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1)))
        .build();
  }

  io.stepwise.persistence.StepwiseStorage storage() {
    return server.storage();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  SfnClient sfn() {
    return sfn("test", "test");
  }

  /** Host-prefix injection off, as the README tells users, so StartSyncExecution reaches 127.0.0.1. */
  SfnClient sfn(String accessKey, String secret) {
    return SfnClient.builder()
        .endpointOverride(endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secret)))
        .httpClient(ApacheHttpClient.create())
        .overrideConfiguration(c -> c
            .putAdvancedOption(SdkAdvancedClientOption.DISABLE_HOST_PREFIX_INJECTION, true)
            .retryStrategy(r -> r.maxAttempts(1)))
        .build();
  }

  @Override
  public void close() {
    server.stop();
  }
}
