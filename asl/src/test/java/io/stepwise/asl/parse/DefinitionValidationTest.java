package io.stepwise.asl.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stepwise.asl.CompiledDefinition;
import io.stepwise.asl.InvalidDefinitionException;
import io.stepwise.asl.Problem;
import io.stepwise.asl.path.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class DefinitionValidationTest {
  static String message(String def) {
    try {
      CompiledDefinition.compile(def);
      throw new AssertionError("accepted: " + def);
    } catch (InvalidDefinitionException e) {
      return e.getMessage();
    }
  }

  @Test
  void missingStates_isAwsSchemaMessage() {
    assertThat(message("{\"StartAt\": \"A\"}"))
        .isEqualTo("Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: These fields are required: [States] at /'");
  }

  @Test
  void missingNextTarget_namesTheTargetAndItsPointer() {
    assertThat(message("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Next\":\"X\"},\"B\":{\"Type\":\"Succeed\"}}}"))
        .contains("MISSING_TRANSITION_TARGET: Missing 'Next' target: X at /States/A/Next");
  }

  @Test
  void danglingChoiceAndCatchTargets_useAwsLocations() {
    List<Problem> p = CompiledDefinition.validate("""
        {"StartAt":"C","States":{
          "C":{"Type":"Choice","Choices":[{"Variable":"$.a","IsPresent":true,"Next":"Nope"}],"Default":"Gone"},
          "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Catch":[{"ErrorEquals":["States.ALL"],"Next":"Lost"}],"End":true}}}
        """);
    assertThat(p).extracting(Problem::location).contains("/States/C/Choices[0]/Next", "/States/C/Default", "/States/T/Catch[0]/Next");
  }

  @Test
  void unreachableState_isReported() {
    assertThat(message("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Succeed\"},\"B\":{\"Type\":\"Succeed\"}}}"))
        .isEqualTo("Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: State \"B\" is not reachable. at /States/B'");
  }

  /**
   * Reachability follows the transitions as written: a state reached only through an invalid
   * Choice rule, or through a state whose own fields are invalid, is not also "not reachable".
   */
  @Test
  void statesReachedThroughInvalidRulesOrStates_areNotReportedUnreachable() {
    List<Problem> badRule = CompiledDefinition.validate("""
        {"StartAt":"C","States":{
          "C":{"Type":"Choice","Choices":[{"Variable":"$.a","NumericEqualsX":1,"Next":"B"}],"Default":"D"},
          "B":{"Type":"Succeed"},"D":{"Type":"Succeed"}}}
        """);
    assertThat(badRule).isNotEmpty();
    assertThat(badRule).extracting(Problem::message).noneMatch(m -> m.contains("not reachable"));
    List<Problem> badState = CompiledDefinition.validate("""
        {"StartAt":"A","States":{
          "A":{"Type":"Pass","TimeoutSeconds":3,"Next":"B"},
          "B":{"Type":"Wait","Seconds":1,"Next":"E"},"E":{"Type":"Succeed"}}}
        """);
    assertThat(badState).extracting(Problem::location).contains("/States/A");
    assertThat(badState).extracting(Problem::message).noneMatch(m -> m.contains("not reachable"));
    // and a state no transition names is still reported
    assertThat(CompiledDefinition.validate("""
        {"StartAt":"C","States":{
          "C":{"Type":"Choice","Choices":[{"Variable":"$.a","NumericEqualsX":1,"Next":"B"}],"Default":"B"},
          "B":{"Type":"Succeed"},"Lone":{"Type":"Succeed"}}}
        """)).extracting(Problem::message).contains("State \"Lone\" is not reachable.");
  }

  /** A missing StartAt target is a missing 'Next' target; what no transition names is unreachable (not a walk from StartAt). */
  @Test
  void missingStartAtTarget_isMissingNextAndStatesNothingNamesAreUnreachable() {
    assertThat(message("{\"StartAt\":\"Not sure\",\"States\":{\"Pass One\":{\"Type\":\"Pass\",\"Next\":\"Success\"},\"Success\":{\"Type\":\"Succeed\"}}}"))
        .isEqualTo("Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: Not sure at /StartAt, "
            + "MISSING_TRANSITION_TARGET: State \"Pass One\" is not reachable. at /States/Pass One'");
    assertThat(CompiledDefinition.validate("{\"StartAt\":\"x.run\",\"States\":{\"run\":{\"Type\":\"Pass\",\"End\":true}}}"))
        .extracting(Problem::location).containsExactly("/StartAt", "/States/run");
    // a chain nothing enters: only its head is unreachable; a Catch or Default names its target
    assertThat(CompiledDefinition.validate("""
        {"StartAt":"A","States":{"A":{"Type":"Succeed"},
          "U1":{"Type":"Pass","Next":"U2"},"U2":{"Type":"Choice","Choices":[{"Variable":"$.a","IsNull":true,"Next":"U3"}],"Default":"U4"},
          "U3":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Catch":[{"ErrorEquals":["States.ALL"],"Next":"U5"}],"End":true},
          "U4":{"Type":"Succeed"},"U5":{"Type":"Fail"}}}
        """)).extracting(Problem::location).containsExactly("/States/U1");
  }

  /** AWS's words, at the States.ALL element itself, in a Retry or a Catch. */
  @Test
  void statesAllNotAloneOrNotLast_isReportedAtTheElement() {
    List<Problem> p = CompiledDefinition.validate("""
        {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
          "Retry":[{"ErrorEquals":["States.ALL"]},{"ErrorEquals":["E"]}],
          "Catch":[{"ErrorEquals":["E"],"Next":"H"},{"ErrorEquals":["A","B","States.ALL"],"Next":"H"}],"End":true},"H":{"Type":"Succeed"}}}
        """);
    assertThat(p).extracting(Problem::location).containsExactly("/States/T/Retry[0]/ErrorEquals[0]", "/States/T/Catch[1]/ErrorEquals[2]");
    assertThat(p).extracting(Problem::message).containsOnly("States.ALL must appear alone and at end of list");
    assertThat(CompiledDefinition.validate("""
        {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
          "Retry":[{"ErrorEquals":["E"]},{"ErrorEquals":["States.ALL"]}],"End":true}}}
        """)).isEmpty();
  }

  @Test
  void stateNameOver80Characters_isInvalidStateName() {
    String name = "This is an exceptionally long state name that I know will fail when I try to deploy to AWS";
    String def = "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Next\":\"" + name + "\"},\"" + name + "\":{\"Type\":\"Succeed\"}}}";
    assertThat(message(def)).isEqualTo("Invalid State Machine Definition: 'INVALID_STATE_NAME: Invalid State name: State '" + name
        + "' exceeds the 80-character limit allowed by the service at /States/" + name + "'");
    String eighty = "n".repeat(80);
    assertThat(CompiledDefinition.validate("{\"StartAt\":\"" + eighty + "\",\"States\":{\"" + eighty + "\":{\"Type\":\"Succeed\"}}}")).isEmpty();
  }

  static List<String> problems(String def) {
    return CompiledDefinition.validate(def).stream().map(x -> x.message() + " at " + x.location()).toList();
  }

  static String distributedMap(String fields, String processorStates, boolean jsonata) {
    return "{" + (jsonata ? "\"QueryLanguage\":\"JSONata\"," : "") + "\"StartAt\":\"M\",\"States\":{\"M\":{\"Type\":\"Map\"," + fields
        + "\"ItemProcessor\":{\"ProcessorConfig\":{\"Mode\":\"DISTRIBUTED\",\"ExecutionType\":\"STANDARD\"},\"StartAt\":\"P\",\"States\":{"
        + processorStates + "}},\"End\":true}}}";
  }

  /**
   * A number past a double's range is read as the decimal it was written as, not as Infinity: it is
   * checked against a field's bounds as any number is (a review found 1e400 crashing the check).
   */
  @Test
  void numbersPastADoublesRange_areCheckedAsNumbers() {
    String retry = "{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::lambda:invoke\","
        + "\"Parameters\":{\"FunctionName\":\"f\"},\"Retry\":[{\"ErrorEquals\":[\"States.ALL\"],\"BackoffRate\":%s}],\"End\":true}}}";
    assertThat(problems(retry.formatted("1e400"))).isEmpty();
    assertThat(problems(retry.formatted("-1e400"))).containsExactly("Minimum value is 1.0 at /States/T/Retry[0]/BackoffRate");
    String map = distributedMap("\"ToleratedFailurePercentage\":%s,", "\"P\":{\"Type\":\"Pass\",\"End\":true}", false);
    assertThat(problems(map.formatted("1e400"))).containsExactly("Maximum value is 100.0 at /States/M/ToleratedFailurePercentage");
    assertThat(problems(map.formatted("-1e400"))).containsExactly("Minimum value is 0.0 at /States/M/ToleratedFailurePercentage");
    // a number no decimal holds, or whose text could not be read back, is malformed JSON, not a Java error
    for (String bad : new String[] {"1e9999999999", "0.5e-2147483647", "123.456e2147483647"}) {
      assertThatThrownBy(() -> io.stepwise.asl.path.Json.parse(retry.formatted(bad))).as(bad)
          .isInstanceOf(com.fasterxml.jackson.core.JsonParseException.class).hasMessageContaining("Numeric value (" + bad + ") out of range");
    }
  }

  /** Number fields in AWS's schema words, at the field: the type, the floor, the ceiling; one rule for every number field. */
  @Test
  void numberFields_typeMinimumAndMaximum() {
    String wait = "{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Wait\",\"Seconds\":%s,\"End\":true}}}";
    assertThat(problems(wait.formatted("\"60\""))).containsExactly("Expected value of type Integer at /States/W/Seconds");
    assertThat(problems(wait.formatted("1.5"))).containsExactly("Expected value of type Integer at /States/W/Seconds");
    assertThat(problems(wait.formatted("-1"))).containsExactly("Minimum value is 0 at /States/W/Seconds");
    assertThat(problems(wait.formatted("100000000"))).containsExactly("Maximum value is 99999999 at /States/W/Seconds");
    assertThat(problems(wait.formatted("99999999"))).isEmpty();
    String task = "{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::lambda:invoke\",%s,\"End\":true}}}";
    assertThat(problems(task.formatted("\"TimeoutSeconds\":0"))).containsExactly("Minimum value is 1 at /States/T/TimeoutSeconds");
    assertThat(problems(task.formatted("\"Retry\":[{\"ErrorEquals\":[\"E\"],\"BackoffRate\":0.5,\"MaxAttempts\":-1,\"IntervalSeconds\":\"x\"}]")))
        .containsExactlyInAnyOrder("Minimum value is 1.0 at /States/T/Retry[0]/BackoffRate", "Minimum value is 0 at /States/T/Retry[0]/MaxAttempts",
            "Expected value of type Integer at /States/T/Retry[0]/IntervalSeconds");
    assertThat(problems("{\"TimeoutSeconds\":-5,\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}}"))
        .containsExactly("Minimum value is 0 at /TimeoutSeconds");
    String pass = "\"P\":{\"Type\":\"Pass\",\"End\":true}";
    assertThat(problems(distributedMap("\"ToleratedFailureCount\":-1,\"ToleratedFailurePercentage\":101,\"MaxConcurrency\":-2,", pass, false)))
        .containsExactlyInAnyOrder("Minimum value is 0 at /States/M/ToleratedFailureCount", "Maximum value is 100.0 at /States/M/ToleratedFailurePercentage",
            "Minimum value is 0 at /States/M/MaxConcurrency");
    assertThat(problems(distributedMap("\"ToleratedFailurePercentage\":-0.5,", pass, false))).containsExactly("Minimum value is 0.0 at /States/M/ToleratedFailurePercentage");
    assertThat(problems(distributedMap("\"ItemReader\":{\"Resource\":\"arn:aws:states:::s3:getObject\",\"ReaderConfig\":{\"InputType\":\"JSON\",\"MaxItems\":100000001},"
        + "\"Parameters\":{\"Bucket\":\"b\",\"Key\":\"k\"}},\"ItemBatcher\":{\"MaxInputBytesPerBatch\":262145},", pass, false)))
        .containsExactlyInAnyOrder("Maximum value is 100000000 at /States/M/ItemReader/ReaderConfig/MaxItems",
            "Maximum value is 262144 at /States/M/ItemBatcher/MaxInputBytesPerBatch");
  }

  @Test
  void workflowStructure_inAwsWords() {
    // recorded against AWS by tiny-asl-machine: a state without its Type ends nothing
    assertThat(problems("{\"StartAt\":\"A\",\"States\":{\"A\":{\"End\":true}}}"))
        .containsExactly("The field 'Type' is required at /States/A", "Workflow has no terminal state at null");
    assertThat(problems("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\"}}}"))
        .containsExactly("This object should have only one of the following fields: [Next, End] at /States/A", "Workflow has no terminal state at null");
    assertThat(problems("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Next\":\"B\",\"End\":true},\"B\":{\"Type\":\"Succeed\"}}}"))
        .containsExactly("There should only be one of the following fields: [Next, End] at /States/A");
    assertThat(problems("{\"StartAt\":\"First\",\"States\":{}}"))
        .containsExactly("Value cannot be empty at /States", "Missing 'Next' target: First at /StartAt", "Workflow has no terminal state at null");
    // a Choice's End is no end
    assertThat(problems("{\"StartAt\":\"C\",\"States\":{\"C\":{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$.a\",\"IsNull\":true,"
        + "\"Next\":\"C\"}],\"Default\":\"C\",\"End\":true}}}")).contains("Workflow has no terminal state at null");
  }

  @Test
  void readerConfig_fieldsNeedEachOther_newDefinitionsOnly() throws Exception {
    String pass = "\"P\":{\"Type\":\"Pass\",\"End\":true}";
    String reader = "\"ItemReader\":{\"Resource\":\"arn:aws:states:::s3:%s\",\"Parameters\":{\"Bucket\":\"b\",\"Key\":\"k\"},\"ReaderConfig\":%s},";
    String[][] cases = {
        {"getObject", "{\"InputType\":\"CSV\"}", "The field 'CSVHeaderLocation' is required at /States/M/ItemReader/ReaderConfig"},
        {"getObject", "{\"InputType\":\"CSV\",\"ManifestType\":\"S3_INVENTORY\"}", "The field 'CSVHeaderLocation' is required at /States/M/ItemReader/ReaderConfig"},
        {"getObject", "{\"InputType\":\"CSV\",\"CSVHeaderLocation\":\"GIVEN\"}", "These fields are required: [CSVHeaders] at /States/M/ItemReader/ReaderConfig"},
        {"getObject", "{\"InputType\":\"JSON\",\"CSVHeaderLocation\":\"FIRST_ROW\"}", "Field 'CSVHeaderLocation' is not supported at /States/M/ItemReader/ReaderConfig"},
        {"getObject", "{\"InputType\":\"JSON\",\"ManifestType\":\"ATHENA_DATA\"}", "Field 'ManifestType' is not supported at /States/M/ItemReader/ReaderConfig"},
        {"getObject", "{\"InputType\":\"JSON\",\"ItemsPointer\":\"items/0\"}", "Invalid input: JSON Pointer expression must start with '/': \"items/0\" at /States/M/ItemReader/ReaderConfig/ItemsPointer"},
        {"listObjectsV2", "{\"Transformation\":\"LOAD_AND_FLATTEN\"}", "The field 'InputType' is required at /States/M/ItemReader/ReaderConfig"}};
    for (String[] c : cases) assertThat(problems(distributedMap(reader.formatted(c[0], c[1]), pass, false))).as(c[1]).containsExactly(c[2]);
    assertThat(problems(distributedMap(reader.formatted("getObject", "{\"InputType\":\"JSONL\",\"CSVHeaderLocation\":\"GIVEN\",\"CSVHeaders\":[\"id\"]}"), pass, false)))
        .containsExactly("Field 'CSVHeaderLocation' is not supported at /States/M/ItemReader/ReaderConfig",
            "Field 'CSVHeaders' is not supported at /States/M/ItemReader/ReaderConfig");
    for (String ok : List.of("{\"InputType\":\"CSV\",\"CSVHeaderLocation\":\"FIRST_ROW\"}", "{\"InputType\":\"CSV\",\"CSVHeaderLocation\":\"GIVEN\",\"CSVHeaders\":[\"a\"]}",
        "{\"InputType\":\"JSON\",\"ItemsPointer\":\"/data/items\"}", "{\"InputType\":\"JSONL\"}", "{\"ManifestType\":\"S3_INVENTORY\"}")) {
      String def = distributedMap(reader.formatted("getObject", ok), pass, false);
      assertThat(problems(def)).as(ok).isEmpty();
    }
    // a stored definition still loads
    assertThat(CompiledDefinition.compile(distributedMap(reader.formatted("getObject", "{\"InputType\":\"CSV\"}"), pass, false))).isNotNull();
  }

  @Test
  void statesResult_onlyInTheOutputAndAssignOfATaskMapOrParallel() {
    String pass = "{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"Output\":\"{%% %s %%}\",\"End\":true}}}";
    assertThat(problems(pass.formatted("$states.result"))).containsExactly("Field '$states.result' does not exist. at /States/P/Output");
    assertThat(problems(pass.formatted("$states.input.result"))).isEmpty();
    assertThat(problems(pass.formatted("'$states.result'"))).isEmpty();
    String task = "{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::lambda:invoke\","
        + "%s,\"Catch\":[{\"ErrorEquals\":[\"States.ALL\"],\"Output\":\"{%% %s %%}\",\"Next\":\"S\"}],\"End\":true},\"S\":{\"Type\":\"Succeed\"}}}";
    assertThat(problems(task.formatted("\"Output\":{\"r\":\"{% $states.result.Payload %}\"},\"Assign\":{\"x\":\"{% $states.result %}\"}", "$states.errorOutput")))
        .isEmpty();
    assertThat(problems(task.formatted("\"Arguments\":{\"FunctionName\":\"{% $states.result %}\"}", "$states.result")))
        .containsExactly("Field '$states.result' does not exist. at /States/T/Arguments/FunctionName", "Field '$states.result' does not exist. at /States/T/Catch[0]/Output");
    // a Map's and a Parallel's own Output and Assign have a result; a choice rule's Output has none
    String map = "{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"M\",\"States\":{\"M\":{\"Type\":\"%s\",%s\"Output\":\"{%% $states.result %%}\","
        + "\"Assign\":{\"n\":\"{%% $count($states.result) %%}\"},\"End\":true}}}";
    assertThat(problems(map.formatted("Map", "\"ItemProcessor\":{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}},"))).isEmpty();
    assertThat(problems(map.formatted("Parallel", "\"Branches\":[{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}}],"))).isEmpty();
    String choice = "{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"C\",\"States\":{\"C\":{\"Type\":\"Choice\",\"Choices\":[{\"Condition\":\"{% true %}\","
        + "\"Output\":\"{% $states.result %}\",\"Next\":\"S\"}],\"Default\":\"S\"},\"S\":{\"Type\":\"Succeed\"}}}";
    assertThat(problems(choice)).containsExactly("Field '$states.result' does not exist. at /States/C/Choices[0]/Output");
    // where the field lies is read from the state's own location: a '/' in its name or a key named States change nothing
    String named = "{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"Get/Item\",\"States\":{\"Get/Item\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::lambda:invoke\","
        + "\"Output\":{\"States\":{\"x\":\"{% $states.result %}\"}},\"End\":true}}}";
    assertThat(problems(named)).isEmpty();
    var codes = CompiledDefinition.validate(pass.formatted("$states.result")).stream().map(Problem::code).toList();
    assertThat(codes).containsExactly("UNSUPPORTED_JSONATA_EXPRESSION");
  }

  @Test
  void innerScopes_mayNotAssignAVariableOfAScopeAroundThem() throws Exception {
    // recorded against AWS by tiny-asl-machine, for an inline Map and a Parallel
    String map = "{\"StartAt\":\"Seed\",\"States\":{\"Seed\":{\"Type\":\"Pass\",\"Assign\":{\"shared\":1},\"Next\":\"M\"},"
        + "\"M\":{\"Type\":\"Map\",\"ItemProcessor\":{%s\"StartAt\":\"In\",\"States\":{\"In\":{\"Type\":\"Pass\",\"Assign\":{%s},\"End\":true}}},\"End\":true}}}";
    assertThat(problems(map.formatted("", "\"shared\":2"))).containsExactly("The variable name 'shared' was already defined in a parent scope. at /States/M/ItemProcessor/States/In/Assign");
    assertThat(problems(map.formatted("", "\"shared.$\":\"$.x\""))).containsExactly("The variable name 'shared' was already defined in a parent scope. at /States/M/ItemProcessor/States/In/Assign");
    assertThat(problems(map.formatted("", "\"other\":2"))).isEmpty();
    // a Distributed Map's children do not see the variables around them
    assertThat(problems(map.formatted("\"ProcessorConfig\":{\"Mode\":\"DISTRIBUTED\",\"ExecutionType\":\"STANDARD\"},", "\"shared\":2"))).isEmpty();
    String parallel = "{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Parallel\",\"Branches\":[{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Assign\":{\"v\":1},\"End\":true}}},"
        + "{\"StartAt\":\"B\",\"States\":{\"B\":{\"Type\":\"Pass\",\"Assign\":{\"v\":2},\"End\":true}}}],\"Catch\":[{\"ErrorEquals\":[\"States.ALL\"],\"Assign\":{\"%s\":0},\"Next\":\"S\"}],\"End\":true},\"S\":{\"Type\":\"Succeed\"}}}";
    // sibling branches may use the same name; a Catcher's Assign is the scope around them
    assertThat(problems(parallel.formatted("w"))).isEmpty();
    assertThat(problems(parallel.formatted("v"))).containsExactly(
        "The variable name 'v' was already defined in a parent scope. at /States/P/Branches[0]/States/A/Assign",
        "The variable name 'v' was already defined in a parent scope. at /States/P/Branches[1]/States/B/Assign");
    // a choice rule's Assign is the scope's too, and scopes nest
    String nested = "{\"StartAt\":\"C\",\"States\":{\"C\":{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$.a\",\"IsNull\":true,\"Assign\":{\"deep\":1},"
        + "\"Next\":\"P\"}],\"Default\":\"P\"},\"P\":{\"Type\":\"Parallel\",\"Branches\":[{\"StartAt\":\"M\",\"States\":{\"M\":{\"Type\":\"Map\","
        + "\"ItemProcessor\":{\"StartAt\":\"In\",\"States\":{\"In\":{\"Type\":\"Pass\",\"Assign\":{\"deep\":2},\"End\":true}}},\"End\":true}}}],\"End\":true}}}";
    assertThat(problems(nested)).containsExactly(
        "The variable name 'deep' was already defined in a parent scope. at /States/P/Branches[0]/States/M/ItemProcessor/States/In/Assign");
    // a stored definition still loads
    CompiledDefinition.compile(map.formatted("", "\"shared\":2"));
  }

  @Test
  void fieldsOfWhichExactlyOneIsNeeded_inAwsWords_listedInHashSetOrder() {
    // AWS's words and order for a Wait's timing fields (tiny-asl-machine's recorded AWS results)
    String wait = "{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Wait\",%s\"End\":true}}}";
    assertThat(problems(wait.formatted("")))
        .containsExactly("This object should have only one of the following fields: [SecondsPath, Seconds, TimestampPath, Timestamp] at /States/W");
    for (String two : List.of("\"Seconds\":1,\"Timestamp\":\"2026-01-01T00:00:00Z\",", "\"SecondsPath\":\"$.s\",\"Seconds\":1,",
        "\"Seconds\":1,\"SecondsPath\":\"$.s\",\"TimestampPath\":\"$.t\",")) {
      assertThat(problems(wait.formatted(two))).as(two)
          .containsExactly("There should only be one of the following fields: [SecondsPath, Seconds, TimestampPath, Timestamp] at /States/W");
    }
    // a choice rule with no comparison, or several: the same words, the operators in AWS's order
    String list = "[StringEquals, IsBoolean, StringLessThan, IsNumeric, BooleanEquals, StringLessThanEqualsPath, NumericLessThan, "
        + "NumericGreaterThan, NumericLessThanPath, StringMatches, TimestampLessThanEqualsPath, NumericEquals, TimestampGreaterThan, "
        + "StringGreaterThanEqualsPath, TimestampGreaterThanEqualsPath, TimestampLessThanEquals, NumericLessThanEqualsPath, TimestampEquals, "
        + "BooleanEqualsPath, IsTimestamp, StringLessThanEquals, NumericLessThanEquals, StringLessThanPath, TimestampGreaterThanPath, "
        + "StringGreaterThan, StringGreaterThanPath, IsString, StringEqualsPath, TimestampEqualsPath, TimestampLessThan, StringGreaterThanEquals, "
        + "NumericGreaterThanPath, NumericGreaterThanEquals, NumericEqualsPath, TimestampLessThanPath, IsNull, IsPresent, "
        + "TimestampGreaterThanEquals, NumericGreaterThanEqualsPath]";
    assertThat(DefinitionParser.fieldList(ChoiceParser.OPERATORS)).isEqualTo(list);
    String choice = "{\"StartAt\":\"C\",\"States\":{\"C\":{\"Type\":\"Choice\",\"Choices\":[%s],\"Default\":\"S\"},\"S\":{\"Type\":\"Succeed\"}}}";
    assertThat(problems(choice.formatted("{\"Variable\":\"$.a\",\"Next\":\"S\"}")))
        .containsExactly("This object should have only one of the following fields: " + list + " at /States/C/Choices[0]");
    assertThat(problems(choice.formatted("{\"Variable\":\"$.a\",\"StringEquals\":\"1\",\"NumericGreaterThan\":0,\"IsNull\":true,\"Next\":\"S\"}")))
        .containsExactly("There should only be one of the following fields: " + list + " at /States/C/Choices[0]");
    assertThat(problems(choice.formatted("{\"Not\":{\"Variable\":\"$.a\"},\"Next\":\"S\"}")))
        .containsExactly("This object should have only one of the following fields: " + list + " at /States/C/Choices[0]/Not");
    // an empty Choices, And, Or: "Value cannot be empty"
    assertThat(problems(choice.formatted(""))).containsExactly("Value cannot be empty at /States/C/Choices");
    for (String combinator : List.of("And", "Or")) {
      assertThat(problems(choice.formatted("{\"Not\":{\"" + combinator + "\":[]},\"Next\":\"S\"}"))).as(combinator)
          .containsExactly("Value cannot be empty at /States/C/Choices[0]/Not/" + combinator);
    }
  }

  /**
   * A QueryLanguage outside the enum: the state is JSONata unless the value is exactly "JSONPath",
   * its fields are checked for that language first, then the value is reported at its field
   * (floci-io/floci#2968, measured).
   */
  @Test
  void queryLanguageOutsideTheEnum_isReportedAfterTheFieldsItsLanguageRefuses() {
    for (String[] c : new String[][] {{"\"jsonata\"", "Value should be one of the following: [JSONPath, JSONata]"},
        {"\"jsonpath\"", "Value should be one of the following: [JSONPath, JSONata]"}, {"5", "Expected value of type [STRING]"},
        {"true", "Expected value of type [STRING]"}}) {
      assertThat(problems("{\"StartAt\":\"X\",\"States\":{\"X\":{\"Type\":\"Pass\",\"QueryLanguage\":" + c[0]
          + ",\"InputPath\":\"$.a\",\"OutputPath\":\"$.b\",\"End\":true}}}"))
          .containsExactly(
              "The QueryLanguage is set to 'JSONata', but field 'InputPath' is only supported for the 'JSONPath' QueryLanguage at /States/X",
              "The QueryLanguage is set to 'JSONata', but field 'OutputPath' is only supported for the 'JSONPath' QueryLanguage at /States/X",
              c[1] + " at /States/X/QueryLanguage");
    }
  }

  /** A value and its ...Path together, on every field that has both; a ...Path nested in a Map is JSONPath's only (floci#3733). */
  @Test
  void valueAndItsPath_areExclusive_andNestedPathsAreJsonPathOnly() {
    String pass = "\"P\":{\"Type\":\"Pass\",\"End\":true}";
    assertThat(problems(distributedMap("\"MaxConcurrency\":1,\"MaxConcurrencyPath\":\"$.c\",\"ToleratedFailureCount\":1,\"ToleratedFailureCountPath\":\"$.n\","
        + "\"ItemReader\":{\"Resource\":\"arn:aws:states:::s3:getObject\",\"ReaderConfig\":{\"InputType\":\"JSON\",\"MaxItems\":5,\"MaxItemsPath\":\"$.n\"},"
        + "\"Parameters\":{\"Bucket\":\"b\",\"Key\":\"k\"}},\"ItemBatcher\":{\"MaxItemsPerBatch\":2,\"MaxItemsPerBatchPath\":\"$.b\"},", pass, false)))
        .containsExactlyInAnyOrder(
            "There should only be one of the following fields: [MaxConcurrency, MaxConcurrencyPath] at /States/M",
            "There should only be one of the following fields: [ToleratedFailureCountPath, ToleratedFailureCount] at /States/M",
            "There should only be one of the following fields: [MaxItems, MaxItemsPath] at /States/M/ItemReader/ReaderConfig",
            "There should only be one of the following fields: [MaxItemsPerBatchPath, MaxItemsPerBatch] at /States/M/ItemBatcher");
    assertThat(problems("{\"StartAt\":\"F\",\"States\":{\"F\":{\"Type\":\"Fail\",\"Error\":\"E\",\"ErrorPath\":\"$.e\"}}}"))
        .containsExactly("There should only be one of the following fields: [Error, ErrorPath] at /States/F");
    assertThat(problems(distributedMap("\"ToleratedFailureCountPath\":\"$$.Execution.Input.n\",\"MaxConcurrencyPath\":\"$$.Execution.Input.c\","
        + "\"ItemsPath\":\"$$.Execution.Input.items\",", pass, false)))
        .containsExactlyInAnyOrder("Value is not a Reference Path at /States/M/ToleratedFailureCountPath", "Value is not a Reference Path at /States/M/MaxConcurrencyPath");
    assertThat(problems(distributedMap("\"ItemBatcher\":{\"MaxItemsPerBatchPath\":\"$.n\"},", pass, true)))
        .containsExactly("The QueryLanguage is set to 'JSONata', but field 'MaxItemsPerBatchPath' is only supported for the 'JSONPath' QueryLanguage at /States/M/ItemBatcher");
  }

  /**
   * Rules added after definitions were first stored refuse new definitions only: a stored one that
   * breaks them still compiles (a revision once accepted keeps running, its executions too).
   */
  @Test
  void newRules_refuseNewDefinitions_butStoredOnesStillCompile() throws Exception {
    String pass = "\"P\":{\"Type\":\"Pass\",\"End\":true}";
    String[] added = {
        distributedMap("\"MaxConcurrencyPath\":\"$$.Execution.Input.n\",", pass, false),
        distributedMap("\"MaxConcurrency\":2,\"MaxConcurrencyPath\":\"$.c\",", pass, false),
        distributedMap("\"ItemBatcher\":{\"MaxInputBytesPerBatch\":300000},", pass, false),
        distributedMap("\"ItemReader\":{\"Resource\":\"arn:aws:states:::s3:getObject\",\"ReaderConfig\":{\"InputType\":\"JSON\",\"MaxItems\":200000000},"
            + "\"Parameters\":{\"Bucket\":\"b\",\"Key\":\"k\"}},", pass, false),
        distributedMap("\"ItemBatcher\":{\"MaxItemsPerBatchPath\":\"$.n\",\"MaxItemsPerBatch\":3},", pass, false)};
    for (String def : added) {
      assertThat(CompiledDefinition.validate(def)).as(def).isNotEmpty();
      CompiledDefinition.compile(def);
    }
  }

  /** Errors users pasted from AWS: a Path is "Value must be a valid JSONPath.", a Reference Path "Value is not a Reference Path: <reason>". */
  @Test
  void pathsAndReferencePaths_inAwsWords() {
    assertThat(message("{\"StartAt\":\"Pass\",\"States\":{\"Pass\":{\"Type\":\"Pass\",\"OutputPath\":\"Test\",\"Next\":\"Success\"},\"Success\":{\"Type\":\"Succeed\"}}}"))
        .isEqualTo("Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Value must be a valid JSONPath. at /States/Pass/OutputPath'");
    assertThat(problems("{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"InputPath\":\"$.a[\",\"ResultPath\":\"x\",\"End\":true}}}"))
        .containsExactlyInAnyOrder("Value must be a valid JSONPath. at /States/P/InputPath",
            "Value is not a Reference Path: Reference path didn't start with '$' at /States/P/ResultPath");
    String choice = "{\"StartAt\":\"C\",\"States\":{\"C\":{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"%s\",\"NumericEquals\":0,\"Next\":\"S\"}],\"Default\":\"S\"},\"S\":{\"Type\":\"Succeed\"}}}";
    for (String v : new String[] {"Test", "States.ArrayLength($.Arns)"}) {
      assertThat(problems(choice.formatted(v))).containsExactly("Value is not a Reference Path: Reference path didn't start with '$' at /States/C/Choices[0]/Variable");
    }
    assertThat(problems(choice.formatted("$.a[")).get(0)).startsWith("Value is not a Reference Path: ");
    // a bad "x.$" in Assign is reported at Assign (cfn-lint#4085)
    assertThat(problems("{\"StartAt\":\"Pass\",\"States\":{\"Pass\":{\"Type\":\"Pass\",\"Assign\":{\"Variable.$\":\"Test\"},\"End\":true}}}"))
        .containsExactly("The value for the field 'Variable.$' must be a valid JSONPath or a valid intrinsic function call at /States/Pass/Assign");
    // a Parameters "x.$" that is no path or call, or does not parse as the one it starts like: the same words
    for (String v : List.of("Test", "$.a[", "States.Format('{}', $.a", "States.Nope(1)", "States.Format('a\\nb')")) {
      assertThat(problems("{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"Parameters\":{\"x\":{\"k.$\":"
          + Json.write(Json.NODES.textNode(v)) + "}},\"End\":true}}}")).as(v)
          .containsExactly("The value for the field 'k.$' must be a valid JSONPath or a valid intrinsic function call at /States/P/Parameters/x/k.$");
    }
  }

  @Test
  void loopWithoutTerminalState_isMissingEndStateWithoutLocation() {
    assertThat(message("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Next\":\"B\"},\"B\":{\"Type\":\"Pass\",\"Next\":\"A\"}}}"))
        .isEqualTo("Invalid State Machine Definition: 'MISSING_END_STATE: Workflow has no terminal state at null'");
  }

  @Test
  void unsupportedField_isReportedAtTheState() {
    assertThat(message("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"TimeoutSeconds\":3,\"End\":true}}}"))
        .contains("SCHEMA_VALIDATION_FAILED: Field 'TimeoutSeconds' is not supported at /States/A");
  }

  @Test
  void invalidTimestamp_isRfc3339Message() {
    assertThat(message("{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Wait\",\"Timestamp\":\"2016-12-05 21:29:29Z\",\"End\":true}}}"))
        .isEqualTo("Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: String does not match RFC3339 timestamp at /States/W/Timestamp'");
  }

  @Test
  void queryLanguageMixing_isRejectedBothWays() {
    assertThat(message("{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"QueryLanguage\":\"JSONPath\",\"End\":true}}}"))
        .contains("'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine at /States/P");
    assertThat(message("{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"Output\":{},\"End\":true}}}"))
        .contains("The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage");
    assertThat(message("{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"InputPath\":\"$.a\",\"End\":true}}}"))
        .contains("field 'InputPath' is only supported for the 'JSONPath' QueryLanguage");
  }

  @Test
  void expressMachines_refuseCallbacksAndSync() throws Exception {
    String def = "{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::sqs:sendMessage.waitForTaskToken\",\"End\":true}}}";
    CompiledDefinition.compile(def);
    assertThatThrownBy(() -> CompiledDefinition.compile(def, true)).hasMessageContaining("Express state machine does not support '.waitForTaskToken'");
  }

  @Test
  void expressMachines_refuseActivities_newDefinitionsOnly() throws Exception {
    // the developer guide: Express workflows do not support activities; Lambda and service tasks are fine
    String task = "{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"%s\",\"End\":true}}}";
    String inMap = "{\"StartAt\":\"M\",\"States\":{\"M\":{\"Type\":\"Map\",\"ItemProcessor\":{\"StartAt\":\"T\",\"States\":"
        + "{\"T\":{\"Type\":\"Task\",\"Resource\":\"%s\",\"End\":true}}},\"End\":true}}}";
    for (String arn : List.of("arn:aws:states:us-east-1:123456789012:activity:approve", "arn:aws-cn:states:cn-north-1:123456789012:activity:a")) {
      assertThat(CompiledDefinition.validate(task.formatted(arn), true))
          .extracting(x -> x.message() + " at " + x.location()).containsExactly("Express state machine does not support Activity ARN at /States/T/Resource");
      assertThat(CompiledDefinition.validate(inMap.formatted(arn), true))
          .extracting(x -> x.message() + " at " + x.location()).containsExactly("Express state machine does not support Activity ARN at /States/M/ItemProcessor/States/T/Resource");
      assertThat(CompiledDefinition.validate(task.formatted(arn), false)).isEmpty();
      // a stored Express definition still loads
      CompiledDefinition.compile(task.formatted(arn), true);
    }
    for (String arn : List.of("arn:aws:lambda:us-east-1:123456789012:function:f", "arn:aws:states:::lambda:invoke")) {
      assertThat(CompiledDefinition.validate(task.formatted(arn), true)).as(arn).isEmpty();
    }
  }

  @Test
  void badPathsAndIntrinsics_areCollectedTogether() {
    List<Problem> p = CompiledDefinition.validate("""
        {"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":"no-dollar","Parameters":{"a.$":"States.Bogus()"},"ResultPath":"$.x[*]","End":true}}}
        """);
    assertThat(p).extracting(Problem::location).containsExactlyInAnyOrder("/States/P/InputPath", "/States/P/Parameters/a.$", "/States/P/ResultPath");
    assertThat(p).allMatch(x -> x.code().equals("SCHEMA_VALIDATION_FAILED") && x.severity().equals("ERROR"));
  }

  @Test
  void duplicateStateNames_acrossBranches_areRejected() {
    assertThat(message("""
        {"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"P","States":{"P":{"Type":"Succeed"}}}],"End":true}}}
        """)).contains("DUPLICATE_STATE_NAME: Duplicate State name: P");
  }

  @Test
  void invalidJson_isInvalidJsonDescription() {
    assertThat(CompiledDefinition.validate("{nope")).singleElement().extracting(Problem::code).isEqualTo("INVALID_JSON_DESCRIPTION");
  }

  @Test
  void retryRules_areChecked() {
    List<Problem> p = CompiledDefinition.validate("""
        {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","End":true,
          "Retry":[{"ErrorEquals":["States.ALL"],"BackoffRate":0.5,"JitterStrategy":"SOME"},{"ErrorEquals":["X"]}]}}}
        """);
    assertThat(p).extracting(Problem::location).contains("/States/T/Retry[0]/ErrorEquals[0]", "/States/T/Retry[0]/BackoffRate", "/States/T/Retry[0]/JitterStrategy");
  }

  /** AWS writes array elements in brackets at every depth, and state names as they are. */
  @Test
  void locations_bracketArrayElements_andKeepNamesRaw() {
    List<Problem> p = CompiledDefinition.validate("""
        {"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
          {"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}},
          {"StartAt":"B~1","States":{"B~1":{"Type":"Pass","Next":"Nowhere"}}}],
          "Retry":[{"ErrorEquals":["X"]},{"ErrorEquals":["Y"],"BackoffRate":0}]}}}
        """);
    assertThat(p).extracting(Problem::location)
        .contains("/States/P/Branches[1]/States/B~1/Next", "/States/P/Retry[1]/BackoffRate");
  }

  /** Credentials: an object naming one role, RoleArn or (JSONPath) RoleArn.$. */
  @Test
  void taskCredentials_nameOneRole() {
    String task = "{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:lambda:us-east-1:1:function:f\",\"End\":true,\"Credentials\":%s}}}";
    assertThat(CompiledDefinition.validate(task.formatted("{\"RoleArn\":\"arn:aws:iam::1:role/r\"}"))).isEmpty();
    assertThat(CompiledDefinition.validate(task.formatted("{\"RoleArn.$\":\"$.role\"}"))).isEmpty();
    assertThat(CompiledDefinition.validate(task.formatted("{\"RoleArn.$\":\"States.Format('arn:aws:iam::1:role/{}', $.r)\"}"))).isEmpty();
    for (String bad : new String[] {"\"arn:aws:iam::1:role/r\"", "{}", "{\"Role\":\"x\"}", "{\"RoleArn\":5}",
        "{\"RoleArn\":\"a\",\"RoleArn.$\":\"$.r\"}", "{\"RoleArn.$\":\"not a path\"}"}) {
      assertThat(CompiledDefinition.validate(task.formatted(bad))).as(bad).isNotEmpty()
          .allSatisfy(pr -> assertThat(pr.location()).startsWith("/States/T/Credentials"));
    }
  }

  @Test
  void validDefinition_hasNoProblemsAndKeepsTimeout() throws Exception {
    String def = "{\"StartAt\":\"A\",\"TimeoutSeconds\":5,\"States\":{\"A\":{\"Type\":\"Pass\",\"End\":true}}}";
    assertThat(CompiledDefinition.validate(def)).isEmpty();
    assertThat(CompiledDefinition.compile(def).timeoutSeconds()).isEqualTo(5);
  }

  @Test
  void variableReferences_listWhatEachJsonPathStateReads_acrossNestedMachines() throws Exception {
    CompiledDefinition d = CompiledDefinition.compile("""
        {"StartAt":"Setup","States":{
          "Setup":{"Type":"Pass","Assign":{"guess":"g","answer":"a","bias":1},"Parameters":{"lit":"$notARef"},"Next":"Check"},
          "Check":{"Type":"Choice","Choices":[{"Variable":"$guess","StringEqualsPath":"$answer","Next":"M"}],"Default":"M"},
          "M":{"Type":"Map","ItemsPath":"$$.Execution.Input","End":true,"ItemProcessor":{"StartAt":"Sum","States":{
            "Sum":{"Type":"Pass","Assign":{"s.$":"States.MathAdd($bias, States.ArrayLength($answer.items))"},"End":true}}}}}}
        """);
    assertThat(d.variableReferences()).containsExactly(
        java.util.Map.entry("Check", List.of("answer", "guess")), java.util.Map.entry("Sum", List.of("answer", "bias")));
  }

  @Test
  void variableNames_followUnicodeIdentifierSyntax_upToEightyCharacters() {
    // ID_Start, then ID_Continue: letters of any script, digits and connectors after the first
    for (String ok : List.of("x", "café", "変数", "Δt", "a_1", "x9", "ü_ß", "_hidden", "〇", "𝑥", "a𝑥", "この日本語の変数名はちょうど三十文字になるようにしていますよ",
        "a".repeat(80), "名".repeat(80))) {
      String def = "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Assign\":{\"" + ok
          + "\":1},\"End\":true}}}";
      assertThat(CompiledDefinition.validate(def)).as(ok).isEmpty();
    }
    for (String bad : List.of("1x", "top-level", "a b", "a.b", "x$", "é-", "a".repeat(81), "名".repeat(81), "😀")) {
      String def = "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Assign\":{\"" + bad
          + "\":1},\"End\":true}}}";
      assertThat(message(def)).as(bad).contains("The variable name '" + bad + "' is not valid");
    }
  }

  @Test
  void unicodeVariables_assignedAndReadInBothQueryLanguages() throws Exception {
    var jsonPath = io.stepwise.asl.Harness.run("""
        {"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"café":{"n":2},"変数.$":"$.v"},"Next":"B"},
          "B":{"Type":"Pass","Parameters":{"c.$":"$café.n","v.$":"$変数","f.$":"States.Format('{}-{}', $café.n, $変数)"},"End":true}}}
        """, "{\"v\":\"x\"}");
    assertThat(jsonPath.output().toString()).isEqualTo("{\"c\":2,\"v\":\"x\",\"f\":\"2-x\"}");
    var beyondTheBmp = io.stepwise.asl.Harness.run("""
        {"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"〇":1,"a𝑥":2,"_u":3},"Next":"B"},
          "B":{"Type":"Pass","Parameters":{"z.$":"$〇","x.$":"$a𝑥","u.$":"$_u"},"End":true}}}
        """, "{}");
    assertThat(beyondTheBmp.output().toString()).isEqualTo("{\"z\":1,\"x\":2,\"u\":3}");
    CompiledDefinition read = CompiledDefinition.compile("""
        {"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"〇":1,"a𝑥":2},"Next":"B"},
          "B":{"Type":"Pass","Parameters":{"z.$":"$〇","x.$":"States.Format('{}', $a𝑥)"},"End":true}}}
        """);
    assertThat(read.variableReferences()).containsExactly(java.util.Map.entry("B", List.of("a𝑥", "〇")));
    var jsonata = io.stepwise.asl.Harness.run("""
        {"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"café":"{% $states.input.v %}"},"Next":"B"},
          "B":{"Type":"Pass","Output":"{% $café & '!' %}","End":true}}}
        """, "{\"v\":\"y\"}");
    assertThat(jsonata.output().toString()).isEqualTo("\"y!\"");
  }
  /**
   * ProcessorConfig as the developer guide defines it: Mode INLINE or DISTRIBUTED, ExecutionType
   * STANDARD or EXPRESS and required with DISTRIBUTED, no other field; in AWS's schema words.
   */
  @Test
  void processorConfig_isCheckedAsTheGuideDefinesIt() throws Exception {
    String map = "{\"StartAt\":\"M\",\"States\":{\"M\":{\"Type\":\"Map\",\"ItemProcessor\":{\"ProcessorConfig\":%s,"
        + "\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}},\"End\":true}}}";
    String at = " at /States/M/ItemProcessor/ProcessorConfig";
    assertThat(problems(map.formatted("{\"Mode\":\"DISTRIBUTED\"}"))).containsExactly("These fields are required: [ExecutionType]" + at);
    assertThat(problems(map.formatted("{\"Mode\":\"PARALLEL\"}"))).containsExactly("Value should be one of the following: [INLINE, DISTRIBUTED]" + at + "/Mode");
    assertThat(problems(map.formatted("{\"Mode\":1}"))).containsExactly("Expected value of type [STRING]" + at + "/Mode");
    assertThat(problems(map.formatted("{\"Mode\":\"DISTRIBUTED\",\"ExecutionType\":\"standard\"}")))
        .containsExactly("Value should be one of the following: [STANDARD, EXPRESS]" + at + "/ExecutionType");
    assertThat(problems(map.formatted("{\"Mode\":\"INLINE\",\"Concurrency\":2}"))).containsExactly("Field 'Concurrency' is not supported" + at);
    for (String ok : List.of("{}", "{\"Mode\":\"INLINE\"}", "{\"Mode\":\"DISTRIBUTED\",\"ExecutionType\":\"EXPRESS\"}",
        "{\"Mode\":\"DISTRIBUTED\",\"ExecutionType\":\"STANDARD\"}")) {
      assertThat(problems(map.formatted(ok))).as(ok).isEmpty();
    }
    // an Express machine has no Distributed Map (an inline one is fine)
    String distributed = map.formatted("{\"Mode\":\"DISTRIBUTED\",\"ExecutionType\":\"EXPRESS\"}");
    assertThat(CompiledDefinition.validate(distributed, true)).extracting(x -> x.message() + " at " + x.location())
        .containsExactly("Express state machine does not support Distributed Map" + at + "/Mode");
    assertThat(CompiledDefinition.validate(map.formatted("{\"Mode\":\"INLINE\"}"), true)).isEmpty();
    // a stored definition still loads
    CompiledDefinition.compile(map.formatted("{\"Mode\":\"DISTRIBUTED\"}"));
    CompiledDefinition.compile(distributed, true);
  }

  /**
   * A Map's Label as the developer guide defines it: "Labels can't exceed 40 characters in length,
   * must be unique within a state machine definition, and can't contain" white space, wildcard,
   * bracket, special or control characters. A stored definition still loads.
   */
  @Test
  void mapLabels_areCheckedAsTheGuideDefinesThem() throws Exception {
    String map = "{\"Type\":\"Map\",\"Label\":%s,\"ItemProcessor\":{\"ProcessorConfig\":{\"Mode\":\"DISTRIBUTED\","
        + "\"ExecutionType\":\"STANDARD\"},\"StartAt\":\"P%s\",\"States\":{\"P%s\":{\"Type\":\"Pass\",\"End\":true}}}";
    String one = "{\"StartAt\":\"M\",\"States\":{\"M\":" + map + ",\"End\":true}}}";
    for (String ok : List.of("\"Each\"", "\"" + "a".repeat(40) + "\"", "\"caf\u00e9-items_1.v2\"", "\"" + "\u00e9".repeat(40) + "\"")) {
      assertThat(problems(one.formatted(ok, "", ""))).as(ok).isEmpty();
    }
    assertThat(problems(one.formatted("\"" + "a".repeat(41) + "\"", "", "")))
        .containsExactly("Invalid Label: Label '" + "a".repeat(41) + "' exceeds the 40-character limit allowed by the service at /States/M/Label");
    for (String bad : List.of("my label", "a?", "a*", "a<", "a{", "a[", "a:", "a;", "a,", "a\\\\", "a|", "a^", "a~", "a$", "a#",
        "a%", "a&", "a`", "a\\\"", "a\\u0007", "a\\u0085", "a/b", "")) {
      assertThat(problems(one.formatted("\"" + bad + "\"", "", ""))).as(bad).singleElement().asString()
          .startsWith("Invalid Label: Label '").endsWith("is empty or contains white space, wildcard, bracket, special or control characters at /States/M/Label");
    }
    assertThat(problems(one.formatted("7", "", ""))).containsExactly("Expected value of type [STRING] at /States/M/Label");
    // unique in the whole definition, a Map's processor included
    String nested = "{\"StartAt\":\"M\",\"States\":{\"M\":{\"Type\":\"Map\",\"Label\":%s,\"ItemProcessor\":{"
        + "\"ProcessorConfig\":{\"Mode\":\"DISTRIBUTED\",\"ExecutionType\":\"STANDARD\"},\"StartAt\":\"N\",\"States\":{\"N\":"
        + map.formatted("\"Each\"", "2", "2").replace("%", "%%") + ",\"End\":true}}},\"End\":true}}}";
    assertThat(problems(nested.formatted("\"Each\""))).containsExactly("Duplicate Label: Each at /States/M/ItemProcessor/States/N/Label");
    assertThat(problems(nested.formatted("\"Outer\""))).isEmpty();
    CompiledDefinition.compile(nested.formatted("\"Each\""));
    CompiledDefinition.compile(one.formatted("\"my label\"", "", ""));
  }

  /**
   * Next belongs to a top-level choice rule only: "the Next field can appear only in a top-level
   * Choice Rule", and Not's rule "must not contain Next fields" (the developer guide's Choice page);
   * a rule under And, Or or Not that has one is refused, however deep.
   */
  @Test
  void nestedChoiceRules_haveNoNext() throws Exception {
    String choice = "{\"StartAt\":\"C\",\"States\":{\"C\":{\"Type\":\"Choice\",\"Choices\":[%s],\"Default\":\"S\"},\"S\":{\"Type\":\"Succeed\"}}}";
    String leaf = "{\"Variable\":\"$.a\",\"IsPresent\":true,\"Next\":\"S\"}";
    String[][] cases = {
        {"{\"Not\":" + leaf + ",\"Next\":\"S\"}", "/States/C/Choices[0]/Not"},
        {"{\"And\":[" + leaf + "],\"Next\":\"S\"}", "/States/C/Choices[0]/And[0]"},
        {"{\"Or\":[{\"Variable\":\"$.b\",\"IsNull\":true}," + leaf + "],\"Next\":\"S\"}", "/States/C/Choices[0]/Or[1]"},
        {"{\"Or\":[{\"Not\":" + leaf + "}],\"Next\":\"S\"}", "/States/C/Choices[0]/Or[0]/Not"}};
    for (String[] c : cases) {
      assertThat(problems(choice.formatted(c[0]))).as(c[0]).containsExactly("Nested choice rules cannot have 'Next' at " + c[1]);
    }
    assertThat(problems(choice.formatted("{\"Not\":{\"Variable\":\"$.a\",\"IsPresent\":true},\"Next\":\"S\"}"))).isEmpty();
    // a stored definition still loads
    CompiledDefinition.compile(choice.formatted(cases[0][0]));
  }
}
