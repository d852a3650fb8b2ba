package io.stepwise.engine.execution;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.interpreter.ExecutionContext;
import io.stepwise.engine.kms.EncryptionConfig;
import java.time.Instant;

/**
 * What an execution is started with. It carries its own copy of the state machine revision, so a
 * later UpdateStateMachine never changes a running execution, and DescribeStateMachineForExecution
 * answers from the execution alone.
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
    EncryptionConfig encryptionConfiguration) {

  /** Never null: executions from before encryption configurations read as AWS_OWNED_KEY. */
  public EncryptionConfig encryption() {
    return EncryptionConfig.orDefault(encryptionConfiguration);
  }

  public ExecutionContext context() {
    return new ExecutionContext(executionArn, name, stateMachineArn, stateMachineName, roleArn, startDate, 0);
  }
}
