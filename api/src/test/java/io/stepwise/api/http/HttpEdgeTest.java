package io.stepwise.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The edge over real HTTP: raw requests signed by the AWS SDK's signer against a live server. */
class HttpEdgeTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static ToyServer server;
  static SignedHttp http;

  @BeforeAll
  static void start() throws Exception {
    server = ToyServer.start("http-edge-test");
    http = new SignedHttp(server.port);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  static JsonNode json(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }

  static void assertAwsError(HttpResponse<String> response, int status, String code)
      throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(json(response).path("__type").asText()).isEqualTo(code);
    assertThat(json(response).path("message").asText()).isNotEmpty();
    assertThat(response.headers().firstValue("x-amzn-ErrorType")).hasValue(code);
    assertThat(response.headers().firstValue("x-amzn-RequestId")).isPresent();
  }

  @Test
  void health_upWithoutAuthentication() throws Exception {
    HttpResponse<String> response =
        http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + "/health"))
            .GET().build());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response)).isEqualTo(JSON.readTree("{\"status\":\"UP\"}"));
  }

  @Test
  void signedRequest_reachesOperationWithCallerFromScope() throws Exception {
    HttpResponse<String> response = http.post("AWSStepFunctions.Echo", "{\"a\":[1,2,{\"b\":null}]}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue("application/x-amz-json-1.0");
    assertThat(response.headers().firstValue("x-amzn-RequestId")).isPresent();
    JsonNode body = json(response);
    assertThat(body.get("request")).isEqualTo(JSON.readTree("{\"a\":[1,2,{\"b\":null}]}"));
    assertThat(body.get("accessKeyId").asText()).isEqualTo("test");
    assertThat(body.get("accountId").asText()).isEqualTo("123456789012");
    assertThat(body.get("region").asText()).isEqualTo("eu-west-3");
  }

  @Test
  void kmsTarget_answersInJson11() throws Exception {
    HttpResponse<String> response = http.post("TrentService.Echo", "{}");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue("application/x-amz-json-1.1");
    HttpResponse<String> error = http.post("TrentService.Nope", "{}");
    assertAwsError(error, 400, "UnknownOperationException");
    assertThat(error.headers().firstValue("Content-Type")).hasValue("application/x-amz-json-1.1");
  }

  @Test
  void emptyBody_treatedAsEmptyObject() throws Exception {
    HttpResponse<String> response = http.post("AWSStepFunctions.Echo", "");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).get("request")).isEqualTo(JSON.createObjectNode());
  }

  @Test
  void malformedJson_serializationException400() throws Exception {
    HttpResponse<String> response = http.post("AWSStepFunctions.Echo", "{\"a\":");
    assertAwsError(response, 400, "SerializationException");
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue("application/x-amz-json-1.0");
    assertAwsError(http.post("AWSStepFunctions.Echo", "{} {}"), 400, "SerializationException");
  }

  @Test
  void nonObjectBody_serializationException400() throws Exception {
    assertAwsError(http.post("AWSStepFunctions.Echo", "[1,2]"), 400, "SerializationException");
    assertAwsError(http.post("AWSStepFunctions.Echo", "\"x\""), 400, "SerializationException");
  }

  @Test
  void unknownOrMissingTarget_unknownOperation400() throws Exception {
    assertAwsError(http.post("AWSStepFunctions.NoSuchAction", "{}"), 400,
        "UnknownOperationException");
    assertAwsError(http.post("NoSuchService.Echo", "{}"), 400, "UnknownOperationException");
    assertAwsError(http.post("AWSStepFunctions", "{}"), 400, "UnknownOperationException");
    assertAwsError(http.post(null, "{}"), 400, "UnknownOperationException");
  }

  @Test
  void unsignedRequest_missingAuthenticationToken400() throws Exception {
    HttpResponse<String> response =
        http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + "/"))
            .header("Content-Type", "application/x-amz-json-1.0")
            .header("X-Amz-Target", "AWSStepFunctions.Echo")
            .POST(HttpRequest.BodyPublishers.ofString("{}"))
            .build());
    assertAwsError(response, 400, "MissingAuthenticationTokenException");
  }

  @Test
  void wrongSecret_invalidSignature400() throws Exception {
    HttpResponse<String> response = http.post("AWSStepFunctions.Echo",
        "{}".getBytes(StandardCharsets.UTF_8), "test", "not-the-secret", Clock.systemUTC());
    assertAwsError(response, 400, "InvalidSignatureException");
  }

  @Test
  void unknownAccessKey_unrecognizedClient400() throws Exception {
    HttpResponse<String> response = http.post("AWSStepFunctions.Echo",
        "{}".getBytes(StandardCharsets.UTF_8), "AKIDUNKNOWN", "test", Clock.systemUTC());
    assertAwsError(response, 400, "UnrecognizedClientException");
    assertThat(json(response).get("message").asText())
        .isEqualTo("The security token included in the request is invalid.");
  }

  @Test
  void unexpectedException_internalFailure500WithoutDetails() throws Exception {
    for (String action : new String[] {"Boom", "BoomAsync"}) {
      HttpResponse<String> response = http.post("AWSStepFunctions." + action, "{}");
      assertAwsError(response, 500, "InternalFailure");
      assertThat(response.body()).doesNotContain("secret internal detail");
    }
  }

  @Test
  void stageFailingWithWrappedAwsError_unwrapped() throws Exception {
    HttpResponse<String> response =
        http.post("AWSStepFunctions.DescribeStateMachine", "{\"stateMachineArn\":\"nope\"}");
    assertAwsError(response, 400, "InvalidArn");
    assertThat(json(response).get("message").asText()).isEqualTo("Invalid Arn: 'nope'");
  }

  @Test
  void extraErrorFields_writtenBesideTypeAndMessage() throws Exception {
    HttpResponse<String> response = http.post("AWSStepFunctions.DescribeStateMachine",
        "{\"stateMachineArn\":\"arn:aws:states:us-east-1:123456789012:stateMachine:disabledkey\"}");
    assertAwsError(response, 400, "KmsInvalidStateException");
    assertThat(json(response).get("kmsKeyState").asText()).isEqualTo("DISABLED");
  }

  @Test
  void bodyLargerThanLimit_413InAwsShape() throws Exception {
    byte[] body = new byte[9 * 1024 * 1024];
    Arrays.fill(body, (byte) ' ');
    HttpResponse<String> response = http.post("AWSStepFunctions.Echo", body, "test", "test",
        Clock.systemUTC());
    assertAwsError(response, 413, "RequestEntityTooLargeException");
  }

  @Test
  void chunkedBodyLargerThanLimit_413InAwsShape() throws Exception {
    byte[] body = new byte[9 * 1024 * 1024];
    Arrays.fill(body, (byte) ' ');
    HttpResponse<String> response =
        http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + "/"))
            .header("X-Amz-Target", "AWSStepFunctions.Echo")
            .POST(HttpRequest.BodyPublishers.ofInputStream(
                () -> new java.io.ByteArrayInputStream(body)))
            .build());
    assertAwsError(response, 413, "RequestEntityTooLargeException");
  }

  @Test
  void bodyJustUnderLimit_reachesOperation() throws Exception {
    String big = "{\"s\":\"" + "x".repeat(7 * 1024 * 1024) + "\"}";
    HttpResponse<String> response = http.post("AWSStepFunctions.Echo", big);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).at("/request/s").asText()).hasSize(7 * 1024 * 1024);
  }

  @Test
  void unsignedRequestOnOtherPath_missingAuthenticationToken() throws Exception {
    HttpResponse<String> response =
        http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + "/x"))
            .GET().build());
    assertAwsError(response, 400, "MissingAuthenticationTokenException");
  }

  @Test
  void signatureSeventeenMinutesOld_signatureExpired() throws Exception {
    Clock past = Clock.fixed(Instant.now().minus(Duration.ofMinutes(17)), ZoneOffset.UTC);
    HttpResponse<String> response = http.post("AWSStepFunctions.Echo",
        "{}".getBytes(StandardCharsets.UTF_8), "test", "test", past);
    assertAwsError(response, 400, "InvalidSignatureException");
    assertThat(json(response).get("message").asText()).startsWith("Signature expired: ");
  }

  @Test
  void referenceConf_serverSettingsInEffect() {
    var config = server.system.settings().config();
    assertThat(config.getDuration("pekko.http.server.request-timeout"))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(70));
    assertThat(config.getDuration("pekko.http.server.idle-timeout"))
        .isGreaterThan(config.getDuration("pekko.http.server.request-timeout"));
    assertThat(config.getBytes("pekko.http.server.parsing.max-content-length"))
        .isEqualTo(8L * 1024 * 1024);
    assertThat(config.getStringList("pekko.http.server.parsing.ignore-illegal-header-for"))
        .contains("authorization", "user-agent");
    assertThat(CredentialStore.fromConfig(config, "stepwise.api.credentials").find("test"))
        .hasValue(new Credential("test", "test", "123456789012"));
  }

  @Test
  void longestRequestTimeout_idleTimeoutRaisedToOutlastIt() {
    Duration configured = Duration.ofMillis(
        HttpEdge.serverSettings(server.system).getTimeouts().idleTimeout().toMillis());
    assertThat(configured).isLessThan(Duration.ofSeconds(310));
    Duration raised = Duration.ofMillis(HttpEdge.serverSettings(server.system,
        Duration.ofSeconds(310)).getTimeouts().idleTimeout().toMillis());
    assertThat(raised).isGreaterThan(Duration.ofSeconds(310));
    Duration kept = Duration.ofMillis(HttpEdge.serverSettings(server.system,
        Duration.ofSeconds(1)).getTimeouts().idleTimeout().toMillis());
    assertThat(kept).isEqualTo(configured);
  }
}
