package io.stepwise.engine.integration;

import io.stepwise.asl.TaskCheck;
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
  public String refusal(String resource) {
    if (!resource.contains(SDK_PREFIX) || recognized(resource)) return null;
    return "The resource provided " + resource
        + " is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.";
  }

  private static boolean recognized(String resource) {
    Matcher m = AwsServices.AWS_SDK.matcher(resource);
    if (!m.matches()) return false;
    String pattern = m.group(3);
    if (pattern != null && !pattern.equals(".waitForTaskToken")) return false;
    // a service whose model Stepwise does not carry is left to run time: AWS may have it
    Optional<AwsModel> model = AwsModel.named(AwsServices.modelName(true, m.group(1), m.group(2)));
    return model.isEmpty() || model.get().operation(m.group(2)).isPresent();
  }
}
