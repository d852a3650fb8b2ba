package io.stepwise.server;

import static io.stepwise.server.Definitions.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.SfnException;

/** Every malformed request gets AWS's error with HTTP 400 and changes nothing. */
class BadInputTest {
  @TempDir static Path dataDir;
  static TestServer server;
  static RawClient raw;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(dataDir);
    raw = new RawClient(server.endpoint());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @AfterEach
  void nothingWasCreated() throws Exception {
    RawClient.Response list = raw.signed("AWSStepFunctions.ListStateMachines", "{}");
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.body().path("stateMachines")).isEmpty();
  }

  private static String createBody(String name, String definition, String roleArn) {
    return "{\"name\": " + name + ", \"definition\": " + definition + ", \"roleArn\": " + roleArn + "}";
  }

  private static void assertError(RawClient.Response r, String type) {
    assertThat(r.status()).as(r.body().toString()).isEqualTo(400);
    assertThat(r.type()).as(r.body().toString()).endsWith(type);
    assertThat(r.body().path("message").asText()).isNotBlank();
  }

  @Test
  void malformedJson_isASerializationException() throws Exception {
    assertError(raw.signed("AWSStepFunctions.CreateStateMachine", "{\"name\": "), "SerializationException");
    assertError(raw.signed("AWSStepFunctions.CreateStateMachine", "[1,2]"), "SerializationException");
  }

  /** A lone surrogate (valid JSON syntax, not Unicode) is refused at once, not after a timeout. */
  @Test
  void invalidUnicode_isRefusedAtOnce() throws Exception {
    long began = System.nanoTime();
    RawClient.Response r = raw.signed("AWSStepFunctions.CreateActivity", "{\"name\": \"bad\\ud800name\"}");
    assertError(r, "ValidationException");
    assertThat(r.body().path("message").asText()).contains("'name'");
    RawClient.Response tag = raw.signed("AWSStepFunctions.CreateActivity",
        "{\"name\": \"fine\", \"tags\": [{\"key\": \"k\", \"value\": \"\\udc00\"}]}");
    assertError(tag, "ValidationException");
    assertThat(tag.body().path("message").asText()).contains("'tags.1.member.value'");
    assertThat(System.nanoTime() - began).as("answered at once").isLessThan(5_000_000_000L);
    // A pair is one character, and fine.
    RawClient.Response pair = raw.signed("AWSStepFunctions.ListStateMachines", "{\"nextToken\": \"\\ud83d\\ude00\"}");
    assertThat(pair.type()).isNotEqualTo("ValidationException");
  }

  @Test
  void unknownTarget_isAnUnknownOperation() throws Exception {
    assertError(raw.signed("AWSStepFunctions.LaunchRocket", "{}"), "UnknownOperationException");
    assertError(raw.signed("SomethingElse.CreateStateMachine", "{}"), "UnknownOperationException");
  }

  @Test
  void missingOrMistypedFields_areRejected() throws Exception {
    assertError(raw.signed("AWSStepFunctions.CreateStateMachine",
        "{\"definition\": \"{}\", \"roleArn\": \"" + ROLE + "\"}"), "ValidationException");
    assertError(raw.signed("AWSStepFunctions.CreateStateMachine",
        createBody("123", "\"" + PASS.replace("\"", "\\\"").strip() + "\"", "\"" + ROLE + "\"")), "SerializationException");
    assertError(raw.signed("AWSStepFunctions.CreateStateMachine",
        "{\"name\": \"typed\", \"definition\": \"{}\", \"roleArn\": \"" + ROLE + "\", \"type\": \"FAST\"}"), "ValidationException");
    assertError(raw.signed("AWSStepFunctions.ListStateMachines", "{\"maxResults\": 5000}"), "ValidationException");
    assertError(raw.signed("AWSStepFunctions.ListStateMachines", "{\"nextToken\": \"%%%garbage\"}"), "InvalidToken");
    assertError(raw.signed("AWSStepFunctions.DescribeExecution", "{\"executionArn\": \"arn:aws:states:us-east-1:123456789012:stateMachine:x\"}"), "InvalidArn");
  }

  @Test
  void invalidDefinitions_areInvalidDefinition() throws Exception {
    for (String def : new String[] {"{}", "{\"StartAt\": \"A\"}", "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Bogus\", \"End\": true}}}",
        "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"Missing\"}}}", "nonsense"}) {
      RawClient.Response r = raw.signed("AWSStepFunctions.CreateStateMachine",
          createBody("\"bad-def\"", new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(def), "\"" + ROLE + "\""));
      assertError(r, "InvalidDefinition");
      assertThat(r.body().path("message").asText()).startsWith("Invalid State Machine Definition");
    }
  }

  @Test
  void unsignedAndWronglySignedRequests_areRefused() throws Exception {
    RawClient.Response unsigned = raw.unsigned("AWSStepFunctions.CreateStateMachine",
        createBody("\"unsigned\"", "\"{}\"", "\"" + ROLE + "\""));
    assertThat(unsigned.status()).isBetween(400, 403);
    assertThat(unsigned.type()).contains("MissingAuthenticationToken");
    try (SfnClient wrong = server.sfn("test", "not-the-secret"); SfnClient stranger = server.sfn("stranger", "x")) {
      assertThatThrownBy(() -> wrong.createStateMachine(b -> b.name("wrong").definition(PASS).roleArn(ROLE)))
          .isInstanceOfSatisfying(SfnException.class,
              e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException"));
      assertThatThrownBy(() -> stranger.listStateMachines())
          .isInstanceOfSatisfying(SfnException.class,
              e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException"));
    }
  }

  @Test
  void health_answersWithoutAuthentication() throws Exception {
    assertThat(raw.get("/health")).isEqualTo(200);
  }
}
