package io.stepwise.engine.integration;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What AWS refuses of a service integration's Task when a definition is created: a resource it does not have. */
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

  /** The guide's optimized integrations: another action of a listed service, or a pattern its action lacks, is not recognized. */
  @Test
  void optimizedActionsAndPatterns_areTheGuidesOnes() {
    for (String r : new String[] {"arn:aws:states:::sqs:sendMessages", "arn:aws:states:::lambda:invokeFunction",
        "arn:aws:states:::lambda:invoke.sync", "arn:aws:states:::sns:publish.sync", "arn:aws:states:::dynamodb:putItem.waitForTaskToken",
        "arn:aws:states:::dynamodb:query", "arn:aws:states:::glue:startJobRun.sync:2", "arn:aws:states:::glue:startCrawler",
        "arn:aws:states:::batch:submitJob.waitForTaskToken", "arn:aws:states:::states:startExecution.sync:3",
        "arn:aws:states:::http:invoke.sync", "arn:aws:states:::athena:getQueryResults.sync", "arn:aws:states:::ecs:runTask.sync:2",
        "arn:aws:states:::lambda", "arn:aws:states:::lambda:invoke.foo", "arn:aws-cn:states:::sqs:sendMessage.sync"}) {
      assertThat(check.refusal(r)).as(r).isEqualTo(notRecognized(r));
    }
    for (String r : new String[] {"arn:aws:states:::lambda:invoke.waitForTaskToken", "arn:aws:states:::sqs:sendMessage",
        "arn:aws:states:::dynamodb:updateItem", "arn:aws:states:::glue:startJobRun.sync", "arn:aws:states:::ecs:runTask.waitForTaskToken",
        "arn:aws:states:::states:startExecution.sync:2", "arn:aws:states:::states:startExecution.waitForTaskToken",
        "arn:aws:states:::elasticmapreduce:modifyInstanceGroupByName", "arn:aws:states:::emr-serverless:stopApplication.sync",
        "arn:aws:states:::sagemaker:createTransformJob.sync", "arn:aws:states:::eks:call", "arn:aws:states:::http:invoke",
        "arn:aws:states:::codebuild:retryBuildBatch.sync", "arn:aws:states:::databrew:startJobRun.sync",
        "arn:aws:states:::bedrock:invokeModel", "arn:aws-us-gov:states:::events:putEvents.waitForTaskToken",
        // a service the guide lists only in part: left to run time
        "arn:aws:states:::bedrockagentcore:invokeHarness"}) {
      assertThat(check.refusal(r)).as(r).isNull();
    }
  }

  private static com.fasterxml.jackson.databind.JsonNode json(String text) throws Exception {
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
  }

  /** Written-out request names the action does not take, nested ones too; path keys and JSONata values are left to run time. */
  @Test
  void writtenOutRequestNames_areTheActionsOwn() throws Exception {
    assertThat(check.unknownFields("arn:aws:states:::aws-sdk:sqs:sendMessage",
        json("{\"QueueUrl\":\"q\",\"MessageBody\":{\"any\":1},\"Colour\":\"red\",\"Shade.$\":\"$.s\","
            + "\"MessageAttributes\":{\"k\":{\"DataType\":\"String\",\"StringValu\":\"v\"}}}"), false))
        .containsExactly("Colour", "StringValu");
    assertThat(check.unknownFields("arn:aws:states:::dynamodb:putItem",
        json("{\"TableName\":\"t\",\"Item\":{\"id\":{\"S\":\"1\",\"Sx\":\"2\"}},\"returnValues\":\"NONE\"}"), false))
        .containsExactly("Sx", "returnValues"); // names are AWS's, in their case
    assertThat(check.unknownFields("arn:aws:states:::ecs:runTask.sync",
        json("{\"Cluster\":\"c\",\"NetworkConfiguration\":{\"awsVpcConfiguration\":{\"Subnets\":[\"s\"]}}}"), false))
        .containsExactly("awsVpcConfiguration");
    assertThat(check.unknownFields("arn:aws:states:::aws-sdk:s3:listBuckets",
        json("{\"BucketIdentifier\":\"{% $states.input.b %}\",\"Prefix\":\"p\"}"), true)).isEmpty();
    assertThat(check.unknownFields("arn:aws:states:::aws-sdk:rds:describeDBInstances",
        json("{\"DbInstanceIdentifier\":\"db\",\"Filters\":[{\"Name\":\"n\",\"Values\":[\"v\"]}]}"), false)).isEmpty();
    // parameters that are the integration's own, or a service without a carried model: not read here
    for (String r : new String[] {"arn:aws:states:::lambda:invoke", "arn:aws:states:::elasticmapreduce:addStep.sync",
        "arn:aws:states:::states:startExecution", "arn:aws:states:::http:invoke", "arn:aws:states:::bedrock:invokeModel",
        "arn:aws:states:::aws-sdk:nosuchservice:getThing"}) {
      assertThat(check.unknownFields(r, json("{\"Nope\":1}"), false)).as(r).isEmpty();
    }
  }

  /**
   * A task's effective parameters, what paths gave them included: every name must be the request's,
   * and a structure or map must be given an object, a list an array (AWS: {@code The value of the
   * field 'QueryParameters' has an invalid format} for a string where a map goes); a string takes
   * any JSON, a null is left out.
   */
  @Test
  void effectiveParameters_mustBeTheRequest() throws Exception {
    assertThat(check.startProblems("arn:aws:states:::aws-sdk:sqs:sendMessage",
        json("{\"QueueUrl\":\"q\",\"MessageBody\":{\"any\":1},\"Colour\":\"red\",\"DelaySeconds\":null,"
            + "\"MessageAttributes\":{\"k\":{\"DataType\":\"String\",\"StringValu\":\"v\"}}}"), false))
        .containsExactly("The field \"Colour\" is not supported by Step Functions",
            "The field \"StringValu\" is not supported by Step Functions");
    assertThat(check.startProblems("arn:aws:states:::sqs:sendMessage",
        json("{\"QueueUrl\":\"q\",\"MessageBody\":\"m\",\"MessageAttributes\":\"k=v\"}"), false))
        .containsExactly("The value of the field 'MessageAttributes' has an invalid format");
    assertThat(check.startProblems("arn:aws:states:::dynamodb:putItem",
        json("{\"TableName\":\"t\",\"Item\":{\"id\":[\"S\",\"1\"]}}"), false))
        .containsExactly("The value of the field 'Item' has an invalid format"); // a map's value names the map
    assertThat(check.startProblems("arn:aws:states:::ecs:runTask.sync",
        json("{\"Cluster\":\"c\",\"Overrides\":{\"ContainerOverrides\":{\"Name\":\"x\"}},\"NetworkConfiguration\":[]}"), false))
        .containsExactly("The value of the field 'ContainerOverrides' has an invalid format",
            "The value of the field 'NetworkConfiguration' has an invalid format");
    assertThat(check.startProblems("arn:aws:states:::aws-sdk:rds:describeDBInstances",
        json("{\"DbInstanceIdentifier\":\"db\",\"Filters\":[{\"Name\":\"n\",\"Values\":[\"v\"]}]}"), false)).isEmpty();
    // a key ending in .$ is the template check's in JSONPath, a name like any other in JSONata
    String withPathKey = "{\"QueueUrl\":\"q\",\"MessageBody\":\"m\",\"Colour.$\":\"$.c\"}";
    assertThat(check.startProblems("arn:aws:states:::aws-sdk:sqs:sendMessage", json(withPathKey), false)).isEmpty();
    assertThat(check.startProblems("arn:aws:states:::aws-sdk:sqs:sendMessage", json(withPathKey), true))
        .containsExactly("The field \"Colour.$\" is not supported by Step Functions");
    for (String r : new String[] {"arn:aws:states:::lambda:invoke", "arn:aws:states:::states:startExecution",
        "arn:aws:states:::http:invoke", "arn:aws:states:::aws-sdk:nosuchservice:getThing"}) {
      assertThat(check.startProblems(r, json("{\"Nope\":\"x\",\"Payload\":\"y\"}"), false)).as(r).isEmpty();
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
