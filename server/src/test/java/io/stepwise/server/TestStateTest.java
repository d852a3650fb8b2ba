package io.stepwise.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.InspectionLevel;
import software.amazon.awssdk.services.sfn.model.InvalidDefinitionException;
import software.amazon.awssdk.services.sfn.model.InvalidExecutionInputException;
import software.amazon.awssdk.services.sfn.model.TestExecutionStatus;
import software.amazon.awssdk.services.sfn.model.TestStateResponse;
import software.amazon.awssdk.services.sfn.model.ValidationException;

/**
 * TestState through the SDK: one state, or a state of a whole machine by name, run on an input
 * without creating anything; its status, output and next state; at DEBUG its data flow; mocks for
 * Task, Map and Parallel states; retry and catch outcomes; and AWS's refusals.
 */
class TestStateTest {
  @TempDir Path dir;

  private static final String LAMBDA = "arn:aws:states:::lambda:invoke";

  @Test
  void aSingleState_andAStateOfAMachine_runOnTheirInput() throws Exception {
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      TestStateResponse pass = sfn.testState(b -> b.definition("""
          {"Type": "Pass", "InputPath": "$.a", "Parameters": {"x.$": "$.b"}, "ResultPath": "$.r", "Next": "Later"}
          """).input("{\"a\": {\"b\": 2}}").inspectionLevel(InspectionLevel.DEBUG));
      assertThat(pass.status()).isEqualTo(TestExecutionStatus.SUCCEEDED);
      assertThat(pass.nextState()).isEqualTo("Later");
      assertThat(pass.output()).isEqualTo("{\"a\":{\"b\":2},\"r\":{\"x\":2}}");
      assertThat(pass.inspectionData().input()).isEqualTo("{\"a\":{\"b\":2}}");
      assertThat(pass.inspectionData().afterInputPath()).isEqualTo("{\"b\":2}");
      assertThat(pass.inspectionData().afterParameters()).isEqualTo("{\"x\":2}");
      assertThat(pass.inspectionData().afterResultPath()).isEqualTo("{\"a\":{\"b\":2},\"r\":{\"x\":2}}");

      TestStateResponse info = sfn.testState(b -> b.definition("{\"Type\": \"Pass\", \"End\": true}").input("{}"));
      assertThat(info.inspectionData()).as("INFO shows no inspection data").isNull();
      // numbers are read as an execution reads them: fractions are doubles, past a double's range the decimal as written
      TestStateResponse numbers = sfn.testState(b -> b.definition("{\"Type\": \"Pass\", \"Result\": {\"r\": 10.50}, \"ResultPath\": \"$.x\", \"End\": true}")
          .input("{\"f\": 100.0, \"e\": 1e3, \"far\": 1e400}"));
      assertThat(numbers.output()).isEqualTo("{\"f\":100.0,\"e\":1000.0,\"far\":1E+400,\"x\":{\"r\":10.5}}");

      String machine = """
          {"StartAt": "First", "States": {
            "First": {"Type": "Pass", "Next": "Pick"},
            "Pick": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"}],
                     "Default": "Small"},
            "Big": {"Type": "Succeed"}, "Small": {"Type": "Fail", "Error": "TooSmall", "Cause": "n <= 10"}}}
          """;
      assertThat(sfn.testState(b -> b.definition(machine).stateName("Pick").input("{\"n\": 11}")).nextState())
          .isEqualTo("Big");
      TestStateResponse failed = sfn.testState(b -> b.definition(machine).stateName("Small").input("{}"));
      assertThat(failed.status()).isEqualTo(TestExecutionStatus.FAILED);
      assertThat(failed.error()).isEqualTo("TooSmall");
      assertThat(failed.cause()).isEqualTo("n <= 10");
      assertThatThrownBy(() -> sfn.testState(b -> b.definition(machine).stateName("Nowhere")))
          .isInstanceOf(ValidationException.class).hasMessageContaining("State not found in definition");
    }
  }

  @Test
  void mockedTasks_succeed_retry_andAreCaught() throws Exception {
    String task = """
        {"Type": "Task", "Resource": "%s", "Parameters": {"FunctionName": "f", "Payload.$": "$"},
         "ResultSelector": {"v.$": "$.Payload"}, "ResultPath": "$.out",
         "Retry": [{"ErrorEquals": ["Flaky"], "IntervalSeconds": 1, "MaxAttempts": 5, "BackoffRate": 2}],
         "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Recover"}],
         "Next": "After"}
        """.formatted(LAMBDA);
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      TestStateResponse ok = sfn.testState(b -> b.definition(task).input("{\"k\": 1}").inspectionLevel(InspectionLevel.TRACE)
          .mock(m -> m.result("{\"Payload\": 7, \"StatusCode\": 200}")));
      assertThat(ok.status()).isEqualTo(TestExecutionStatus.SUCCEEDED);
      assertThat(ok.output()).isEqualTo("{\"k\":1,\"out\":{\"v\":7}}");
      assertThat(ok.nextState()).isEqualTo("After");
      assertThat(ok.inspectionData().afterParameters()).isEqualTo("{\"FunctionName\":\"f\",\"Payload\":{\"k\":1}}");
      assertThat(ok.inspectionData().result()).isEqualTo("{\"Payload\":7,\"StatusCode\":200}");
      assertThat(ok.inspectionData().afterResultSelector()).isEqualTo("{\"v\":7}");

      TestStateResponse retry = sfn.testState(b -> b.definition(task).input("{}").inspectionLevel(InspectionLevel.DEBUG)
          .mock(m -> m.errorOutput(e -> e.error("Flaky").cause("try again")))
          .stateConfiguration(c -> c.retrierRetryCount(4)));
      assertThat(retry.status()).isEqualTo(TestExecutionStatus.RETRIABLE);
      assertThat(retry.error()).isEqualTo("Flaky");
      assertThat(retry.inspectionData().errorDetails().retryIndex()).isZero();
      assertThat(retry.inspectionData().errorDetails().retryBackoffIntervalSeconds()).isEqualTo(16);

      TestStateResponse caught = sfn.testState(b -> b.definition(task).input("{\"k\": 1}").inspectionLevel(InspectionLevel.DEBUG)
          .mock(m -> m.errorOutput(e -> e.error("Flaky").cause("again")))
          .stateConfiguration(c -> c.retrierRetryCount(5)));
      assertThat(caught.status()).isEqualTo(TestExecutionStatus.CAUGHT_ERROR);
      assertThat(caught.nextState()).isEqualTo("Recover");
      assertThat(caught.output()).isEqualTo("{\"k\":1,\"error\":{\"Error\":\"Flaky\",\"Cause\":\"again\"}}");
      assertThat(caught.inspectionData().errorDetails().catchIndex()).isZero();

      // No mock: the task is invoked as an execution would invoke it (this server has no integration for it).
      assertThatThrownBy(() -> sfn.testState(b -> b.definition(task).input("{}")))
          .isInstanceOf(ValidationException.class).hasMessageContaining("RoleArn");
      TestStateResponse unmocked = sfn.testState(b -> b.definition(task).input("{}").roleArn(Definitions.ROLE));
      assertThat(unmocked.status()).as("States.Runtime is terminal: no catcher takes it")
          .isEqualTo(TestExecutionStatus.FAILED);
      assertThat(unmocked.error()).isEqualTo("States.Runtime");
    }
  }

  @Test
  void mapAndParallel_needAMock_whichStandsForAllTheirIterations() throws Exception {
    String map = """
        {"Type": "Map", "ItemsPath": "$.items", "ItemSelector": {"v.$": "$$.Map.Item.Value"},
         "ItemProcessor": {"StartAt": "Work", "States": {"Work": {"Type": "Pass", "End": true}}},
         "ResultPath": "$.results", "End": true}
        """;
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      assertThatThrownBy(() -> sfn.testState(b -> b.definition(map).input("{\"items\": [1]}")))
          .isInstanceOf(InvalidDefinitionException.class).hasMessageContaining("does not support Map or Parallel");
      TestStateResponse mapped = sfn.testState(b -> b.definition(map).input("{\"items\": [1, 2]}")
          .inspectionLevel(InspectionLevel.DEBUG).mock(m -> m.result("[\"a\", \"b\"]")));
      assertThat(mapped.status()).isEqualTo(TestExecutionStatus.SUCCEEDED);
      assertThat(mapped.output()).isEqualTo("{\"items\":[1,2],\"results\":[\"a\",\"b\"]}");
      assertThat(mapped.inspectionData().afterItemsPath()).isEqualTo("[1,2]");
      assertThat(mapped.inspectionData().afterItemSelector()).isEqualTo("[{\"v\":1},{\"v\":2}]");
      assertThat(mapped.inspectionData().maxConcurrency()).isZero();
      assertThatThrownBy(() -> sfn.testState(b -> b.definition(map).input("{\"items\": [1]}")
          .mock(m -> m.result("{\"not\": \"an array\"}")))).isInstanceOf(ValidationException.class)
          .hasMessageContaining("Mocked result must be an array.");
    }
  }

  /**
   * A Distributed Map with an ItemReader reads its items from {@code stateConfiguration.mapItemReaderData}
   * as from the object itself: JSON with an ItemsPointer (shown as afterItemsPointer), JSONL, CSV
   * with its header row, MaxItems; a reader that cannot read the data fails the state with
   * States.ItemReaderFailed. Without the data, the items are in the input.
   */
  @Test
  void aDistributedMap_readsItsItemsFromMapItemReaderData() throws Exception {
    String map = """
        {"Type": "Map", "ItemsPath": "$.items",
         "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "Parameters": {"Bucket": "b", "Key": "k"},
                        "ReaderConfig": %s},
         "ItemSelector": {"v.$": "$$.Map.Item.Value"},
         "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                           "StartAt": "Work", "States": {"Work": {"Type": "Pass", "End": true}}},
         "End": true}
        """;
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      TestStateResponse json = sfn.testState(b -> b.definition(map.formatted("{\"InputType\": \"JSON\", \"ItemsPointer\": \"/data/rows\", \"MaxItems\": 2}"))
          .input("{\"items\": [\"from input\"]}").inspectionLevel(InspectionLevel.DEBUG)
          .stateConfiguration(c -> c.mapItemReaderData("{\"data\": {\"rows\": [{\"id\": 1}, {\"id\": 2}, {\"id\": 3}]}}"))
          .mock(m -> m.result("[1, 2]")));
      assertThat(json.status()).isEqualTo(TestExecutionStatus.SUCCEEDED);
      assertThat(json.inspectionData().afterItemsPointer()).isEqualTo("[{\"id\":1},{\"id\":2},{\"id\":3}]");
      assertThat(json.inspectionData().afterItemSelector()).isEqualTo("[{\"v\":{\"id\":1}},{\"v\":{\"id\":2}}]");
      assertThat(json.inspectionData().afterItemsPath()).isNull();

      TestStateResponse jsonl = sfn.testState(b -> b.definition(map.formatted("{\"InputType\": \"JSONL\"}"))
          .inspectionLevel(InspectionLevel.DEBUG).stateConfiguration(c -> c.mapItemReaderData("{\"a\": 1}\n\n[2]\n\"three\"\n"))
          .mock(m -> m.result("[]")));
      assertThat(jsonl.inspectionData().afterItemSelector()).isEqualTo("[{\"v\":{\"a\":1}},{\"v\":[2]},{\"v\":\"three\"}]");
      assertThat(jsonl.inspectionData().afterItemsPointer()).isNull();

      TestStateResponse csv = sfn.testState(b -> b.definition(map.formatted(
              "{\"InputType\": \"CSV\", \"CSVHeaderLocation\": \"FIRST_ROW\", \"CSVDelimiter\": \"SEMICOLON\"}"))
          .inspectionLevel(InspectionLevel.DEBUG).stateConfiguration(c -> c.mapItemReaderData("name;age\n\"Smith; J\";41\nLee;7\n"))
          .mock(m -> m.result("[]")));
      assertThat(csv.inspectionData().afterItemSelector())
          .isEqualTo("[{\"v\":{\"name\":\"Smith; J\",\"age\":\"41\"}},{\"v\":{\"name\":\"Lee\",\"age\":\"7\"}}]");

      // a JSON object's key-value pairs are the items, $$.Map.Item.Value each pair's value; a scalar cannot be read
      TestStateResponse object = sfn.testState(b -> b.definition(map.formatted("{\"InputType\": \"JSON\"}"))
          .inspectionLevel(InspectionLevel.DEBUG).stateConfiguration(c -> c.mapItemReaderData("{\"a\": 1, \"b\": {\"c\": 2}}"))
          .mock(m -> m.result("[]")));
      assertThat(object.inspectionData().afterItemSelector()).isEqualTo("[{\"v\":1},{\"v\":{\"c\":2}}]");
      TestStateResponse notAnArray = sfn.testState(b -> b.definition(map.formatted("{\"InputType\": \"JSON\"}"))
          .inspectionLevel(InspectionLevel.DEBUG).stateConfiguration(c -> c.mapItemReaderData("\"neither an array nor an object\""))
          .mock(m -> m.result("[]")));
      assertThat(notAnArray.status()).isEqualTo(TestExecutionStatus.FAILED);
      assertThat(notAnArray.error()).isEqualTo("States.ItemReaderFailed");

      // reading stops at MaxItems, as in a Map Run: what lies after is never read
      TestStateResponse limited = sfn.testState(b -> b.definition(map.formatted("{\"InputType\": \"JSONL\", \"MaxItems\": 2}"))
          .inspectionLevel(InspectionLevel.DEBUG).stateConfiguration(c -> c.mapItemReaderData("{\"a\":1}\n{\"a\":2}\n{oops"))
          .mock(m -> m.result("[]")));
      assertThat(limited.status()).isEqualTo(TestExecutionStatus.SUCCEEDED);
      assertThat(limited.inspectionData().afterItemSelector()).isEqualTo("[{\"v\":{\"a\":1}},{\"v\":{\"a\":2}}]");

      // a tested definition is a new one: an ItemsPointer that is no JSON Pointer is refused at once
      assertThatThrownBy(() -> sfn.testState(b -> b.definition(map.formatted("{\"InputType\": \"JSON\", \"ItemsPointer\": \"rows\"}"))
          .stateConfiguration(c -> c.mapItemReaderData("{\"rows\": [1]}")).mock(m -> m.result("[]"))))
          .isInstanceOf(InvalidDefinitionException.class)
          .hasMessageContaining("ItemsPointer");
      // one that points at nothing in the data: States.ItemReaderFailed, which a Catch takes
      String caught = map.formatted("{\"InputType\": \"JSON\", \"ItemsPointer\": \"/nothing\"}")
          .replace("\"End\": true}\n", "\"Catch\": [{\"ErrorEquals\": [\"States.ALL\"], \"Next\": \"Handled\"}], \"End\": true}\n");
      TestStateResponse badPointer = sfn.testState(b -> b.definition(caught)
          .stateConfiguration(c -> c.mapItemReaderData("{\"rows\": [1]}")).mock(m -> m.result("[]")));
      assertThat(badPointer.status()).isEqualTo(TestExecutionStatus.CAUGHT_ERROR);
      assertThat(badPointer.error()).isEqualTo("States.ItemReaderFailed");
      assertThat(badPointer.nextState()).isEqualTo("Handled");

      TestStateResponse fromInput = sfn.testState(b -> b.definition(map.formatted("{\"InputType\": \"JSON\"}"))
          .input("{\"items\": [\"from input\"]}").inspectionLevel(InspectionLevel.DEBUG).mock(m -> m.result("[1]")));
      assertThat(fromInput.inspectionData().afterItemsPath()).isEqualTo("[\"from input\"]");
    }
  }

  /** A mocked result is checked against the called API's response shape, as fieldValidationMode says. */
  @Test
  void mockedResults_areCheckedAgainstTheApisResponseShape() throws Exception {
    String describe = """
        {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:describeExecution",
         "Parameters": {"ExecutionArn": "arn:aws:states:us-east-1:123456789012:execution:m:e"}, "End": true}
        """;
    String lambda = "{\"Type\": \"Task\", \"Resource\": \"" + LAMBDA + "\", \"End\": true}";
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      // STRICT, the default: required members are wanted
      assertThatThrownBy(() -> sfn.testState(b -> b.definition(describe).mock(m -> m.result("{\"Status\": \"RUNNING\"}"))))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("Mock result schema validation error: Required field 'ExecutionArn' is missing");
      // PRESENT: only the members given, which must have their types and values
      assertThat(sfn.testState(b -> b.definition(describe)
          .mock(m -> m.result("{\"Status\": \"RUNNING\"}").fieldValidationMode("PRESENT"))).output())
          .isEqualTo("{\"Status\":\"RUNNING\"}");
      assertThatThrownBy(() -> sfn.testState(b -> b.definition(describe)
          .mock(m -> m.result("{\"Status\": \"RUN\"}").fieldValidationMode("PRESENT"))))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("Mock result schema validation error: Field 'Status' is not an expected value");
      assertThatThrownBy(() -> sfn.testState(b -> b.definition(lambda)
          .mock(m -> m.result("{\"StatusCode\": \"200\", \"Payload\": {}}"))))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("Mock result schema validation error: Field 'StatusCode' must be a number");
      // NONE: anything
      assertThat(sfn.testState(b -> b.definition(lambda)
          .mock(m -> m.result("{\"StatusCode\": \"200\"}").fieldValidationMode("NONE"))).statusAsString())
          .isEqualTo("SUCCEEDED");
      assertThatThrownBy(() -> sfn.testState(b -> b.definition(lambda)
          .mock(m -> m.result("{}").fieldValidationMode("strict")))).isInstanceOf(ValidationException.class);
    }
  }

  @Test
  void badRequests_getAwsErrors_atOnce() throws Exception {
    String pass = "{\"Type\": \"Pass\", \"End\": true}";
    String task = "{\"Type\": \"Task\", \"Resource\": \"" + LAMBDA + "\", \"End\": true}";
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      assertThatThrownBy(() -> sfn.testState(b -> b.definition(pass).mock(m -> m.result("{}"))))
          .isInstanceOf(ValidationException.class).hasMessageContaining("State type 'Pass' is not supported");
      assertThatThrownBy(() -> sfn.testState(b -> b.definition(task)
          .mock(m -> m.result("{}").errorOutput(e -> e.error("E"))))).isInstanceOf(ValidationException.class)
          .hasMessageContaining("only one of the following fields");
      assertThatThrownBy(() -> sfn.testState(b -> b.definition(task).mock(m -> m.result("not json"))))
          .isInstanceOf(ValidationException.class).hasMessageContaining("Mocked result must be valid JSON");
      assertThatThrownBy(() -> sfn.testState(b -> b.definition(task).revealSecrets(true).mock(m -> m.result("{}"))))
          .isInstanceOf(ValidationException.class).hasMessageContaining("RevealSecrets");
      assertThatThrownBy(() -> sfn.testState(b -> b.definition(pass).input("{oops")))
          .isInstanceOf(InvalidExecutionInputException.class);
      assertThatThrownBy(() -> sfn.testState(b -> b.definition(pass).context("{}")))
          .isInstanceOf(ValidationException.class);
      assertThatThrownBy(() -> sfn.testState(b -> b.definition(task).mock(m -> m.result("{}"))
          .context("{\"Map\": {}}"))).isInstanceOf(ValidationException.class).hasMessageContaining("'Map'");
      assertThatThrownBy(() -> sfn.testState(b -> b.definition(task).mock(m -> m.result("{}"))
          .context("{\"Execution\": {\"Id\": 5}}"))).isInstanceOf(ValidationException.class)
          .hasMessageContaining("Execution.Id must be a string");
      assertThatThrownBy(() -> sfn.testState(b -> b.definition("{\"Type\": \"Nope\"}")))
          .isInstanceOf(InvalidDefinitionException.class);
      assertThat(sfn.testState(b -> b.definition(task).mock(m -> m.result("{\"r\": 1}"))
          .context("{\"Execution\": {\"Id\": \"mine\"}}")).output()).isEqualTo("{\"r\":1}");
    }
  }
}
