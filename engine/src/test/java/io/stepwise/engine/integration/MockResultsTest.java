package io.stepwise.engine.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.engine.Json;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A mocked result against its API's response shape, by the rules of fieldValidationMode. */
class MockResultsTest {
  private static final String PUT_EVENTS = "arn:aws:states:::events:putEvents";
  private static final String SDK_PUT_EVENTS = "arn:aws:states:::aws-sdk:eventbridge:putEvents";
  private static final String DESCRIBE_EXECUTION = "arn:aws:states:::aws-sdk:sfn:describeExecution";
  private static final String GET_OBJECT = "arn:aws:states:::aws-sdk:s3:getObject";

  private static Optional<String> problem(String resource, String result, String mode) {
    try {
      JsonNode parsed = Json.MAPPER.readTree(result);
      return MockResults.problem(resource, parsed, mode);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static String error(String text) {
    return "Mock result schema validation error: " + text;
  }

  @Test
  void aMemberOfTheWrongType_isNamed_atTheTopAndNestedAndInLists() {
    for (String resource : new String[] {PUT_EVENTS, SDK_PUT_EVENTS}) {
      for (String mode : new String[] {null, "STRICT", "PRESENT"}) {
        assertThat(problem(resource, "{\"Entries\": {}}", mode)).contains(error("Field 'Entries' must be an array"));
        assertThat(problem(resource, "{\"Entries\": [{\"EventId\": 5}]}", mode))
            .contains(error("Field 'EventId' must be a string"));
        assertThat(problem(resource, "{\"FailedEntryCount\": \"0\"}", mode))
            .contains(error("Field 'FailedEntryCount' must be a number"));
        // an Integer member takes whole numbers only
        assertThat(problem(resource, "{\"FailedEntryCount\": 1.5}", mode))
            .contains(error("Field 'FailedEntryCount' must be a number"));
        assertThat(problem(resource, "{\"FailedEntryCount\": 0, \"Entries\": [{\"EventId\": \"e1\"}, {}]}", mode)).isEmpty();
      }
    }
  }

  @Test
  void membersTheShapeDoesNotHave_andAnEmptyResult_pass() {
    assertThat(problem(PUT_EVENTS, "{\"random\": \"json\"}", "STRICT")).isEmpty();
    assertThat(problem(PUT_EVENTS, "{}", "STRICT")).isEmpty();
    assertThat(problem("arn:aws:states:::lambda:invoke",
        "{\"StatusCode\": 200, \"Payload\": {\"a\": 1}, \"SdkHttpMetadata\": {\"HttpStatusCode\": 200}}", null)).isEmpty();
  }

  @Test
  void strict_wantsEveryRequiredMember_present_doesNot() {
    assertThat(problem(DESCRIBE_EXECUTION, "{}", "STRICT")).contains(error("Required field 'ExecutionArn' is missing"));
    assertThat(problem(DESCRIBE_EXECUTION, "{}", null)).contains(error("Required field 'ExecutionArn' is missing"));
    assertThat(problem(DESCRIBE_EXECUTION, "{\"ExecutionArn\": \"a\", \"StateMachineArn\": \"m\", \"Status\": \"RUNNING\"}",
        "STRICT")).contains(error("Required field 'StartDate' is missing"));
    assertThat(problem(DESCRIBE_EXECUTION, "{}", "PRESENT")).isEmpty();
    assertThat(problem(DESCRIBE_EXECUTION, "{\"Status\": \"RUNNING\"}", "PRESENT")).isEmpty();
    assertThat(problem(DESCRIBE_EXECUTION,
        "{\"ExecutionArn\": \"a\", \"StateMachineArn\": \"m\", \"Status\": \"SUCCEEDED\", \"StartDate\": \"2026-01-01T00:00:00Z\"}",
        "STRICT")).isEmpty();
  }

  @Test
  void anEnumTakesOnlyItsValues_andNoneChecksNothing() {
    assertThat(problem(DESCRIBE_EXECUTION, "{\"Status\": \"DONE\"}", "PRESENT"))
        .contains(error("Field 'Status' is not an expected value"));
    assertThat(problem(DESCRIBE_EXECUTION, "{\"Status\": \"succeeded\"}", "PRESENT"))
        .contains(error("Field 'Status' is not an expected value"));
    assertThat(problem(DESCRIBE_EXECUTION, "{\"Status\": 7}", "NONE")).isEmpty();
    assertThat(problem(PUT_EVENTS, "{\"Entries\": 1}", "NONE")).isEmpty();
  }

  @Test
  void booleansMapsTimestampsAndBlobs() {
    assertThat(problem(GET_OBJECT, "{\"DeleteMarker\": \"yes\"}", "PRESENT")).contains(error("Field 'DeleteMarker' must be a boolean"));
    assertThat(problem(GET_OBJECT, "{\"Metadata\": {\"k\": 1}}", "PRESENT")).contains(error("Field 'Metadata' must be a string"));
    assertThat(problem(GET_OBJECT, "{\"Metadata\": []}", "PRESENT")).contains(error("Field 'Metadata' must be an object"));
    assertThat(problem(GET_OBJECT, "{\"LastModified\": {}}", "PRESENT")).contains(error("Field 'LastModified' must be a string"));
    assertThat(problem(GET_OBJECT, "{\"ContentLength\": 3, \"Body\": \"abc\", \"DeleteMarker\": false, \"Metadata\": {\"k\": \"v\"},"
        + " \"LastModified\": \"2026-01-01T00:00:00Z\"}", "PRESENT")).isEmpty();
    // an aws-sdk answer's blob is a string; the optimized Lambda integration answers with the function's JSON
    assertThat(problem(GET_OBJECT, "{\"Body\": {\"a\": 1}}", "PRESENT")).contains(error("Field 'Body' must be a string"));
    assertThat(problem("arn:aws:states:::aws-sdk:lambda:invoke", "{\"Payload\": {\"a\": 1}}", "PRESENT"))
        .contains(error("Field 'Payload' must be a string"));
    assertThat(problem("arn:aws:states:::lambda:invoke", "{\"StatusCode\": \"200\"}", "PRESENT"))
        .contains(error("Field 'StatusCode' must be a number"));
  }

  @Test
  void membersAreNamedAsStepFunctionsAnswers_orAsTheModelNamesThem() {
    String describe = "arn:aws:states:::aws-sdk:rds:describeDBInstances";
    assertThat(problem(describe, "{\"DbInstances\": \"x\"}", "PRESENT")).contains(error("Field 'DbInstances' must be an array"));
    assertThat(problem(describe, "{\"DBInstances\": \"x\"}", "PRESENT")).contains(error("Field 'DBInstances' must be an array"));
    assertThat(problem(describe, "{\"DbInstances\": [{\"DbInstanceIdentifier\": \"db1\"}]}", "PRESENT")).isEmpty();
    assertThat(MockResults.sfnName("DBInstances")).isEqualTo("DbInstances");
    assertThat(MockResults.sfnName("HTTPStatusCode")).isEqualTo("HttpStatusCode");
    assertThat(MockResults.sfnName("SSEKMSKeyId")).isEqualTo("SsekmsKeyId");
    assertThat(MockResults.sfnName("MD5OfMessageBody")).isEqualTo("Md5OfMessageBody");
    assertThat(MockResults.sfnName("ETag")).isEqualTo("ETag");
    assertThat(MockResults.sfnName("IPv6Address")).isEqualTo("IPv6Address");
    assertThat(MockResults.sfnName("executionArn")).isEqualTo("ExecutionArn");
    assertThat(MockResults.sfnName("items")).isEqualTo("Items");
  }

  @Test
  void resultsThatAreNotTheApisAnswer_areNotChecked() {
    // not an object: refused by any shape it were checked against
    String wrong = "[1]";
    for (String resource : new String[] {
        "arn:aws:states:::events:putEvents.waitForTaskToken", "arn:aws:states:::states:startExecution.sync",
        "arn:aws:states:::ecs:runTask.sync", "arn:aws:states:::http:invoke",
        "arn:aws:lambda:us-east-1:123456789012:function:f", "arn:aws:states:us-east-1:123456789012:activity:a",
        "arn:aws:states:::aws-sdk:nosuchservice:doIt", "arn:aws:states:::aws-sdk:sfn:noSuchAction",
        "arn:aws:states:::elasticmapreduce:createCluster", "arn:aws:states:::mediaconvert:createJob"}) {
      assertThat(problem(resource, wrong, "STRICT")).as(resource).isEmpty();
    }
    // the same actions without their pattern are checked
    for (String resource : new String[] {"arn:aws:states:::events:putEvents", "arn:aws:states:::states:startExecution",
        "arn:aws:states:::ecs:runTask", "arn:aws:states:::aws-sdk:mediaconvert:createJob"}) {
      assertThat(problem(resource, wrong, "STRICT")).as(resource).contains("Mock result must be a valid JSON object");
    }
    assertThat(problem("arn:aws:states:::states:startExecution", "{\"ExecutionArn\": 1}", "PRESENT"))
        .contains(error("Field 'ExecutionArn' must be a string"));
    // a timestamp is text or a number of the epoch (the optimized integration answers StartDate in milliseconds)
    assertThat(problem("arn:aws:states:::states:startExecution",
        "{\"ExecutionArn\": \"a\", \"StartDate\": 1767225600000}", "STRICT")).isEmpty();
    assertThat(problem("arn:aws:states:::aws-sdk:sfn:startExecution",
        "{\"ExecutionArn\": \"a\", \"StartDate\": \"2026-01-01T00:00:00Z\"}", "STRICT")).isEmpty();
    assertThat(problem("arn:aws:states:::aws-sdk:sfn:startExecution",
        "{\"ExecutionArn\": \"a\", \"StartDate\": true}", "STRICT")).contains(error("Field 'StartDate' must be a string"));
  }

  @Test
  void aResultThatIsNotAnObject_isRefused_whereThereIsAShape() {
    assertThat(problem(PUT_EVENTS, "[1]", "PRESENT")).contains("Mock result must be a valid JSON object");
    assertThat(problem(PUT_EVENTS, "\"text\"", "STRICT")).contains("Mock result must be a valid JSON object");
    assertThat(problem("arn:aws:lambda:us-east-1:123456789012:function:f", "[1]", "STRICT")).isEmpty();
  }
}
