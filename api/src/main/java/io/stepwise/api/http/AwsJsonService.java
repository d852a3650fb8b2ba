package io.stepwise.api.http;

import java.util.Map;
import java.util.Objects;
import org.apache.pekko.http.javadsl.model.ContentType;

/**
 * One AWS JSON service on the shared endpoint: requests whose {@code X-Amz-Target} is
 * {@code <targetPrefix>.<Action>} go to {@code operations.get(Action)} and are answered with
 * {@code contentType}.
 */
public record AwsJsonService(
    String targetPrefix, String contentType, Map<String, Operation> operations) {

  public AwsJsonService {
    Objects.requireNonNull(targetPrefix, "targetPrefix");
    if (targetPrefix.isBlank() || targetPrefix.contains(".")) {
      throw new IllegalArgumentException("invalid target prefix: '" + targetPrefix + "'");
    }
    Objects.requireNonNull(contentType, "contentType");
    AwsMediaTypes.contentType(contentType); // fail at startup on an unparsable content type
    operations = Map.copyOf(operations);
  }

  /** Step Functions: {@code AWSStepFunctions.<Action>}, AWS JSON 1.0. */
  public static AwsJsonService stepFunctions(Map<String, Operation> operations) {
    return new AwsJsonService("AWSStepFunctions", AwsMediaTypes.AMZ_JSON_1_0, operations);
  }

  /** KMS: {@code TrentService.<Action>}, AWS JSON 1.1. */
  public static AwsJsonService kms(Map<String, Operation> operations) {
    return new AwsJsonService("TrentService", AwsMediaTypes.AMZ_JSON_1_1, operations);
  }

  ContentType pekkoContentType() {
    return AwsMediaTypes.contentType(contentType);
  }
}
