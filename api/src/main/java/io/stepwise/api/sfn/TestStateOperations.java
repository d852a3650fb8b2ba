package io.stepwise.api.sfn;

import static io.stepwise.api.sfn.Fields.*;
import static io.stepwise.api.sfn.Shapes.F;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.api.http.Caller;
import io.stepwise.api.http.Operation;
import io.stepwise.asl.interpreter.StateTester;
import io.stepwise.engine.Arns;
import io.stepwise.engine.ServiceError;
import io.stepwise.engine.StepFunctionsEngine;
import io.stepwise.engine.execution.TestStates;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * TestState: reads and checks the request as AWS does (mocks, context object, variables, state
 * configuration), runs the state ({@link TestStates}) and renders its outcome; at DEBUG and TRACE
 * with the inspection data. It runs in the request: nothing is stored.
 */
final class TestStateOperations {
  // numbers read as the language reads them, as an execution's input is
  private static final ObjectMapper MAPPER = io.stepwise.asl.path.Json.stateDataMapper();
  private static final Set<String> LEVELS = Set.of("INFO", "DEBUG", "TRACE");
  private static final Set<String> VALIDATION_MODES = Set.of("STRICT", "PRESENT", "NONE");
  /** The context object's parts a caller may give, and the text fields among them. */
  private static final Set<String> CONTEXT_PARTS = Set.of("Execution", "State", "StateMachine", "Task");
  private static final Map<String, Set<String>> CONTEXT_TEXTS = Map.of(
      "Execution", Set.of("Id", "Name", "RoleArn", "StartTime", "RedriveTime"),
      "State", Set.of("Name", "EnteredTime"),
      "StateMachine", Set.of("Id", "Name"),
      "Task", Set.of("Token"));

  private final StepFunctionsEngine engine;
  private final String region;

  private TestStateOperations(StepFunctionsEngine engine, String region) {
    this.engine = engine;
    this.region = region;
  }

  static Map<String, Operation> operations(StepFunctionsEngine engine, String region) {
    TestStateOperations api = new TestStateOperations(engine, region);
    return Map.of("TestState", api::testState);
  }

  private CompletionStage<JsonNode> testState(Caller caller, ObjectNode req) {
    String definition = Fields.definition(req, true);
    String roleArn = maxLength(optionalString(req, "roleArn"), "roleArn", 256, false);
    String inputText = Fields.maxBytes(optionalString(req, "input"), "input", StepFunctionsApi.MAX_INPUT);
    String level = oneOf(optionalString(req, "inspectionLevel"), "inspectionLevel", LEVELS);
    boolean revealSecrets = optionalBoolean(req, "revealSecrets", false);
    String variablesText = maxLength(optionalString(req, "variables"), "variables", StepFunctionsApi.MAX_INPUT, true);
    String stateName = optionalString(req, "stateName");
    if (stateName != null && (stateName.isEmpty() || stateName.length() > 80)) {
      throw ServiceError.validation("1 validation error detected: Value '" + stateName
          + "' at 'stateName' failed to satisfy constraint: Member must have length between 1 and 80");
    }
    String contextText = maxLength(optionalString(req, "context"), "context", StepFunctionsApi.MAX_INPUT, true);
    ObjectNode mockRequest = optionalObject(req, "mock");
    String validationMode = mockRequest == null ? null
        : oneOf(optionalString(mockRequest, "fieldValidationMode"), "mock.fieldValidationMode", VALIDATION_MODES);
    StateTester.Mock mock = mock(mockRequest);
    ObjectNode configuration = optionalObject(req, "stateConfiguration");
    int retrierRetryCount = 0;
    Integer mapIterationFailureCount = null;
    String mapItemReaderData = null;
    if (configuration != null) {
      Integer retries = nonNegativeInt(configuration, "retrierRetryCount", "stateConfiguration.retrierRetryCount");
      retrierRetryCount = retries == null ? 0 : retries;
      mapIterationFailureCount = nonNegativeInt(configuration, "mapIterationFailureCount",
          "stateConfiguration.mapIterationFailureCount");
      String causedBy = optionalString(configuration, "errorCausedByState");
      if (causedBy != null && (causedBy.isEmpty() || causedBy.length() > 80)) {
        throw ServiceError.validation("1 validation error detected: Value '" + causedBy
            + "' at 'stateConfiguration.errorCausedByState' failed to satisfy constraint: Member must have length"
            + " between 1 and 80");
      }
      mapItemReaderData = maxLength(optionalString(configuration, "mapItemReaderData"),
          "stateConfiguration.mapItemReaderData", StepFunctionsApi.MAX_INPUT, true);
    }
    if (roleArn != null && !Arns.isValidRoleArn(roleArn)) throw ServiceError.invalidRoleArn(roleArn);
    if (revealSecrets && mock != null) {
      throw ServiceError.validation("TestState does not support RevealSecrets when a mock is specified.");
    }
    JsonNode input = json(inputText == null ? "{}" : inputText, "InvalidExecutionInput",
        "Invalid State Machine Execution Input: ");
    Map<String, JsonNode> variables = variables(variablesText);
    JsonNode context = null;
    if (contextText != null) {
      if (mock == null) throw ServiceError.validation("A context object may only be specified when a mock is specified");
      context = context(contextText);
    }
    TestStates.Request request = new TestStates.Request(definition, stateName, input, variables, context, mock,
        roleArn != null, retrierRetryCount, mapIterationFailureCount, region, caller.accountId(), "TRACE".equals(level),
        revealSecrets, validationMode, mapItemReaderData);
    return engine.testState(request).thenApply(outcome -> {
    ObjectNode n = F.objectNode();
    if (outcome.output() != null) n.put("output", io.stepwise.engine.Json.write(outcome.output()));
    if (outcome.error() != null) n.put("error", outcome.error());
    if (outcome.cause() != null) n.put("cause", outcome.cause());
    if (level != null && !level.equals("INFO")) n.set("inspectionData", outcome.inspectionData());
    if (outcome.nextState() != null) n.put("nextState", outcome.nextState());
    n.put("status", outcome.status());
    return (JsonNode) n;
    });
  }

  private static StateTester.Mock mock(ObjectNode mock) {
    if (mock == null) return null;
    String result = maxLength(optionalString(mock, "result"), "mock.result", StepFunctionsApi.MAX_INPUT, true);
    ObjectNode errorOutput = optionalObject(mock, "errorOutput");
    if ((result == null) == (errorOutput == null)) {
      throw ServiceError.validation("A test mock should have only one of the following fields: [result, errorOutput].");
    }
    if (errorOutput != null) {
      String error = maxLength(optionalString(errorOutput, "error"), "mock.errorOutput.error", 256, true);
      String cause = maxLength(optionalString(errorOutput, "cause"), "mock.errorOutput.cause", 32_768, true);
      if (error == null) throw ServiceError.validation("The error field is required when errorOutput is specified.");
      return new StateTester.Mock(null, error, cause);
    }
    return new StateTester.Mock(json(result, "ValidationException", null), null, null);
  }

  /** {@code text} parsed; not JSON: {@code code} with {@code prefix} and the parser's message (null: AWS's mock message). */
  private static JsonNode json(String text, String code, String prefix) {
    String problem = Fields.jsonProblem(MAPPER, text);
    if (problem != null) {
      throw new ServiceError(code, prefix == null ? "Mocked result must be valid JSON" : prefix + "'" + problem + "'");
    }
    try {
      return MAPPER.readTree(text);
    } catch (Exception e) {
      throw new ServiceError(code, prefix == null ? "Mocked result must be valid JSON" : prefix + "'" + e.getMessage() + "'");
    }
  }

  private static Map<String, JsonNode> variables(String text) {
    if (text == null) return null;
    JsonNode v = json(text, "ValidationException", "Invalid variables: ");
    if (!(v instanceof ObjectNode o)) {
      throw ServiceError.validation("Invalid variables: the variables must be a JSON object of variable names to values");
    }
    Map<String, JsonNode> out = new LinkedHashMap<>();
    o.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  /** The caller's context object: only the parts a context object has, their known fields of the right type. */
  private static JsonNode context(String text) {
    JsonNode c = json(text, "ValidationException", "Invalid Context object provided: ");
    if (!(c instanceof ObjectNode o)) throw ServiceError.validation("Invalid Context object provided: it must be a JSON object");
    var fields = o.fieldNames();
    while (fields.hasNext()) {
      String part = fields.next();
      if (part.equals("Map")) {
        throw ServiceError.validation("Invalid Context object provided: 'Map' field is not supported when mocking a Context object");
      }
      if (!CONTEXT_PARTS.contains(part)) {
        throw ServiceError.validation("Invalid Context object provided: Field '" + part + "' is not allowed");
      }
      JsonNode value = o.get(part);
      if (!value.isObject()) throw ServiceError.validation("Invalid Context object provided: " + part + " must be an object");
      for (String field : CONTEXT_TEXTS.get(part)) {
        JsonNode f = value.get(field);
        if (f != null && !f.isTextual()) {
          throw ServiceError.validation("Invalid Context object provided: " + part + "." + field + " must be a string");
        }
      }
    }
    return o;
  }

}
