package io.stepwise.engine.integration;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What AWS refuses of an aws-sdk Task when a definition is created: a resource it does not have. */
class IntegrationCheckTest {
  private final IntegrationCheck check = new IntegrationCheck();

  private static String notRecognized(String resource) {
    return "The resource provided " + resource + " is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.";
  }

  @Test
  void unknownActionPatternOrForm_isNotRecognizedAtTheResource() {
    for (String r : new String[] {"arn:aws:states:::aws-sdk:s3:getObjectt",
        "arn:aws:states:::aws-sdk:s3:getObject.sync", "arn:aws:states:::aws-sdk:s3:get-object", "arn:aws:states:::aws-sdk:s3"}) {
      assertThat(check.refusal(r)).as(r).isEqualTo(notRecognized(r));
    }
  }

  @Test
  void knownActions_andOtherIntegrations_pass() {
    for (String r : new String[] {"arn:aws:states:::aws-sdk:s3:getObject", "arn:aws:states:::aws-sdk:rds:describeDBInstances",
        "arn:aws:states:::aws-sdk:sfn:startExecution.waitForTaskToken", "arn:aws-us-gov:states:::aws-sdk:dynamodb:getItem",
        "arn:aws:states:::lambda:invoke", "arn:aws:states:us-east-1:123456789012:activity:a", "arn:aws:states:::nosuch:thing",
        // a service whose model Stepwise does not carry: left to run time
        "arn:aws:states:::aws-sdk:nosuchservice:getThing"}) {
      assertThat(check.refusal(r)).as(r).isNull();
    }
  }
}
