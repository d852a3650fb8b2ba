package io.stepwise.engine.integration;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.TaskCheck;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;

/**
 * What AWS checks of an {@code aws-sdk:} Task when a definition is created, as its users met it: an
 * action its service does not have (or an integration pattern other than {@code .waitForTaskToken},
 * which AWS SDK integrations do not offer; or a resource not of the form) is {@code The resource
 * provided <arn> is not recognized. The value is not a valid resource ARN, or the resource is not
 * available in this region.} at the Resource. A service whose model Stepwise does not carry is
 * left to run time (AWS may have it). The request's names are checked when the task runs,
 * as AWS does ({@link AwsWire.UnknownField}).
 */
public final class IntegrationCheck implements TaskCheck {
  private static final String SDK_PREFIX = ":states:::aws-sdk:";

  @Override
  public List<Finding> check(String resource, JsonNode parameters, boolean jsonata) {
    if (!resource.contains(SDK_PREFIX)) return List.of();
    Matcher m = AwsServices.AWS_SDK.matcher(resource);
    boolean known;
    if (!m.matches()) {
      known = false;
    } else {
      // a service whose model Stepwise does not carry is left to run time: AWS may have it
      Optional<AwsModel> model = AwsModel.named(AwsServices.modelName(true, m.group(1), m.group(2)));
      String pattern = m.group(3);
      known = model.isEmpty() || (model.get().operation(m.group(2)).isPresent() && (pattern == null || pattern.equals(".waitForTaskToken")));
    }
    if (!known) {
      return List.of(new Finding("Resource", "The resource provided " + resource
          + " is not recognized. The value is not a valid resource ARN, or the resource is not available in this region."));
    }
    return List.of();
  }
}
