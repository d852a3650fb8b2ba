package io.stepwise.loadtests.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** Our signer against AWS's published signing-key vector and against the AWS SDK's own signer. */
class SigV4SignerTest {
  static final String BODY = "{\"stateMachineArn\":\"arn:aws:states:us-east-1:123456789012:stateMachine:m\","
      + "\"input\":\"{\\\"a\\\":1}\"}";

  @Test
  void signingKey_matchesAwsDocumentedExample() {
    SigV4Signer signer = new SigV4Signer("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        "us-east-1", "iam", "iam.amazonaws.com");
    assertThat(HexFormat.of().formatHex(signer.signingKey("20150830")))
        .isEqualTo("c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
  }

  @Test
  void authorization_equalsAwsSdkSigner_forTheCallsTheLoadMakes() {
    SigV4Signer signer = new SigV4Signer("test", "test", "us-east-1", "states", "127.0.0.1:8083");
    for (String instant : new String[] {"2026-11-25T23:59:59Z", "2026-11-26T00:00:00Z", "2026-11-26T08:30:01Z"}) {
      Instant at = Instant.parse(instant);
      SigV4Signer.Signature ours = signer.sign("AWSStepFunctions.StartSyncExecution",
          BODY.getBytes(StandardCharsets.UTF_8), at.getEpochSecond());
      assertThat(ours.authorization())
          .isEqualTo(sdkAuthorization(at, "http://127.0.0.1:8083/", "AWSStepFunctions.StartSyncExecution",
              ours.payloadHash(), BODY, AwsCredentialsIdentity.create("test", "test"), "us-east-1"));
      assertThat(ours.amzDate()).isEqualTo(instant.replace("-", "").replace(":", ""));
    }
  }

  @Test
  void authorization_equalsAwsSdkSigner_onDefaultPortAndOtherCredentials() {
    SigV4Signer signer = new SigV4Signer("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        "eu-west-3", "states", "sfn.local");
    Instant at = Instant.parse("2025-02-03T04:05:06Z");
    SigV4Signer.Signature ours = signer.sign("AWSStepFunctions.ListExecutions", new byte[0], at.getEpochSecond());
    assertThat(ours.authorization()).isEqualTo(
        sdkAuthorization(at, "http://sfn.local/", "AWSStepFunctions.ListExecutions", ours.payloadHash(), "",
        AwsCredentialsIdentity.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), "eu-west-3"));
  }

  @Test
  void repeatedCall_isTheSameBytesWithinOneSecond() {
    AwsJsonRequests requests = new AwsJsonRequests(
        new SigV4Signer("test", "test", "us-east-1", "states", "127.0.0.1:8083"), "AWSStepFunctions");
    byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
    assertThat(requests.encode("StartSyncExecution", body, 100)).isEqualTo(requests.encode("StartSyncExecution", body, 100));
    assertThat(requests.encode("StartSyncExecution", body, 100)).isNotEqualTo(requests.encode("StartSyncExecution", body, 101));
  }

  /** The Authorization header the AWS SDK for Java v2 writes for the same request. */
  private static String sdkAuthorization(Instant at, String uri, String target, String payloadHash, String body,
      AwsCredentialsIdentity credentials, String region) {
    SdkHttpRequest request = SdkHttpRequest.builder()
        .method(SdkHttpMethod.POST)
        .uri(URI.create(uri))
        .putHeader("Content-Type", SigV4Signer.CONTENT_TYPE)
        .putHeader("X-Amz-Target", target)
        .putHeader("X-Amz-Content-Sha256", payloadHash)
        .build();
    return AwsV4HttpSigner.create().sign(r -> r
            .request(request)
            .payload(ContentStreamProvider.fromUtf8String(body))
            .identity(credentials)
            .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "states")
            .putProperty(AwsV4HttpSigner.REGION_NAME, region)
            .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC)))
        .request().firstMatchingHeader("Authorization").orElseThrow();
  }
}
