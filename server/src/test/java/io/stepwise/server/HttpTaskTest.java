package io.stepwise.server;

import static io.stepwise.server.ExecutionApiTest.awaitEnd;
import static io.stepwise.server.ExecutionApiTest.history;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.StartSyncExecutionResponse;
import software.amazon.awssdk.services.sfn.model.SyncExecutionStatus;

/** The HTTP Task against a real local HTTP server the test starts, through the real SDK. */
class HttpTaskTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONNECTION = "arn:aws:events:us-east-1:123456789012:connection/local-api/1b2c3d4e";

  @TempDir Path dir;
  private HttpServer http;
  private String base;
  /** Every request the endpoint saw: method, path with query, headers (lower-case), body. */
  private final ConcurrentLinkedQueue<ObjectNode> seen = new ConcurrentLinkedQueue<>();
  private final AtomicInteger flaky = new AtomicInteger();
  private volatile CountDownLatch hold = new CountDownLatch(0);

  @BeforeEach
  void startEndpoint() throws IOException {
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.setExecutor(Executors.newCachedThreadPool());
    http.createContext("/echo", ex -> reply(ex, 200, "application/json", JSON.writeValueAsString(record(ex))));
    http.createContext("/text", ex -> {
      record(ex);
      reply(ex, 201, "text/plain; charset=utf-8", "plain words");
    });
    http.createContext("/missing", ex -> {
      record(ex);
      reply(ex, 404, "application/json", "{\"message\":\"no such thing\"}");
    });
    http.createContext("/flaky", ex -> {
      record(ex);
      if (flaky.incrementAndGet() < 3) reply(ex, 503, "text/plain", "busy");
      else reply(ex, 200, "application/json", "{\"ok\":true}");
    });
    http.createContext("/held", ex -> {
      record(ex);
      try {
        hold.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      reply(ex, 200, "application/json", "{\"released\":true}");
    });
    http.start();
    base = "http://127.0.0.1:" + http.getAddress().getPort();
  }

  @AfterEach
  void stopEndpoint() {
    hold.countDown();
    http.stop(0);
  }

  private ObjectNode record(HttpExchange ex) throws IOException {
    ObjectNode r = JSON.createObjectNode();
    r.put("method", ex.getRequestMethod());
    r.put("uri", ex.getRequestURI().toString());
    ObjectNode h = r.putObject("headers");
    ex.getRequestHeaders().forEach((k, v) -> h.put(k.toLowerCase(), String.join(",", v)));
    r.put("body", new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    seen.add(r);
    return r;
  }

  private static void reply(HttpExchange ex, int status, String type, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", type);
    ex.getResponseHeaders().add("X-Trace", "t1");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  private TestServer start() throws Exception {
    return TestServer.start(dir.resolve("data"), Map.of("stepwise.engine.http-connections", List.of(
        Map.of("connection", "local-api", "headers", Map.of("Authorization", "Bearer from-connection"),
            "query-parameters", Map.of("api_key", "k1")))));
  }

  private static String task(String parameters, String extra) {
    return """
        {"StartAt": "Call", "States": {
          "Call": {"Type": "Task", "Resource": "arn:aws:states:::http:invoke", "Parameters": %s%s, "End": true}%s}}
        """.formatted(parameters, extra, extra.contains("Caught") ? ", \"Caught\": {\"Type\": \"Pass\", \"End\": true}" : "");
  }

  private static String create(SfnClient sfn, String name, String definition, String type) {
    return sfn.createStateMachine(b -> b.name(name).definition(definition).roleArn(Definitions.ROLE).type(type))
        .stateMachineArn();
  }

  private static DescribeExecutionResponse run(SfnClient sfn, String machine, String input) throws Exception {
    return awaitEnd(sfn, sfn.startExecution(b -> b.stateMachineArn(machine).input(input)).executionArn());
  }

  @Test
  void aCall_sendsMethodHeadersQueryAndJsonBody_withTheConnectionsCredentials_andAnswersAwsShape() throws Exception {
    try (TestServer server = start(); SfnClient sfn = server.sfn()) {
      String machine = create(sfn, "echo", task("""
          {"ApiEndpoint": "%s/echo", "Method": "POST", "Authentication": {"ConnectionArn": "%s"},
           "Headers": {"X-Custom": "c1"}, "QueryParameters": {"q": "a b", "n.$": "$.n"},
           "RequestBody": {"order.$": "$.order"}}
          """.formatted(base, CONNECTION), ""), "STANDARD");
      DescribeExecutionResponse done = run(sfn, machine, "{\"n\": 7, \"order\": {\"id\": 1}}");
      assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      JsonNode out = JSON.readTree(done.output());
      assertThat(out.get("StatusCode").asInt()).isEqualTo(200);
      assertThat(out.get("StatusText").asText()).isEqualTo("OK");
      assertThat(out.get("Headers").get("x-trace")).isEqualTo(JSON.readTree("[\"t1\"]"));
      JsonNode got = out.get("ResponseBody");
      assertThat(got.get("method").asText()).isEqualTo("POST");
      assertThat(got.get("uri").asText()).startsWith("/echo?").contains("q=a+b", "n=7", "api_key=k1");
      assertThat(got.get("headers").get("authorization").asText()).isEqualTo("Bearer from-connection");
      assertThat(got.get("headers").get("x-custom").asText()).isEqualTo("c1");
      assertThat(got.get("headers").get("content-type").asText()).isEqualTo("application/json; charset=UTF-8");
      assertThat(got.get("headers").get("user-agent").asText()).isEqualTo("Amazon|StepFunctions|HttpInvoke|us-east-1");
      assertThat(got.get("body").asText()).isEqualTo("{\"order\":{\"id\":1}}");

      List<HistoryEvent> events = history(sfn, done.executionArn());
      assertThat(events.stream().map(HistoryEvent::typeAsString)).containsSubsequence("TaskScheduled", "TaskStarted",
          "TaskSucceeded");
      HistoryEvent scheduled = events.stream().filter(e -> e.typeAsString().equals("TaskScheduled")).findFirst().orElseThrow();
      assertThat(scheduled.taskScheduledEventDetails().resourceType()).isEqualTo("http");
      assertThat(scheduled.taskScheduledEventDetails().resource()).isEqualTo("invoke");
    }
  }

  /** TestState calls the endpoint for real, as AWS's TestState does; its answer and errors are the Task's. */
  @Test
  void testState_callsTheEndpoint() throws Exception {
    try (TestServer server = start(); SfnClient sfn = server.sfn()) {
      String state = """
          {"Type": "Task", "Resource": "arn:aws:states:::http:invoke",
           "Parameters": {"ApiEndpoint": "%s/echo", "Method": "GET", "Authentication": {"ConnectionArn": "%s"},
             "QueryParameters": {"n.$": "$.n"}},
           "ResultSelector": {"status.$": "$.StatusCode", "uri.$": "$.ResponseBody.uri"}, "End": true}
          """.formatted(base, CONNECTION);
      var ok = sfn.testState(b -> b.definition(state).input("{\"n\": 5}").roleArn(Definitions.ROLE));
      assertThat(ok.statusAsString()).isEqualTo("SUCCEEDED");
      assertThat(JSON.readTree(ok.output()).get("status").asInt()).isEqualTo(200);
      assertThat(JSON.readTree(ok.output()).get("uri").asText()).contains("n=5", "api_key=k1");
      String missing = """
          {"Type": "Task", "Resource": "arn:aws:states:::http:invoke",
           "Parameters": {"ApiEndpoint": "%s/missing", "Method": "GET", "Authentication": {"ConnectionArn": "%s"}},
           "Catch": [{"ErrorEquals": ["States.Http.StatusCode.404"], "Next": "Gone"}], "End": true}
          """.formatted(base, CONNECTION);
      var caught = sfn.testState(b -> b.definition(missing).input("{}").roleArn(Definitions.ROLE));
      assertThat(caught.statusAsString()).isEqualTo("CAUGHT_ERROR");
      assertThat(caught.error()).isEqualTo("States.Http.StatusCode.404");
      assertThat(caught.nextState()).isEqualTo("Gone");
      // the task's TimeoutSeconds holds for a call TestState makes
      hold = new CountDownLatch(1);
      String slow = """
          {"Type": "Task", "Resource": "arn:aws:states:::http:invoke", "TimeoutSeconds": 1,
           "Parameters": {"ApiEndpoint": "%s/held", "Method": "GET", "Authentication": {"ConnectionArn": "%s"}}, "End": true}
          """.formatted(base, CONNECTION);
      long t0 = System.nanoTime();
      var timedOut = sfn.testState(b -> b.definition(slow).input("{}").roleArn(Definitions.ROLE));
      assertThat(timedOut.error()).isEqualTo("States.Timeout");
      assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(10_000);
      hold.countDown();
    }
  }

  /**
   * At TRACE, TestState shows the HTTP request as sent and the response as it came, every member a
   * string; what the connection adds (its header and query parameter) only with revealSecrets.
   */
  @Test
  void testStateAtTrace_showsTheRequestAndResponse_andTheConnectionsPartsOnlyWhenRevealed() throws Exception {
    try (TestServer server = start(); SfnClient sfn = server.sfn()) {
      String state = """
          {"Type": "Task", "Resource": "arn:aws:states:::http:invoke",
           "Parameters": {"ApiEndpoint": "%s/echo", "Method": "POST", "Authentication": {"ConnectionArn": "%s"},
             "Headers": {"X-Custom": "c1"}, "QueryParameters": {"q": "v"}, "RequestBody": {"a.$": "$.n"}},
           "End": true}
          """.formatted(base, CONNECTION);
      var hidden = sfn.testState(b -> b.definition(state).input("{\"n\": 5}").roleArn(Definitions.ROLE)
          .inspectionLevel("TRACE"));
      assertThat(hidden.statusAsString()).isEqualTo("SUCCEEDED");
      var request = hidden.inspectionData().request();
      assertThat(request.protocol()).isEqualTo("http");
      assertThat(request.method()).isEqualTo("POST");
      assertThat(request.url()).isEqualTo(base + "/echo?q=v");
      assertThat(request.headers()).startsWith("[").endsWith("]").contains("X-Custom: c1",
          "Content-Type: application/json; charset=UTF-8", "User-Agent: Amazon|StepFunctions|HttpInvoke|us-east-1")
          .doesNotContain("from-connection");
      assertThat(request.body()).isEqualTo("{\"a\":5}");
      var response = hidden.inspectionData().response();
      assertThat(response.protocol()).isEqualTo("http");
      assertThat(response.statusCode()).isEqualTo("200");
      assertThat(response.statusMessage()).isEqualTo("OK");
      assertThat(response.headers().toLowerCase()).contains("x-trace: t1", "content-type: application/json");
      // the response is shown whole: the endpoint saw the connection's parameters and echoes them
      assertThat(JSON.readTree(response.body()).get("uri").asText()).isEqualTo("/echo?q=v&api_key=k1");
      // the data flow of DEBUG is there too
      assertThat(hidden.inspectionData().afterParameters()).contains("\"RequestBody\":{\"a\":5}");

      var revealed = sfn.testState(b -> b.definition(state).input("{\"n\": 5}").roleArn(Definitions.ROLE)
          .inspectionLevel("TRACE").revealSecrets(true));
      assertThat(revealed.inspectionData().request().url()).isEqualTo(base + "/echo?q=v&api_key=k1");
      assertThat(revealed.inspectionData().request().headers()).contains("Authorization: Bearer from-connection",
          "X-Custom: c1");

      // below TRACE there is no request or response; with a mock no call is made, so none either
      var debug = sfn.testState(b -> b.definition(state).input("{\"n\": 5}").roleArn(Definitions.ROLE)
          .inspectionLevel("DEBUG"));
      assertThat(debug.inspectionData().request()).isNull();
      assertThat(debug.inspectionData().response()).isNull();
      int calls = seen.size();
      var mocked = sfn.testState(b -> b.definition(state).input("{\"n\": 5}").inspectionLevel("TRACE")
          .mock(m -> m.result("{\"StatusCode\": 200, \"ResponseBody\": {}}")));
      assertThat(mocked.statusAsString()).isEqualTo("SUCCEEDED");
      assertThat(mocked.inspectionData().request()).isNull();
      assertThat(seen).hasSize(calls);

      // an answer outside 2xx is shown as it came, with the error it gives
      String missing = """
          {"Type": "Task", "Resource": "arn:aws:states:::http:invoke",
           "Parameters": {"ApiEndpoint": "%s/missing", "Method": "GET", "Authentication": {"ConnectionArn": "%s"}},
           "End": true}
          """.formatted(base, CONNECTION);
      var failed = sfn.testState(b -> b.definition(missing).input("{}").roleArn(Definitions.ROLE).inspectionLevel("TRACE"));
      assertThat(failed.error()).isEqualTo("States.Http.StatusCode.404");
      assertThat(failed.inspectionData().request().method()).isEqualTo("GET");
      assertThat(failed.inspectionData().request().body()).isEmpty();
      assertThat(failed.inspectionData().response().statusCode()).isEqualTo("404");
      assertThat(failed.inspectionData().response().statusMessage()).isEqualTo("Not Found");
      assertThat(failed.inspectionData().response().body()).isEqualTo("{\"message\":\"no such thing\"}");
    }
  }

  @Test
  void urlEncodedBodies_formatArraysAsAsked_andTextResponsesStayText() throws Exception {
    try (TestServer server = start(); SfnClient sfn = server.sfn()) {
      for (String[] format : List.of(
          new String[] {"INDICES", "a%5B0%5D=x&a%5B1%5D=y&m%5Bk%5D=v"},
          new String[] {"REPEAT", "a=x&a=y&m%5Bk%5D=v"},
          new String[] {"COMMAS", "a=x%2Cy&m%5Bk%5D=v"},
          new String[] {"BRACKETS", "a%5B%5D=x&a%5B%5D=y&m%5Bk%5D=v"})) {
        seen.clear();
        String machine = create(sfn, "form-" + format[0].toLowerCase(), task("""
            {"ApiEndpoint": "%s/text", "Method": "PUT", "InvocationConfig": {"ConnectionArn": "%s"},
             "Headers": {"Content-Type": "application/x-www-form-urlencoded"},
             "RequestBody": {"a": ["x", "y"], "m": {"k": "v"}},
             "Transform": {"RequestBodyEncoding": "URL_ENCODED", "RequestEncodingOptions": {"ArrayFormat": "%s"}}}
            """.formatted(base, CONNECTION, format[0]), ""), "STANDARD");
        DescribeExecutionResponse done = run(sfn, machine, "{}");
        assertThat(JSON.readTree(done.output()).get("ResponseBody").asText()).isEqualTo("plain words");
        assertThat(JSON.readTree(done.output()).get("StatusText").asText()).isEqualTo("Created");
        assertThat(seen.peek().get("body").asText()).as(format[0]).isEqualTo(format[1]);
        assertThat(seen.peek().get("method").asText()).isEqualTo("PUT");
      }
    }
  }

  @Test
  void statusesOutside2xx_areStatesHttpStatusCodeErrors_thatRetryAndCatchSee() throws Exception {
    try (TestServer server = start(); SfnClient sfn = server.sfn()) {
      String missing = create(sfn, "missing", task("""
          {"ApiEndpoint": "%s/missing", "Method": "GET", "Authentication": {"ConnectionArn": "%s"}}
          """.formatted(base, CONNECTION), """
          , "Catch": [{"ErrorEquals": ["States.Http.StatusCode.404"], "ResultPath": "$.error", "Next": "Caught"}]"""),
          "STANDARD");
      JsonNode caught = JSON.readTree(run(sfn, missing, "{}").output()).get("error");
      assertThat(caught.get("Error").asText()).isEqualTo("States.Http.StatusCode.404");
      JsonNode cause = JSON.readTree(caught.get("Cause").asText());
      assertThat(cause.get("StatusCode").asInt()).isEqualTo(404);
      assertThat(cause.get("ResponseBody").get("message").asText()).isEqualTo("no such thing");

      String flakyMachine = create(sfn, "flaky", task("""
          {"ApiEndpoint": "%s/flaky", "Method": "GET", "Authentication": {"ConnectionArn": "%s"}}
          """.formatted(base, CONNECTION), """
          , "Retry": [{"ErrorEquals": ["States.Http.StatusCode.503"], "IntervalSeconds": 1, "MaxAttempts": 3,
                       "BackoffRate": 1}]"""), "STANDARD");
      DescribeExecutionResponse done = run(sfn, flakyMachine, "{}");
      assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(flaky.get()).isEqualTo(3);

      // the endpoint is gone: a socket error
      String gone = create(sfn, "gone", task("""
          {"ApiEndpoint": "http://127.0.0.1:1/x", "Method": "GET", "Authentication": {"ConnectionArn": "%s"}}
          """.formatted(CONNECTION), ""), "STANDARD");
      assertThat(run(sfn, gone, "{}").error()).isEqualTo("States.Http.Socket");
    }
  }

  @Test
  void aForbiddenHeaderOrAnUnknownConnection_failsTheTaskWithoutACall() throws Exception {
    try (TestServer server = start(); SfnClient sfn = server.sfn()) {
      String forbidden = create(sfn, "forbidden", task("""
          {"ApiEndpoint": "%s/echo", "Method": "GET", "Authentication": {"ConnectionArn": "%s"},
           "Headers": {"Authorization": "Bearer mine"}}
          """.formatted(base, CONNECTION), ""), "STANDARD");
      DescribeExecutionResponse f = run(sfn, forbidden, "{}");
      assertThat(f.error()).isEqualTo("States.Runtime");
      assertThat(f.cause()).contains("Authorization");

      String unknown = create(sfn, "unknown", task("""
          {"ApiEndpoint": "%s/echo", "Method": "GET",
           "Authentication": {"ConnectionArn": "arn:aws:events:us-east-1:123456789012:connection/other/9"}}
          """.formatted(base), ""), "STANDARD");
      DescribeExecutionResponse u = run(sfn, unknown, "{}");
      assertThat(u.error()).isEqualTo("Events.ConnectionResource.ResourceNotFound");
      assertThat(u.cause()).contains("stepwise.engine.http-connections");
      assertThat(seen).isEmpty();
    }
  }

  @Test
  void aCallInFlightWhenTheServerStops_isMadeAgainAfterTheRestart() throws Exception {
    hold = new CountDownLatch(1);
    String execution;
    try (TestServer server = start(); SfnClient sfn = server.sfn()) {
      String machine = create(sfn, "held", task("""
          {"ApiEndpoint": "%s/held", "Method": "GET", "Authentication": {"ConnectionArn": "%s"}}
          """.formatted(base, CONNECTION), ""), "STANDARD");
      execution = sfn.startExecution(b -> b.stateMachineArn(machine)).executionArn();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (seen.isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);
      assertThat(seen).hasSize(1);
    }
    hold.countDown(); // the first call's answer finds no server to take it
    try (TestServer server = start(); SfnClient sfn = server.sfn()) {
      DescribeExecutionResponse done = awaitEnd(sfn, execution);
      assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(JSON.readTree(done.output()).get("ResponseBody").get("released").asBoolean()).isTrue();
      assertThat(seen).hasSize(2);
      assertThat(history(sfn, execution).stream().filter(e -> e.typeAsString().equals("TaskSucceeded"))).hasSize(1);
    }
  }

  /** On the virtual clock, time does not run ahead while a call is under way: timeouts wait for its answer. */
  @Test
  void virtualTime_waitsForCallsUnderWay() throws Exception {
    hold = new CountDownLatch(1);
    try (TestServer server = TestServer.start(dir.resolve("data"), Map.of("stepwise.clock.mode", "virtual",
        "stepwise.engine.http-connections", List.of(Map.of("connection", "local-api")))); SfnClient sfn = server.sfn()) {
      String parameters = """
          {"ApiEndpoint": "%s/held", "Method": "GET", "Authentication": {"ConnectionArn": "%s"}}
          """.formatted(base, CONNECTION);
      String standard = sfn.createStateMachine(b -> b.name("held-standard").roleArn(Definitions.ROLE).definition("""
          {"StartAt": "Call", "TimeoutSeconds": 30, "States": {
            "Call": {"Type": "Task", "Resource": "arn:aws:states:::http:invoke", "Parameters": %s,
              "TimeoutSeconds": 10, "Next": "Day"},
            "Day": {"Type": "Wait", "Seconds": 86400, "End": true}}}
          """.formatted(parameters))).stateMachineArn();
      String express = sfn.createStateMachine(b -> b.name("held-express").roleArn(Definitions.ROLE).type("EXPRESS")
          .definition(task(parameters, ", \"TimeoutSeconds\": 10"))).stateMachineArn();
      String execution = sfn.startExecution(b -> b.stateMachineArn(standard)).executionArn();
      var sync = java.util.concurrent.CompletableFuture.supplyAsync(
          () -> sfn.startSyncExecution(b -> b.stateMachineArn(express)));
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (seen.size() < 2 && System.nanoTime() < deadline) Thread.sleep(20);
      Thread.sleep(1_500); // real time passes while both calls are held: virtual time must not
      hold.countDown();
      assertThat(sync.get(20, TimeUnit.SECONDS).status()).isEqualTo(SyncExecutionStatus.SUCCEEDED);
      // the execution's own TimeoutSeconds (30 s) would fire before the day-long Wait ended: it is an
      // error only if time ran while the call was held; after it, the day passes at once
      DescribeExecutionResponse done = awaitEnd(sfn, execution);
      assertThat(done.status()).as("%s", HistoryInvariants.describe(history(sfn, execution)))
          .isEqualTo(ExecutionStatus.TIMED_OUT);
      assertThat(history(sfn, execution).stream().map(HistoryEvent::typeAsString))
          .contains("TaskSucceeded").doesNotContain("TaskTimedOut");
    }
  }

  @Test
  void expressExecutions_callToo() throws Exception {
    try (TestServer server = start(); SfnClient sfn = server.sfn()) {
      String machine = create(sfn, "quick", task("""
          {"ApiEndpoint": "%s/echo", "Method": "DELETE", "Authentication": {"ConnectionArn": "%s"}}
          """.formatted(base, CONNECTION), ", \"OutputPath\": \"$.ResponseBody.method\""), "EXPRESS");
      StartSyncExecutionResponse sync = sfn.startSyncExecution(b -> b.stateMachineArn(machine));
      assertThat(sync.status()).isEqualTo(SyncExecutionStatus.SUCCEEDED);
      assertThat(sync.output()).isEqualTo("\"DELETE\"");
    }
  }
}
