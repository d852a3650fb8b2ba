package io.stepwise.engine.integration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.asl.interpreter.Effect;
import io.stepwise.asl.interpreter.Signal;
import io.stepwise.engine.Json;
import io.stepwise.engine.execution.ExecutionInfo;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Amazon EKS's Kubernetes API integrations, made against the cluster's API server itself:
 * {@code arn:aws:states:::eks:call} (a request of the Kubernetes REST API: Method, Path,
 * QueryParameters, RequestBody) and {@code eks:runJob} (creates a {@code batch/v1} Job in
 * Namespace, {@code default} if none; {@code .sync} waits until the Job's Complete or Failed
 * condition holds, with the logs of its pods' containers under {@code logs} if
 * {@code LogOptions.RetrieveLogs}). An {@code https} Endpoint is trusted by the base64 PEM
 * CertificateAuthority the task gives, as AWS's; an {@code http} one (a {@code kubectl proxy}) as
 * it is. The bearer token sent is the cluster's in {@code stepwise.engine.kubernetes-tokens}, if
 * any. The task answers with {@code ResponseBody} (JSON if it parses, else text), {@code StatusCode}
 * and {@code StatusText}; an answer of status N fails it with {@code EKS.N}, that answer as cause.
 */
public final class KubernetesCalls implements Integration.Submitting {
  private static final java.util.regex.Pattern RESOURCE =
      java.util.regex.Pattern.compile("arn:aws[a-z-]*:states:::eks:(call|runJob|runJob\\.sync)");
  private static final java.util.regex.Pattern ANY = java.util.regex.Pattern.compile("arn:aws[a-z-]*:states:::eks:(call|runJob)\\b.*");
  /** Parses a whole answer as one JSON value, or fails (a log line that merely starts like JSON is text). */
  private static final com.fasterxml.jackson.databind.ObjectReader STRICT = Json.MAPPER.readerFor(JsonNode.class)
      .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final Map<String, String> tokens;
  /** One client per certificate authority (and one for plain http). */
  private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();
  /** Jobs waited for, by execution and task (one flag per wait): a task let go stops polling. */
  private final Map<String, java.util.concurrent.atomic.AtomicBoolean> released = new ConcurrentHashMap<>();

  /** @param tokens the bearer token of each cluster, by ClusterName */
  public KubernetesCalls(Map<String, String> tokens) {
    this.tokens = Map.copyOf(tokens);
  }

  static boolean isResource(String resource) {
    return RESOURCE.matcher(resource).matches();
  }

  @Override
  public boolean handles(String resource) {
    return ANY.matcher(resource).matches();
  }

  @Override
  public CompletionStage<Signal> invoke(Effect.ScheduleTask task, ExecutionInfo info,
      java.util.function.Consumer<JsonNode> submitted) {
    try {
      if (!isResource(task.resource())) {
        return failed(task, "States.Runtime", "The resource '" + task.resource() + "' is not supported: eks:call runs"
            + " request-response only, eks:runJob request-response or .sync");
      }
      JsonNode p = task.parameters();
      if (task.resource().endsWith(":call")) {
        return call(task, p, p.path("Method").asText(""), p.path("Path").asText(""), query(p.path("QueryParameters")),
            p.get("RequestBody"));
      }
      JsonNode job = p.path("Job");
      if (job.isTextual()) job = Json.MAPPER.readTree(job.asText());
      if (!job.isObject()) return failed(task, "States.Runtime", "The parameters of '" + task.resource() + "' need a Job");
      String jobs = "/apis/batch/v1/namespaces/" + encode(p.path("Namespace").asText("default")) + "/jobs";
      if (!task.resource().endsWith(".sync")) return call(task, p, "POST", jobs, "", job);
      String key = key(task, info);
      var letGo = new java.util.concurrent.atomic.AtomicBoolean();
      released.put(key, letGo);
      // made again after a crash (the Job was created then): the Job of that name is waited for
      String given = job.path("metadata").path("name").asText("");
      CompletionStage<Signal> created = task.started() && !given.isEmpty()
          ? CompletableFuture.completedFuture(new Signal.TaskSucceeded(task.id(), NODES.objectNode()
              .set("ResponseBody", NODES.objectNode().set("metadata", NODES.objectNode().put("name", given)))))
          : call(task, p, "POST", jobs, "", job);
      return created.thenCompose(s -> {
        if (!(s instanceof Signal.TaskSucceeded ok)) return CompletableFuture.completedFuture(s);
        if (!task.started()) submitted.accept(ok.output());
        String name = ok.output().path("ResponseBody").path("metadata").path("name").asText("");
        if (name.isEmpty()) {
          return failed(task, "States.Runtime", "The Kubernetes API's answer to the Job's creation names no Job: "
              + Json.write(ok.output()));
        }
        return waitFor(task, p, jobs + "/" + encode(name), 0, letGo);
      }).whenComplete((s, e) -> released.remove(key, letGo));
    } catch (Exception e) {
      return failed(task, "States.Runtime", "The call of '" + task.resource() + "' could not be made: " + e.getMessage());
    }
  }

  @Override
  public void released(Effect.ScheduleTask task, ExecutionInfo info) {
    var letGo = released.get(key(task, info));
    if (letGo != null) letGo.set(true);
  }

  private static String key(Effect.ScheduleTask task, ExecutionInfo info) {
    return (info == null ? "" : info.executionArn()) + "|" + task.id();
  }

  /** Reads the Job at once, then after 1, 2 and 4 s and every 5 s, until a condition ends it. */
  private CompletionStage<Signal> waitFor(Effect.ScheduleTask task, JsonNode p, String path, int polls,
      java.util.concurrent.atomic.AtomicBoolean letGo) {
    if (letGo.get()) {
      return failed(task, "States.Runtime", "The task no longer waits for its job");
    }
    long delay = polls == 0 ? 0 : Math.min(5_000, 500L << Math.min(polls, 4));
    return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS))
        .thenCompose(x -> call(task, p, "GET", path, "", null)).thenCompose(s -> {
          if (!(s instanceof Signal.TaskSucceeded ok)) return CompletableFuture.completedFuture(s);
          JsonNode job = ok.output().path("ResponseBody");
          if (holds(job, "Failed")) {
            return CompletableFuture.completedFuture((Signal) new Signal.TaskFailed(task.id(), "States.TaskFailed", Json.write(job)));
          }
          if (!holds(job, "Complete")) return waitFor(task, p, path, polls + 1, letGo);
          if (!p.path("LogOptions").path("RetrieveLogs").asBoolean(false)) return CompletableFuture.completedFuture(s);
          return logs(task, p, job).thenApply(logs -> {
            ObjectNode out = ((ObjectNode) ok.output()).deepCopy();
            out.set("logs", logs);
            return (Signal) new Signal.TaskSucceeded(task.id(), out);
          });
        });
  }

  private static boolean holds(JsonNode job, String condition) {
    for (JsonNode c : job.path("status").path("conditions")) {
      if (condition.equals(c.path("type").asText()) && "True".equals(c.path("status").asText())) return true;
    }
    return false;
  }

  /** {@code {"pods": {pod: {"containers": {container: {"log": ...} or {"error", "cause"}}}}}}, best effort. */
  private CompletionStage<JsonNode> logs(Effect.ScheduleTask task, JsonNode p, JsonNode job) {
    String ns = encode(job.path("metadata").path("namespace").asText(p.path("Namespace").asText("default")));
    String name = job.path("metadata").path("name").asText();
    ObjectNode logs = NODES.objectNode();
    ObjectNode pods = logs.putObject("pods");
    String extra = query(p.path("LogOptions").path("LogParameters"));
    boolean raw = p.path("LogOptions").path("RawLogs").asBoolean(false);
    return call(task, p, "GET", "/api/v1/namespaces/" + ns + "/pods", "labelSelector=" + encode("job-name=" + name), null)
        .thenCompose(listed -> {
          CompletableFuture<Void> all = CompletableFuture.completedFuture(null);
          if (!(listed instanceof Signal.TaskSucceeded ok)) return all.thenApply(v -> (JsonNode) logs);
          for (JsonNode pod : ok.output().path("ResponseBody").path("items")) {
            String podName = pod.path("metadata").path("name").asText();
            ObjectNode containers = pods.putObject(podName).putObject("containers");
            for (JsonNode c : pod.path("spec").path("containers")) {
              String container = c.path("name").asText();
              ObjectNode entry = containers.putObject(container);
              String q = "container=" + encode(container) + (extra.isEmpty() ? "" : "&" + extra);
              all = all.thenCompose(v -> call(task, p, "GET", "/api/v1/namespaces/" + ns + "/pods/" + encode(podName) + "/log", q, null, true)
                  .thenAccept(s -> {
                    if (s instanceof Signal.TaskSucceeded got) {
                      String log = got.output().path("Text").asText("");
                      entry.set("log", raw ? NODES.textNode(log) : parsed(log));
                    } else {
                      Signal.TaskFailed f = (Signal.TaskFailed) s;
                      entry.put("error", f.error()).put("cause", f.cause());
                    }
                  }));
            }
          }
          return all.thenApply(v -> (JsonNode) logs);
        });
  }

  /** One request of the Kubernetes API; the signal the task gets from its answer. */
  private CompletionStage<Signal> call(Effect.ScheduleTask task, JsonNode p, String method, String path, String query,
      JsonNode body) {
    return call(task, p, method, path, query, body, false);
  }

  /** As above; {@code withText} adds the answer as sent under {@code Text} (a log, whatever it looks like). */
  private CompletionStage<Signal> call(Effect.ScheduleTask task, JsonNode p, String method, String path, String query,
      JsonNode body, boolean withText) {
    String endpoint = p.path("Endpoint").asText("");
    if (endpoint.isEmpty() || method.isEmpty() || !path.startsWith("/")) {
      return failed(task, "States.Runtime", "The parameters of '" + task.resource() + "' need an Endpoint"
          + (task.resource().endsWith(":call") ? ", a Method and a Path starting with /" : ""));
    }
    String scheme;
    try {
      scheme = URI.create(endpoint).getScheme();
    } catch (IllegalArgumentException e) {
      scheme = null;
    }
    if (scheme == null || !(scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("http"))) {
      return failed(task, "States.Runtime", "The Endpoint of '" + task.resource() + "' must be an https (or http) URL: " + endpoint);
    }
    HttpClient client;
    try {
      client = client(scheme.equalsIgnoreCase("https"), p.path("CertificateAuthority").asText(""));
    } catch (Exception e) {
      return failed(task, "States.Runtime", "The CertificateAuthority of '" + task.resource() + "' is not a base64 PEM"
          + " certificate: " + e.getMessage());
    }
    String text = body == null || body.isNull() ? null : body.isTextual() ? body.asText() : Json.write(body);
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint.replaceAll("/+$", "") + path
            + (query.isEmpty() ? "" : "?" + query)))
        .timeout(TIMEOUT)
        .header("Accept", "application/json")
        .method(method, text == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text));
    if (text != null) {
      // a PATCH is a JSON Patch when it is a list of operations, else a merge patch
      request.header("Content-Type", !method.equals("PATCH") ? "application/json"
          : body.isArray() ? "application/json-patch+json" : "application/merge-patch+json");
    }
    Optional.ofNullable(tokens.get(p.path("ClusterName").asText())).ifPresent(t -> request.header("Authorization", "Bearer " + t));
    return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).handle((response, failure) -> {
      if (failure != null) {
        Throwable f = failure.getCause() != null ? failure.getCause() : failure;
        return new Signal.TaskFailed(task.id(), "States.TaskFailed", "The Kubernetes API at " + endpoint + " could not be reached: " + f);
      }
      ObjectNode out = NODES.objectNode();
      String answer = response.body();
      out.set("ResponseBody", answer.isBlank() ? NODES.objectNode() : parsed(answer));
      out.put("StatusCode", response.statusCode());
      out.put("StatusText", HttpInvoke.reason(response.statusCode()));
      if (response.statusCode() >= 300) return new Signal.TaskFailed(task.id(), "EKS." + response.statusCode(), Json.write(out));
      return new Signal.TaskSucceeded(task.id(), withText ? out.put("Text", answer) : out);
    });
  }

  /** {@code text} as JSON if it is one JSON value, else as text. */
  private static JsonNode parsed(String text) {
    try {
      return STRICT.readValue(text);
    } catch (java.io.IOException e) {
      return NODES.textNode(text);
    }
  }

  /** The client of an endpoint: over TLS, trusting only {@code authority} (base64 of PEM). */
  private HttpClient client(boolean tls, String authority) throws Exception {
    if (!tls) {
      return clients.computeIfAbsent("", k -> HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
    }
    HttpClient known = clients.get(authority);
    if (known != null) return known;
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    int n = 0;
    for (Certificate c : CertificateFactory.getInstance("X.509")
        .generateCertificates(new ByteArrayInputStream(Base64.getMimeDecoder().decode(authority)))) {
      trusted.setCertificateEntry("ca-" + n++, c);
    }
    if (n == 0) throw new java.security.cert.CertificateException("no certificate in it");
    TrustManagerFactory tm = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tm.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tm.getTrustManagers(), null);
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).sslContext(context).build();
    clients.putIfAbsent(authority, client);
    return client;
  }

  /** {@code {"name": ["a", "b"]}} as {@code name=a&name=b}. */
  private static String query(JsonNode parameters) {
    StringBuilder q = new StringBuilder();
    parameters.fields().forEachRemaining(e -> {
      for (JsonNode v : e.getValue().isArray() ? e.getValue() : NODES.arrayNode().add(e.getValue())) {
        q.append(q.length() == 0 ? "" : "&").append(encode(e.getKey())).append('=').append(encode(v.asText()));
      }
    });
    return q.toString();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static CompletionStage<Signal> failed(Effect.ScheduleTask task, String error, String cause) {
    return CompletableFuture.completedFuture(new Signal.TaskFailed(task.id(), error, cause));
  }
}
