package io.stepwise.api.sfn;

import static io.stepwise.api.sfn.Fields.*;
import static io.stepwise.api.sfn.Shapes.F;
import static io.stepwise.api.sfn.Shapes.time;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.api.http.AwsServiceException;
import io.stepwise.api.http.Caller;
import io.stepwise.api.http.Operation;
import io.stepwise.asl.Problem;
import io.stepwise.asl.interpreter.HistoryEvent;
import io.stepwise.engine.Arns;
import io.stepwise.engine.ServiceError;
import io.stepwise.engine.StepFunctionsEngine;
import io.stepwise.engine.catalog.ExecutionSummary;
import io.stepwise.engine.catalog.StateMachineSummary;
import io.stepwise.engine.kms.EncryptionConfig;
import io.stepwise.engine.kms.Principals;
import io.stepwise.engine.statemachine.StateMachineRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The Step Functions actions ({@code X-Amz-Target: AWSStepFunctions.<Action>}): each one reads its
 * request members as AWS does, calls the engine, and renders AWS's response shape. No business
 * logic lives here.
 */
public final class StepFunctionsApi {
  public static final String TARGET_PREFIX = "AWSStepFunctions";
  static final int MAX_DEFINITION = 1_048_576;
  static final int MAX_INPUT = 262_144;
  private static final Set<String> TYPES = Set.of("STANDARD", "EXPRESS");
  private static final Set<String> STATUSES = Set.of("RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE");
  private static final Set<String> REDRIVE_FILTERS = Set.of("REDRIVEN", "NOT_REDRIVEN");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final StepFunctionsEngine engine;
  private final String region;

  private StepFunctionsApi(StepFunctionsEngine engine, String region) {
    this.engine = engine;
    this.region = region;
  }

  /** The actions, creating resources in {@code region} (the server's region, whatever region the client signed for). */
  public static Map<String, Operation> operations(StepFunctionsEngine engine, String region) {
    StepFunctionsApi api = new StepFunctionsApi(engine, region);
    Map<String, Operation> ops = new LinkedHashMap<>();
    ops.put("CreateStateMachine", api::createStateMachine);
    ops.put("DescribeStateMachine", api::describeStateMachine);
    ops.put("UpdateStateMachine", api::updateStateMachine);
    ops.put("DeleteStateMachine", api::deleteStateMachine);
    ops.put("ListStateMachines", api::listStateMachines);
    ops.put("ValidateStateMachineDefinition", api::validateStateMachineDefinition);
    ops.put("StartExecution", api::startExecution);
    ops.put("StartSyncExecution", api::startSyncExecution);
    ops.put("StopExecution", api::stopExecution);
    ops.put("DescribeExecution", api::describeExecution);
    ops.put("RedriveExecution", api::redriveExecution);
    ops.put("ListExecutions", api::listExecutions);
    ops.put("GetExecutionHistory", api::getExecutionHistory);
    ops.put("DescribeStateMachineForExecution", api::describeStateMachineForExecution);
    ops.putAll(ActivityOperations.operations(engine, region));
    ops.putAll(TagOperations.operations(engine));
    ops.putAll(VersionOperations.operations(engine));
    ops.putAll(AliasOperations.operations(engine));
    ops.putAll(MapRunOperations.operations(engine));
    ops.putAll(TestStateOperations.operations(engine, region));
    Map<String, Operation> guarded = new LinkedHashMap<>();
    ops.forEach((name, op) -> guarded.put(name, guard(ownAccount(name, op))));
    return Collections.unmodifiableMap(guarded);
  }

  /** The request members that name a resource by ARN (one level deep in routingConfiguration). */
  static final List<String> ARN_MEMBERS = List.of("stateMachineArn", "executionArn", "activityArn", "resourceArn",
      "mapRunArn", "stateMachineAliasArn", "stateMachineVersionArn");

  /**
   * Every ARN a request names must be of the caller's account: Step Functions has no
   * resource-based policies, so AWS refuses another account's resource with AccessDeniedException
   * before anything is read or changed.
   */
  private static Operation ownAccount(String action, Operation op) {
    return (caller, request) -> {
      for (String member : ARN_MEMBERS) requireOwn(caller, action, request.get(member));
      JsonNode routing = request.path("routingConfiguration");
      if (routing.isArray()) routing.forEach(r -> requireOwn(caller, action, r.get("stateMachineVersionArn")));
      return op.handle(caller, request);
    };
  }

  private static void requireOwn(Caller caller, String action, JsonNode value) {
    if (value == null || !value.isTextual()) return;
    String arn = value.textValue();
    Arns.Parsed p = Arns.parse(arn);
    if (p != null && !p.account().equals(caller.accountId())) {
      throw new ServiceError("AccessDeniedException", "User: " + principal(caller) + " is not authorized to perform: states:"
          + action + " on resource: " + arn + " because no resource-based policy allows the states:" + action + " action");
    }
  }

  /** Turns the engine's {@link ServiceError}s, thrown or in the stage, into the edge's AWS error. */
  private static Operation guard(Operation op) {
    return (caller, request) -> {
      CompletionStage<JsonNode> stage;
      try {
        stage = op.handle(caller, request);
      } catch (ServiceError e) {
        return CompletableFuture.failedFuture(translate(e));
      }
      return stage.handle((result, failure) -> {
        if (failure == null) return result;
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof ServiceError se) throw translate(se);
        if (cause instanceof org.apache.pekko.pattern.AskTimeoutException
            || cause instanceof java.util.concurrent.TimeoutException) {
          throw new AwsServiceException("ServiceUnavailable", 503, "The service is busy; try again.", Map.of());
        }
        throw failure instanceof CompletionException ce ? ce : new CompletionException(failure);
      });
    };
  }

  private static AwsServiceException translate(ServiceError e) {
    return new AwsServiceException(e.code(), e.status(), e.getMessage(), e.extra());
  }

  // --- state machines ---

  private CompletionStage<JsonNode> createStateMachine(Caller caller, ObjectNode req) {
    String name = requiredString(req, "name");
    String definition = Fields.definition(req, true);
    String roleArn = requiredString(req, "roleArn");
    String type = oneOf(optionalString(req, "type"), "type", TYPES);
    ObjectNode logging = Fields.loggingConfiguration(req);
    ObjectNode tracing = Fields.tracingConfiguration(req);
    Map<String, String> tags = tags(req, "tags");
    boolean publish = optionalBoolean(req, "publish", false);
    String versionDescription = versionDescription(req, publish);
    if (!Arns.isValidName(name)) throw new ServiceError("InvalidName", "Invalid Name: '" + name + "'");
    if (!Arns.isValidRoleArn(roleArn)) throw ServiceError.invalidRoleArn(roleArn);
    EncryptionConfig encryption = encryption(engine, caller, req);
    String arn = Arns.stateMachine(region, caller.accountId(), name);
    StateMachineRecord record = new StateMachineRecord(arn, name, type == null ? "STANDARD" : type, definition, roleArn,
        engine.clock().instant(), null, UUID.randomUUID().toString(), null,
        Shapes.logging(logging), Shapes.tracing(tracing), encryption);
    return engine.createStateMachine(record, tags, publish, versionDescription).thenApply(saved -> {
      ObjectNode n = F.objectNode();
      n.put("stateMachineArn", saved.record().stateMachineArn());
      n.put("creationDate", time(saved.record().creationDate()));
      if (saved.versionArn() != null) n.put("stateMachineVersionArn", saved.versionArn());
      return n;
    });
  }

  /**
   * "If you provide a qualified state machine ARN that refers to a Distributed Map state, the request
   * fails with ValidationException" (the API Reference, for starting, describing, updating and
   * deleting a state machine): such an ARN names no machine of its own.
   */
  private static void refuseMapStateArn(String arn) {
    if (Arns.isMapStateArn(arn)) {
      throw ServiceError.validation("Invalid Arn: '" + arn + "' refers to a Distributed Map state, not to a state machine");
    }
  }

  /** A state machine ARN, or one of its versions' or aliases' ({@code machine-arn:number|name}); else InvalidArn. */
  private static void requireMachineOrVersion(String arn) {
    if (Arns.version(arn).isEmpty() && Arns.alias(arn).isEmpty()) {
      Arns.requireStateMachine(arn);
    }
  }

  /** {@code versionDescription}: at most 256 characters, and only with {@code publish} true, as AWS. */
  private static String versionDescription(ObjectNode req, boolean publish) {
    String d = maxLength(optionalString(req, "versionDescription"), "versionDescription", 256, true);
    if (d != null && !publish) {
      throw ServiceError.validation("Version description can only be set when publish is true");
    }
    return d;
  }

  /** The request's encryptionConfiguration validated and resolved (null when absent). */
  /** The request's {@code encryptionConfiguration}, validated against the KMS for this caller; null if absent. */
  static EncryptionConfig encryption(StepFunctionsEngine engine, Caller caller, ObjectNode req) {
    Fields.RequestedEncryption e = encryptionConfiguration(req);
    if (e == null) return null;
    return engine.encryption().validate(e.type(), e.kmsKeyId(), e.reusePeriodSeconds(), caller.accountId(),
        principal(caller));
  }

  static String principal(Caller caller) {
    return Principals.arn(caller.accountId(), caller.accessKeyId());
  }

  /** ALL_DATA reads need kms:Decrypt on a customer-managed key, and the key must be usable. */
  private void checkRead(Caller caller, boolean includeData, EncryptionConfig config) {
    if (includeData) engine.encryption().checkDecrypt(config, caller.accountId(), principal(caller));
  }

  private CompletionStage<JsonNode> describeStateMachine(Caller caller, ObjectNode req) {
    String arn = requiredString(req, "stateMachineArn");
    boolean data = includeData(req);
    refuseMapStateArn(arn);
    var version = Arns.version(arn);
    if (version.isEmpty()) Arns.requireStateMachine(arn);
    var described = version.isPresent()
        ? engine.describeStateMachineVersion(version.get()).thenApply(m -> new StepFunctionsEngine.Described(m, false))
        : engine.describeStateMachineStatus(arn);
    return described.thenApply(d -> {
      StateMachineRecord m = d.record();
      // deleted while it could not be read: nothing to show but that it is being deleted
      if (m == null) throw ServiceError.stateMachineDeleting(arn);
      checkRead(caller, data, m.encryption());
      ObjectNode n = Shapes.describeStateMachine(m, d.deleting() ? "DELETING" : "ACTIVE", data);
      Map<String, List<String>> refs = data ? engine.variableReferences(m) : Map.of();
      if (!refs.isEmpty()) n.set("variableReferences", MAPPER.valueToTree(refs));
      return n;
    });
  }

  private CompletionStage<JsonNode> updateStateMachine(Caller caller, ObjectNode req) {
    String arn = requiredString(req, "stateMachineArn");
    String definition = Fields.definition(req, false);
    String roleArn = optionalString(req, "roleArn");
    ObjectNode logging = Fields.loggingConfiguration(req);
    ObjectNode tracing = Fields.tracingConfiguration(req);
    boolean publish = optionalBoolean(req, "publish", false);
    String versionDescription = versionDescription(req, publish);
    refuseMapStateArn(arn);
    Arns.requireStateMachine(arn);
    if (roleArn != null && !Arns.isValidRoleArn(roleArn)) throw ServiceError.invalidRoleArn(roleArn);
    boolean encryptionGiven = req.hasNonNull("encryptionConfiguration");
    if (definition == null && roleArn == null && logging == null && tracing == null && !encryptionGiven) {
      throw new ServiceError("MissingRequiredParameter",
          "Either the definition, the role ARN, the LoggingConfiguration, the EncryptionConfiguration"
              + " or the TracingConfiguration must be specified");
    }
    EncryptionConfig encryption = encryption(engine, caller, req);
    return engine.updateStateMachine(arn, definition, roleArn, logging, tracing, encryption, publish,
        versionDescription).thenApply(saved -> {
          ObjectNode n = F.objectNode();
          n.put("updateDate", time(saved.record().updateDate()));
          n.put("revisionId", saved.record().revisionId());
          if (saved.versionArn() != null) n.put("stateMachineVersionArn", saved.versionArn());
          return n;
        });
  }

  private CompletionStage<JsonNode> deleteStateMachine(Caller caller, ObjectNode req) {
    String arn = requiredString(req, "stateMachineArn");
    refuseMapStateArn(arn);
    Arns.requireStateMachine(arn);
    return engine.deleteStateMachine(arn).thenApply(v -> F.objectNode());
  }

  private CompletionStage<JsonNode> listStateMachines(Caller caller, ObjectNode req) {
    int max = maxResults(req, 100);
    return engine.listStateMachines(region, caller.accountId(), max, nextToken(req)).thenApply(page -> {
      ArrayNode items = F.arrayNode();
      for (StateMachineSummary s : page.items()) {
        ObjectNode n = items.addObject();
        n.put("stateMachineArn", s.stateMachineArn());
        n.put("name", s.name());
        n.put("type", s.type());
        n.put("creationDate", time(s.creationDate()));
      }
      ObjectNode n = F.objectNode();
      n.set("stateMachines", items);
      if (page.nextToken() != null) n.put("nextToken", page.nextToken());
      return n;
    });
  }

  private CompletionStage<JsonNode> validateStateMachineDefinition(Caller caller, ObjectNode req) {
    String definition = Fields.definition(req, true);
    String type = oneOf(optionalString(req, "type"), "type", TYPES);
    String severity = oneOf(optionalString(req, "severity"), "severity", Set.of("ERROR", "WARNING"));
    int max = maxResults(req, 100, 100);
    return engine.validateDefinition(definition, "EXPRESS".equals(type)).thenApply(found -> diagnostics(found, severity, max));
  }

  private static JsonNode diagnostics(List<Problem> found, String severity, int max) {
    List<Problem> problems = new ArrayList<>();
    for (Problem p : found) {
      if ("WARNING".equals(severity) || p.severity().equals("ERROR")) problems.add(p);
    }
    boolean anyError = problems.stream().anyMatch(p -> p.severity().equals("ERROR"));
    ArrayNode diagnostics = F.arrayNode();
    for (Problem p : problems.subList(0, Math.min(max, problems.size()))) {
      ObjectNode d = diagnostics.addObject();
      d.put("severity", p.severity());
      d.put("code", p.code());
      d.put("message", p.message());
      if (p.location() != null) d.put("location", p.location());
    }
    ObjectNode n = F.objectNode();
    n.put("result", anyError ? "FAIL" : "OK");
    n.set("diagnostics", diagnostics);
    n.put("truncated", problems.size() > max);
    return n;
  }

  // --- executions ---

  private String executionInput(ObjectNode req) {
    String input = Fields.maxBytes(optionalString(req, "input"), "input", MAX_INPUT);
    if (input == null) return "{}";
    String problem = Fields.jsonProblem(MAPPER, input);
    if (problem != null) {
      throw new ServiceError("InvalidExecutionInput", "Invalid State Machine Execution Input: '" + problem + "'");
    }
    return input;
  }

  private String executionName(ObjectNode req) {
    String name = optionalString(req, "name");
    if (name != null && !Arns.isValidName(name)) throw new ServiceError("InvalidName", "Invalid Name: '" + name + "'");
    return name;
  }

  /**
   * A start's {@code stateMachineArn}, and the mock test case it names after a {@code #} (as for
   * Step Functions Local: {@code <arn>#HappyPath}; a bare {@code #} names none).
   */
  private record StartTarget(String arn, String testCase) {
    static StartTarget of(ObjectNode req) {
      String given = requiredString(req, "stateMachineArn");
      int hash = given.indexOf('#');
      String arn = hash < 0 ? given : given.substring(0, hash);
      refuseMapStateArn(arn);
      requireMachineOrVersion(arn);
      return new StartTarget(arn, hash < 0 || hash == given.length() - 1 ? null : given.substring(hash + 1));
    }
  }

  private CompletionStage<JsonNode> startExecution(Caller caller, ObjectNode req) {
    StartTarget target = StartTarget.of(req);
    String name = executionName(req);
    String input = executionInput(req);
    String trace = Fields.traceHeader(req, caller.traceHeader());
    return engine.startExecution(target.arn(), target.testCase(), name, input, trace).thenApply(v -> {
      ObjectNode n = F.objectNode();
      n.put("executionArn", v.info().executionArn());
      n.put("startDate", time(v.info().startDate()));
      return n;
    });
  }

  private CompletionStage<JsonNode> startSyncExecution(Caller caller, ObjectNode req) {
    StartTarget target = StartTarget.of(req);
    String name = executionName(req);
    String input = executionInput(req);
    String trace = Fields.traceHeader(req, caller.traceHeader());
    boolean data = includeData(req);
    return engine.startSyncExecution(target.arn(), target.testCase(), name, input, trace,
        m -> checkRead(caller, data, m.encryption()))
        .thenApply(v -> Shapes.startSyncExecution(v, data));
  }

  private CompletionStage<JsonNode> stopExecution(Caller caller, ObjectNode req) {
    String arn = requiredString(req, "executionArn");
    String error = maxLength(optionalString(req, "error"), "error", 256, true);
    String cause = maxLength(optionalString(req, "cause"), "cause", 32_768, true);
    Arns.requireExecution(arn);
    return engine.stopExecution(arn, error, cause).thenApply(v -> {
      ObjectNode n = F.objectNode();
      n.put("stopDate", time(v.result() != null ? v.result().stopDate() : engine.clock().instant()));
      return n;
    });
  }

  private CompletionStage<JsonNode> describeExecution(Caller caller, ObjectNode req) {
    String arn = requiredString(req, "executionArn");
    boolean data = includeData(req);
    Arns.requireExecution(arn);
    return engine.describeExecution(arn).thenApply(v -> {
      checkRead(caller, data, v.info().encryption());
      return Shapes.describeExecution(v, data);
    });
  }

  private CompletionStage<JsonNode> redriveExecution(Caller caller, ObjectNode req) {
    String arn = maxLength(requiredString(req, "executionArn"), "executionArn", 256, false);
    String token = optionalString(req, "clientToken");
    if (token != null && (token.isEmpty() || token.length() > 64)) {
      throw ServiceError.validation("1 validation error detected: Value '" + token + "' at 'clientToken' failed to "
          + "satisfy constraint: Member must have length " + (token.isEmpty() ? "greater than or equal to 1"
          : "less than or equal to 64"));
    }
    if (token != null && !token.chars().allMatch(c -> c >= '!' && c <= '~')) {
      throw ServiceError.validation("1 validation error detected: Value '" + token
          + "' at 'clientToken' failed to satisfy constraint: Member must satisfy regular expression pattern: [!-~]+");
    }
    Arns.requireExecution(arn);
    return engine.redriveExecution(arn, token).thenApply(date -> {
      ObjectNode n = F.objectNode();
      n.put("redriveDate", time(date));
      return n;
    });
  }

  private CompletionStage<JsonNode> describeStateMachineForExecution(Caller caller, ObjectNode req) {
    String arn = requiredString(req, "executionArn");
    boolean data = includeData(req);
    Arns.requireExecution(arn);
    return engine.describeExecution(arn).thenApply(v -> {
      checkRead(caller, data, v.info().encryption());
      if (data && v.info().definition() == null) {
        // The revision's definition lives in the machine's journal, which cannot be read now.
        throw ServiceError.unreadable("the definition of revision " + v.info().revisionId() + " of "
            + v.info().stateMachineArn() + " is not available");
      }
      return Shapes.describeStateMachineForExecution(v.info(), data);
    });
  }

  private CompletionStage<JsonNode> listExecutions(Caller caller, ObjectNode req) {
    String arn = optionalString(req, "stateMachineArn");
    String mapRunArn = maxLength(optionalString(req, "mapRunArn"), "mapRunArn", 2000, false);
    String status = oneOf(optionalString(req, "statusFilter"), "statusFilter", STATUSES);
    String redrive = oneOf(optionalString(req, "redriveFilter"), "redriveFilter", REDRIVE_FILTERS);
    int max = maxResults(req, 100);
    String token = nextToken(req);
    if (arn == null && mapRunArn == null) {
      throw ServiceError.validation("Must provide a StateMachine ARN or MapRun ARN");
    }
    if (arn != null && mapRunArn != null) {
      throw ServiceError.validation("Only one of StateMachine ARN or MapRun ARN can be provided");
    }
    if (arn != null && "PENDING_REDRIVE".equals(status)) {
      // "If you provide a stateMachineArn and a PENDING_REDRIVE statusFilter, the API returns a validation exception."
      throw ServiceError.validation("The PENDING_REDRIVE status filter can only be used with a MapRun ARN");
    }
    if (arn == null) {
      MapRunOperations.requireMapRunArn(mapRunArn);
    } else {
      requireMachineOrVersion(arn);
    }
    Boolean redriven = redrive == null ? null : redrive.equals("REDRIVEN");
    String listed = arn != null ? arn : mapRunArn;
    return engine.listExecutions(listed, status, redriven, max, token).thenApply(page -> {
      ArrayNode items = F.arrayNode();
      for (ExecutionSummary s : page.items()) {
        ObjectNode n = items.addObject();
        n.put("executionArn", s.executionArn());
        n.put("stateMachineArn", s.stateMachineArn());
        n.put("name", s.name());
        n.put("status", s.status());
        n.put("startDate", time(s.startDate()));
        if (s.stopDate() != null) n.put("stopDate", time(s.stopDate()));
        if (s.stateMachineVersionArn() != null) n.put("stateMachineVersionArn", s.stateMachineVersionArn());
        if (s.stateMachineAliasArn() != null) n.put("stateMachineAliasArn", s.stateMachineAliasArn());
        if (mapRunArn != null) n.put("mapRunArn", mapRunArn);
        n.put("redriveCount", s.redriveCount());
        if (s.redriveDate() != null) n.put("redriveDate", time(s.redriveDate()));
        if (s.itemCount() != null) n.put("itemCount", s.itemCount());
      }
      ObjectNode n = F.objectNode();
      n.set("executions", items);
      if (page.nextToken() != null) n.put("nextToken", page.nextToken());
      return n;
    });
  }

  private CompletionStage<JsonNode> getExecutionHistory(Caller caller, ObjectNode req) {
    String arn = requiredString(req, "executionArn");
    int max = maxResults(req, 100);
    boolean reverse = optionalBoolean(req, "reverseOrder", false);
    boolean data = optionalBoolean(req, "includeExecutionData", true);
    String token = nextToken(req);
    Arns.requireExecution(arn);
    int offset = token == null ? 0 : decodeOffset(token);
    // History events are data under the machine's key, whatever includeExecutionData says.
    return engine.describeExecution(arn).thenCompose(v -> {
      checkRead(caller, true, v.info().encryption());
      return engine.getExecutionHistory(arn);
    }).thenApply(all -> {
      List<HistoryEvent> ordered = all;
      if (reverse) {
        ordered = new ArrayList<>(all);
        Collections.reverse(ordered);
      }
      if (offset > ordered.size()) throw new ServiceError("InvalidToken", "Invalid Token: 'Invalid token'");
      int end = Math.min(ordered.size(), offset + max);
      ArrayNode events = F.arrayNode();
      for (HistoryEvent e : ordered.subList(offset, end)) events.add(Shapes.historyEvent(e, data));
      ObjectNode n = F.objectNode();
      n.set("events", events);
      if (end < ordered.size()) n.put("nextToken", encodeOffset(end));
      return n;
    });
  }

  private static String encodeOffset(int offset) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(("h:" + offset).getBytes(StandardCharsets.UTF_8));
  }

  private static int decodeOffset(String token) {
    try {
      String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      if (!s.startsWith("h:")) throw new IllegalArgumentException(s);
      int offset = Integer.parseInt(s.substring(2));
      if (offset < 0) throw new IllegalArgumentException(s);
      return offset;
    } catch (IllegalArgumentException e) {
      throw new ServiceError("InvalidToken", "Invalid Token: 'Invalid token'");
    }
  }
}
