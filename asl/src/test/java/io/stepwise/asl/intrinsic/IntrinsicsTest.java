package io.stepwise.asl.intrinsic;

import static io.stepwise.asl.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.CompiledDefinition;
import io.stepwise.asl.Harness;
import io.stepwise.asl.Problem;
import io.stepwise.asl.InvalidDefinitionException;
import io.stepwise.asl.path.Json;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every intrinsic function, through a Pass state's Parameters, with AWS's results and failures. */
class IntrinsicsTest {
  static final String INPUT = """
      {"s": "a,b,,c", "n": 3, "arr": [1, 2, 3, 4, 5], "dup": [1, "1", 1, {"a": 1}, {"a": 1}], "obj": {"x": 1, "y": [true]},
       "o2": {"y": 2, "z": 3}, "json": "{\\"k\\": [1, null]}", "b64": "aGVsbG8=", "name": "Ada Lovelace"}
      """;

  static String pass(String expr) {
    return "{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"Parameters\":{\"r.$\":" + Json.write(Json.NODES.textNode(expr)) + "},\"End\":true}}}";
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = " => ", value = {
      "States.Format('{} and {}', $.n, $.name) => \"3 and Ada Lovelace\"",
      "States.Format('literal \\{\\} kept: {}', $.obj) => \"literal {} kept: {x=1, y=[true]}\"",
      "States.StringToJson($.json) => {\"k\": [1, null]}",
      "States.JsonToString($.obj) => \"{\\\"x\\\":1,\\\"y\\\":[true]}\"",
      "States.Array($.n, 'x', true, null) => [3, \"x\", true, null]",
      "States.ArrayPartition($.arr, 2) => [[1, 2], [3, 4], [5]]",
      "States.ArrayContains($.dup, $.obj.x) => true",
      "States.ArrayContains($.arr, 9) => false",
      "States.ArrayRange(1, 9, 3) => [1, 4, 7]",
      "States.ArrayRange(5, 1, -2) => [5, 3, 1]",
      "States.ArrayGetItem($.arr, 1) => 2",
      "States.ArrayLength($.arr) => 5",
      "States.ArrayUnique($.dup) => [1, \"1\", {\"a\": 1}]",
      "States.Base64Encode('hello') => \"aGVsbG8=\"",
      "States.Base64Decode($.b64) => \"hello\"",
      "States.Hash('input data', 'SHA-256') => \"b5d8a2ef3a8ddeb1b9b5d5ee2c4c9c0b2a5f7b5bd4f4e1a1dfbf0b1ae3d3c0f1\"",
      "States.JsonMerge($.obj, $.o2, false) => {\"x\": 1, \"y\": 2, \"z\": 3}",
      "States.MathAdd($.n, -5) => -2",
      "States.MathAdd(1.5, 1.49) => 3",
      "States.StringSplit($.s, ',') => [\"a\", \"b\", \"c\"]",
      "States.ArrayLength(States.StringSplit($.name, ' ')) => 2",
      "States.StringToJson(States.JsonToString(States.Array(1, States.Array(2)))) => [1, [2]]"})
  void function_returnsAwsResult(String expr, String expected) {
    if (expr.startsWith("States.Hash")) expected = Json.write(json("\"" + sha256("input data") + "\""));
    assertThat(Harness.run(pass(expr), INPUT).output().get("r")).isEqualTo(json(expected));
  }

  /**
   * Values are compared as AWS's Jackson nodes compare them, whose fractional numbers are all
   * doubles: a fraction made by JSONata (a double) is the same fraction written in the definition
   * or read from the input, while an integer is never a fraction (1 is not 1.0).
   */
  @Test
  void arrayContainsAndUnique_compareFractionsByValue_integersApart() {
    String def = "{\"StartAt\":\"J\",\"States\":{\"J\":{\"Type\":\"Pass\",\"QueryLanguage\":\"JSONata\","
        + "\"Output\":{\"made\":\"{% [2.5, 0.1 + 0.2, 1] %}\",\"read\":\"{% $states.input.read %}\"},\"Next\":\"P\"},"
        + "\"P\":{\"Type\":\"Pass\",\"Parameters\":{"
        + "\"literal.$\":\"States.ArrayContains($.made, 2.5)\",\"input.$\":\"States.ArrayContains($.made, $.read[0])\","
        + "\"sum.$\":\"States.ArrayContains($.made, 0.30000000000000004)\",\"fractionOne.$\":\"States.ArrayContains($.made, 1.0)\","
        + "\"unique.$\":\"States.ArrayUnique(States.Array($.made[0], 2.5, $.read[0], 2.50, 1, 1.0, $.made[2]))\"},\"End\":true}}}";
    JsonNode out = Harness.run(def, "{\"read\": [2.5]}").output();
    assertThat(out.get("literal").booleanValue()).isTrue();
    assertThat(out.get("input").booleanValue()).isTrue();
    assertThat(out.get("sum").booleanValue()).isTrue();
    assertThat(out.get("fractionOne").booleanValue()).as("1 is not 1.0").isFalse();
    assertThat(Json.write(out.get("unique"))).isEqualTo("[2.5,1,1.0]");
  }

  private static String sha256(String s) {
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(d);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void mathRandom_staysInRangeAndSeedIsRepeatable() {
    var r = Harness.run(pass("States.MathRandom(10, 20)"), INPUT).output().get("r").intValue();
    assertThat(r).isBetween(10, 19);
    var a = Harness.run(pass("States.MathRandom(0, 1000, 7)"), INPUT).output().get("r");
    var b = Harness.run(pass("States.MathRandom(0, 1000, 7)"), INPUT).output().get("r");
    assertThat(a).isEqualTo(b);
    // a seed's value is new java.util.Random(seed).nextInt(end - start) + start, as AWS's recorded results are
    assertThat(a.intValue()).isEqualTo(236);
    assertThat(Harness.run(pass("States.MathRandom(1, 100, 42)"), INPUT).output().get("r").intValue()).isEqualTo(63);
    assertThat(Harness.run(pass("States.MathRandom(1, 1000, 2)"), INPUT).output().get("r").intValue()).isEqualTo(806);
    assertThat(Harness.run(pass("States.MathRandom(2147483640, 2147483647, 1)"), INPUT).output().get("r").intValue()).isEqualTo(2147483644);
    // without a seed any int range is fine
    assertThat(Harness.run(pass("States.MathRandom(-2000000000, 2000000000)"), INPUT).output().get("r").intValue()).isBetween(-2000000000, 1999999999);
  }

  @Test
  void uuid_isAVersion4Uuid() {
    String u = Harness.run(pass("States.UUID()"), INPUT).output().get("r").textValue();
    assertThat(u).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = " => ", value = {
      "States.ArrayGetItem($.arr, 9) => States.ArrayGetItem",
      "States.ArrayPartition($.arr, 0.49) => States.ArrayPartition",
      "States.ArrayRange(1, 1001, 1) => States.ArrayRange",
      "States.ArrayRange(1, 5, 0.4) => States.ArrayRange",
      "States.ArrayRange('a', 5, 1) => States.ArrayRange",
      "States.Format('{} {}', $.n) => States.Format",
      "States.StringToJson($.n) => States.StringToJson",
      "States.JsonMerge($.obj, $.o2, true) => States.JsonMerge",
      "States.Hash($.name, 'SHA-0') => States.Hash",
      "States.Base64Decode($.n) => States.Base64Decode",
      "States.ArrayGetItem($.arr, -1) => States.ArrayGetItem",
      "States.ArrayLength($.name) => States.ArrayLength",
      "States.MathAdd($.name, 1) => States.MathAdd",
      "States.MathAdd(2147483647, 1) => States.MathAdd",
      "States.MathAdd(3000000000, -1) => States.MathAdd",
      "States.MathRandom(1.4, 1.6) => States.MathRandom"})
  void badArguments_failWithStatesRuntime(String expr, String function) {
    var r = Harness.run(pass(expr), INPUT);
    assertThat(r.failure().error()).isEqualTo("States.Runtime");
    // AWS quotes the whole call (tiny-asl-machine's recorded AWS results)
    assertThat(r.failure().cause()).isEqualTo("An error occurred while executing the state 'P' (entered at the event id #2). "
        + "There was an error while evaluating the intrinsic function: " + expr + ". Invalid arguments in " + function);
  }

  @Test
  void stringToJson_ofTextThatIsNotJson_passesOnTheParsersWords() {
    // AWS's words (tiny-asl-machine's recorded AWS results): Jackson's message, the source redacted
    String[][] cases = {
        {"{bad json}", "Unexpected character ('b' (code 98)): was expecting double-quote to start field name\n at [Source: REDACTED "
            + "(`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 2]"},
        {"undefined", "Unrecognized token 'undefined': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n"
            + " at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 10]"},
        {"[1, nope]", "Unrecognized token 'nope': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n"
            + " at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 9]"},
        // a token Jackson cuts short keeps Jackson's location
        {"x".repeat(300), "Unrecognized token '" + "x".repeat(256) + "...': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n"
            + " at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 1]"}};
    for (String[] c : cases) {
      String input = "{\"s\": " + Json.write(Json.NODES.textNode(c[0])) + "}";
      assertThat(Harness.run(pass("States.StringToJson($.s)"), input).failure().cause()).as(c[0]).isEqualTo("An error occurred while executing "
          + "the state 'P' (entered at the event id #2). There was an error while evaluating the intrinsic function: States.StringToJson($.s). "
          + "Cannot convert String to Json in States.StringToJson, caused by: " + c[1]);
    }
  }

  @Test
  void argumentCounts_areCheckedWhenTheFunctionRuns() {
    // AWS validates a definition with the wrong number of arguments and fails the state when it runs
    for (String expr : List.of("States.ArrayLength($.arr, 2)", "States.MathAdd(1)", "States.Hash()", "States.StringToJson($.s, $.s)",
        "States.ArrayRange(1, 5)", "States.JsonMerge($.obj, $.o2)", "States.Base64Encode()")) {
      assertThat(CompiledDefinition.validate(pass(expr))).as(expr).isEmpty();
      String function = expr.substring(0, expr.indexOf('('));
      assertThat(Harness.run(pass(expr), INPUT).failure().cause()).as(expr).isEqualTo("An error occurred while executing the state 'P' "
          + "(entered at the event id #2). There was an error while evaluating the intrinsic function: " + expr + ". Invalid arguments in " + function);
    }
    // a nested call's refusal quotes the whole call too
    assertThat(Harness.run(pass("States.ArrayLength(States.JsonToString($.arr))"), INPUT).failure().cause()).endsWith(
        "There was an error while evaluating the intrinsic function: States.ArrayLength(States.JsonToString($.arr)). Invalid arguments in States.ArrayLength");
    // JsonToString's count has words of its own
    for (String expr : List.of("States.JsonToString()", "States.JsonToString($.n, $.n)")) {
      assertThat(Harness.run(pass(expr), INPUT).failure().cause()).as(expr)
          .endsWith("There was an error while evaluating the intrinsic function: " + expr + ". Invalid arguments in States.JsonToString: only a single argument is allowed.");
    }
    // UUID takes none and ignores any it is given
    for (String expr : List.of("States.UUID('x')", "States.UUID(1, 2)", "States.UUID($.n)")) {
      assertThat(Harness.run(pass(expr), INPUT).output().get("r").textValue()).as(expr)
          .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    }
  }

  @Test
  void missingPathArgument_isStatesRuntimeNamingTheCallAndThePath() {
    // AWS's words (tiny-asl-machine's recorded AWS results): the call whose argument the path is
    var r = Harness.run(pass("States.ArrayLength($.nope)"), "{}");
    assertThat(r.failure().error()).isEqualTo("States.Runtime");
    assertThat(r.failure().cause()).isEqualTo("An error occurred while executing the state 'P' (entered at the event id #2). "
        + "The function 'States.ArrayLength($.nope)' had the following error: The JsonPath argument for the field '$.nope' could not be found in the input '{}'");
    assertThat(Harness.run(pass("States.Hash('hello', $.algo)"), "{\"a\":1}").failure().cause()).endsWith(
        "The function 'States.Hash('hello', $.algo)' had the following error: The JsonPath argument for the field '$.algo' could not be found in the input '{\"a\":1}'");
    assertThat(Harness.run(pass("States.Format('{}', States.ArrayLength($.nope))"), "{}").failure().cause()).endsWith(
        "The function 'States.ArrayLength($.nope)' had the following error: The JsonPath argument for the field '$.nope' could not be found in the input '{}'");
  }

  /**
   * A path argument reads as Jayway reads plain JSON (floci-io/floci's intrinsic tests, measured):
   * an index past either end reads nothing, where a payload field's path reads null; an index
   * applied to a value that is no array is refused in Jayway's words; a present null is a value.
   */
  @Test
  void pathArgumentIndexes_readNothingPastTheEnds_andRefuseWhatIsNoArray() {
    String prefix = "An error occurred while executing the state 'P' (entered at the event id #2). ";
    for (String[] c : new String[][] {{"$.items[5]", "{\"items\":[1,2]}"}, {"$.items[-3]", "{\"items\":[1,2]}"}, {"$.items[-1]", "{\"items\":[1,2]}"},
        {"$.items[(@.length-3)]", "{\"items\":[1,2]}"},
        {"$.items[5].x", "{\"items\":[1]}"}, {"$[0].nope", "[{\"other\":1}]"}, {"$.items[0]", "{\"items\":null}"}}) {
      String call = "States.Format('{}', " + c[0] + ")";
      assertThat(Harness.run(pass(call), c[1]).failure().cause()).as(call).isEqualTo(prefix + "The function '" + call
          + "' had the following error: The JsonPath argument for the field '" + c[0] + "' could not be found in the input '" + c[1] + "'");
    }
    for (String[] c : new String[][] {{"$.other[0]", "{\"other\":1}", "1"}, {"$.other[2]", "{\"other\":\"abc\"}", "abc"},
        {"$.o[-1]", "{\"o\":{\"a\":[1],\"b\":\"x\"}}", "{a=[1], b=x}"}}) {
      String call = "States.Format('{}', " + c[0] + ")";
      assertThat(Harness.run(pass(call), c[1]).failure().cause()).as(call).isEqualTo(prefix + "The function '" + call
          + "' had the following error: Filter: " + c[0].substring(c[0].indexOf('[')) + " can only be applied to arrays. Current context is: " + c[2]);
    }
    assertThat(Harness.run(pass("States.Format('{} {}', $.items[1], $.items[(@.length-1)])"), "{\"items\":[1,2]}").output().get("r")).isEqualTo(json("\"2 2\""));
    assertThat(Harness.run(pass("States.Format('{}', $.nul)"), "{\"nul\":null}").output().get("r")).isEqualTo(json("\"null\""));
    assertThat(Harness.run(pass("States.ArrayLength($.items[*].nope)"), "{\"items\":[1,2]}").output().get("r")).isEqualTo(json("0"));
    // a payload field's own path reads null past the end
    assertThat(Harness.run("{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"Parameters\":{\"r.$\":\"$.items[5]\"},\"End\":true}}}",
        "{\"items\":[1,2]}").output()).isEqualTo(json("{\"r\":null}"));
  }

  @Test
  void getItem_truncatesIndexes_andAnEmptyArrayGivesNull() {
    assertThat(Harness.run(pass("States.ArrayGetItem($.arr, 1.2)"), INPUT).output().get("r")).isEqualTo(json("2"));
    assertThat(Harness.run(pass("States.ArrayGetItem(States.Array(), 999)"), INPUT).output().get("r").isNull()).isTrue();
  }

  @Test
  void base64Decode_isLenientAsAws() {
    assertThat(Harness.run(pass("States.Base64Decode(' YWJjZA== ')"), INPUT).output().get("r")).isEqualTo(json("\"abcd\""));
  }

  @Test
  void rangeAndPartition_truncateFractions_andEmptyDirections() {
    assertThat(Harness.run(pass("States.ArrayRange(1.4, 5.6, 2.2)"), INPUT).output().get("r")).isEqualTo(json("[1, 3, 5]"));
    assertThat(Harness.run(pass("States.ArrayRange(1.6, 1.4, 1)"), INPUT).output().get("r")).isEqualTo(json("[1]"));
    assertThat(Harness.run(pass("States.ArrayRange(5, 1, 1)"), INPUT).output().get("r")).isEqualTo(json("[]"));
    assertThat(Harness.run(pass("States.ArrayRange(1, 1000, 1)"), INPUT).output().get("r")).hasSize(1000);
    assertThat(Harness.run(pass("States.ArrayPartition($.arr, 2.9)"), INPUT).output().get("r")).isEqualTo(json("[[1, 2], [3, 4], [5]]"));
  }


  @Test
  void unknownFunctionOrBadSyntax_isAnInvalidDefinition() {
    for (String expr : List.of("States.Nope($.a)", "States.Format('x'", "States.UUID(", "States.UUID)", "States.UUID(,)", "States.UUID() trailing", "States.UUID($")) {
      assertThatThrownBy(() -> CompiledDefinition.compile(pass(expr))).as(expr).isInstanceOf(InvalidDefinitionException.class)
          .hasMessageContaining("The value for the field 'r.$' must be a valid JSONPath or a valid intrinsic function call");
    }
  }

  /** "You can nest up to 10 intrinsic functions within a field": ten run, an eleventh is refused in a new definition. */
  @Test
  void nesting_upToTenFunctions() throws Exception {
    String eleven = "States.Array(".repeat(11) + "1" + ")".repeat(11);
    assertThat(CompiledDefinition.validate(pass(eleven), false)).extracting(Problem::message)
        .containsExactly("The value for the field 'r.$' must be a valid JSONPath or a valid intrinsic function call");
    String ok = "States.Array(".repeat(10) + "1" + ")".repeat(10);
    assertThat(CompiledDefinition.validate(pass(ok), false)).isEmpty();
    assertThat(Harness.run(pass(ok), "{}").outcome().status()).isEqualTo("SUCCEEDED");
    // a stored definition with eleven, accepted before, still loads; twelve never did
    CompiledDefinition.compile(pass(eleven));
    String twelve = "States.Array(".repeat(12) + "1" + ")".repeat(12);
    assertThatThrownBy(() -> CompiledDefinition.compile(pass(twelve))).isInstanceOf(InvalidDefinitionException.class);
  }

  @Test
  void stringEscapes_onlyTheReservedCharacters() {
    // the intrinsic text as AWS reads it (after JSON): \\' \\{ \\} \\\\ are the ASL specification's escapes
    java.util.Map<String, String> cases = new java.util.LinkedHashMap<>();
    cases.put("States.Format('it\\'s {}', $.n)", "it's 3");
    cases.put("States.Format('\\{literal\\} {}', $.n)", "{literal} 3");
    cases.put("States.Format('C:\\\\tmp {}', $.n)", "C:\\tmp 3");
    cases.put("States.Format('a\\\\\\'b {}', $.n)", "a\\'b 3");
    cases.put("States.Format('Alert\n\nTicket: {}', $.n)", "Alert\n\nTicket: 3");
    for (var e : cases.entrySet()) {
      assertThat(Harness.run(pass(e.getKey()), INPUT).output().get("r").textValue()).as(e.getKey()).isEqualTo(e.getValue());
    }
    assertThat(Harness.run(pass("States.Array('x\ty', 'line\nbreak', '\\'')"), INPUT).output().get("r"))
        .isEqualTo(json("[\"x\\ty\", \"line\\nbreak\", \"'\"]"));
  }

  @Test
  void anyOtherEscape_isRefusedWhenTheDefinitionIsCreated_andAStoredOneKeepsItsOldReading() {
    // AWS refused States.Format('Hello\\n{}', $.name) with SCHEMA_VALIDATION_FAILED and accepted it once
    // the backslash-n was a real line break (aws-cdk#27304 and #27323; again in a Terraform plan, 2026)
    for (String expr : List.of("States.Format('Hello\\n{}', $.name)", "States.Format('a\\tb {}', $.n)",
        "States.Format('say \\\"hi\\\" {}', $.n)", "States.StringToJson('{\\\"a\\\": 1}')",
        "States.StringSplit('a\\nb', '\\n')", "States.Format('100\\% {}', $.n)", "States.Array('\\u0041')",
        "States.Array('\\q')")) {
      assertThat(CompiledDefinition.validate(pass(expr))).as(expr).extracting(p -> p.code() + ": " + p.message() + " at " + p.location())
          .containsExactly("SCHEMA_VALIDATION_FAILED: The value for the field 'r.$' must be a valid JSONPath or a valid intrinsic function call at /States/P/Parameters/r.$");
    }
    // a definition stored before keeps running as it was read then: \\n \\t \\r control characters,
    // \\" and other letters themselves, anything else keeps its backslash; the reserved escapes as ever
    java.util.Map<String, String> stored = new java.util.LinkedHashMap<>();
    stored.put("States.Format('Alert\\n\\nTicket: {}', $.n)", "Alert\n\nTicket: 3");
    stored.put("States.Format('a\\tb\\rc {}', $.n)", "a\tb\rc 3");
    stored.put("States.Format('say \\\"hi\\\" {}', $.n)", "say \"hi\" 3");
    stored.put("States.Format('\\q\\Z {}', $.n)", "qZ 3");
    stored.put("States.Format('100\\% \\{x\\} {}', $.n)", "100\\% {x} 3");
    for (var e : stored.entrySet()) {
      assertThat(Harness.run(pass(e.getKey()), INPUT).output().get("r").textValue()).as(e.getKey()).isEqualTo(e.getValue());
    }
    assertThat(Harness.run(pass("States.StringSplit('a\\nb', '\\n')"), INPUT).output().get("r")).isEqualTo(json("[\"a\", \"b\"]"));
  }


  @Test
  void formatTemplate_braceOutsideAPlaceholder_failsWithAwsWords() {
    // AWS's cause for a template whose brace is neither {} nor escaped (aws-cdk#29261: a double-escaped
    // backslash left "\\\\{" in the definition, a backslash then a bare brace)
    for (String expr : List.of("States.Format('Hello {}, e.g. \\\\{ \"name\": \"Bob\" \\\\}', $.name)",
        "States.Format('{ {}', $.n)", "States.Format('{x}', $.n)", "States.Format('end {', $.n)")) {
      var r = Harness.run(pass(expr), INPUT);
      assertThat(r.failure().error()).as(expr).isEqualTo("States.Runtime");
      assertThat(r.failure().cause()).as(expr).isEqualTo("An error occurred while executing the state 'P' (entered at the event id #2). "
          + "There was an error while evaluating the intrinsic function: " + expr + ". Invalid template in States.Format: matching '}' not found for '{'.");
    }
    for (String expr : List.of("States.Format('a } {}', $.n)", "States.Format('}{}', $.n)")) {
      assertThat(Harness.run(pass(expr), INPUT).failure().cause()).as(expr).endsWith(
          "Invalid template in States.Format: matching '{' not found for '}'.");
    }
    // a template read from the input is read by the same rule
    assertThat(Harness.run(pass("States.Format($.t, $.n)"), "{\"t\": \"x { y\", \"n\": 1}").failure().cause())
        .endsWith("Invalid template in States.Format: matching '}' not found for '{'.");
  }

  @Test
  void formatTemplateReadFromTheInput_keepsItsBackslashesButTheReservedEscapes() {
    String input = "{\"t\": \"C:\\\\new\\\\dir {} \\\\d+ \\\\{x\\\\}\", \"n\": 3}";
    assertThat(Harness.run(pass("States.Format($.t, $.n)"), input).output().get("r").textValue())
        .isEqualTo("C:\\new\\dir 3 \\d+ {x}");
  }

  @Test
  void callsSpanLines_tabsAndLineBreaksSeparateArguments() {
    for (String expr : List.of("States.Format('{}-{}',\n  $.n,\n  $.name)", "States.Format(\t'{}-{}',\t$.n ,\r\n$.name\n)",
        "States.Format('{}-{}', $.n\n, States.Format('{}', $.name))")) {
      assertThat(Harness.run(pass(expr), INPUT).output().get("r").textValue()).as(expr).isEqualTo("3-Ada Lovelace");
    }
  }
}
