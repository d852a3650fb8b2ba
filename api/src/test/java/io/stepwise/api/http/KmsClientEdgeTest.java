package io.stepwise.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.NotFoundException;

/** The AWS SDK's KmsClient (AWS JSON 1.1, TrentService) against the same edge and port. */
class KmsClientEdgeTest {
  static ToyServer server;
  static KmsClient kms;

  @BeforeAll
  static void start() throws Exception {
    server = ToyServer.start("kms-client-edge-test");
    kms = KmsClient.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + server.port))
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .region(Region.EU_CENTRAL_1)
        .httpClientBuilder(ApacheHttpClient.builder())
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  @AfterAll
  static void stop() throws Exception {
    kms.close();
    server.close();
  }

  @Test
  void describeKey_signedAndParsedAsJson11() {
    KeyMetadata key = kms.describeKey(r -> r.keyId("k1")).keyMetadata();
    assertThat(key.arn()).isEqualTo("arn:aws:kms:eu-central-1:123456789012:key/k1");
    assertThat(key.keyState()).isEqualTo(KeyState.ENABLED);
    assertThat(key.creationDate()).isEqualTo(Instant.ofEpochSecond(1700000000, 500_000_000));
  }

  @Test
  void kmsErrors_mappedToKmsExceptionClasses() {
    assertThatThrownBy(() -> kms.describeKey(r -> r.keyId("missing")))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("key/missing' does not exist");
    assertThatThrownBy(() -> kms.describeKey(r -> r.keyId("pending")))
        .isInstanceOf(KmsInvalidStateException.class);
  }
}
