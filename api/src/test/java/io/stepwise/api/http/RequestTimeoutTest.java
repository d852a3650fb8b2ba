package io.stepwise.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A request the server cannot finish in time still gets an AWS-shaped, retryable answer. */
class RequestTimeoutTest {
  static final SigV4Verifier VERIFIER =
      new SigV4Verifier(CredentialStore.defaults(), Clock.systemUTC());

  static Config serverTimeoutOneSecond() {
    return ConfigFactory.parseString("pekko.http.server.request-timeout = 1s")
        .withFallback(ConfigFactory.load());
  }

  static void assertServiceUnavailable(HttpResponse<String> response) {
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("x-amzn-ErrorType")).hasValue("ServiceUnavailable");
    assertThat(response.headers().firstValue("x-amzn-RequestId")).isPresent();
    assertThat(response.body()).contains("\"__type\":\"ServiceUnavailable\"");
    // The server closes the connection after a timed-out request; pooling it would send the
    // client's next request into a closing socket.
    assertThat(response.headers().firstValue("connection")).hasValue("close");
  }

  @Test
  void operationNeverCompleting_serviceUnavailable503() throws Exception {
    try (ToyServer server =
        ToyServer.start("request-timeout-test", VERIFIER, serverTimeoutOneSecond())) {
      assertServiceUnavailable(new SignedHttp(server.port).post("AWSStepFunctions.Hang", "{}"));
    }
  }

  /**
   * No sleeps: the StartSyncExecution is answered only after three later requests to another
   * action have each been cut off by the 1 s server timeout, so it is over 3 s old by then.
   * The idle timeout is 2.5 s; the edge must keep the waiting connection open too. (Not close to
   * 1 s: a connection idle since a cut-off request arrived would race its 503 against its
   * closing, which a loaded machine may lose.) Each cut-off request's connection is closed after
   * its 503 and says so; CI once saw the next request reuse such a connection ("received no
   * bytes") when the 503 did not say so.
   */
  @Test
  void startSyncExecution_answeredAfterTheTimeoutThatCutsOffOtherActions() throws Exception {
    CompletableFuture<JsonNode> execution = new CompletableFuture<>();
    CountDownLatch started = new CountDownLatch(1);
    AwsJsonService sfn =
        AwsJsonService.stepFunctions(
                Map.of(
                    "StartSyncExecution", (caller, request) -> {
                      started.countDown();
                      return execution;
                    },
                    "Hang", (caller, request) -> new CompletableFuture<>()))
            .withRequestTimeout("StartSyncExecution", Duration.ofSeconds(60));
    Config config = ConfigFactory.parseString("pekko.http.server.idle-timeout = 2500ms")
        .withFallback(serverTimeoutOneSecond());
    try (ToyServer server =
        ToyServer.start("sync-timeout-test", VERIFIER, config, List.of(sfn))) {
      SignedHttp http = new SignedHttp(server.port);
      CompletableFuture<HttpResponse<String>> sync = CompletableFuture.supplyAsync(() -> {
        try {
          return http.post("AWSStepFunctions.StartSyncExecution", "{}");
        } catch (Exception e) {
          throw new CompletionException(e);
        }
      });
      assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();

      assertServiceUnavailable(http.post("AWSStepFunctions.Hang", "{}"));
      assertServiceUnavailable(http.post("AWSStepFunctions.Hang", "{}"));
      assertServiceUnavailable(http.post("AWSStepFunctions.Hang", "{}"));
      execution.complete(JsonNodeFactory.instance.objectNode().put("status", "SUCCEEDED"));

      HttpResponse<String> response = sync.get(60, TimeUnit.SECONDS);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("{\"status\":\"SUCCEEDED\"}");
    }
  }

  @Test
  void startSyncExecution_mayRunAsLongAsAnExpressExecution() {
    Duration timeout =
        AwsJsonService.stepFunctions(Map.of()).requestTimeouts().get("StartSyncExecution");
    assertThat(timeout).isGreaterThan(Duration.ofMinutes(5));
  }
}
