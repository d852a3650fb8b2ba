package io.stepwise.engine.statemachine;

import io.stepwise.engine.ServiceError;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A state machine alias, as AWS defines one: a name that routes executions to one or two of the
 * machine's versions by weight (summing to 100). Its ARN is the machine's ARN, a colon and the name.
 */
public record Alias(String name, String description, List<Route> routing, Instant creationDate, Instant updateDate) {
  /** AWS's quota of aliases per state machine. */
  public static final int MAX = 100;

  /** One route: a version ARN of the machine and its weight (0-100). */
  public record Route(String stateMachineVersionArn, int weight) {}

  public static String arn(String machineArn, String name) {
    return machineArn + ":" + name;
  }

  /**
   * AWS's rules for a routing configuration: one or two routes, to distinct versions of {@code
   * machineArn}, weights summing to 100.
   */
  public static void checkRouting(String machineArn, List<Route> routing) {
    if (routing.isEmpty() || routing.size() > 2) {
      throw ServiceError.validation("1 validation error detected: Value at 'routingConfiguration' failed to satisfy "
          + "constraint: Member must have length less than or equal to 2 and greater than or equal to 1");
    }
    int sum = 0;
    for (Route r : routing) {
      if (r.weight() < 0 || r.weight() > 100) {
        throw ServiceError.validation("1 validation error detected: Value '" + r.weight()
            + "' at 'routingConfiguration.member.weight' failed to satisfy constraint: Member must have value between 0 and 100");
      }
      if (!r.stateMachineVersionArn().startsWith(machineArn + ":")) {
        throw ServiceError.validation("Routing configuration must contain versions of the same state machine: "
            + r.stateMachineVersionArn());
      }
      sum += r.weight();
    }
    if (routing.size() == 2 && routing.get(0).stateMachineVersionArn().equals(routing.get(1).stateMachineVersionArn())) {
      throw ServiceError.validation("Routing configuration must contain distinct state machine versions");
    }
    if (sum != 100) {
      throw ServiceError.validation("Sum of routing configuration weights must be equal to 100");
    }
  }

  static ServiceError notFound(String aliasArn) {
    return new ServiceError("ResourceNotFound", "Resource not found: '" + aliasArn + "'");
  }

  static ServiceError quotaExceeded(String machineArn) {
    return new ServiceError("ServiceQuotaExceededException", 400,
        "The maximum number of aliases (" + MAX + ") of state machine '" + machineArn + "' has been reached", Map.of());
  }
}
