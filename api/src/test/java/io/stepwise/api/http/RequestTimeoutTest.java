package io.stepwise.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.net.http.HttpResponse;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** A request the server cannot finish in time still gets an AWS-shaped, retryable answer. */
class RequestTimeoutTest {
  @Test
  void operationNeverCompleting_serviceUnavailable503() throws Exception {
    var config = ConfigFactory.parseString("pekko.http.server.request-timeout = 1s")
        .withFallback(ConfigFactory.load());
    try (ToyServer server = ToyServer.start("request-timeout-test",
        new SigV4Verifier(CredentialStore.defaults(), Clock.systemUTC()), config)) {
      HttpResponse<String> response =
          new SignedHttp(server.port).post("AWSStepFunctions.Hang", "{}");
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.headers().firstValue("x-amzn-ErrorType"))
          .hasValue("ServiceUnavailable");
      assertThat(response.headers().firstValue("x-amzn-RequestId")).isPresent();
      assertThat(response.body()).contains("\"__type\":\"ServiceUnavailable\"");
    }
  }
}
