package io.stepwise.engine.statemachine;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * Everything DescribeStateMachine shows about one state machine revision. {@code updateDate} is
 * null until the first update; {@code loggingConfiguration}/{@code tracingConfiguration} are the
 * JSON the caller gave (or AWS's defaults).
 */
public record StateMachineRecord(
    String stateMachineArn,
    String name,
    String type,
    String definition,
    String roleArn,
    Instant creationDate,
    Instant updateDate,
    String revisionId,
    String description,
    JsonNode loggingConfiguration,
    JsonNode tracingConfiguration) {

  StateMachineRecord updated(String newDefinition, String newRoleArn, JsonNode logging, JsonNode tracing,
      String newRevisionId, Instant at) {
    return new StateMachineRecord(stateMachineArn, name, type,
        newDefinition != null ? newDefinition : definition,
        newRoleArn != null ? newRoleArn : roleArn,
        creationDate, at, newRevisionId, description,
        logging != null ? logging : loggingConfiguration,
        tracing != null ? tracing : tracingConfiguration);
  }
}
