package io.stepwise.api.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Raw HTTP (java.net.http) with requests signed by the AWS SDK's own SigV4 signer, so the
 * server is checked against an independent implementation, not against itself.
 */
final class SignedHttp {
  private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection");
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final int port;

  SignedHttp(int port) {
    this.port = port;
  }

  HttpResponse<String> post(String target, String body) throws Exception {
    return post(target, body.getBytes(StandardCharsets.UTF_8), "test", "test", Clock.systemUTC());
  }

  HttpResponse<String> post(
      String target, byte[] body, String accessKey, String secret, Clock signingClock)
      throws Exception {
    return post(target, body, AwsCredentialsIdentity.create(accessKey, secret), signingClock,
        b -> {}, b -> {});
  }

  /**
   * Signs with {@code identity} (session credentials add a signed X-Amz-Security-Token), after
   * {@code beforeSigning} shaped the request, then lets {@code afterSigning} change what is sent
   * (a header added or replaced after signing, as a replayed or tampered request would be).
   */
  HttpResponse<String> post(
      String target, byte[] body, AwsCredentialsIdentity identity, Clock signingClock,
      java.util.function.Consumer<SdkHttpRequest.Builder> beforeSigning,
      java.util.function.Consumer<HttpRequest.Builder> afterSigning)
      throws Exception {
    SdkHttpRequest.Builder unsigned =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.POST)
            .uri(URI.create("http://127.0.0.1:" + port + "/"))
            .putHeader("Content-Type", "application/x-amz-json-1.0");
    if (target != null) {
      unsigned.putHeader("X-Amz-Target", target);
    }
    beforeSigning.accept(unsigned);
    SignedRequest signed =
        AwsV4HttpSigner.create()
            .sign(
                r ->
                    r.identity(identity)
                        .request(unsigned.build())
                        .payload(ContentStreamProvider.fromByteArray(body))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "states")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "eu-west-3")
                        .putProperty(HttpSigner.SIGNING_CLOCK, signingClock));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    for (Map.Entry<String, List<String>> h : signed.request().headers().entrySet()) {
      if (!RESTRICTED.contains(h.getKey().toLowerCase())) {
        h.getValue().forEach(v -> request.header(h.getKey(), v));
      }
    }
    afterSigning.accept(request);
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> send(HttpRequest request) throws Exception {
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
