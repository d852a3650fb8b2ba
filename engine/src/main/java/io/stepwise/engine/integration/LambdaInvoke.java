package io.stepwise.engine.integration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.asl.interpreter.Effect;
import io.stepwise.asl.interpreter.Signal;
import io.stepwise.engine.Json;
import io.stepwise.engine.execution.ExecutionInfo;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Lambda, forwarded: {@code arn:aws:states:::lambda:invoke} (and {@code .waitForTaskToken}) and
 * Lambda function ARNs as resources are sent, SigV4-signed, to the Lambda Invoke API of the
 * endpoint configured for Lambda ({@code stepwise.engine.endpoints.lambda}, or
 * {@code LAMBDA_ENDPOINT} as for Step Functions Local) — for example {@code sam local
 * start-lambda}. The answer has AWS's shape: {@code lambda:invoke} gives {@code ExecutedVersion},
 * {@code Payload}, {@code StatusCode} and the SDK metadata; a function ARN gives the function's
 * result itself. A function error fails the task with the error's {@code errorType} (else
 * {@code Lambda.Unknown}) and the payload as cause; an error of the Lambda service with
 * {@code Lambda.<ErrorCode>}; an endpoint that cannot be reached with {@code Lambda.SdkClientException}.
 */
public final class LambdaInvoke implements Integration {
  static final String OPTIMIZED = "arn:aws:states:::lambda:invoke";
  private static final Set<String> INVOCATION_TYPES = Set.of("RequestResponse", "Event", "DryRun");
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Endpoint endpoint;
  private final Clock clock;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  public LambdaInvoke(Endpoint endpoint, Clock clock) {
    this.endpoint = endpoint;
    this.clock = clock;
  }

  /** {@code lambda:invoke} (request-response or callback) or a function ARN. */
  static boolean isResource(String resource) {
    return resource.equals(OPTIMIZED) || resource.equals(OPTIMIZED + ".waitForTaskToken") || isFunctionArn(resource);
  }

  private static boolean isFunctionArn(String resource) {
    String[] p = resource.split(":");
    return p.length >= 7 && p.length <= 8 && p[0].equals("arn") && p[2].equals("lambda") && p[5].equals("function")
        && !p[6].isEmpty();
  }

  /** Lambda Invoke's request, whose members an optimized lambda:invoke task's parameters are (read on first use). */
  private static final class InvokeRequest {
    static final JsonNode SHAPE = AwsModel.named("lambda").map(m -> m.shape(m.op("Invoke").path("input").asText()))
        .orElseThrow(() -> new IllegalStateException("the Lambda model is missing"));
  }

  @Override
  public boolean handles(String resource) {
    return isResource(resource);
  }

  @Override
  public CompletionStage<Signal> invoke(Effect.ScheduleTask task, ExecutionInfo info) {
    boolean optimized = task.resource().startsWith(OPTIMIZED);
    JsonNode p = task.parameters();
    String function;
    String payload;
    String type = "RequestResponse";
    String qualifier = null;
    String clientContext = null;
    if (optimized) {
      if (p == null || !p.isObject() || !p.path("FunctionName").isTextual()) {
        return failed(task, "States.Runtime", "The parameters of '" + task.resource() + "' must have a FunctionName string");
      }
      // its parameters are Lambda Invoke's: any other name fails the task when it runs, in AWS's
      // words (a TaskToken beside the Payload of .waitForTaskToken, as a user met it)
      for (Iterator<String> it = p.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        if (AwsWire.member(InvokeRequest.SHAPE, name) == null) {
          return failed(task, "States.Runtime", AwsWire.UnknownField.message(name));
        }
      }
      function = p.get("FunctionName").asText();
      JsonNode body = p.get("Payload");
      payload = body == null || body.isNull() ? "{}" : Json.write(body);
      if (p.has("InvocationType")) {
        type = p.get("InvocationType").asText();
        if (!INVOCATION_TYPES.contains(type)) {
          return failed(task, "Lambda.InvalidParameterValueException",
              "InvocationType must be RequestResponse, Event or DryRun, got '" + type + "'");
        }
      }
      if (p.path("Qualifier").isTextual()) qualifier = p.get("Qualifier").asText();
      if (p.path("ClientContext").isTextual()) clientContext = p.get("ClientContext").asText();
    } else {
      function = task.resource();
      payload = p == null ? "{}" : Json.write(p);
    }
    if (endpoint == null) {
      return failed(task, "States.Runtime", "The resource '" + task.resource() + "' needs an endpoint for Lambda,"
          + " and none is configured: set stepwise.engine.endpoints.lambda"
          + " (or LAMBDA_ENDPOINT), or mock state '" + task.stateName() + "' with a test case of the mock configuration");
    }
    String region = function.startsWith("arn:") && function.split(":").length > 3 ? function.split(":")[3] : endpoint.region();
    String path = "/2015-03-31/functions/" + URLEncoder.encode(function, StandardCharsets.UTF_8).replace("+", "%20")
        + "/invocations" + (qualifier == null ? "" : "?Qualifier=" + URLEncoder.encode(qualifier, StandardCharsets.UTF_8));
    URI uri = URI.create(endpoint.uri().toString() + path.substring(1)); // under the endpoint's own path
    byte[] body = payload.getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("X-Amz-Invocation-Type", type);
    if (clientContext != null) headers.put("X-Amz-Client-Context", clientContext);
    headers.putAll(SigV4.sign("POST", uri, headers, body, "lambda", region, endpoint.accessKeyId(),
        endpoint.secretAccessKey(), clock.instant()));
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(16))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(b::header);
    boolean callback = task.resource().endsWith(".waitForTaskToken");
    return client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
        .handle((response, failure) -> failure != null ? unreachable(task, failure)
            : answer(task, response, optimized, callback));
  }

  private static Signal answer(Effect.ScheduleTask task, HttpResponse<String> response, boolean optimized,
      boolean callback) {
    int status = response.statusCode();
    String requestId = response.headers().firstValue("x-amzn-RequestId").orElse("");
    if (status >= 300) {
      JsonNode error = parse(response.body());
      String code = response.headers().firstValue("x-amzn-ErrorType").map(t -> t.split(":")[0])
          .or(() -> text(error, "__type", "code")).orElse("ServiceException");
      if (code.contains("#")) code = code.substring(code.indexOf('#') + 1);
      String message = text(error, "Message", "message", "errorMessage").orElse(response.body());
      return new Signal.TaskFailed(task.id(), "Lambda." + code, message + " (Service: AWSLambda; Status Code: " + status
          + "; Error Code: " + code + "; Request ID: " + requestId + "; Proxy: null)");
    }
    JsonNode payload = parse(response.body());
    if (response.headers().firstValue("X-Amz-Function-Error").isPresent()) {
      String type = text(payload, "errorType").orElse("Lambda.Unknown");
      return new Signal.TaskFailed(task.id(), type, response.body());
    }
    if (!optimized) return new Signal.TaskSucceeded(task.id(), payload);
    ObjectNode out = NODES.objectNode();
    out.put("ExecutedVersion", response.headers().firstValue("X-Amz-Executed-Version").orElse("$LATEST"));
    out.set("Payload", payload);
    SdkMetadata.add(out, response.headers(), status);
    out.put("StatusCode", status);
    // a callback task was submitted: it now waits for its token, the invocation's answer in TaskSubmitted
    if (callback) return new Signal.TaskStarted(task.id(), null, out);
    return new Signal.TaskSucceeded(task.id(), out);
  }

  /** The body as JSON; text that is not JSON stays text (an empty body is an empty string). */
  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) return NODES.textNode(body == null ? "" : body);
    try {
      return Json.MAPPER.readTree(body);
    } catch (IOException e) {
      return NODES.textNode(body);
    }
  }

  private static java.util.Optional<String> text(JsonNode n, String... fields) {
    for (String f : fields) {
      if (n != null && n.path(f).isTextual()) return java.util.Optional.of(n.get(f).asText());
    }
    return java.util.Optional.empty();
  }

  private static Signal unreachable(Effect.ScheduleTask task, Throwable failure) {
    Throwable f = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    return new Signal.TaskFailed(task.id(), "Lambda.SdkClientException",
        "Unable to execute HTTP request: " + (f.getMessage() == null ? f.getClass().getSimpleName() : f.getMessage()));
  }

  private static CompletionStage<Signal> failed(Effect.ScheduleTask task, String error, String cause) {
    return CompletableFuture.completedFuture(new Signal.TaskFailed(task.id(), error, cause));
  }
}
