package io.stepwise.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.Host;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.japi.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** The edge's handler in process, without a server: what binding it runs per request. */
class AwsJsonRoutesTest {
  static final ActorSystem<Void> SYSTEM = ActorSystem.create(Behaviors.empty(), "routes-test");
  static final AwsJsonRoutes ROUTES = new AwsJsonRoutes(
      List.of(AwsJsonService.stepFunctions(Map.of("Echo", (caller, request) ->
          CompletableFuture.completedFuture(JsonNodeFactory.instance.objectNode()
              .set("request", request))))),
      new SigV4Verifier(CredentialStore.defaults(), Clock.systemUTC()));

  @AfterAll
  static void stop() throws Exception {
    SYSTEM.terminate();
    SYSTEM.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** A request to 127.0.0.1:8083 signed by the AWS SDK's signer, as Pekko's server parses it. */
  static HttpRequest signed(String target, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    SdkHttpRequest unsigned = SdkHttpRequest.builder()
        .method(SdkHttpMethod.POST)
        .uri(URI.create("http://127.0.0.1:8083/"))
        .putHeader("Content-Type", AwsMediaTypes.AMZ_JSON_1_0)
        .putHeader("X-Amz-Target", target)
        .build();
    Map<String, List<String>> headers = AwsV4HttpSigner.create()
        .sign(r -> r.identity(AwsCredentialsIdentity.create("test", "test"))
            .request(unsigned)
            .payload(ContentStreamProvider.fromByteArray(bytes))
            .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "states")
            .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1"))
        .request()
        .headers();
    List<HttpHeader> pekkoHeaders = new ArrayList<>();
    pekkoHeaders.add(Host.create("127.0.0.1", 8083));
    headers.forEach((name, values) -> {
      if (!Set.of("host", "content-type", "content-length").contains(name.toLowerCase())) {
        values.forEach(v -> pekkoHeaders.add(RawHeader.create(name, v)));
      }
    });
    return HttpRequest.POST("/")
        .withHeaders(pekkoHeaders)
        .withEntity(HttpEntities.create(AwsMediaTypes.AMZ_JSON_1_0_CONTENT_TYPE, bytes));
  }

  static String body(HttpResponse response) {
    return ((HttpEntity.Strict) response.entity()).getData().utf8String();
  }

  @Test
  void completedOperation_answeredOnTheCallingThread() throws Exception {
    Function<HttpRequest, CompletionStage<HttpResponse>> handler = ROUTES.handler(SYSTEM);
    CompletionStage<HttpResponse> answer = handler.apply(signed("AWSStepFunctions.Echo", "{\"a\":1}"));
    assertThat(answer.toCompletableFuture().isDone()).isTrue();
    HttpResponse response = answer.toCompletableFuture().get();
    assertThat(response.status().intValue()).isEqualTo(200);
    assertThat(body(response)).isEqualTo("{\"request\":{\"a\":1}}");
    assertThat(response.getHeader(AwsErrors.REQUEST_ID_HEADER)).isPresent();
  }

  @Test
  void routeComposedOrSealed_answersAsTheBoundHandler() throws Exception {
    HttpRequest request = signed("AWSStepFunctions.Nope", "{}");
    HttpResponse bound = ROUTES.handler(SYSTEM).apply(request).toCompletableFuture().get();
    HttpResponse sealed = ROUTES.route().seal().handler(SYSTEM).apply(request)
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(sealed.status()).isEqualTo(bound.status());
    assertThat(body(sealed)).isEqualTo(body(bound)).contains("UnknownOperationException");
  }

  @Test
  void requestIds_uniqueVersion4Uuids() {
    RequestIds ids = new RequestIds();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String id = ids.next();
      UUID uuid = UUID.fromString(id);
      assertThat(uuid.version()).isEqualTo(4);
      assertThat(uuid.variant()).isEqualTo(2);
      assertThat(seen.add(id)).isTrue();
    }
  }
}
