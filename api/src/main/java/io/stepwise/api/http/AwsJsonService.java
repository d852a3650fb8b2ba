package io.stepwise.api.http;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.pekko.http.javadsl.model.ContentType;

/**
 * One AWS JSON service on the shared endpoint: requests whose {@code X-Amz-Target} is
 * {@code <targetPrefix>.<Action>} go to {@code operations.get(Action)} and are answered with
 * {@code contentType}. An action in {@code requestTimeouts} may take that long instead of
 * {@code pekko.http.server.request-timeout}.
 */
public record AwsJsonService(
    String targetPrefix,
    String contentType,
    Map<String, Operation> operations,
    Map<String, Duration> requestTimeouts) {

  /**
   * An Express execution may run for 5 minutes, and StartSyncExecution answers when it ends;
   * the margin leaves time to answer after an execution that timed out at its limit.
   */
  public static final Duration START_SYNC_EXECUTION_TIMEOUT = Duration.ofSeconds(310);

  public AwsJsonService {
    Objects.requireNonNull(targetPrefix, "targetPrefix");
    if (targetPrefix.isBlank() || targetPrefix.contains(".")) {
      throw new IllegalArgumentException("invalid target prefix: '" + targetPrefix + "'");
    }
    Objects.requireNonNull(contentType, "contentType");
    AwsMediaTypes.contentType(contentType); // fail at startup on an unparsable content type
    operations = Map.copyOf(operations);
    requestTimeouts = Map.copyOf(requestTimeouts);
    requestTimeouts.forEach((action, timeout) -> {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("request timeout of " + action + " must be positive");
      }
    });
  }

  public AwsJsonService(String targetPrefix, String contentType, Map<String, Operation> operations) {
    this(targetPrefix, contentType, operations, Map.of());
  }

  /** Step Functions: {@code AWSStepFunctions.<Action>}, AWS JSON 1.0. */
  public static AwsJsonService stepFunctions(Map<String, Operation> operations) {
    return new AwsJsonService("AWSStepFunctions", AwsMediaTypes.AMZ_JSON_1_0, operations,
        Map.of("StartSyncExecution", START_SYNC_EXECUTION_TIMEOUT));
  }

  /** KMS: {@code TrentService.<Action>}, AWS JSON 1.1. */
  public static AwsJsonService kms(Map<String, Operation> operations) {
    return new AwsJsonService("TrentService", AwsMediaTypes.AMZ_JSON_1_1, operations);
  }

  /** This service with {@code action} given {@code timeout} to answer. */
  public AwsJsonService withRequestTimeout(String action, Duration timeout) {
    Map<String, Duration> timeouts = new HashMap<>(requestTimeouts);
    timeouts.put(action, timeout);
    return new AwsJsonService(targetPrefix, contentType, operations, timeouts);
  }

  ContentType pekkoContentType() {
    return AwsMediaTypes.contentType(contentType);
  }
}
