package io.stepwise.engine.integration;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.TaskCheck;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;

/**
 * What AWS checks of an {@code aws-sdk:} Task when a definition is created, as its users met it: a
 * service or action AWS does not have (or an integration pattern other than
 * {@code .waitForTaskToken}, which AWS SDK integrations do not offer) is {@code The resource
 * provided <arn> is not recognized. The value is not a valid resource ARN, or the resource is not
 * available in this region.} at the Resource. The request's names are checked when the task runs,
 * as AWS does ({@link AwsWire.UnknownField}).
 */
public final class IntegrationCheck implements TaskCheck {
  private static final String SDK_PREFIX = ":states:::aws-sdk:";

  @Override
  public List<Finding> check(String resource, JsonNode parameters, boolean jsonata) {
    if (!resource.contains(SDK_PREFIX)) return List.of();
    Matcher m = AwsServices.AWS_SDK.matcher(resource);
    Optional<AwsModel> model = m.matches() ? AwsModel.named(AwsServices.modelName(true, m.group(1), m.group(2))) : Optional.empty();
    Optional<String> operation = model.flatMap(x -> x.operation(m.group(2)));
    String pattern = m.matches() ? m.group(3) : null;
    if (operation.isEmpty() || (pattern != null && !pattern.equals(".waitForTaskToken"))) {
      return List.of(new Finding("Resource", "The resource provided " + resource
          + " is not recognized. The value is not a valid resource ARN, or the resource is not available in this region."));
    }
    return List.of();
  }
}
