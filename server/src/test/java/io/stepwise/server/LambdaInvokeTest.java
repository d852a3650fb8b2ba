package io.stepwise.server;

import static io.stepwise.server.ExecutionApiTest.awaitEnd;
import static io.stepwise.server.ExecutionApiTest.history;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * Lambda tasks forwarded to a Lambda-Invoke-API-compatible endpoint the test starts (as
 * {@code sam local start-lambda} serves one), through the real SDK.
 */
class LambdaInvokeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  private HttpServer lambda;
  private final ConcurrentLinkedQueue<String> authorizations = new ConcurrentLinkedQueue<>();
  private volatile SfnClient callbacks;

  @BeforeEach
  void startLambda() throws IOException {
    lambda = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    lambda.setExecutor(Executors.newCachedThreadPool());
    lambda.createContext("/2015-03-31/functions/", this::invoke);
    lambda.start();
  }

  @AfterEach
  void stopLambda() {
    lambda.stop(0);
  }

  private void invoke(HttpExchange ex) throws IOException {
    authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
    String path = ex.getRequestURI().getRawPath();
    String function = java.net.URLDecoder.decode(path.substring("/2015-03-31/functions/".length(),
        path.length() - "/invocations".length()), StandardCharsets.UTF_8);
    JsonNode payload = JSON.readTree(ex.getRequestBody().readAllBytes());
    String name = function.contains(":function:") ? function.substring(function.indexOf(":function:") + 10) : function;
    switch (name) {
      case "echo" -> reply(ex, 200, Map.of("X-Amz-Executed-Version", "$LATEST"),
          JSON.writeValueAsString(JSON.createObjectNode().set("got", payload)));
      case "broken" -> reply(ex, 200, Map.of("X-Amz-Function-Error", "Unhandled"),
          "{\"errorType\":\"ValueError\",\"errorMessage\":\"bad input\"}");
      case "callback" -> {
        String token = payload.get("token").asText();
        reply(ex, 202, Map.of(), "");
        new Thread(() -> callbacks.sendTaskSuccess(b -> b.taskToken(token).output("{\"called\":\"back\"}"))).start();
      }
      default -> reply(ex, 404, Map.of("x-amzn-ErrorType", "ResourceNotFoundException:http://internal.amazon.com/"),
          "{\"Type\":\"User\",\"Message\":\"Function not found: " + function + "\"}");
    }
  }

  private static void reply(HttpExchange ex, int status, Map<String, String> headers, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.getResponseHeaders().add("x-amzn-RequestId", "req-1");
    ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
    if (b.length > 0) ex.getResponseBody().write(b);
    ex.close();
  }

  private static String create(SfnClient sfn, String name, String state) {
    return sfn.createStateMachine(b -> b.name(name).roleArn(Definitions.ROLE).definition(
        "{\"StartAt\": \"L\", \"States\": {\"L\": " + state
            + (state.contains("Caught") ? ", \"Caught\": {\"Type\": \"Pass\", \"End\": true}" : "") + "}}"))
        .stateMachineArn();
  }

  private static DescribeExecutionResponse run(SfnClient sfn, String machine, String input) throws Exception {
    return awaitEnd(sfn, sfn.startExecution(b -> b.stateMachineArn(machine).input(input)).executionArn());
  }

  @Test
  void invocations_areForwardedSigned_andAnsweredInAwsShapes() throws Exception {
    try (TestServer server = TestServer.start(dir, Map.of("stepwise.engine.endpoints.lambda",
        "http://127.0.0.1:" + lambda.getAddress().getPort())); SfnClient sfn = server.sfn()) {
      callbacks = sfn;
      String optimized = create(sfn, "optimized", """
          {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
           "Parameters": {"FunctionName": "echo", "Payload.$": "$"}, "End": true}""");
      DescribeExecutionResponse d = run(sfn, optimized, "{\"n\": 1}");
      JsonNode out = JSON.readTree(d.output());
      assertThat(out.get("Payload")).isEqualTo(JSON.readTree("{\"got\":{\"n\":1}}"));
      assertThat(out.get("StatusCode").asInt()).isEqualTo(200);
      assertThat(out.get("ExecutedVersion").asText()).isEqualTo("$LATEST");
      assertThat(out.get("SdkResponseMetadata").get("RequestId").asText()).isEqualTo("req-1");
      assertThat(authorizations.peek()).startsWith("AWS4-HMAC-SHA256 Credential=test/")
          .contains("/us-east-1/lambda/aws4_request", "SignedHeaders=", "Signature=");

      // a function ARN as the resource: the function's result itself, in LambdaFunction* events
      String arn = create(sfn, "by-arn", """
          {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:echo", "End": true}""");
      DescribeExecutionResponse byArn = run(sfn, arn, "{\"n\": 2}");
      assertThat(byArn.output()).isEqualTo("{\"got\":{\"n\":2}}");
      assertThat(history(sfn, byArn.executionArn()).stream().map(HistoryEvent::typeAsString))
          .containsSubsequence("LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionSucceeded");

      // a function error: its errorType, which Catch sees
      String broken = create(sfn, "broken", """
          {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "broken"},
           "Catch": [{"ErrorEquals": ["ValueError"], "Next": "Caught"}], "End": true}""");
      JsonNode caught = JSON.readTree(run(sfn, broken, "{}").output());
      assertThat(caught.get("Error").asText()).isEqualTo("ValueError");
      assertThat(JSON.readTree(caught.get("Cause").asText()).get("errorMessage").asText()).isEqualTo("bad input");

      // an error of the Lambda service
      String missing = create(sfn, "missing", """
          {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "nope"},
           "End": true}""");
      DescribeExecutionResponse m = run(sfn, missing, "{}");
      assertThat(m.error()).isEqualTo("Lambda.ResourceNotFoundException");
      assertThat(m.cause()).contains("Function not found: nope", "Status Code: 404");

      // .waitForTaskToken: invoked, then the function's SendTaskSuccess answers
      String callback = create(sfn, "callback", """
          {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
           "Parameters": {"FunctionName": "callback", "InvocationType": "Event", "Payload": {"token.$": "$$.Task.Token"}},
           "End": true}""");
      DescribeExecutionResponse cb = run(sfn, callback, "{}");
      assertThat(cb.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(cb.output()).isEqualTo("{\"called\":\"back\"}");

      // a name Lambda's Invoke does not take (the token beside the Payload): the task fails when it
      // runs, in AWS's words, and nothing is sent; LogType is Invoke's and taken
      int sent = authorizations.size();
      String sibling = create(sfn, "sibling", """
          {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
           "Parameters": {"FunctionName": "callback", "Payload": {"a": 1}, "TaskToken.$": "$$.Task.Token"}, "End": true}""");
      DescribeExecutionResponse bad = run(sfn, sibling, "{}");
      assertThat(bad.error()).isEqualTo("States.Runtime");
      assertThat(bad.cause()).endsWith("The field \"TaskToken\" is not supported by Step Functions");
      assertThat(authorizations).hasSize(sent);
      String logType = create(sfn, "log-type", """
          {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
           "Parameters": {"FunctionName": "echo", "LogType": "None", "Payload": {"n": 3}}, "End": true}""");
      assertThat(JSON.readTree(run(sfn, logType, "{}").output()).get("Payload")).isEqualTo(JSON.readTree("{\"got\":{\"n\":3}}"));
    }
  }

  @Test
  void withoutAnEndpoint_aLambdaTaskFails_namingTheConfigurationKey() throws Exception {
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      String optimized = create(sfn, "nowhere", """
          {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "echo"},
           "End": true}""");
      DescribeExecutionResponse d = run(sfn, optimized, "{}");
      assertThat(d.error()).isEqualTo("States.Runtime");
      assertThat(d.cause()).contains("stepwise.engine.endpoints.lambda", "LAMBDA_ENDPOINT");
      assertThat(authorizations).isEmpty();
    }
  }
}
