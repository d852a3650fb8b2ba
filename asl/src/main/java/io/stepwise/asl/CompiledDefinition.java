package io.stepwise.asl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.model.Machine;
import io.stepwise.asl.parse.DefinitionParser;
import io.stepwise.asl.path.Json;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A validated definition with every path, intrinsic call and JSONata expression compiled.
 * Immutable and thread-safe: compile once per revision and share across executions.
 */
public final class CompiledDefinition {
  private final Machine machine;
  private final Integer timeoutSeconds;
  private final Map<String, List<String>> variableReferences;

  private CompiledDefinition(Machine machine, Integer timeoutSeconds, Map<String, List<String>> variableReferences) {
    this.machine = machine;
    this.timeoutSeconds = timeoutSeconds;
    this.variableReferences = variableReferences;
  }

  /** Compiles a STANDARD machine's definition. */
  public static CompiledDefinition compile(String definitionJson) throws InvalidDefinitionException {
    return compile(definitionJson, false);
  }

  /** {@code express}: also apply the EXPRESS-only rules (no {@code .sync}, no {@code .waitForTaskToken}). */
  public static CompiledDefinition compile(String definitionJson, boolean express) throws InvalidDefinitionException {
    return compile(definitionJson, express, null);
  }

  /**
   * A new definition (CreateStateMachine, UpdateStateMachine): every rule, and {@code tasks}, what
   * each Task state's resource must also satisfy. {@link #compile(String, boolean)} compiles a
   * stored one again under the rules it was accepted by.
   */
  public static CompiledDefinition compileNew(String definitionJson, boolean express, TaskCheck tasks) throws InvalidDefinitionException {
    return compile(definitionJson, express, java.util.Objects.requireNonNull(tasks));
  }

  private static CompiledDefinition compile(String definitionJson, boolean express, TaskCheck tasks) throws InvalidDefinitionException {
    JsonNode root;
    try {
      root = Json.parse(definitionJson);
    } catch (JsonProcessingException e) {
      Problem p = Problem.error("INVALID_JSON_DESCRIPTION", "/", e.getOriginalMessage());
      throw new InvalidDefinitionException(message(List.of(p)), List.of(p));
    }
    DefinitionParser.Result r = tasks == null ? DefinitionParser.parse(root, express) : DefinitionParser.parseNew(root, express, tasks);
    List<Problem> errors = r.problems().stream().filter(p -> p.severity().equals("ERROR")).toList();
    if (!errors.isEmpty()) throw new InvalidDefinitionException(message(errors), r.problems());
    return new CompiledDefinition(r.machine(), r.timeoutSeconds(), Collections.unmodifiableMap(r.variableReferences()));
  }

  /** Every problem, errors and warnings, for ValidateStateMachineDefinition: a new definition's rules. */
  public static List<Problem> validate(String definitionJson) {
    return validate(definitionJson, false);
  }

  public static List<Problem> validate(String definitionJson, boolean express) {
    return validate(definitionJson, express, TaskCheck.NONE);
  }

  public static List<Problem> validate(String definitionJson, boolean express, TaskCheck tasks) {
    JsonNode root;
    try {
      root = Json.parse(definitionJson);
    } catch (JsonProcessingException e) {
      return List.of(Problem.error("INVALID_JSON_DESCRIPTION", "/", e.getOriginalMessage()));
    }
    return List.copyOf(DefinitionParser.parseNew(root, express, tasks).problems());
  }

  /** AWS's InvalidDefinition text: {@code Invalid State Machine Definition: 'CODE: message at /loc, ...'}. */
  static String message(List<Problem> problems) {
    return "Invalid State Machine Definition: '"
        + problems.stream().map(p -> p.code() + ": " + p.message() + " at " + p.location()).collect(Collectors.joining(", "))
        + "'";
  }

  public Integer timeoutSeconds() {
    return timeoutSeconds;
  }

  /**
   * DescribeStateMachine's {@code variableReferences}: for each JSONPath state that reads
   * variables, their names (sorted). Empty when the definition reads none.
   */
  public Map<String, List<String>> variableReferences() {
    return variableReferences;
  }

  public Machine machine() {
    return machine;
  }
}
