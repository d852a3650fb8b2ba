package io.stepwise.engine.execution;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.interpreter.ExecutionContext;
import io.stepwise.engine.kms.EncryptionConfig;
import java.time.Instant;

/**
 * What an execution is started with: the state machine revision it runs, so a later
 * UpdateStateMachine never changes a running execution, and DescribeStateMachineForExecution
 * answers from the execution. In memory it holds the revision's definition; the journal names the
 * revision instead ({@link #withoutDefinition}).
 */
public record ExecutionInfo(
    String executionArn,
    String name,
    String stateMachineArn,
    String stateMachineName,
    String type,
    String definition,
    String revisionId,
    Instant stateMachineUpdateDate,
    String roleArn,
    String input,
    Instant startDate,
    JsonNode loggingConfiguration,
    JsonNode tracingConfiguration,
    EncryptionConfig encryptionConfiguration,
    String stateMachineVersionArn,
    String stateMachineAliasArn) {

  /** Started on the machine itself, not on a version or alias (AWS then shows neither ARN). */
  public ExecutionInfo(String executionArn, String name, String stateMachineArn, String stateMachineName, String type,
      String definition, String revisionId, Instant stateMachineUpdateDate, String roleArn, String input,
      Instant startDate, JsonNode loggingConfiguration, JsonNode tracingConfiguration,
      EncryptionConfig encryptionConfiguration) {
    this(executionArn, name, stateMachineArn, stateMachineName, type, definition, revisionId, stateMachineUpdateDate,
        roleArn, input, startDate, loggingConfiguration, tracingConfiguration, encryptionConfiguration, null, null);
  }

  /** Never null: executions from before encryption configurations read as AWS_OWNED_KEY. */
  public EncryptionConfig encryption() {
    return EncryptionConfig.orDefault(encryptionConfiguration);
  }

  /** As journaled: the definition is named by {@code revisionId}, not copied (the machine's journal holds it). */
  public ExecutionInfo withoutDefinition() {
    return withDefinition(null);
  }

  public ExecutionInfo withDefinition(String def) {
    return new ExecutionInfo(executionArn, name, stateMachineArn, stateMachineName, type, def, revisionId,
        stateMachineUpdateDate, roleArn, input, startDate, loggingConfiguration, tracingConfiguration,
        encryptionConfiguration, stateMachineVersionArn, stateMachineAliasArn);
  }

  public ExecutionContext context() {
    return new ExecutionContext(executionArn, name, stateMachineArn, stateMachineName, roleArn, startDate, 0);
  }
}
