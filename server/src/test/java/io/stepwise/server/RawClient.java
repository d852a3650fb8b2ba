package io.stepwise.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** Sends hand-made AWS JSON requests (signed with the SDK's own SigV4 signer) to reach what the SDK would not send. */
final class RawClient {
  record Response(int status, JsonNode body) {
    String type() {
      return body.path("__type").asText();
    }
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final URI endpoint;
  private final HttpClient http = HttpClient.newHttpClient();

  RawClient(URI endpoint) {
    this.endpoint = endpoint;
  }

  Response signed(String target, String body) throws Exception {
    SdkHttpRequest request = SdkHttpRequest.builder()
        .method(SdkHttpMethod.POST)
        .uri(endpoint)
        .encodedPath("/")
        .putHeader("Content-Type", "application/x-amz-json-1.0")
        .putHeader("X-Amz-Target", target)
        .build();
    SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
        .identity(AwsCredentialsIdentity.create("test", "test"))
        .request(request)
        .payload(ContentStreamProvider.fromUtf8String(body))
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "states")
        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1"));
    HttpRequest.Builder b = HttpRequest.newBuilder(endpoint.resolve("/")).POST(HttpRequest.BodyPublishers.ofString(body));
    for (Map.Entry<String, List<String>> h : signed.request().headers().entrySet()) {
      if (h.getKey().equalsIgnoreCase("host") || h.getKey().equalsIgnoreCase("content-length")) continue;
      for (String v : h.getValue()) b.header(h.getKey(), v);
    }
    return send(b.build());
  }

  Response unsigned(String target, String body) throws Exception {
    return send(HttpRequest.newBuilder(endpoint.resolve("/"))
        .header("Content-Type", "application/x-amz-json-1.0")
        .header("X-Amz-Target", target)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  int get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(endpoint.resolve(path)).GET().build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private Response send(HttpRequest request) throws Exception {
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    JsonNode body = r.body().isEmpty() ? MAPPER.createObjectNode() : MAPPER.readTree(r.body());
    return new Response(r.statusCode(), body);
  }
}
