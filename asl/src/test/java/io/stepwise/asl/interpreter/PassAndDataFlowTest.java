package io.stepwise.asl.interpreter;

import static io.stepwise.asl.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.asl.Harness;
import io.stepwise.asl.path.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PassAndDataFlowTest {
  @Test
  void benchmarkWorkload_producesExpectedOutputAndLinearHistory() throws Exception {
    Path def = Path.of("../../shared/workloads/pass-choice-6.asl.json");
    String definition = Files.exists(def) ? Files.readString(def) : """
        {"StartAt":"Prepare","States":{"Prepare":{"Type":"Pass","Parameters":{"order.$":"$.order","customer.$":"$.customer","count.$":"States.ArrayLength($.order.items)"},"Next":"Route"},
         "Route":{"Type":"Choice","Choices":[{"And":[{"Variable":"$.count","NumericGreaterThan":2},{"Variable":"$.customer.tier","StringEquals":"gold"}],"Next":"Bulk"}],"Default":"Single"},
         "Bulk":{"Type":"Pass","Parameters":{"label.$":"States.Format('bulk order {} for {}', $.order.id, $.customer.name)","items.$":"$.order.items"},"ResultPath":"$.route","Next":"Summarise"},
         "Single":{"Type":"Pass","Parameters":{"label.$":"States.Format('order {} for {}', $.order.id, $.customer.name)"},"ResultPath":"$.route","Next":"Summarise"},
         "Summarise":{"Type":"Pass","Parameters":{"id.$":"$.order.id","label.$":"$.route.label","uuidLen.$":"States.ArrayLength(States.StringSplit($.customer.name, ' '))"},"OutputPath":"$","Next":"Done"},
         "Done":{"Type":"Succeed"}}}
        """;
    String input = "{\"order\":{\"id\":\"A-1001\",\"items\":[{\"sku\":\"x\",\"qty\":1},{\"sku\":\"y\",\"qty\":2},{\"sku\":\"z\",\"qty\":3}]},\"customer\":{\"name\":\"Ada Lovelace\",\"tier\":\"gold\"}}";
    var r = Harness.run(definition, input);
    assertThat(r.output()).isEqualTo(json("{\"id\":\"A-1001\",\"label\":\"bulk order A-1001 for Ada Lovelace\",\"uuidLen\":2}"));
    assertThat(r.types()).containsExactly("ExecutionStarted", "PassStateEntered", "PassStateExited", "ChoiceStateEntered", "ChoiceStateExited",
        "PassStateEntered", "PassStateExited", "PassStateEntered", "PassStateExited", "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded");
    for (int i = 0; i < r.events().size(); i++) {
      assertThat(r.events().get(i).id()).isEqualTo(i + 1);
      assertThat(r.events().get(i).previousEventId()).isEqualTo(i == 1 ? 0 : i);
      assertThat(r.events().get(i).timestamp()).isEqualTo(Harness.T0);
    }
    var started = r.events().get(0).details().get("executionStartedEventDetails");
    assertThat(started.get("input").asText()).isEqualTo(input);
    assertThat(started.get("inputDetails").get("truncated").asBoolean()).isFalse();
    assertThat(started.get("roleArn").asText()).isEqualTo(Harness.CTX.roleArn());
    var exited = r.event("PassStateExited").details().get("stateExitedEventDetails");
    assertThat(exited.get("name").asText()).isEqualTo("Prepare");
    assertThat(json(exited.get("output").asText()).get("count").asInt()).isEqualTo(3);
    assertThat(r.event("ExecutionSucceeded").details().get("executionSucceededEventDetails").get("output").asText())
        .isEqualTo("{\"id\":\"A-1001\",\"label\":\"bulk order A-1001 for Ada Lovelace\",\"uuidLen\":2}");
  }

  static String one(String passBody) {
    return "{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\"," + passBody + ",\"End\":true}}}";
  }

  /**
   * AWS reads JSON as Jackson does by default: a number with a fraction or an exponent is a double,
   * written as Java writes a double, whether it comes from the definition, the input or an
   * intrinsic's JSON text (`100.0` stays `100.0`, `10.50` is `10.5`, `1e3` is `1000.0`, `1e-7` is
   * `1.0E-7`); an integer stays as written. AWS answered 9223372036854775808 made into a number as
   * 9.223372036854776E18 (floci, measured).
   */
  @Test
  void fractions_areDoubles_fromDefinitionInputAndJsonText() {
    String def = "{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"Parameters\":{"
        + "\"literal\":{\"a\":100.0,\"b\":10.50,\"c\":1e3,\"d\":1e-7,\"e\":12345678.5,\"i\":100},"
        + "\"input.$\":\"$\",\"parsed.$\":\"States.StringToJson($.text)\"},\"End\":true}}}";
    var out = Harness.run(def, "{\"a\":100.0,\"b\":10.50,\"c\":1e3,\"i\":7,\"text\":\"[2.50, 1E2, 3]\"}").output();
    assertThat(Json.write(out.get("literal"))).isEqualTo("{\"a\":100.0,\"b\":10.5,\"c\":1000.0,\"d\":1.0E-7,\"e\":1.23456785E7,\"i\":100}");
    assertThat(Json.write(out.get("input"))).isEqualTo("{\"a\":100.0,\"b\":10.5,\"c\":1000.0,\"i\":7,\"text\":\"[2.50, 1E2, 3]\"}");
    assertThat(Json.write(out.get("parsed"))).isEqualTo("[2.5,100.0,3]");
    // past a double's range a number stays the decimal it was written as: still JSON, still a number
    String far = "{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"Parameters\":{\"big\":1e400,\"in.$\":\"$.v\","
        + "\"intrinsic.$\":\"States.Array(2.50, 1e400, 2.50e2, 1.5e20, 1e3, 1e-3)\"},\"Next\":\"C\"},\"C\":{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$.in\","
        + "\"NumericLessThan\":1e400,\"Next\":\"Y\"}]},\"Y\":{\"Type\":\"Succeed\"}}}";
    var farOut = Harness.run(far, "{\"v\": -1.5e400}").output();
    assertThat(Json.write(farOut)).isEqualTo("{\"big\":1E+400,\"in\":-1.5E+400,\"intrinsic\":[2.5,1E+400,250.0,1.5E20,1000,0.001]}");
  }

  @Test
  void resultPathAndOutputPath_mergeThenSelect() {
    var r = Harness.run(one("\"Result\":{\"v\":1},\"ResultPath\":\"$.deep.er\",\"OutputPath\":\"$.deep\""), "{\"a\":1}");
    assertThat(r.output()).isEqualTo(json("{\"er\":{\"v\":1}}"));
  }

  @Test
  void nullPaths_discard() {
    assertThat(Harness.run(one("\"Result\":1,\"ResultPath\":null"), "{\"a\":1}").output()).isEqualTo(json("{\"a\":1}"));
    assertThat(Harness.run(one("\"InputPath\":null"), "{\"a\":1}").output()).isEqualTo(json("{}"));
    assertThat(Harness.run(one("\"OutputPath\":null"), "{\"a\":1}").output()).isEqualTo(json("{}"));
  }

  @Test
  void parameters_readContextObjectAndNestTemplates() {
    var r = Harness.run(one("\"Parameters\":{\"name.$\":\"$$.State.Name\",\"exec.$\":\"$$.Execution.Name\",\"nested\":{\"v.$\":\"$.a\",\"lit\":[1]},\"when.$\":\"$$.State.EnteredTime\"}"), "{\"a\":7}");
    assertThat(r.output()).isEqualTo(json("{\"name\":\"P\",\"exec\":\"ex\",\"nested\":{\"v\":7,\"lit\":[1]},\"when\":\"2024-06-01T12:00:00.000Z\"}"));
  }

  @Test
  void missingParameterPath_isStatesRuntimeWithAwsCause() {
    var r = Harness.run(one("\"Parameters\":{\"v.$\":\"$.nope\"}"), "{\"a\":1}");
    assertThat(r.failure().error()).isEqualTo("States.Runtime");
    assertThat(r.failure().cause()).isEqualTo("An error occurred while executing the state 'P' (entered at the event id #2). "
        + "The JSONPath '$.nope' specified for the field 'v.$' could not be found in the input '{\"a\":1}'");
    assertThat(r.types()).containsExactly("ExecutionStarted", "PassStateEntered", "ExecutionFailed");
  }

  /** AWS accepts a JSONPath function in a definition and does not evaluate it (re:Post: "Functions such as length() aren't supported"). */
  @Test
  void pathFunction_readsNothingWhenItRuns() {
    var r = Harness.run(one("\"Parameters\":{\"Jobs.$\":\"$.Jobs.sum()\"}"), "{\"Jobs\":[0,1,0]}");
    assertThat(r.failure().error()).isEqualTo("States.Runtime");
    assertThat(r.failure().cause()).endsWith("The JSONPath '$.Jobs.sum()' specified for the field 'Jobs.$' could not be found in the input '{\"Jobs\":[0,1,0]}'");
    assertThat(Harness.run(one("\"InputPath\":\"$.list.length()\""), "{\"list\":[1,2,3]}").failure().cause())
        .endsWith("Invalid path '$.list.length()' : Property ['length()'] not found in path $['list']");
  }

  /**
   * A path written in the definition is not applied to a null state input: States.Runtime in
   * AWS's words. Fields left to their default are not applied, so a null passes through.
   */
  @Test
  void pathOnNullInput_isStatesRuntime_defaultsPassNullThrough() {
    String cause = "An error occurred while executing the state 'P' (entered at the event id #2). Unable to apply Path transformation to null or empty input.";
    for (String fields : new String[] {"\"Parameters\":{\"Input.$\":\"$\",\"Stage\":\"start\"}", "\"InputPath\":\"$.a\"", "\"OutputPath\":\"$\"",
        "\"Parameters\":{\"v.$\":\"States.Array($.a)\"}"}) {
      var r = Harness.run(one(fields), "null");
      assertThat(r.failure().error()).as(fields).isEqualTo("States.Runtime");
      assertThat(r.failure().cause()).as(fields).isEqualTo(cause);
    }
    assertThat(Harness.run(one("\"Parameters\":{\"ctx.$\":\"$$.State.Name\"}"), "null").output()).isEqualTo(json("{\"ctx\":\"P\"}"));
    assertThat(Harness.run(one("\"Comment\":\"defaults\""), "null").output()).isEqualTo(json("null"));
    assertThat(Harness.run(one("\"Result\":null,\"ResultPath\":\"$\""), "{}").output()).isEqualTo(json("null"));
  }

  /**
   * An index past either end of an array reads null (Jayway on Jackson's nodes), in every field
   * that reads a path; an intrinsic function's path argument reads nothing there instead (see
   * IntrinsicsTest, measured).
   */
  @Test
  void indexPastTheEnd_readsNull() {
    assertThat(Harness.run(one("\"Parameters\":{\"x.$\":\"$.arr[5]\",\"y.$\":\"$.arr[-3]\",\"z.$\":\"$.arr[0]\"}"), "{\"arr\":[1]}").output())
        .isEqualTo(json("{\"x\":null,\"y\":null,\"z\":1}"));
    assertThat(Harness.run(one("\"InputPath\":\"$.arr[1]\""), "{\"arr\":[1]}").output()).isEqualTo(json("null"));
    assertThat(Harness.run(one("\"Parameters\":{\"x.$\":\"States.Array($.arr[2])\"}"), "{\"arr\":[]}").failure().cause())
        .endsWith("The function 'States.Array($.arr[2])' had the following error: The JsonPath argument for the field '$.arr[2]' could not be found in the input '{\"arr\":[]}'");
    // what follows a null is not there
    assertThat(Harness.run(one("\"Parameters\":{\"x.$\":\"$.arr[5].id\"}"), "{\"arr\":[1]}").failure().error()).isEqualTo("States.Runtime");
  }

  /**
   * AWS reads paths with Jayway 2.0.0: several names at the end are one object (the AWS console's
   * answer in a public gist, deric4/733eb129...), anywhere else they are refused in its words (the
   * same gist's AWS error); an index on what is no array and a name on what is no object have
   * Jayway 2.0.0's words.
   */
  @Test
  void pathReasons_areJayway200s() {
    String input = "{\"a\":{\"v\":1},\"b\":{\"v\":2},\"c\":{\"v\":3},\"o\":1,\"n\":null}";
    assertThat(Harness.run(one("\"InputPath\":\"$['a', 'b']\",\"ResultPath\":\"$.out\""), input).output().get("out"))
        .isEqualTo(json("{\"a\":{\"v\":1},\"b\":{\"v\":2}}"));
    String[][] cases = {
        {"$['a', 'b'].v", "Multi properties can only be used as path leafs: $['a', 'b']"},
        {"$.o[0]", "Filter: [0] can only be applied to arrays. Current context is: 1"},
        {"$.a[0]", "Filter: [0] can only be applied to arrays. Current context is: {\"v\":1}"},
        {"$.n[0]", "The path $['n'] is null"},
        {"$.o.x", "Property ['x'] not found in path $['o']"},
        {"$.a.v.x.y", "Property ['x'] not found in path $['a']['v']"}};
    for (String[] c : cases) {
      assertThat(Harness.run(one("\"InputPath\":\"" + c[0] + "\""), input).failure().cause()).as(c[0])
          .endsWith("Invalid path '" + c[0] + "' : " + c[1]);
    }
    // whitespace after a path, a context path or a variable is no part of it
    assertThat(Harness.run("{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"Assign\":{\"x\":7},\"Next\":\"Q\"},"
        + "\"Q\":{\"Type\":\"Pass\",\"Parameters\":{\"a.$\":\"$.o \",\"n.$\":\"$$.State.Name  \",\"x.$\":\"$x \"},\"End\":true}}}", input).output())
        .isEqualTo(json("{\"a\":1,\"n\":\"Q\",\"x\":7}"));
  }

  @Test
  void missingInputPath_isJaywaysReason() {
    // a property missing at the end: no results; one missing on the way: a missing property
    assertThat(Harness.run(one("\"InputPath\":\"$.x.y\""), "{\"x\":{}}").failure().cause())
        .endsWith("Invalid path '$.x.y' : No results for path: $['x']['y']");
    assertThat(Harness.run(one("\"InputPath\":\"$.x.y\""), "{}").failure().cause())
        .endsWith("Invalid path '$.x.y' : Missing property in path $['x']");
    assertThat(Harness.run(one("\"InputPath\":\"$.a.b.c\""), "{\"a\":{}}").failure().cause())
        .endsWith("Invalid path '$.a.b.c' : Missing property in path $['a']['b']");
    assertThat(Harness.run(one("\"OutputPath\":\"$.z\""), "{}").failure().cause())
        .endsWith("Invalid path '$.z' : No results for path: $['z']");
  }

  @Test
  void resultPathIntoScalar_isResultPathMatchFailure() {
    var r = Harness.run(one("\"Result\":1,\"ResultPath\":\"$.a.b\""), "{\"a\":\"s\"}");
    assertThat(r.failure().error()).isEqualTo("States.ResultPathMatchFailure");
  }

  @Test
  void outputOver256KiB_isDataLimitExceeded() {
    String big = "x".repeat(300_000);
    var r = Harness.run(one("\"Result\":\"" + big + "\""), "{}");
    assertThat(r.failure().error()).isEqualTo("States.DataLimitExceeded");
    assertThat(r.failure().cause()).isEqualTo("The state/task 'P' returned a result with a size exceeding the maximum number of bytes service limit.");
  }

  @Test
  void failState_withPathsAndEmpty() {
    var r = Harness.run("{\"StartAt\":\"F\",\"States\":{\"F\":{\"Type\":\"Fail\",\"ErrorPath\":\"$.e\",\"CausePath\":\"States.Format('because {}', $.c)\"}}}", "{\"e\":\"Boom\",\"c\":\"why\"}");
    assertThat(r.failure()).isEqualTo(new Outcome.Failed("Boom", "because why"));
    assertThat(r.types()).isEqualTo(List.of("ExecutionStarted", "FailStateEntered", "ExecutionFailed"));
    var empty = Harness.run("{\"StartAt\":\"F\",\"States\":{\"F\":{\"Type\":\"Fail\"}}}", "{}");
    assertThat(empty.failure()).isEqualTo(new Outcome.Failed(null, null));
    assertThat(empty.event("ExecutionFailed").details().get("executionFailedEventDetails").isEmpty()).isTrue();
  }

  @Test
  void assign_setsVariablesReadLaterAndReportsThemOnExit() {
    var r = Harness.run("""
        {"StartAt":"A","States":{
          "A":{"Type":"Pass","Result":{"n":5},"Assign":{"count.$":"$.n","label":"fixed"},"Next":"B"},
          "B":{"Type":"Pass","Parameters":{"c.$":"$count","l.$":"$label"},"End":true}}}
        """, "{}");
    assertThat(r.output()).isEqualTo(json("{\"c\":5,\"l\":\"fixed\"}"));
    var exited = r.event("PassStateExited").details().get("stateExitedEventDetails");
    assertThat(exited.get("assignedVariables")).isEqualTo(json("{\"count\":\"5\",\"label\":\"\\\"fixed\\\"\"}"));
  }

  @Test
  void endlessPureLoop_failsAtTheHistoryLimitInsteadOfSpinning() {
    var r = Harness.run("""
        {"StartAt":"A","States":{"A":{"Type":"Pass","Next":"C"},
          "C":{"Type":"Choice","Choices":[{"Variable":"$.never","IsPresent":true,"Next":"Done"}],"Default":"A"},"Done":{"Type":"Succeed"}}}
        """, "{}");
    assertThat(r.failure().error()).isEqualTo("States.Runtime");
    assertThat(r.events()).hasSizeLessThanOrEqualTo(25_000);
    // a Choice looping on itself: ExecutionFailed is event 25,000, after ChoiceStateExited 24,999
    var loop = Harness.run("""
        {"StartAt":"Loop","States":{"Loop":{"Type":"Choice","Choices":[{"Variable":"$.spin","BooleanEquals":true,"Next":"Loop"}],"Default":"Done"},"Done":{"Type":"Succeed"}}}
        """, "{\"spin\":true}");
    assertThat(loop.failure().cause()).isEqualTo("The execution reached the maximum number of history events (25000).");
    HistoryEvent last = loop.events().get(loop.events().size() - 1);
    assertThat(last.type()).isEqualTo("ExecutionFailed");
    assertThat(last.id()).isEqualTo(25_000);
    assertThat(loop.events().get(loop.events().size() - 2).type()).isEqualTo("ChoiceStateExited");
  }
}
