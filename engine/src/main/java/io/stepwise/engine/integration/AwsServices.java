package io.stepwise.engine.integration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.asl.interpreter.Effect;
import io.stepwise.asl.interpreter.Signal;
import io.stepwise.engine.execution.ExecutionInfo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Other AWS services, forwarded: {@code arn:aws:states:::aws-sdk:<service>:<action>} and the
 * optimized integrations ({@code arn:aws:states:::sqs:sendMessage}, {@code dynamodb:putItem},
 * {@code events:putEvents}, {@code sns:publish}, ...) call the service's API action with the
 * task's parameters, SigV4-signed, at the endpoint configured for the service. The request and the
 * answer follow the service's model and protocol (json, rest-json, query; see {@link AwsWire}).
 *
 * <p>Errors are named as Step Functions names them: {@code <Service>.<ErrorCode>} with an
 * {@code Exception} suffix where the code has none; the service is the SDK's Pascal-case name for
 * {@code aws-sdk:} ({@code DynamoDb.ConditionalCheckFailedException}, {@code Sfn.ExecutionDoesNotExistException})
 * and the integration's own for optimized ones ({@code DynamoDB.ConditionalCheckFailedException},
 * {@code SQS.AmazonSQSException} when the answer names no error the service's model lists). An endpoint that cannot be
 * reached fails with {@code <Service>.SdkClientException}. Optimized integrations add the SDK's
 * {@code SdkHttpMetadata} and {@code SdkResponseMetadata} to the output, as AWS does; a JSON value
 * given where the action takes a string (an SQS {@code MessageBody}, say) is sent as its JSON text.
 */
public final class AwsServices implements Integration.Submitting {
  static final Pattern AWS_SDK = Pattern.compile("arn:aws[a-z-]*:states:::aws-sdk:([a-z0-9-]+):([A-Za-z0-9]+)(\\.[A-Za-z0-9:]+)?");
  static final Pattern OPTIMIZED = Pattern.compile("arn:aws[a-z-]*:states:::([a-z0-9-]+):([A-Za-z0-9]+)(\\.[A-Za-z0-9:]+)?");

  /** The optimized integrations' services: the model each calls, and the names its errors and causes carry. */
  private record Optimized(String model, String prefix, String generic, String serviceName) {}

  private static final Map<String, Optimized> OPTIMIZED_SERVICES = Map.ofEntries(
      Map.entry("sqs", new Optimized("sqs", "SQS", "AmazonSQSException", "AmazonSQS")),
      Map.entry("sns", new Optimized("sns", "SNS", "AmazonSNSException", "AmazonSNS")),
      Map.entry("dynamodb", new Optimized("dynamodb", "DynamoDB", "AmazonDynamoDBException", "AmazonDynamoDBv2")),
      Map.entry("events", new Optimized("eventbridge", "EventBridge", "AmazonEventBridgeException", "AmazonEventBridge")),
      Map.entry("ecs", new Optimized("ecs", "ECS", "AmazonECSException", "AmazonECS")),
      Map.entry("glue", new Optimized("glue", "Glue", "AWSGlueException", "AWSGlue")),
      Map.entry("batch", new Optimized("batch", "Batch", "AWSBatchException", "AWSBatch")),
      Map.entry("athena", new Optimized("athena", "Athena", "AmazonAthenaException", "AmazonAthena")),
      Map.entry("codebuild", new Optimized("codebuild", "CodeBuild", "AWSCodeBuildException", "AWSCodeBuild")),
      Map.entry("sagemaker", new Optimized("sagemaker", "SageMaker", "AmazonSageMakerException", "AmazonSageMaker")),
      Map.entry("elasticmapreduce", new Optimized("emr", "ElasticMapReduce", "AmazonElasticMapReduceException", "AmazonElasticMapReduce")),
      Map.entry("bedrock", new Optimized("bedrockruntime", "Bedrock", "AmazonBedrockRuntimeException", "AmazonBedrockRuntime")));

  /**
   * Optimized services whose actions span more than one API: an action the service's model does
   * not have is one of this model's (Bedrock's invokeModel is its runtime's, its
   * createModelCustomizationJob its control plane's).
   */
  private static final Map<String, Optimized> ALSO = Map.of(
      "bedrock", new Optimized("bedrock", "Bedrock", "AmazonBedrockException", "AmazonBedrock"));

  /** The model (by name) a task of {@code service} calls for {@code action}: an {@code aws-sdk:} one's, or an optimized one's. */
  static String modelName(boolean sdk, String service, String action) {
    return sdk ? service.replace("-", "") : modelOf(service, action);
  }

  /** The model (by name) of an optimized integration's service that has {@code action}. */
  private static String modelOf(String service, String action) {
    Optimized optimized = OPTIMIZED_SERVICES.get(service);
    String primary = optimized != null ? optimized.model() : service.replace("-", "");
    Optimized also = ALSO.get(service);
    if (also != null && AwsModel.named(primary).flatMap(m -> m.operation(action)).isEmpty()
        && AwsModel.named(also.model()).flatMap(m -> m.operation(action)).isPresent()) {
      return also.model();
    }
    return primary;
  }

  /** Services whose resources other integrations (or activities) carry out. */
  private static final java.util.Set<String> ELSEWHERE = java.util.Set.of("states", "lambda", "http", "aws-sdk");

  private final Function<String, Optional<Endpoint>> endpoints;
  private final Clock clock;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /**
   * @param endpoints the endpoint a service's calls go to, by the service's model name
   *     ({@code sqs}, {@code eventbridge}), if one is configured
   */
  public AwsServices(Function<String, Optional<Endpoint>> endpoints, Clock clock) {
    this.endpoints = endpoints;
    this.clock = clock;
  }

  /**
   * Calls {@code operation} of the service {@code service} (as named in {@code aws-sdk:} resources)
   * as an {@code aws-sdk:} task would: completes with the output, or fails with the
   * {@link io.stepwise.asl.StatesError} the task would fail with (a Distributed Map reads S3 so).
   */
  public CompletionStage<JsonNode> call(String service, String operation, JsonNode parameters) {
    String action = Character.toLowerCase(operation.charAt(0)) + operation.substring(1);
    Effect.ScheduleTask task = new Effect.ScheduleTask("call", "call", "arn:aws:states:::aws-sdk:" + service + ":" + action,
        parameters, null, null, clock.instant(), false, null, 0, null);
    return invoke(task, null).thenApply(signal -> {
      if (signal instanceof Signal.TaskSucceeded ok) return ok.output();
      Signal.TaskFailed f = (Signal.TaskFailed) signal;
      throw new io.stepwise.asl.StatesError(f.error(), f.cause(), true);
    });
  }

  /** Whether calls to {@code service} have an endpoint to go to. */
  public boolean reaches(String service) {
    return endpoints.apply(service).isPresent();
  }

  /**
   * Whether an optimized integration's action takes its service's request as it is (SQS's
   * SendMessage, DynamoDB's PutItem): not one another integration carries out, nor one whose
   * parameters are shaped of its own ({@link OptimizedActions}; Bedrock's InvokeModel task also
   * takes S3 {@code Input} and {@code Output} locations).
   */
  static boolean takesModelParameters(String service, String action) {
    return OPTIMIZED_SERVICES.containsKey(service) && !ELSEWHERE.contains(service) && !service.equals("bedrock")
        && OptimizedActions.of(service, action).isEmpty();
  }

  /** An {@code aws-sdk:} resource, or an optimized integration's that no other integration carries out. */
  static boolean isResource(String resource) {
    if (AWS_SDK.matcher(resource).matches()) return true;
    Matcher m = OPTIMIZED.matcher(resource);
    return m.matches() && !ELSEWHERE.contains(m.group(1));
  }

  @Override
  public boolean handles(String resource) {
    return isResource(resource);
  }

  /** What a resource calls: the service's model, the operation, the pattern, and how errors are named. */
  private record Target(AwsModel model, String operation, String pattern, Optimized optimized, java.util.function.UnaryOperator<JsonNode> output) {
    String prefix() {
      return optimized != null ? optimized.prefix() : model.pascalName();
    }
  }

  @Override
  public CompletionStage<Signal> invoke(Effect.ScheduleTask task, ExecutionInfo info, java.util.function.Consumer<JsonNode> submitted) {
    try {
      SyncRules.Rule rule = syncRule(task.resource());
      if (rule == null) return call(task);
      // known before the start is made, so a task cut off while it is made still stops its job
      String key = key(task, info);
      Job job = new Job(task, rule);
      stoppers.put(key, job);
      return call(task).thenCompose(signal -> {
        if (!(signal instanceof Signal.TaskSucceeded ok)) {
          stoppers.remove(key, job);
          return CompletableFuture.completedFuture(signal);
        }
        submitted.accept(ok.output());
        if (job.started(ok.output())) {
          stoppers.remove(key, job);
          return CompletableFuture.completedFuture(new Signal.TaskFailed(task.id(), "States.Runtime", "The task no longer waits for its job"));
        }
        return waitFor(task, rule, ok.output(), 0, 0, job).whenComplete((s, e) -> stoppers.remove(key, job));
      });
    } catch (RuntimeException e) {
      // a header value the HTTP client refuses, a model that cannot be read, ...: the task fails, nothing is sent
      return failed(task, "States.Runtime", "The call of '" + task.resource() + "' could not be made: " + e.getMessage());
    }
  }

  private CompletionStage<Signal> call(Effect.ScheduleTask task) {
    String resource = task.resource();
    Matcher sdk = AWS_SDK.matcher(resource);
    boolean isSdk = sdk.matches();
    Matcher m = isSdk ? sdk : OPTIMIZED.matcher(resource);
    if (!isSdk && !m.matches()) return failed(task, "States.Runtime", "The resource '" + resource + "' is not supported by this Stepwise server.");
    String service = m.group(1);
    String action = m.group(2);
    String pattern = m.group(3) == null ? "" : m.group(3);
    Optimized optimized = isSdk ? null : OPTIMIZED_SERVICES.get(service);
    String modelName = modelName(isSdk, service, action);
    if (optimized != null && !modelName.equals(optimized.model())) optimized = ALSO.get(service); // named after that API
    Optional<AwsModel> model = AwsModel.named(modelName);
    if (model.isEmpty()) {
      return failed(task, "States.Runtime", "The resource '" + resource + "' names the service '" + service
          + "', which this Stepwise server does not know.");
    }
    // some optimized integrations' actions wrap their service's with shapes of their own (EMR's, EMR Serverless's)
    Optional<OptimizedActions.Action> wrapped = isSdk ? Optional.empty() : OptimizedActions.of(service, action);
    Optional<String> operation = model.get().operation(wrapped.map(OptimizedActions.Action::operation).orElse(action));
    if (operation.isEmpty()) {
      return failed(task, "States.Runtime", "The resource '" + resource + "' names the action '" + action + "', which "
          + model.get().serviceId() + " does not have.");
    }
    if (!pattern.isEmpty() && !pattern.equals(".waitForTaskToken") && syncRule(resource) == null) {
      return failed(task, "States.Runtime", "The resource '" + resource + "' asks for the " + pattern.substring(1)
          + " integration pattern, which Stepwise runs only for " + String.join(", ", SyncRules.names())
          + ": mock state '" + task.stateName() + "' with a test case of the mock configuration, or use .waitForTaskToken.");
    }
    Target target = new Target(model.get(), operation.get(), pattern, optimized,
        wrapped.<java.util.function.UnaryOperator<JsonNode>>map(a -> out -> a.response().apply(task.parameters(), out))
            .orElse(out -> out));
    Optional<Endpoint> endpoint = endpoints.apply(modelName);
    if (endpoint.isEmpty()) {
      return failed(task, "States.Runtime", "The resource '" + resource + "' needs an endpoint for " + model.get().serviceId()
          + ", and none is configured: set stepwise.engine.endpoints." + modelName
          + " (or stepwise.engine.endpoints.default), or mock state '" + task.stateName() + "' with a test case of the mock configuration");
    }
    if (wrapped.isPresent() && wrapped.get().byName() != null) {
      return lookUp(task, target, endpoint.get(), wrapped.get(), null).thenCompose(found -> found instanceof String id
          ? send(task, target, endpoint.get(), wrapped.get().request().apply(task.parameters(), id))
          : CompletableFuture.completedFuture((Signal) found));
    }
    return send(task, target, endpoint.get(),
        wrapped.isPresent() ? wrapped.get().request().apply(task.parameters(), null) : task.parameters());
  }

  private CompletionStage<Signal> send(Effect.ScheduleTask task, Target target, Endpoint endpoint, JsonNode parameters) {
    AwsWire.Request request;
    try {
      request = AwsWire.request(target.model(), target.operation(), parameters);
    } catch (AwsWire.UnknownField e) {
      return failed(task, "States.Runtime", e.getMessage());
    } catch (AwsWire.BadParameters e) {
      return failed(task, "States.Runtime", "The parameters of '" + task.resource() + "' are not valid for "
          + target.model().serviceId() + " " + target.operation() + ": " + e.getMessage());
    }
    return send(task, target, endpoint, request);
  }

  /**
   * The id of the instance group or fleet a {@code ...ByName} EMR action names, read from the
   * cluster's listing page by page (from {@code marker}); or the signal the task fails with: the
   * listing's own failure, or EMR's InvalidRequestException when no group or fleet has that name.
   */
  private CompletionStage<Object> lookUp(Effect.ScheduleTask task, Target modify, Endpoint endpoint, OptimizedActions.Action action,
      String marker) {
    OptimizedActions.ByName byName = action.byName();
    String name = OptimizedActions.nameIn(task.parameters(), byName);
    if (name == null) {
      return CompletableFuture.completedFuture(new Signal.TaskFailed(task.id(), "States.Runtime", "The parameters of '"
          + task.resource() + "' name no " + byName.object() + ": give " + byName.name()));
    }
    ObjectNode listing = object();
    listing.set("ClusterId", task.parameters().path("ClusterId"));
    if (marker != null) listing.put("Marker", marker);
    Target list = new Target(modify.model(), modify.model().operation(byName.list()).orElseThrow(), "", modify.optimized(),
        out -> out);
    return send(task, list, endpoint, listing).thenCompose(signal -> {
      if (!(signal instanceof Signal.TaskSucceeded ok)) return CompletableFuture.completedFuture(signal);
      for (JsonNode each : ok.output().path(byName.listed())) {
        if (name.equals(each.path("Name").asText(null))) return CompletableFuture.completedFuture(each.path("Id").asText());
      }
      String next = ok.output().path("Marker").asText("");
      if (!next.isEmpty()) return lookUp(task, modify, endpoint, action, next);
      return CompletableFuture.completedFuture(new Signal.TaskFailed(task.id(), modify.prefix() + ".InvalidRequestException",
          "The cluster " + task.parameters().path("ClusterId").asText() + " has no " + byName.object() + " named '" + name
              + "' (Service: " + modify.optimized().serviceName() + "; Status Code: 400; Error Code: InvalidRequestException"
              + "; Request ID: null; Proxy: null)"));
    });
  }

  /** The jobs of .sync tasks waited for, by execution and task: a task cut off stops its job. */
  private final java.util.concurrent.ConcurrentHashMap<String, Job> stoppers = new java.util.concurrent.ConcurrentHashMap<>();

  /** A .sync task's job: the start's answer once it came, and whether the task still waits for it. */
  private final class Job {
    final Effect.ScheduleTask task;
    final SyncRules.Rule rule;
    private JsonNode started;
    private volatile boolean released;

    Job(Effect.ScheduleTask task, SyncRules.Rule rule) {
      this.task = task;
      this.rule = rule;
    }

    /** The start answered; true if the task was let go meanwhile (the job is then stopped at once). */
    boolean started(JsonNode answer) {
      synchronized (this) {
        started = answer;
        if (!released) return false;
      }
      stop(answer);
      return true;
    }

    void release() {
      JsonNode answer;
      synchronized (this) {
        released = true;
        answer = started;
      }
      if (answer != null) stop(answer);
    }

    boolean released() {
      return released;
    }

    private void stop(JsonNode answer) {
      if (rule.stop() == null) return; // left to run
      String model = modelOf(serviceOf(task.resource()), rule.stop());
      JsonNode params = rule.stopParameters().apply(task.parameters(), answer);
      // ECS: one StopTask per task the run started
      for (JsonNode p : params.isArray() ? params : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode().add(params)) {
        call(model, rule.stop(), p).whenComplete((r, e) -> {
          if (e != null) log.warn("Stopping the job of {} failed: {}", task.resource(), e.toString());
        });
      }
    }
  }

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AwsServices.class);

  @Override
  public void released(Effect.ScheduleTask task, ExecutionInfo info) {
    Job job = stoppers.remove(key(task, info));
    if (job != null) job.release();
  }

  private static String key(Effect.ScheduleTask task, ExecutionInfo info) {
    return (info == null ? "" : info.executionArn()) + "|" + task.id();
  }

  private static String serviceOf(String resource) {
    Matcher m = OPTIMIZED.matcher(resource);
    return m.matches() ? m.group(1) : "";
  }

  /** The {@code .sync} rule of an optimized integration's resource, or null. */
  private static SyncRules.Rule syncRule(String resource) {
    Matcher m = OPTIMIZED.matcher(resource);
    if (!m.matches() || m.group(3) == null || !m.group(3).startsWith(".sync")) return null;
    return SyncRules.of(m.group(1), m.group(2));
  }

  /** Descriptions in a row that show no job before a .sync task gives up on it (a new job may take a moment to appear). */
  private static final int UNSEEN_POLLS = 3;

  private static ObjectNode object() {
    return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
  }

  private static String statusOf(JsonNode job, String path) {
    JsonNode n = job;
    for (String part : path.split("\\.")) n = part.matches("\\d+") ? n.path(Integer.parseInt(part)) : n.path(part);
    return n.asText("");
  }

  /** Describes the job until it ends: at once, then after 1, 2 and 4 s and every 5 s. */
  private CompletionStage<Signal> waitFor(Effect.ScheduleTask task, SyncRules.Rule rule, JsonNode started, int polls,
      int unseen, Job letGo) {
    if (letGo.released()) {
      return CompletableFuture.completedFuture(new Signal.TaskFailed(task.id(), "States.Runtime", "The task no longer waits for its job"));
    }
    Matcher m = OPTIMIZED.matcher(task.resource());
    m.matches();
    String service = m.group(1);
    long delay = Math.min(5_000, 500L << Math.min(polls, 4));
    java.util.concurrent.Executor later = CompletableFuture.delayedExecutor(polls == 0 ? 0 : delay, java.util.concurrent.TimeUnit.MILLISECONDS);
    return CompletableFuture.supplyAsync(() -> null, later).thenCompose(x ->
        call(modelOf(service, rule.describe()), rule.describe(), rule.parameters().apply(task.parameters(), started))).handle((described, failure) -> {
          if (failure != null) {
            Throwable f = failure instanceof java.util.concurrent.CompletionException c && c.getCause() != null ? c.getCause() : failure;
            if (rule.succeeded().contains(SyncRules.GONE) && f instanceof io.stepwise.asl.StatesError e
                && e.error().endsWith(".ResourceNotFoundException")) {
              return CompletableFuture.<Signal>completedFuture(new Signal.TaskSucceeded(task.id(), started)); // deleted
            }
            return CompletableFuture.<Signal>completedFuture(f instanceof io.stepwise.asl.StatesError e
                ? new Signal.TaskFailed(task.id(), e.error(), e.cause())
                : new Signal.TaskFailed(task.id(), "States.Runtime", "Describing the job failed: " + f));
          }
          JsonNode job = rule.job().apply(described);
          String status = statusOf(job, rule.status());
          boolean ecsFailed = service.equals("ecs") && status.equals("STOPPED") && failedContainers(described);
          if (rule.failed().contains(status) || ecsFailed) {
            return CompletableFuture.<Signal>completedFuture(new Signal.TaskFailed(task.id(), "States.TaskFailed",
                io.stepwise.engine.Json.write(job)));
          }
          if (rule.succeeded().contains(status)) {
            return CompletableFuture.<Signal>completedFuture(new Signal.TaskSucceeded(task.id(), rule.startAnswers() ? started : job));
          }
          if (status.isEmpty() && unseen + 1 >= UNSEEN_POLLS) {
            // described as no job (a listing of those not found, say): it would be waited for forever
            return CompletableFuture.<Signal>completedFuture(new Signal.TaskFailed(task.id(), "States.Runtime",
                "The job the task started cannot be found: " + rule.describe() + " answered "
                    + io.stepwise.engine.Json.write(described)));
          }
          return waitFor(task, rule, started, polls + 1, status.isEmpty() ? unseen + 1 : 0, letGo);
        }).thenCompose(s -> s);
  }

  /** An ECS task that stopped with a container whose exit code is not 0 failed. */
  private static boolean failedContainers(JsonNode described) {
    for (JsonNode t : described.path("Tasks")) {
      for (JsonNode c : t.path("Containers")) {
        if (c.has("ExitCode") && c.get("ExitCode").asInt() != 0) return true;
      }
    }
    return false;
  }

  /**
   * Downloads an S3 object into {@code file} as GetObject would answer it (parameters: Bucket,
   * Key, VersionId, ...), streaming its body to disk rather than holding it; fails with the
   * StatesError an {@code aws-sdk:s3:getObject} task would.
   */
  public CompletionStage<Void> download(JsonNode parameters, java.nio.file.Path file) {
    Effect.ScheduleTask task = s3Task("getObject", parameters);
    Target target = s3Target("getObject");
    AwsModel model = target.model();
    Optional<Endpoint> endpoint = endpoints.apply("s3");
    if (endpoint.isEmpty()) return noS3("Reading");
    HttpRequest request;
    try {
      request = build(target, endpoint.get(), AwsWire.request(model, target.operation(), parameters));
    } catch (RuntimeException e) { // AwsWire.BadParameters among them
      return CompletableFuture.failedFuture(new io.stepwise.asl.StatesError("States.Runtime",
          "The parameters are not valid for S3 GetObject: " + e.getMessage(), true));
    }
    var sent = client.sendAsync(request, HttpResponse.BodyHandlers.ofFile(file));
    cancelAfter(sent, TRANSFER_LIMIT); // the request's timeout covers the headers only, not a body that stalls
    return sent.handle((response, failure) -> {
      Signal answer;
      if (failure != null) {
        answer = unreachable(task, target, failure);
      } else if (response.statusCode() >= 300) {
        byte[] body;
        try {
          body = java.nio.file.Files.readAllBytes(file); // an error document
        } catch (java.io.IOException e) {
          body = new byte[0];
        }
        answer = failure(task, target, response.statusCode(), response.headers(), body);
      } else {
        return null;
      }
      Signal.TaskFailed f = (Signal.TaskFailed) answer;
      throw new io.stepwise.asl.StatesError(f.error(), f.cause(), true);
    });
  }

  /**
   * Uploads {@code file} as an S3 object (PutObject with {@code parameters} — Bucket, Key,
   * ContentType, ... — and the file as its body), streamed from disk rather than held; fails with
   * the StatesError an {@code aws-sdk:s3:putObject} task would.
   */
  public CompletionStage<Void> upload(JsonNode parameters, java.nio.file.Path file) {
    Effect.ScheduleTask task = s3Task("putObject", parameters);
    Target target = s3Target("putObject");
    AwsModel model = target.model();
    Optional<Endpoint> endpoint = endpoints.apply("s3");
    if (endpoint.isEmpty()) return noS3("Writing");
    HttpRequest request;
    try {
      AwsWire.Request r = AwsWire.request(model, target.operation(), parameters);
      Endpoint e = endpoint.get();
      URI uri = URI.create(e.uri().toString() + r.target());
      Map<String, String> headers = new LinkedHashMap<>(r.headers());
      headers.keySet().removeIf(k -> k.equalsIgnoreCase("Content-Length"));
      headers.putAll(SigV4.signHashed("PUT", uri, headers, SigV4.sha256Hex(file), model.signingName(), e.region(),
          e.accessKeyId(), e.secretAccessKey(), clock.instant()));
      // S3 may refuse the upload (a missing bucket, a denied key) before it reads the body
      HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(TRANSFER_LIMIT).expectContinue(true)
          .PUT(HttpRequest.BodyPublishers.ofFile(file));
      headers.forEach((k, v) -> {
        if (!k.equalsIgnoreCase("Host")) b.header(k, v);
      });
      request = b.build();
    } catch (java.io.IOException | RuntimeException e) { // AwsWire.BadParameters among them
      return CompletableFuture.failedFuture(new io.stepwise.asl.StatesError("States.Runtime",
          "The object could not be sent to S3: " + e.getMessage(), true));
    }
    var sent = client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
    cancelAfter(sent, TRANSFER_LIMIT);
    return sent.handle((response, failure) -> {
      Signal answer = failure != null ? unreachable(task, target, failure)
          : response.statusCode() >= 300 ? failure(task, target, response.statusCode(), response.headers(), response.body())
          : null;
      if (answer == null) return null;
      Signal.TaskFailed f = (Signal.TaskFailed) answer;
      throw new io.stepwise.asl.StatesError(f.error(), f.cause(), true);
    });
  }

  /** The longest an object's download or upload may take, body included. */
  static final Duration TRANSFER_LIMIT = Duration.ofMinutes(30);

  /** Cancels {@code sent} (the JDK client then aborts the exchange) if it has not completed within {@code limit}. */
  private static void cancelAfter(CompletableFuture<?> sent, Duration limit) {
    CompletableFuture.delayedExecutor(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .execute(() -> sent.cancel(true));
  }

  /** The task an S3 action would be as {@code aws-sdk:s3:<action>}: its failures are named as that task's. */
  private Effect.ScheduleTask s3Task(String action, JsonNode parameters) {
    return new Effect.ScheduleTask(action, action, "arn:aws:states:::aws-sdk:s3:" + action, parameters, null, null,
        clock.instant(), false, null, 0, null);
  }

  private static Target s3Target(String action) {
    AwsModel model = AwsModel.named("s3").orElseThrow();
    return new Target(model, model.operation(action).orElseThrow(), "", null, out -> out);
  }

  private static CompletionStage<Void> noS3(String doing) {
    return CompletableFuture.failedFuture(new io.stepwise.asl.StatesError("States.Runtime",
        doing + " an object needs an endpoint for S3, and none is configured: set stepwise.engine.endpoints.s3", true));
  }

  private HttpRequest build(Target target, Endpoint endpoint, AwsWire.Request request) {
    URI uri = URI.create(endpoint.uri().toString() + request.target());
    Map<String, String> headers = new LinkedHashMap<>(request.headers());
    headers.putAll(SigV4.sign(request.method(), uri, headers, request.body(), target.model().signingName(), endpoint.region(),
        endpoint.accessKeyId(), endpoint.secretAccessKey(), clock.instant()));
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5))
        .method(request.method(), request.body().length == 0 && !request.method().equals("POST") && !request.method().equals("PUT")
            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(request.body()));
    headers.forEach((k, v) -> {
      if (!k.equalsIgnoreCase("Host")) b.header(k, v);
    });
    return b.build();
  }

  private CompletionStage<Signal> send(Effect.ScheduleTask task, Target target, Endpoint endpoint, AwsWire.Request request) {
    return client.sendAsync(build(target, endpoint, request), HttpResponse.BodyHandlers.ofByteArray())
        .handle((response, failure) -> failure != null ? unreachable(task, target, failure) : answer(task, target, response));
  }

  private static Signal answer(Effect.ScheduleTask task, Target target, HttpResponse<byte[]> response) {
    int status = response.statusCode();
    if (status >= 300) return failure(task, target, status, response.headers(), response.body());
    AwsModel model = target.model();
    JsonNode out = AwsWire.output(model, target.operation(), status, response.headers(), response.body());
    try {
      out = target.output().apply(out);
    } catch (RuntimeException e) { // an answer that lacks what the integration reshapes it from
      return new Signal.TaskFailed(task.id(), "States.Runtime", e.getMessage());
    }
    if (target.optimized() != null && out instanceof ObjectNode o) SdkMetadata.add(o, response.headers(), status);
    if (target.pattern().equals(".waitForTaskToken")) return new Signal.TaskStarted(task.id(), null, out);
    return new Signal.TaskSucceeded(task.id(), out);
  }

  /** A service's error answer, as the task fails with it (the SDK's exception name and message). */
  private static Signal failure(Effect.ScheduleTask task, Target target, int status, java.net.http.HttpHeaders headers,
      byte[] body) {
    AwsModel model = target.model();
    AwsWire.Failure f = AwsWire.failure(model, headers, body);
    String given = f.code();
    // an answer to HEAD has no body: S3's SDK names a missing object or bucket by the operation
    if (given.isEmpty() && status == 404 && model.protocol().equals("rest-xml")) {
      given = target.operation().equals("HeadObject") ? "NoSuchKey" : target.operation().equals("HeadBucket") ? "NoSuchBucket" : "";
    }
    // a code the model does not list is thrown by the SDK as the service's own exception
    String code = given.isEmpty() ? null : model.errorShape(given).orElse(null);
    String name = code == null
        ? (target.optimized() != null ? target.optimized().generic() : model.pascalName() + "Exception")
        : code.endsWith("Exception") ? code : code + "Exception";
    String cause = target.optimized() != null
        ? f.message() + " (Service: " + target.optimized().serviceName() + "; Status Code: " + status + "; Error Code: "
            + (f.queryCode().isEmpty() ? "null" : f.queryCode()) + "; Request ID: " + f.requestId() + "; Proxy: null)"
        : f.message() + " (Service: " + model.pascalName() + ", Status Code: " + status + ", Request ID: " + f.requestId() + ")";
    return new Signal.TaskFailed(task.id(), target.prefix() + "." + name, cause);
  }


  private static Signal unreachable(Effect.ScheduleTask task, Target target, Throwable failure) {
    Throwable f = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    return new Signal.TaskFailed(task.id(), target.prefix() + ".SdkClientException",
        "Unable to execute HTTP request: " + (f.getMessage() == null ? f.getClass().getSimpleName() : f.getMessage()));
  }

  private static CompletionStage<Signal> failed(Effect.ScheduleTask task, String error, String cause) {
    return CompletableFuture.completedFuture(new Signal.TaskFailed(task.id(), error, cause));
  }
}
