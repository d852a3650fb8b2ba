package io.stepwise.api.http;

import static io.stepwise.api.http.HttpEdgeTest.assertAwsError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * SigV4 without gaps, over HTTP with the AWS SDK's signer: what a request carries but did not
 * sign (the action, any x-amz-* header) is refused, the body must be the one
 * hashed, and session tokens are checked against temporary credentials.
 */
class SigV4StrictnessTest {
  static ToyServer server;
  static SignedHttp http;
  static final byte[] BODY = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
  static final AwsCredentialsIdentity LONG_TERM = AwsCredentialsIdentity.create("test", "test");
  static final AwsCredentialsIdentity TEMPORARY =
      AwsSessionCredentialsIdentity.create("ASIATEMP", "temp-secret", "FwoGZXIvYXdzEXAMPLEtoken//+=");

  @BeforeAll
  static void start() throws Exception {
    server = ToyServer.start("sigv4-strict", new SigV4Verifier(CredentialStore.of(
        new Credential("test", "test", "123456789012"),
        new Credential("ASIATEMP", "temp-secret", "123456789012", "FwoGZXIvYXdzEXAMPLEtoken//+=")),
        Clock.systemUTC()));
    http = new SignedHttp(server.port);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  static HttpResponse<String> echo(AwsCredentialsIdentity identity,
      java.util.function.Consumer<software.amazon.awssdk.http.SdkHttpRequest.Builder> before,
      java.util.function.Consumer<java.net.http.HttpRequest.Builder> after) throws Exception {
    return http.post("AWSStepFunctions.Echo", BODY, identity, Clock.systemUTC(), before, after);
  }

  @Test
  void aSignedRequest_isAccepted() throws Exception {
    assertThat(echo(LONG_TERM, b -> {}, b -> {}).statusCode()).isEqualTo(200);
  }

  @Test
  void anActionAddedAfterSigning_isRefused() throws Exception {
    HttpResponse<String> r = http.post(null, BODY, LONG_TERM, Clock.systemUTC(), b -> {},
        b -> b.header("X-Amz-Target", "AWSStepFunctions.Echo"));
    assertAwsError(r, 400, "IncompleteSignatureException");
    assertThat(r.body()).containsIgnoringCase("x-amz-target");
  }

  @Test
  void aCapturedRequestReplayedAsAnotherAction_isRefused() throws Exception {
    HttpResponse<String> r = echo(LONG_TERM, b -> {}, b -> b.setHeader("X-Amz-Target", "AWSStepFunctions.DescribeStateMachine"));
    assertAwsError(r, 400, "InvalidSignatureException");
  }

  /** The AWS SDK for JavaScript v2 and for PHP leave Content-Type out of the signature; AWS accepts that. */
  @Test
  void aContentTypeNotSigned_isAccepted_asAwsAcceptsIt() throws Exception {
    HttpResponse<String> r = echo(LONG_TERM, b -> b.removeHeader("Content-Type"),
        b -> b.header("Content-Type", "application/x-amz-json-1.0"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  @Test
  void anyUnsignedAmzHeader_isRefused() throws Exception {
    HttpResponse<String> r = echo(LONG_TERM, b -> {}, b -> b.header("X-Amz-Meta-Extra", "1"));
    assertAwsError(r, 400, "IncompleteSignatureException");
    assertThat(r.body()).containsIgnoringCase("x-amz-meta-extra");
  }

  @Test
  void temporaryCredentials_needTheirSessionToken() throws Exception {
    assertThat(echo(TEMPORARY, b -> {}, b -> {}).statusCode()).isEqualTo(200);
    // the token of temporary credentials is part of what was signed; without it, refused
    HttpResponse<String> noToken = echo(AwsCredentialsIdentity.create("ASIATEMP", "temp-secret"), b -> {}, b -> {});
    assertAwsError(noToken, 400, "UnrecognizedClientException");
    HttpResponse<String> wrongToken = echo(
        AwsSessionCredentialsIdentity.create("ASIATEMP", "temp-secret", "another-token"), b -> {}, b -> {});
    assertAwsError(wrongToken, 400, "UnrecognizedClientException");
  }

  @Test
  void aSessionTokenWithLongTermCredentials_isRefused() throws Exception {
    HttpResponse<String> r = echo(AwsSessionCredentialsIdentity.create("test", "test", "made-up"), b -> {}, b -> {});
    assertAwsError(r, 400, "UnrecognizedClientException");
  }
}
