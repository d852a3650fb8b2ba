package io.stepwise.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.asl.CompiledDefinition;
import io.stepwise.asl.InvalidDefinitionException;
import io.stepwise.asl.interpreter.ExecutionContext;
import io.stepwise.engine.integration.IntegrationCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What {@code run} and {@code bench} share: a definition file, an input, and a local execution context. */
final class LocalInputs {
  // numbers read as the language reads them, as the server reads an input
  static final ObjectMapper MAPPER = io.stepwise.asl.path.Json.stateDataMapper();

  @Parameters(index = "0", paramLabel = "DEFINITION.json", description = "The state machine definition (ASL JSON).")
  Path definition;

  @Option(names = "--input", paramLabel = "JSON|@FILE", defaultValue = "{}",
      description = "The execution input: JSON text, or @ and a file name (default {}).")
  String input;

  @Option(names = "--name", defaultValue = "local", description = "State machine name in the context object (default local).")
  String name;

  CompiledDefinition compile() throws IOException, InvalidDefinitionException {
    return CompiledDefinition.compile(Files.readString(definition));
  }

  JsonNode input() throws IOException {
    String text = input.startsWith("@") ? Files.readString(Path.of(input.substring(1))) : input;
    return MAPPER.readTree(text);
  }

  ExecutionContext context(String executionName, Instant start) {
    return new ExecutionContext(
        "arn:aws:states:us-east-1:123456789012:execution:" + name + ":" + executionName, executionName,
        "arn:aws:states:us-east-1:123456789012:stateMachine:" + name, name,
        "arn:aws:iam::123456789012:role/stepwise-local", start, 0).withTaskCheck(new IntegrationCheck());
  }
}
