package io.stepwise.asl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.model.Machine;
import io.stepwise.asl.parse.DefinitionParser;
import io.stepwise.asl.path.Json;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A validated definition with every path, intrinsic call and JSONata expression compiled.
 * Immutable and thread-safe: compile once per revision and share across executions.
 */
public final class CompiledDefinition {
  private final Machine machine;
  private final Integer timeoutSeconds;

  private CompiledDefinition(Machine machine, Integer timeoutSeconds) {
    this.machine = machine;
    this.timeoutSeconds = timeoutSeconds;
  }

  /** Compiles a STANDARD machine's definition. */
  public static CompiledDefinition compile(String definitionJson) throws InvalidDefinitionException {
    return compile(definitionJson, false);
  }

  /** {@code express}: also apply the EXPRESS-only rules (no {@code .sync}, no {@code .waitForTaskToken}). */
  public static CompiledDefinition compile(String definitionJson, boolean express) throws InvalidDefinitionException {
    JsonNode root;
    try {
      root = Json.parse(definitionJson);
    } catch (JsonProcessingException e) {
      Problem p = Problem.error("INVALID_JSON_DESCRIPTION", "/", e.getOriginalMessage());
      throw new InvalidDefinitionException(message(List.of(p)), List.of(p));
    }
    DefinitionParser.Result r = DefinitionParser.parse(root, express);
    List<Problem> errors = r.problems().stream().filter(p -> p.severity().equals("ERROR")).toList();
    if (!errors.isEmpty()) throw new InvalidDefinitionException(message(errors), r.problems());
    return new CompiledDefinition(r.machine(), r.timeoutSeconds());
  }

  /** Every problem, errors and warnings, for ValidateStateMachineDefinition. */
  public static List<Problem> validate(String definitionJson) {
    return validate(definitionJson, false);
  }

  public static List<Problem> validate(String definitionJson, boolean express) {
    JsonNode root;
    try {
      root = Json.parse(definitionJson);
    } catch (JsonProcessingException e) {
      return List.of(Problem.error("INVALID_JSON_DESCRIPTION", "/", e.getOriginalMessage()));
    }
    return List.copyOf(DefinitionParser.parse(root, express).problems());
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

  public Machine machine() {
    return machine;
  }
}
