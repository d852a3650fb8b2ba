package io.stepwise.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * 10,000 mixed requests against the real server: well-signed ones for every action with bodies
 * from plausible to garbage, requests whose signature was broken after signing (body, action,
 * time, key, signature, headers dropped or added), and unsigned or malformed ones. The server
 * must answer every one (no dropped connection), never with a 5xx, and accept no bad signature.
 */
class FuzzTest {
  @TempDir Path dir;

  static final ObjectMapper JSON = new ObjectMapper();
  static final List<String> SFN_ACTIONS = List.of("CreateStateMachine", "DescribeStateMachine", "UpdateStateMachine",
      "DeleteStateMachine", "ListStateMachines", "ValidateStateMachineDefinition", "StartExecution", "StartSyncExecution",
      "StopExecution", "DescribeExecution", "RedriveExecution", "ListExecutions", "GetExecutionHistory",
      "DescribeStateMachineForExecution", "CreateActivity", "DescribeActivity", "DeleteActivity", "ListActivities",
      "SendTaskSuccess", "SendTaskFailure", "SendTaskHeartbeat", "TagResource", "UntagResource", "ListTagsForResource",
      "PublishStateMachineVersion", "ListStateMachineVersions", "DeleteStateMachineVersion", "CreateStateMachineAlias",
      "DescribeStateMachineAlias", "UpdateStateMachineAlias", "DeleteStateMachineAlias", "ListStateMachineAliases",
      "DescribeMapRun", "ListMapRuns", "UpdateMapRun", "TestState", "NoSuchAction");
  static final List<String> KMS_ACTIONS = List.of("CreateKey", "DescribeKey", "ListKeys", "Encrypt", "Decrypt",
      "GenerateDataKey", "CreateAlias", "ListAliases", "DisableKey", "EnableKey", "GetKeyPolicy", "PutKeyPolicy");
  static final Set<String> AUTH_ERRORS = Set.of("MissingAuthenticationTokenException", "IncompleteSignatureException",
      "InvalidSignatureException", "UnrecognizedClientException");

  final Random random = new Random(20261203L);
  final List<String> arns = new ArrayList<>(List.of("arn:aws:states:us-east-1:123456789012:stateMachine:fuzz",
      "arn:aws:states:us-east-1:123456789012:execution:fuzz:e1", "arn:aws:states:us-east-1:999999999999:stateMachine:x",
      "arn:aws:states:us-east-1:123456789012:activity:fuzz", "not-an-arn", "", "arn:aws:states:::", "arn:aws:kms:us-east-1:123456789012:key/nope"));

  @Test
  void tenThousandMixedRequests_noFiveHundreds_noDrops_noAcceptedBadSignature() throws Exception {
    try (TestServer server = TestServer.start(dir)) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
      URI uri = server.endpoint();
      endpoint = uri;
      Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
      List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
      Semaphore inFlight = new Semaphore(16);
      List<CompletableFuture<?>> all = new ArrayList<>();
      for (int i = 0; i < 10_000; i++) {
        int kind = random.nextInt(10); // 0-4 signed, 5-8 signature broken, 9 unsigned or malformed
        Req r = kind < 5 ? signed() : kind < 9 ? broken() : unsigned();
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
            .method("POST", HttpRequest.BodyPublishers.ofByteArray(r.body));
        r.headers.forEach((k, v) -> {
          if (!Set.of("host", "content-length").contains(k.toLowerCase())) b.header(k, v);
        });
        inFlight.acquire();
        all.add(client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()).handle((resp, err) -> {
          inFlight.release();
          if (err != null) {
            problems.add("dropped (" + r.what + "): " + err);
            return null;
          }
          int status = resp.statusCode();
          String code = code(resp.body());
          outcomes.computeIfAbsent((r.bad ? "bad " : "ok ") + status, k -> new AtomicInteger()).incrementAndGet();
          if (status >= 500) problems.add(status + " for " + r.what + ": " + resp.body());
          if (!r.bad && AUTH_ERRORS.contains(code)) problems.add("good signature refused (" + r.what + "): " + resp.body());
          if (r.bad && (status == 200 || !AUTH_ERRORS.contains(code))) {
            problems.add("bad signature not refused (" + r.what + "): " + status + " " + resp.body());
          }
          if (status != 200 && (code.isEmpty() || resp.headers().firstValue("x-amzn-RequestId").isEmpty())) {
            problems.add("not an AWS error (" + r.what + "): " + status + " " + resp.body());
          }
          return null;
        }));
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
      System.out.println("fuzz outcomes: " + new TreeMap<>(outcomes));
      assertThat(problems).isEmpty();
      assertThat(outcomes.keySet()).anyMatch(k -> k.startsWith("ok 200")).anyMatch(k -> k.startsWith("ok 400"));
    }
  }

  record Req(Map<String, String> headers, byte[] body, boolean bad, String what) {}

  static String code(String body) {
    if (body == null) return "";
    try {
      JsonNode n = JSON.readTree(body);
      return n.has("__type") ? n.get("__type").asText().replaceAll(".*#", "") : "";
    } catch (Exception e) {
      return "";
    }
  }

  Req signed() {
    boolean kms = random.nextInt(5) == 0;
    String action = kms ? pick(KMS_ACTIONS) : pick(SFN_ACTIONS);
    String target = (kms ? "TrentService." : "AWSStepFunctions.") + action;
    byte[] body = body().getBytes(StandardCharsets.UTF_8);
    return new Req(sign(target, kms ? "application/x-amz-json-1.1" : "application/x-amz-json-1.0", body, "test", "test",
        Clock.systemUTC(), kms ? "kms" : "states"), body, false, target);
  }

  Req broken() {
    Req ok = signed();
    Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    h.putAll(ok.headers);
    byte[] body = ok.body.clone();
    String how;
    switch (random.nextInt(9)) {
      case 0 -> {
        if (body.length == 0) body = new byte[] {' '};
        body[random.nextInt(body.length)] ^= 1;
        how = "body changed";
      }
      case 1 -> {
        h.put("X-Amz-Target", "AWSStepFunctions." + pick(SFN_ACTIONS));
        if (h.get("X-Amz-Target").equals(ok.headers.get("X-Amz-Target"))) h.put("X-Amz-Target", "AWSStepFunctions.ListActivities2");
        how = "action changed";
      }
      case 2 -> {
        String sig = h.get("Authorization");
        int at = sig.length() - 1 - random.nextInt(64);
        char c = sig.charAt(at);
        h.put("Authorization", sig.substring(0, at) + (c == '0' ? '1' : '0') + sig.substring(at + 1));
        how = "signature changed";
      }
      case 3 -> {
        resign(h, ok, body, "test", "wrong", Clock.systemUTC());
        how = "wrong secret";
      }
      case 4 -> {
        resign(h, ok, body, "nobody", "x", Clock.systemUTC());
        how = "unknown key";
      }
      case 5 -> {
        resign(h, ok, body, "test", "test",
            Clock.fixed(Instant.now().minus(Duration.ofMinutes(20 + random.nextInt(600))), ZoneOffset.UTC));
        how = "signed long ago";
      }
      case 6 -> {
        h.put("X-Amz-Date", "20200101T000000Z");
        how = "date changed";
      }
      case 7 -> {
        h.put("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD");
        how = "unsigned payload claimed";
      }
      default -> {
        h.put("X-Amz-Meta-Injected", "1");
        how = "header added";
      }
    }
    return new Req(h, body, true, how + " " + ok.what);
  }

  /** {@code headers} become those of {@code ok} signed again with another key, secret or time. */
  static void resign(Map<String, String> headers, Req ok, byte[] body, String key, String secret, Clock clock) {
    Map<String, String> again = sign(ok.headers.get("X-Amz-Target"), ok.headers.get("Content-Type"), body, key, secret,
        clock, "states");
    headers.clear();
    headers.putAll(again);
  }

  Req unsigned() {
    Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    String how;
    switch (random.nextInt(4)) {
      case 0 -> {
        h.put("Content-Type", "application/x-amz-json-1.0");
        h.put("X-Amz-Target", "AWSStepFunctions." + pick(SFN_ACTIONS));
        how = "no signature";
      }
      case 1 -> {
        h.put("Authorization", "AWS4-HMAC-SHA256 " + "garbage".repeat(random.nextInt(5)));
        h.put("X-Amz-Target", "AWSStepFunctions.ListStateMachines");
        how = "malformed authorization";
      }
      case 2 -> {
        h.put("Authorization", "Bearer abc");
        how = "another scheme";
      }
      default -> {
        h.put("Content-Type", "text/plain");
        how = "plain text";
      }
    }
    byte[] body = new byte[random.nextInt(200)];
    random.nextBytes(body);
    return new Req(h, body, true, how);
  }

  String body() {
    return switch (random.nextInt(6)) {
      case 0 -> "";
      case 1 -> "{}";
      case 2 -> "not json {";
      case 3 -> "[" + random.nextInt() + "]";
      default -> {
        StringBuilder b = new StringBuilder("{");
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
          if (i > 0) b.append(',');
          b.append('"').append(pick(List.of("name", "stateMachineArn", "executionArn", "activityArn", "definition",
              "roleArn", "input", "maxResults", "nextToken", "taskToken", "output", "KeyId", "Plaintext", "tags",
              "type", "resourceArn", "routingConfiguration", "statusFilter", "AliasName", "Policy"))).append("\":");
          b.append(value());
        }
        yield b.append('}').toString();
      }
    };
  }

  String value() {
    return switch (random.nextInt(10)) {
      case 0 -> String.valueOf(random.nextInt(2000) - 1000);
      case 1 -> "null";
      case 2 -> "true";
      case 3 -> "[1,\"a\",{}]";
      case 4 -> "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"End\":true}}}";
      case 5 -> quote("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"" + pick(List.of("Pass", "Wait", "Nope")) + "\",\"End\":true}}}");
      case 6 -> quote("x".repeat(random.nextInt(3) == 0 ? 70_000 : random.nextInt(100)));
      case 7 -> quote(new String(Character.toChars(0x1F600 + random.nextInt(50))) + "\u0000\\\"");
      default -> quote(pick(arns));
    };
  }

  static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  <T> T pick(List<T> l) {
    return l.get(random.nextInt(l.size()));
  }

  static URI endpoint;

  static Map<String, String> sign(String target, String contentType, byte[] body, String key, String secret, Clock clock,
      String service) {
    SdkHttpRequest unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(endpoint)
        .putHeader("Content-Type", contentType).putHeader("X-Amz-Target", target).build();
    var signed = AwsV4HttpSigner.create().sign(r -> r.identity(AwsCredentialsIdentity.create(key, secret))
        .request(unsigned).payload(ContentStreamProvider.fromByteArray(body))
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
        .putProperty(HttpSigner.SIGNING_CLOCK, clock));
    Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    signed.request().headers().forEach((k, v) -> h.put(k, v.get(0)));
    return h;
  }
}
