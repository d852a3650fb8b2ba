package io.stepwise.engine.statemachine;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.engine.kms.EncryptionConfig;
import java.time.Instant;

/**
 * Everything DescribeStateMachine shows about one state machine revision. {@code updateDate} is
 * null until the first update; {@code loggingConfiguration}/{@code tracingConfiguration} are the
 * JSON the caller gave, with AWS's defaults filled in at creation.
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
    JsonNode tracingConfiguration,
    EncryptionConfig encryptionConfiguration) {

  /** Never null: records from before encryption configurations read as AWS_OWNED_KEY. */
  public EncryptionConfig encryption() {
    return EncryptionConfig.orDefault(encryptionConfiguration);
  }

  StateMachineRecord updated(String newDefinition, String newRoleArn, JsonNode logging, JsonNode tracing,
      EncryptionConfig encryption, String newRevisionId, Instant at) {
    return new StateMachineRecord(stateMachineArn, name, type,
        newDefinition != null ? newDefinition : definition,
        newRoleArn != null ? newRoleArn : roleArn,
        creationDate, at, newRevisionId, description,
        present(logging) ? logging : loggingConfiguration,
        present(tracing) ? tracing : tracingConfiguration,
        encryption != null ? encryption : encryptionConfiguration);
  }

  /** A JSON member that was given: Jackson replays an absent one as null or as NullNode. */
  private static boolean present(JsonNode node) {
    return node != null && !node.isNull();
  }
}
