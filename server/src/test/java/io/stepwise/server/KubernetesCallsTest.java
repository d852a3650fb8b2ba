package io.stepwise.server;

import static io.stepwise.server.ExecutionApiTest.awaitEnd;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * eks:call and eks:runJob against a Kubernetes-API-like HTTPS server the test starts, with a
 * certificate keytool makes for it: trusted through the task's CertificateAuthority only.
 */
class KubernetesCallsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  private HttpsServer api;
  private String authority;
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> reads = new ConcurrentHashMap<>();

  @BeforeEach
  void startApi() throws Exception {
    Path keys = dir.resolve("api.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    run(keytool, "-genkeypair", "-alias", "api", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=kubernetes",
        "-ext", "SAN=IP:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", keys.toString(),
        "-storepass", "changeit");
    Path pem = dir.resolve("api.pem");
    run(keytool, "-exportcert", "-rfc", "-alias", "api", "-keystore", keys.toString(), "-storepass", "changeit",
        "-file", pem.toString());
    authority = Base64.getEncoder().encodeToString(Files.readAllBytes(pem));
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keys)) {
      store.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory km = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    km.init(store, "changeit".toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(km.getKeyManagers(), null, null);
    api = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    api.setHttpsConfigurator(new HttpsConfigurator(tls));
    api.setExecutor(Executors.newCachedThreadPool());
    api.createContext("/", this::serve);
    api.start();
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
  }

  @AfterEach
  void stopApi() {
    api.stop(0);
  }

  private void serve(HttpExchange ex) throws IOException {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String path = ex.getRequestURI().getRawPath();
    String query = ex.getRequestURI().getRawQuery();
    seen.add(ex.getRequestMethod() + " " + path + (query == null ? "" : "?" + query) + " "
        + ex.getRequestHeaders().getFirst("Authorization") + " " + ex.getRequestHeaders().getFirst("Content-Type") + " " + body);
    String jobs = "/apis/batch/v1/namespaces/default/jobs";
    if (ex.getRequestMethod().equals("POST") && path.equals(jobs)) {
      JsonNode job = JSON.readTree(body);
      String name = job.path("metadata").path("name").asText();
      if (name.equals("taken")) {
        reply(ex, 409, "{\"kind\":\"Status\",\"reason\":\"AlreadyExists\",\"message\":\"jobs.batch \\\"taken\\\" already exists\"}");
        return;
      }
      reply(ex, 201, JSON.writeValueAsString(job));
    } else if (path.startsWith(jobs + "/")) {
      String name = path.substring(jobs.length() + 1);
      int n = reads.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
      String conditions = n < 2 ? "[]" : "[{\"type\":\"" + (name.equals("broken") ? "Failed" : "Complete") + "\",\"status\":\"True\"}]";
      reply(ex, 200, "{\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"default\"},\"status\":{\"conditions\":" + conditions + "}}");
    } else if (path.equals("/api/v1/namespaces/default/pods")) {
      reply(ex, 200, "{\"kind\":\"PodList\",\"items\":[{\"metadata\":{\"name\":\"pi-x1\"},\"spec\":{\"containers\":"
          + "[{\"name\":\"pi\"},{\"name\":\"sidecar\"},{\"name\":\"chatty\"}]}}]}");
    } else if (path.equals("/api/v1/namespaces/default/pods/pi-x1/log")) {
      if (query.contains("container=sidecar")) {
        reply(ex, 400, "{\"kind\":\"Status\",\"message\":\"container sidecar is not valid\"}");
      } else if (query.contains("container=chatty")) {
        reply(ex, 200, "{\"step\": 1}\n{\"step\": 2}\n");
      } else {
        reply(ex, 200, "{\"digits\": 2000}");
      }
    } else {
      reply(ex, 404, "{\"kind\":\"Status\",\"reason\":\"NotFound\"}");
    }
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  private DescribeExecutionResponse run(SfnClient sfn, String name, String resource, String parameters) throws Exception {
    String endpoint = "https://127.0.0.1:" + api.getAddress().getPort();
    String machine = sfn.createStateMachine(b -> b.name(name).roleArn(Definitions.ROLE).definition(
        "{\"StartAt\": \"T\", \"States\": {\"T\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::eks:" + resource
            + "\", \"Parameters\": {\"ClusterName\": \"lab\", \"CertificateAuthority\": \"" + authority + "\", \"Endpoint\": \""
            + endpoint + "\", " + parameters + "}, \"End\": true}}}")).stateMachineArn();
    return awaitEnd(sfn, sfn.startExecution(b -> b.stateMachineArn(machine).input("{}")).executionArn());
  }

  private static JsonNode output(DescribeExecutionResponse d) throws IOException {
    assertThat(d.status()).as(d.error() + ": " + d.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
    return JSON.readTree(d.output());
  }

  private static final String JOB = "\"Job\": {\"apiVersion\": \"batch/v1\", \"kind\": \"Job\", \"metadata\": {\"name\": \"%s\"},"
      + " \"spec\": {\"template\": {\"spec\": {\"containers\": [{\"name\": \"pi\", \"image\": \"perl\"}], \"restartPolicy\": \"Never\"}}}}";

  @Test
  void callAndRunJob_overTlsTrustedByTheTasksAuthority_withTheClustersToken() throws Exception {
    try (TestServer server = TestServer.start(dir.resolve("data"), Map.of("stepwise.engine.kubernetes-tokens.lab", "t0ken"));
        SfnClient sfn = server.sfn()) {
      // eks:call: the request as given, query parameters repeated; the answer as ResponseBody/StatusCode/StatusText
      JsonNode pods = output(run(sfn, "call", "call", "\"Method\": \"GET\", \"Path\": \"/api/v1/namespaces/default/pods\","
          + " \"QueryParameters\": {\"labelSelector\": [\"job-name=example-job\"], \"limit\": [\"5\"]}"));
      assertThat(pods.get("StatusCode").asInt()).isEqualTo(200);
      assertThat(pods.get("StatusText").asText()).isEqualTo("OK");
      assertThat(pods.get("ResponseBody").get("kind").asText()).isEqualTo("PodList");
      assertThat(seen).contains("GET /api/v1/namespaces/default/pods?labelSelector=job-name%3Dexample-job&limit=5 Bearer t0ken null ");
      // a PATCH of a list of operations is a JSON Patch, of an object a merge patch
      run(sfn, "patch-ops", "call", "\"Method\": \"PATCH\", \"Path\": \"/api/v1/x\", \"RequestBody\": [{\"op\": \"add\"}]");
      run(sfn, "patch-merge", "call", "\"Method\": \"PATCH\", \"Path\": \"/api/v1/y\", \"RequestBody\": {\"a\": 1}");
      assertThat(seen).contains("PATCH /api/v1/x Bearer t0ken application/json-patch+json [{\"op\":\"add\"}]",
          "PATCH /api/v1/y Bearer t0ken application/merge-patch+json {\"a\":1}");
      // an answer of status N fails the task with EKS.N, as Step Functions names it
      DescribeExecutionResponse missing = run(sfn, "call-missing", "call", "\"Method\": \"DELETE\", \"Path\": \"/api/v1/nope\"");
      assertThat(missing.error()).isEqualTo("EKS.404");
      assertThat(JSON.readTree(missing.cause()).get("StatusCode").asInt()).isEqualTo(404);
      assertThat(JSON.readTree(missing.cause()).get("ResponseBody").get("reason").asText()).isEqualTo("NotFound");

      // runJob: the Job created in the namespace (default); request-response answers at once
      JsonNode created = output(run(sfn, "run", "runJob", JOB.formatted("quick")));
      assertThat(created.get("StatusCode").asInt()).isEqualTo(201);
      assertThat(created.get("ResponseBody").get("metadata").get("name").asText()).isEqualTo("quick");
      assertThat(reads).doesNotContainKey("quick");
      DescribeExecutionResponse taken = run(sfn, "run-taken", "runJob", JOB.formatted("taken"));
      assertThat(taken.error()).isEqualTo("EKS.409");
      // .sync: read until Complete, with its pods' logs (JSON where it parses; an error where a log cannot be read)
      JsonNode done = output(run(sfn, "run-sync", "runJob.sync", JOB.formatted("example-job")
          + ", \"LogOptions\": {\"RetrieveLogs\": true, \"LogParameters\": {\"tailLines\": [\"6\"]}}"));
      assertThat(reads.get("example-job").get()).isEqualTo(2);
      JsonNode containers = done.get("logs").get("pods").get("pi-x1").get("containers");
      assertThat(containers.get("pi").get("log").get("digits").asInt()).isEqualTo(2000);
      assertThat(containers.get("sidecar").get("error").asText()).isEqualTo("EKS.400");
      // a log that is more than one JSON value stays whole, as text
      assertThat(containers.get("chatty").get("log").asText()).isEqualTo("{\"step\": 1}\n{\"step\": 2}\n");
      assertThat(seen).anyMatch(s -> s.startsWith("GET /api/v1/namespaces/default/pods/pi-x1/log?container=pi&tailLines=6 "));
      DescribeExecutionResponse raw = run(sfn, "run-raw", "runJob.sync", JOB.formatted("raw-job")
          + ", \"LogOptions\": {\"RetrieveLogs\": true, \"RawLogs\": true}");
      assertThat(output(raw).get("logs").get("pods").get("pi-x1").get("containers").get("pi").get("log").asText())
          .isEqualTo("{\"digits\": 2000}");
      DescribeExecutionResponse broken = run(sfn, "run-broken", "runJob.sync", JOB.formatted("broken"));
      assertThat(broken.error()).isEqualTo("States.TaskFailed");
      assertThat(JSON.readTree(broken.cause()).get("status").get("conditions").get(0).get("type").asText()).isEqualTo("Failed");

      // a server the task's authority does not vouch for is not trusted
      String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
      Path other = dir.resolve("other.p12");
      run(keytool, "-genkeypair", "-alias", "other", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=other",
          "-validity", "2", "-storetype", "PKCS12", "-keystore", other.toString(), "-storepass", "changeit");
      run(keytool, "-exportcert", "-rfc", "-alias", "other", "-keystore", other.toString(), "-storepass", "changeit",
          "-file", dir.resolve("other.pem").toString());
      String mine = authority;
      // however the scheme is spelled, https trusts only the task's authority
      String upper = "HTTPS://127.0.0.1:" + api.getAddress().getPort();
      DescribeExecutionResponse spelled = sfn.describeExecution(b -> b.executionArn(sfn.startExecution(x -> x.stateMachineArn(
          sfn.createStateMachine(c -> c.name("call-upper").roleArn(Definitions.ROLE).definition(
              "{\"StartAt\": \"T\", \"States\": {\"T\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::eks:call\","
                  + " \"Parameters\": {\"ClusterName\": \"lab\", \"CertificateAuthority\": \"" + mine + "\", \"Endpoint\": \""
                  + upper + "\", \"Method\": \"GET\", \"Path\": \"/api/v1/namespaces/default/pods\"}, \"End\": true}}}"))
              .stateMachineArn())).executionArn()));
      assertThat(awaitEnd(sfn, spelled.executionArn()).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      authority = Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve("other.pem")));
      int before = seen.size();
      DescribeExecutionResponse untrusted = run(sfn, "call-untrusted", "call", "\"Method\": \"GET\", \"Path\": \"/api/v1/namespaces/default/pods\"");
      assertThat(untrusted.error()).isEqualTo("States.TaskFailed");
      assertThat(untrusted.cause()).contains("could not be reached");
      assertThat(seen).hasSize(before);
      authority = "bm90IGEgY2VydGlmaWNhdGU="; // "not a certificate"
      DescribeExecutionResponse garbled = run(sfn, "call-garbled", "call", "\"Method\": \"GET\", \"Path\": \"/api\"");
      assertThat(garbled.error()).isEqualTo("States.Runtime");
      assertThat(garbled.cause()).contains("CertificateAuthority");
      authority = mine;
    }
  }
}
