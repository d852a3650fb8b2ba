package io.stepwise.engine.integration;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.TaskCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;

/**
 * What AWS checks of a service integration's Task when a definition is created, as its users met
 * it: an {@code aws-sdk:} action its service does not have (or an integration pattern other than
 * {@code .waitForTaskToken}, which AWS SDK integrations do not offer; or a resource not of the
 * form), and an optimized integration's action or pattern AWS does not list for its service
 * ({@link OptimizedCatalog}), is {@code The resource provided <arn> is not recognized. The value
 * is not a valid resource ARN, or the resource is not available in this region.} at the Resource.
 * A service whose model (aws-sdk) or catalog entry (optimized) Stepwise does not carry is left to
 * run time (AWS may have it). A request's written-out names are checked here ({@link
 * #unknownFields}); the whole request, with what paths and expressions gave it, when the task
 * runs, before it is scheduled ({@link #startProblems}).
 */
public final class IntegrationCheck implements TaskCheck {
  private static final String SDK_PREFIX = ":states:::aws-sdk:";

  @Override
  public String refusal(String resource) {
    boolean known = resource.contains(SDK_PREFIX) ? recognized(resource) : !optimized(resource) || recognizedOptimized(resource);
    if (known) return null;
    return "The resource provided " + resource
        + " is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.";
  }

  /**
   * The names a task's written-out parameters give that its action does not take: {@code The field
   * "<name>" is not supported by Step Functions} at its Parameters, as AWS refused a misspelt nested
   * name of an optimized SageMaker task (aws-cdk#10014) and an aws-sdk one
   * (verifiedpermissions:createPolicy, aws-cdk#29968) when the machine was deployed. A {@code .$}
   * key or a JSONata value is checked when the task runs ({@link #startProblems}; AWS took a
   * Lambda Payload's {@code taskToken.$.$} at creation and failed the task). Actions whose parameters are the integration's
   * own (EMR's, HTTP's, nested executions') are not read here.
   */
  @Override
  public List<String> unknownFields(String resource, JsonNode parameters, boolean jsonata) {
    return walked(resource, parameters, (r, out) -> AwsWire.unknownWrittenFields(r.model(), r.shape(), parameters, jsonata, out));
  }

  /**
   * What keeps a task's effective parameters from being its action's request ({@link
   * AwsWire#startProblems}): AWS fails the state with {@code The Parameters '<json>' could not be
   * used to start the Task: [...]} before scheduling it. Only for the requests read at creation
   * ({@link #unknownFields}'s).
   */
  @Override
  public List<String> startProblems(String resource, JsonNode parameters, boolean jsonata) {
    return walked(resource, parameters, (r, out) -> AwsWire.startProblems(r.model(), r.shape(), parameters, jsonata, out));
  }

  /** What {@code walk} finds in {@code parameters}, an object, against the resource's request; none without one. */
  private static List<String> walked(String resource, JsonNode parameters,
      java.util.function.BiConsumer<Request, List<String>> walk) {
    if (parameters == null || !parameters.isObject()) return List.of();
    return request(resource).map(r -> {
      List<String> found = new ArrayList<>();
      walk.accept(r, found);
      return found;
    }).orElse(List.of());
  }

  /** The request shape of an aws-sdk action, or of an optimized one that takes its service's request as it is. */
  private record Request(AwsModel model, String shape) {}

  /**
   * Each resource's request, found once: a task's check costs a map lookup, not a pattern match and
   * a model lookup. Bounded, as resources come from definitions clients write.
   */
  private static final Map<String, Optional<Request>> REQUESTS = new ConcurrentHashMap<>();
  private static final int MAX_REQUESTS = 10_000;

  private static Optional<Request> request(String resource) {
    Optional<Request> known = REQUESTS.get(resource);
    if (known != null) return known;
    Optional<Request> found = find(resource);
    if (REQUESTS.size() >= MAX_REQUESTS) REQUESTS.clear();
    REQUESTS.put(resource, found);
    return found;
  }

  private static Optional<Request> find(String resource) {
    Matcher sdk = AwsServices.AWS_SDK.matcher(resource);
    boolean isSdk = sdk.matches();
    Matcher m = isSdk ? sdk : AwsServices.OPTIMIZED.matcher(resource);
    if (!isSdk && !m.matches()) return Optional.empty();
    String service = m.group(1);
    String action = m.group(2);
    if (!isSdk && !AwsServices.takesModelParameters(service, action)) return Optional.empty();
    Optional<AwsModel> model = AwsModel.named(AwsServices.modelName(isSdk, service, action));
    return model.flatMap(x -> x.operation(action))
        .map(op -> model.get().op(op).path("input").asText(null))
        .map(input -> new Request(model.get(), input));
  }

  /**
   * Reads the models of the Task resources {@code definitionJson} names, so that its tasks' checks
   * ({@link #startProblems}, which runs where the execution runs) find them read: for the engine to
   * call off its actors when it compiles a definition. A definition that is not JSON is left alone.
   */
  public static void warm(String definitionJson) {
    try {
      warm(io.stepwise.engine.Json.MAPPER.readTree(definitionJson));
    } catch (java.io.IOException | RuntimeException e) {
      // nothing read: the check reads what it needs when a task runs
    }
  }

  private static void warm(JsonNode n) {
    if (n.isObject() && "Task".equals(n.path("Type").asText()) && n.path("Resource").isTextual()) {
      request(n.path("Resource").textValue());
    }
    if (n.isContainerNode()) for (JsonNode child : n) warm(child);
  }

  private static boolean optimized(String resource) {
    return resource.matches("arn:aws[a-z-]*:states:::.*");
  }

  /**
   * An optimized integration's resource: the action, and its pattern, must be one AWS lists for the
   * service ({@link OptimizedCatalog}); a service the catalog does not list is left to run time.
   */
  private static boolean recognizedOptimized(String resource) {
    Matcher m = AwsServices.OPTIMIZED.matcher(resource);
    if (!m.matches()) {
      // a service the catalog lists, with no action or a malformed one
      String rest = resource.substring(resource.indexOf(":::") + 3);
      int colon = rest.indexOf(':');
      return OptimizedCatalog.supports(colon < 0 ? rest : rest.substring(0, colon), "", "") == null;
    }
    Boolean supported = OptimizedCatalog.supports(m.group(1), m.group(2), m.group(3));
    return supported == null || supported;
  }

  private static boolean recognized(String resource) {
    Matcher m = AwsServices.AWS_SDK.matcher(resource);
    if (!m.matches()) return false;
    String pattern = m.group(3);
    if (pattern != null && !pattern.equals(".waitForTaskToken")) return false;
    // a service whose model Stepwise does not carry is left to run time: AWS may have it
    Optional<AwsModel> model = AwsModel.named(AwsServices.modelName(true, m.group(1), m.group(2)));
    return model.isEmpty() || model.get().operation(m.group(2)).isPresent();
  }
}
