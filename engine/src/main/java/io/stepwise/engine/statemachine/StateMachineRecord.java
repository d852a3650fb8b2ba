package io.stepwise.engine.statemachine;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.engine.kms.EncryptionConfig;
import java.time.Instant;

/**
 * Everything DescribeStateMachine shows about one state machine revision. {@code updateDate} is
 * null until the first update; {@code loggingConfiguration}/{@code tracingConfiguration} are the
 * JSON the caller gave (checked, since requests are), read through {@link #logging} and
 * {@link #tracing} into the API's shape.
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

  /**
   * A logging configuration in the API's shape, from what is stored (which before requests were
   * checked could be anything): {@code level} (OFF if none), {@code includeExecutionData} (false if
   * none) and the {@code destinations} that name a log group; members of another type are left out.
   */
  public static com.fasterxml.jackson.databind.node.ObjectNode logging(JsonNode given) {
    var n = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    JsonNode level = given == null ? null : given.get("level");
    n.put("level", level != null && level.isTextual() ? level.textValue() : "OFF");
    JsonNode data = given == null ? null : given.get("includeExecutionData");
    n.put("includeExecutionData", data != null && data.isBoolean() && data.booleanValue());
    JsonNode destinations = given == null ? null : given.get("destinations");
    if (destinations != null && destinations.isArray()) {
      var kept = n.putArray("destinations");
      for (JsonNode d : destinations) {
        JsonNode arn = d.path("cloudWatchLogsLogGroup").path("logGroupArn");
        if (arn.isTextual()) kept.addObject().putObject("cloudWatchLogsLogGroup").put("logGroupArn", arn.textValue());
      }
    }
    return n;
  }

  /** A tracing configuration in the API's shape, from what is stored: {@code enabled} (false unless true). */
  public static com.fasterxml.jackson.databind.node.ObjectNode tracing(JsonNode given) {
    JsonNode enabled = given == null ? null : given.get("enabled");
    return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
        .put("enabled", enabled != null && enabled.isBoolean() && enabled.booleanValue());
  }

  /** A JSON member that was given: Jackson replays an absent one as null or as NullNode. */
  private static boolean present(JsonNode node) {
    return node != null && !node.isNull();
  }
}
