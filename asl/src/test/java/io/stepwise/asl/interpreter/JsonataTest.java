package io.stepwise.asl.interpreter;

import static io.stepwise.asl.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.CompiledDefinition;
import io.stepwise.asl.Harness;
import io.stepwise.asl.InvalidDefinitionException;
import io.stepwise.asl.path.Json;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonataTest {
  static String jsonata(String states) {
    return "{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"A\",\"States\":{" + states + "}}";
  }

  /** A run of one Pass state whose Output is {@code expression}, on the input {@code {}}. */
  static Harness.Result pass(String expression) {
    return Harness.run(jsonata("\"A\":{\"Type\":\"Pass\",\"Output\":\"{% " + expression + " %}\",\"End\":true}"), "{}");
  }

  /**
   * The engine compiles a definition on one thread and runs it on others: the operators as
   * JavaScript has them hold on a thread that never built an expression (it used to fall back to
   * dashjoin's own, D1001 for 1/0).
   */
  @Test
  void javaScriptOperators_holdOnAThreadThatBuiltNoExpression() throws Exception {
    CompiledDefinition d = Harness.compile(jsonata("""
        "A":{"Type":"Pass","Output":{"inf":"{% 1/0 %}","neg":"{% -1/0 %}","nan":"{% 0/0 %}","cat":"{% '' & 1e20 %}"},"End":true}
        """));
    java.util.concurrent.ExecutorService fresh = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      for (int i = 0; i < 4; i++) {
        Step step = fresh.submit(() -> Interpreter.start(d, Harness.CTX, json("{}"), Harness.T0)).get();
        assertThat(((Outcome.Succeeded) step.outcome()).output())
            .isEqualTo(json("{\"inf\":\"Infinity\",\"neg\":\"-Infinity\",\"nan\":\"NaN\",\"cat\":\"100000000000000000000\"}"));
      }
    } finally {
      fresh.shutdownNow();
    }
  }

  @Test
  void output_andAssign_seeStateInputAndPreStateVariables() {
    var r = Harness.run(jsonata("""
        "A":{"Type":"Pass","Assign":{"n":1},"Next":"B"},
        "B":{"Type":"Pass","Assign":{"n":"{% $n + 10 %}","old":"{% $n %}"},"Output":{"sum":"{% $states.input.a + $n %}","name":"{% $states.context.State.Name %}"},"Next":"C"},
        "C":{"Type":"Pass","Output":"{% [$n, $old, $states.input.sum] %}","End":true}
        """), "{\"a\":5}");
    assertThat(r.output()).isEqualTo(json("[11,1,6]"));
  }

  @Test
  void task_arguments_resultAndErrorOutput() {
    String def = jsonata("""
        "A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Arguments":{"p":"{% $states.input.x * 2 %}"},
             "Output":"{% $states.result.v %}","Catch":[{"ErrorEquals":["States.ALL"],"Output":"{% $states.errorOutput.Error & '!' %}","Next":"Done"}],"Next":"Done"},
        "Done":{"Type":"Succeed"}
        """);
    var ok = Harness.run(def, "{\"x\":21}", t -> new Signal.TaskSucceeded(t.id(), json("{\"v\":" + t.parameters().get("p") + "}")));
    assertThat(ok.output()).isEqualTo(json("42"));
    var failed = Harness.run(def, "{\"x\":1}", t -> new Signal.TaskFailed(t.id(), "Oops", "c"));
    assertThat(failed.output()).isEqualTo(json("\"Oops!\""));
  }

  @Test
  void choiceConditions_andFailExpressions() {
    String def = jsonata("""
        "A":{"Type":"Choice","Choices":[{"Condition":"{% $states.input.v > 3 %}","Next":"Big"}],"Default":"F"},
        "Big":{"Type":"Pass","Output":"big","End":true},
        "F":{"Type":"Fail","Error":"{% 'Small' & $string($states.input.v) %}","Cause":"too small"}
        """);
    assertThat(Harness.run(def, "{\"v\":4}").output()).isEqualTo(json("\"big\""));
    assertThat(Harness.run(def, "{\"v\":2}").failure()).isEqualTo(new Outcome.Failed("Small2", "too small"));
  }

  @Test
  void mapItems_andItemSelector_useStatesContext() {
    var r = Harness.run(jsonata("""
        "A":{"Type":"Map","Items":"{% $states.input.xs %}","ItemSelector":{"v":"{% $states.context.Map.Item.Value %}","i":"{% $states.context.Map.Item.Index %}"},
             "ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% $states.input.v * 10 + $states.input.i %}","End":true}}},"End":true}
        """), "{\"xs\":[1,2]}");
    assertThat(r.output()).isEqualTo(json("[10,21]"));
  }

  @Test
  void itemsOfTheWrongType_isQueryEvaluationErrorWithAwsText() {
    var r = Harness.run(jsonata("""
        "A":{"Type":"Map","Items":"{% 1 %}","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}
        """), "{}");
    assertThat(r.failure().error()).isEqualTo("States.QueryEvaluationError");
    assertThat(r.failure().cause()).isEqualTo("An error occurred while executing the state 'A' (entered at the event id #2). "
        + "The JSONata expression '1' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was 'number' for value: 1");
    assertThat(r.types()).containsExactly("ExecutionStarted", "MapStateEntered", "EvaluationFailed", "MapStateFailed", "ExecutionFailed");
  }

  @Test
  void stepFunctionsFunctions_areBound() {
    var r = Harness.run(jsonata("""
        "A":{"Type":"Pass","Output":{"p":"{% $partition([1,2,3], 2) %}","r":"{% $range(0, 6, 3) %}","h":"{% $hash('input data', 'MD5') %}",
             "j":"{% $parse('{\\"a\\":[1]}') %}","u":"{% $length($uuid()) %}","rnd":"{% $random() < 1 %}"},"End":true}
        """), "{}");
    assertThat(r.output()).isEqualTo(json("{\"p\":[[1,2],[3]],\"r\":[0,3,6],\"h\":\"812f45842bc6d66ee14572ce20db8e86\",\"j\":{\"a\":[1]},\"u\":36,\"rnd\":true}"));
  }

  @Test
  void waitSecondsExpression_setsTheTimer() {
    var r = Harness.run(jsonata("\"A\":{\"Type\":\"Wait\",\"Seconds\":\"{% $states.input.s %}\",\"End\":true}"), "{\"s\":7}");
    assertThat(r.end()).isEqualTo(Harness.T0.plusSeconds(7));
  }

  @Test
  void invalidExpression_isRejectedAtCreation() {
    assertThatThrownBy(() -> CompiledDefinition.compile(jsonata("\"A\":{\"Type\":\"Pass\",\"Output\":\"{% $states.input. %}\",\"End\":true}")))
        .isInstanceOf(InvalidDefinitionException.class);
  }

  @Test
  void stateLevelJsonata_inAJsonPathMachine() {
    var r = Harness.run("""
        {"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"v":2},"Next":"B"},
          "B":{"Type":"Pass","QueryLanguage":"JSONata","Output":"{% $states.input.v * 3 %}","End":true}}}
        """, "{}");
    assertThat(r.output()).isEqualTo(json("6"));
  }

  @Test
  void undefinedResult_failsNamingTheFieldRelativeToTheState_whileNullIsAValue() {
    String def = jsonata("\"A\":{\"Type\":\"Pass\",\"Output\":{\"v\":\"{% $states.input.bar %}\",\"w\":[1,\"{% $states.input.absent %}\"]},\"End\":true}");
    var r = Harness.run(def, "{\"bar\":null}");
    assertThat(r.failure().error()).isEqualTo("States.QueryEvaluationError");
    assertThat(r.failure().cause()).endsWith("The JSONata expression '$states.input.absent' specified for the field 'Output/w[1]' returned nothing (undefined).");
    var ok = Harness.run(jsonata("\"A\":{\"Type\":\"Pass\",\"Output\":{\"v\":\"{% $states.input.bar %}\"},\"End\":true}"), "{\"bar\":null}");
    assertThat(ok.output()).isEqualTo(json("{\"v\":null}"));
  }

  @Test
  void rangeAndPartition_roundTowardsZero_andAnswerUndefinedForDegenerateArguments() {
    var r = Harness.run(jsonata("\"A\":{\"Type\":\"Pass\",\"Output\":{\"r\":\"{% $range(-1.7, 2, 1) %}\",\"p\":\"{% $partition([1,2,3], 2.9) %}\"},\"End\":true}"), "{}");
    assertThat(r.output()).isEqualTo(json("{\"r\":[-1,0,1,2],\"p\":[[1,2],[3]]}"));
    var u = Harness.run(jsonata("\"A\":{\"Type\":\"Pass\",\"Output\":\"{% $range(5, 1, 1) %}\",\"End\":true}"), "{}");
    assertThat(u.failure().cause()).endsWith("specified for the field 'Output' returned nothing (undefined).");
  }

  /**
   * Step Functions' own functions are registered with jsonata-js signatures ($partition <jn?:a>,
   * $range <nnn?:a>, $hash <ss:s>, $random <n?:n>, $uuid <:s>, $parse <s?:j>): an argument of the wrong
   * type, or one too many, is T0410 naming it; their own refusals are D3137 in AWS's words
   * (tiny-asl-machine's recorded AWS results).
   */
  @Test
  void stepFunctionsFunctions_checkTheirSignatures_andRefuseInAwsWords() {
    String[][] refused = {
        {"$partition([1,2], '2')", "T0410: Argument 2 of function \"partition\" does not match function signature"},
        {"$partition([1,2], null)", "T0410: Argument 2 of function \"partition\" does not match function signature"},
        {"$partition([1,2], 1, 1)", "T0410: Argument 3 of function \"partition\" does not match function signature"},
        {"$partition('abc', 1)", "T0412: Argument 1 of function \"partition\" must be an array of undefined"},
        {"$partition({'a': 1}, 1)", "T0412: Argument 1 of function \"partition\" must be an array of undefined"},
        {"$partition([1,2,3], -2)", "D3137: Second argument must be zero or greater"},
        {"$range('1', 5, 1)", "T0410: Argument 1 of function \"range\" does not match function signature"},
        {"$range(1, true, 1)", "T0410: Argument 2 of function \"range\" does not match function signature"},
        {"$range(1, 5, 1, 1)", "T0410: Argument 4 of function \"range\" does not match function signature"},
        {"$hash('x', 'SHA256')", "D3137: Hash algorithm 'SHA256' must be one of SHA-1, SHA-384, SHA-256, SHA-512, MD5"},
        {"$hash('x', 'md5')", "D3137: Hash algorithm 'md5' must be one of SHA-1, SHA-384, SHA-256, SHA-512, MD5"},
        {"$hash(['x'], 'MD5')", "T0410: Argument 1 of function \"hash\" does not match function signature"},
        {"$hash('x')", "T0410: Argument 2 of function \"hash\" does not match function signature"},
        {"$parse('[1,')", "D3137: Invalid JSON"},
        {"$parse('  ')", "D3137: Invalid JSON"},
        {"$parse('{} {}')", "D3137: Invalid JSON"},
        {"$parse(true)", "T0410: Argument 1 of function \"parse\" does not match function signature"},
        {"$uuid('seed')", "T0410: Argument 1 of function \"uuid\" does not match function signature"},
        {"$uuid(1, 2, 3)", "T0410: Argument 1 of function \"uuid\" does not match function signature"},
        {"$random('1')", "T0410: Argument 1 of function \"random\" does not match function signature"},
        {"$random([1])", "T0410: Argument 1 of function \"random\" does not match function signature"},
        {"$random(1, 2)", "T0410: Argument 2 of function \"random\" does not match function signature"}};
    for (String[] c : refused) {
      var r = pass(c[0]);
      assertThat(r.failure().error()).as(c[0]).isEqualTo("States.QueryEvaluationError");
      assertThat(r.failure().cause()).as(c[0]).endsWith("specified for the field 'Output' threw an error during evaluation. " + c[1]);
    }
    String[][] answered = {{"$partition([1,2,3])", "[[1,2,3]]"}, {"$partition([1,2,3,4,5], 2.6)", "[[1,2],[3,4],[5]]"},
        {"$parse(' [1, [null]] ')", "[1,[null]]"}, {"$parse('7')", "7"}, {"$random(7) = $random(7)", "true"},
        {"$hash('\u2713', 'SHA-256')", "\"1dabba21cdad44541f6b15796f8d22978fc7ea10c46aeceeeeb66c23b3ac7604\""}};
    for (String[] c : answered) assertThat(pass(c[0]).output()).as(c[0]).isEqualTo(json(c[1]));
    // undefined: no step, no argument to parse, a chunk size of zero
    for (String e : List.of("$range(1, 5)", "$range($nothing, 5, 1)", "$range(1, $nothing, 1)", "$parse()", "$partition([1,2], 0)", "$partition([1,2], 0.4)")) {
      assertThat(pass(e).failure().cause()).as(e).endsWith("specified for the field 'Output' returned nothing (undefined).");
    }
  }

  /**
   * An evaluation error is AWS's sentence, then jsonata-js's code and message (AWS evaluates
   * JSONata in JavaScript). Every expected text below is what jsonata-js 2.0.6 raises.
   */
  @Test
  void evaluationErrors_areJsonataJsCodesAndMessages() {
    String[][] cases = {
        {"$abs(\"a\")", "T0410: Argument 1 of function \"abs\" does not match function signature"},
        {"$uppercase(1)", "T0410: Argument 1 of function \"uppercase\" does not match function signature"},
        {"$sum([\"a\"])", "T0412: Argument 1 of function \"sum\" must be an array of \"numbers\""},
        {"$join([1,2])", "T0412: Argument 1 of function \"join\" must be an array of \"strings\""},
        {"$merge(1)", "T0412: Argument 1 of function \"merge\" must be an array of \"objects\""},
        {"$substring(1)", "T0411: Context value is not a compatible type with argument 1 of function \"substring\""},
        {"1 + \"a\"", "T2002: The right side of the \"+\" operator must evaluate to a number"},
        {"\"a\" - 1", "T2001: The left side of the \"-\" operator must evaluate to a number"},
        {"-\"a\"", "D1002: Cannot negate a non-numeric value: \"a\""},
        {"$foo()", "T1006: Attempted to invoke a non-function"},
        {"$eval(\"1+1\")", "T1006: Attempted to invoke a non-function"},
        {"$sqrt(-1)", "D3060: The sqrt function cannot be applied to a negative number: -1"},
        {"$power(-1, 0.5)", "D3061: The power function has resulted in a value that cannot be represented as a JSON number: base=-1, exponent=0.5"},
        {"$replace(\"a\", \"\", \"b\")", "D3010: Second argument of replace function cannot be an empty string"},
        {"$single([1,2])", "D3138: The $single() function expected exactly 1 matching result.  Instead it matched more."},
        {"$error(\"boom\")", "D3137: boom"},
        {"$assert(false)", "D3141: $assert() statement failed"},
        {"[1,2][$ > \"a\"]", "T2009: The values 1 and \"a\" either side of operator \">\" must be of the same data type"},
        {"$formatBase(10, 99)", "D3100: The radix of the formatBase function must be between 2 and 36.  It was given 99"},
        {"[1.5..3]", "T2003: The left side of the range operator (..) must evaluate to an integer"}};
    for (String[] c : cases) {
      String body = c[0].replace("\\", "\\\\").replace("\"", "\\\"");
      var r = Harness.run(jsonata("\"A\":{\"Type\":\"Pass\",\"Output\":{\"v\":\"{% " + body + " %}\"},\"End\":true}"), "{}");
      assertThat(r.failure().error()).as(c[0]).isEqualTo("States.QueryEvaluationError");
      assertThat(r.failure().cause()).as(c[0]).isEqualTo("An error occurred while executing the state 'A' (entered at the event id #2). The JSONata expression '"
          + c[0] + "' specified for the field 'Output/v' threw an error during evaluation. " + c[1]);
    }
  }

  /**
   * jsonata-js checks a built-in's arguments against its signature and names the first argument
   * past the longest prefix that fits; JSON null fits only a parameter that takes any value or an
   * array. Errors it raises inside a function ($number, $toMillis, $sort, the URL functions) keep
   * their codes. Every expected text is what jsonata-js 2.0.6 raises.
   */
  @Test
  void builtinArgumentsAndFailures_areCheckedAsJsonataJsChecksThem() {
    String[][] cases = {
        {"$contains(\"abc\", 1)", "T0410: Argument 2 of function \"contains\" does not match function signature"},
        {"$join([\"a\"], 1)", "T0410: Argument 2 of function \"join\" does not match function signature"},
        {"$substring(\"abc\", 1, \"x\")", "T0410: Argument 3 of function \"substring\" does not match function signature"},
        {"$pad(\"a\", \"5\")", "T0410: Argument 2 of function \"pad\" does not match function signature"},
        {"$lookup({\"a\":1}, 1)", "T0410: Argument 2 of function \"lookup\" does not match function signature"},
        {"$sum([1,2], 3)", "T0410: Argument 2 of function \"sum\" does not match function signature"},
        {"$millis(1)", "T0410: Argument 1 of function \"millis\" does not match function signature"},
        {"$lowercase(null)", "T0410: Argument 1 of function \"lowercase\" does not match function signature"},
        {"$floor(null)", "T0410: Argument 1 of function \"floor\" does not match function signature"},
        {"$contains(\"abc\", null)", "T0410: Argument 2 of function \"contains\" does not match function signature"},
        {"$number(\"abc\")", "D3030: Unable to cast value to a number: \"abc\""},
        {"$number(\" 12 \")", "D3030: Unable to cast value to a number: \" 12 \""},
        {"$number(\".5\")", "D3030: Unable to cast value to a number: \".5\""},
        {"$number(\"+5\")", "D3030: Unable to cast value to a number: \"+5\""},
        {"$number(\"1e400\")", "D3030: Unable to cast value to a number: \"1e400\""},
        {"$number(\"0b102\")", "D3030: Unable to cast value to a number: \"0b102\""},
        {"$toMillis(\"x\")", "D3110: The argument of the toMillis function must be an ISO 8601 formatted timestamp. Given \"x\""},
        {"$toMillis(\"2020/01/01\")", "D3110: The argument of the toMillis function must be an ISO 8601 formatted timestamp. Given \"2020/01/01\""},
        {"$sort([1, \"a\"])", "D3070: The single argument form of the sort function can only be applied to an array of strings or an array of numbers.  Use the second argument to specify a comparison function"},
        {"$sort([{\"a\":1}, {\"a\":2}])", "D3070: The single argument form of the sort function can only be applied to an array of strings or an array of numbers.  Use the second argument to specify a comparison function"},
        {"$decodeUrl(\"%\")", "D3140: Malformed URL passed to $decodeUrl(): \"%\""},
        {"$decodeUrlComponent(\"%E0%A4%A\")", "D3140: Malformed URL passed to $decodeUrlComponent(): \"%E0%A4%A\""}};
    for (String[] c : cases) {
      String body = c[0].replace("\\", "\\\\").replace("\"", "\\\"");
      var r = Harness.run(jsonata("\"A\":{\"Type\":\"Pass\",\"Output\":{\"v\":\"{% " + body + " %}\"},\"End\":true}"), "{}");
      assertThat(r.failure()).as(c[0]).isNotNull();
      assertThat(r.failure().cause()).as(c[0]).endsWith("specified for the field 'Output/v' threw an error during evaluation. " + c[1]);
    }
  }

  /**
   * Arithmetic as JavaScript does it (jsonata-js): an infinite result is that result, written by name
   * ({@code "Infinity"}, floci#2783, measured on AWS), and a comparison may take it; an operand that is
   * not finite is D1001, as jsonata-js's number check refuses it.
   */
  @Test
  void arithmetic_givesNonFiniteResults_butRefusesNonFiniteOperands() {
    var r = Harness.run(jsonata("\"A\":{\"Type\":\"Pass\",\"Output\":{"
        + "\"inf\":\"{% 1/0 %}\",\"neg\":\"{% -1/0 %}\",\"big\":\"{% 1e308 * 10 %}\",\"small\":\"{% -1e308 - 1e308 %}\","
        + "\"list\":\"{% [1/0, 2] %}\",\"cmp\":\"{% 1/0 > 5 %}\"},\"End\":true}"), "{}");
    assertThat(r.output()).isEqualTo(json("{\"inf\":\"Infinity\",\"neg\":\"-Infinity\",\"big\":\"Infinity\",\"small\":\"-Infinity\","
        + "\"list\":[\"Infinity\",2],\"cmp\":true}"));
    // a NaN result is NaN, a number, written by name
    var nan = Harness.run(jsonata("\"A\":{\"Type\":\"Pass\",\"Output\":{\"div\":\"{% 0/0 %}\",\"mod\":\"{% 5 % 0 %}\",\"list\":\"{% [0/0, 1] %}\"},"
        + "\"End\":true}"), "{}");
    assertThat(nan.output()).isEqualTo(json("{\"div\":\"NaN\",\"mod\":\"NaN\",\"list\":[\"NaN\",1]}"));
    // an operand that is not finite is refused: infinite, D1001; NaN, not a number (T2001/T2002)
    String[][] refused = {{"(1/0) + 1", "D1001"}, {"2 * (1/0)", "D1001"}, {"(1/0) % 2", "D1001"},
        {"(0/0) + 1", "T2001: The left side of the \"+\" operator must evaluate to a number"},
        {"1 + (0/0)", "T2002: The right side of the \"+\" operator must evaluate to a number"}};
    for (String[] c : refused) {
      var f = Harness.run(jsonata("\"A\":{\"Type\":\"Pass\",\"Output\":{\"v\":\"{% " + c[0].replace("\"", "\\\"") + " %}\"},\"End\":true}"), "{}");
      assertThat(f.failure().cause()).as(c[0]).contains("threw an error during evaluation. " + c[1]);
    }
    // & writes numbers as $string does
    var concat = Harness.run(jsonata("\"A\":{\"Type\":\"Pass\",\"Output\":\"{% ['' & 1e20, 'a' & (0.1 + 0.2), [1e21, 0.5] & '', 1 & 2, '' & 1e-7, 'n' & 123] %}\",\"End\":true}"), "{}");
    assertThat(concat.output()).isEqualTo(json("[\"100000000000000000000\",\"a0.3\",\"[1e+21,0.5]\",\"12\",\"1e-7\",\"n123\"]"));
    // finite arithmetic is as it was
    var ok = Harness.run(jsonata("\"A\":{\"Type\":\"Pass\",\"Output\":\"{% [7 % 3, 1/4, 2 * 3, 0.1 + 0.2] %}\",\"End\":true}"), "{}");
    assertThat(ok.output()).isEqualTo(json("[1,0.25,6,0.30000000000000004]"));
  }

  /**
   * $toMillis without a picture hands a text that passes jsonata-js's ISO 8601 test to JavaScript's
   * Date.parse, which V8 reads as the ECMAScript date-time form: a month or day alone is allowed, a
   * day up to 31 in any month counts on into the next, 24:00 is the next midnight, a fraction is read
   * to milliseconds, a date without an offset is UTC (and local time is UTC). A text that leaves the
   * form after its date goes through V8's older parser ({@code 2024.5} is May 2024); what neither
   * reads is NaN, written by name. Every expected value is Node's Date.parse with TZ=UTC.
   */
  @Test
  void toMillis_readsIsoTextsAsJavaScriptsDateParse() {
    String[][] cases = {
        {"2024", "1704067200000"}, {"2024-06", "1717200000000"}, {"2024-06-01", "1717200000000"},
        {"2023-02-29", "1677628800000"}, {"2024-04-31", "1714521600000"}, {"2024-01-01T24:00:00Z", "1704153600000"},
        {"2024-01-01T10:00:00+0530", "1704083400000"}, {"2024-01-01T10:00:00-08:00", "1704132000000"},
        {"2024-06-01T10:00:00.5", "1717236000500"}, {"2024-01-01T00:00:00.123456789Z", "1704067200123"},
        {"2024-06-01T10:00:00", "1717236000000"}, {"2024Z", "1704067200000"}, {"2024-06-01Z", "1717200000000"},
        {"2024.5", "1714521600000"}, {"0005.5", "989020800000"}, {"0001-13-02-23:20", "1010964000000"},
        {"2024-13-01", "\"NaN\""}, {"2024-12-32", "\"NaN\""}, {"2024-01-01T24:00:01Z", "\"NaN\""},
        {"2024-01-01T00:00:00+24:00", "\"NaN\""}, {"2024-06-01+01:00", "\"NaN\""}, {"2024-01-01-01", "\"NaN\""},
        {"2024-06-01T10:00:00T11:00:00", "\"NaN\""}};
    for (String[] c : cases) {
      var r = Harness.run(jsonata("\"A\":{\"Type\":\"Pass\",\"Output\":{\"v\":\"{% $toMillis('" + c[0] + "') %}\"},\"End\":true}"), "{}");
      assertThat(r.output()).as(c[0]).isEqualTo(json("{\"v\":" + c[1] + "}"));
    }
  }

  /**
   * $formatBase rounds the number and the radix half to even, as jsonata-js does, and writes the
   * number as JavaScript's toString(radix) does (radix 10 is the number's own text, 1e+21 and up in
   * exponential notation); a radix outside 2-36 after rounding is D3100 naming it as JSON writes it.
   * Every expected value is jsonata-js 2.0.6's on Node.
   */
  @Test
  void formatBase_roundsHalfToEven_andWritesAsJavaScript() {
    String[][] cases = {
        {"$formatBase(2.5, 2)", "\"10\""}, {"$formatBase(3.5, 2)", "\"100\""}, {"$formatBase(-255, 16)", "\"-ff\""},
        {"$formatBase(255, 2.5)", "\"11111111\""}, {"$formatBase(255, 3.5)", "\"3333\""}, {"$formatBase(255, 36.5)", "\"73\""},
        {"$formatBase(-0.4, 2)", "\"0\""}, {"$formatBase(1e21, 16)", "\"3635c9adc5dea00000\""}, {"$formatBase(1e21)", "\"1e+21\""},
        {"$formatBase(1152921504606846976)", "\"1152921504606847000\""},
        {"$formatBase(1e21, 7)", "\"5135235413265003022600000\""}, {"$formatBase(123456789012345678901234, 36)", "\"k3qmsz6sy0w0000\""}};
    for (String[] c : cases) {
      assertThat(pass(c[0]).output()).as(c[0]).isEqualTo(json(c[1]));
    }
    String[][] refused = {{"$formatBase(255, -1.5)", "-2"}, {"$formatBase(255, 37)", "37"}, {"$formatBase(255, 1e21)", "1e+21"},
        {"$formatBase(255, 36.6)", "37"}, {"$formatBase(255, 1.4)", "1"}, {"$formatBase(255, 1/0)", "null"}, {"$formatBase(255, -1/0)", "null"}};
    for (String[] c : refused) {
      var r = pass(c[0]);
      assertThat(r.failure().cause()).as(c[0])
          .endsWith("threw an error during evaluation. D3100: The radix of the formatBase function must be between 2 and 36.  It was given " + c[1]);
    }
  }

  /** What passes the same checks still works: hex, octal and binary texts, sorts of one kind, nulls where any value fits, built-ins as arguments. */
  @Test
  void builtins_stillWorkWhereJsonataJsAccepts() {
    var r = Harness.run(jsonata("\"A\":{\"Type\":\"Pass\",\"Output\":{"
        + "\"n\":\"{% [$number('0x1F'), $number('0o17'), $number('0b11'), $number('-1.5e2'), $number(true)] %}\","
        + "\"s\":\"{% {'n': $sort([3,1,2]), 's': $sort(['b','a']), 'o': $sort([{'a':2},{'a':1}], function($l,$r){$l.a > $r.a})} %}\","
        + "\"z\":\"{% [$string(null), $count([null, 1]), $exists(null), $type(null)] %}\","
        + "\"f\":\"{% {'m': $map([1,2], $string), 'p': $substring(?, 0, 2)('hello'), 't': [$toMillis('2020-01-01T00:00:00Z'), $toMillis('2020', '[Y0001]')]} %}\""
        + "},\"End\":true}"), "{}");
    assertThat(r.output()).isEqualTo(json("""
        {"n":[31,15,3,-150,1],"s":{"n":[1,2,3],"s":["a","b"],"o":[{"a":1},{"a":2}]},"z":["null",2,true,"null"],
         "f":{"m":["1","2"],"p":"he","t":[1577836800000,1577836800000]}}"""));
  }

  /**
   * Where dashjoin's results part from jsonata-js's: $substring counts characters (code points) and
   * takes positions as JavaScript's slice does; the one-argument $sort orders whole and fractional
   * numbers together; $encodeUrl is JavaScript's encodeURI (a space is %20).
   */
  @Test
  void substringSortAndEncodeUrl_giveJsonataJsResults() {
    String[][] cases = {
        {"$substring('👍🏽abc', 1, 2)", "\"🏽a\""}, {"$substring('abcdef', -3, 2)", "\"de\""}, {"$substring('abcdef', -10, 2)", "\"ab\""},
        {"$substring('abcdef', 1.5, 1.5)", "\"bc\""}, {"$substring('abcdef', 2, 0)", "\"\""}, {"$substring('abcdef', 10)", "\"\""},
        {"$substring('abcdef', -2)", "\"ef\""},
        {"$sort([10, 9, 1.5, -1, 0])", "[-1,0,1.5,9,10]"}, {"$sort(['b', 'B', 'a', 'é', 'Z'])", "[\"B\",\"Z\",\"a\",\"b\",\"é\"]"},
        {"$encodeUrl('https://x.com/a b?q=é&r=1#f[0]')", "\"https://x.com/a%20b?q=%C3%A9&r=1#f%5B0%5D\""},
        {"$encodeUrl('😀 %')", "\"%F0%9F%98%80%20%25\""}};
    for (String[] c : cases) {
      var r = pass(c[0]);
      assertThat(r.output()).as(c[0]).isEqualTo(json(c[1]));
    }
    var mixed = Harness.run(jsonata("\"A\":{\"Type\":\"Pass\",\"Output\":\"{% $sort($states.input.v) %}\",\"End\":true}"), "{\"v\":[3, 2.5, 1]}");
    assertThat(mixed.output()).isEqualTo(json("[1,2.5,3]"));
  }

  /**
   * jsonata-js walks a regular expression's matches one after another: the first may be empty,
   * each later one is looked for only before the end of the text, and an empty one there is D1004.
   * $replace substitutes $$, $0 and $n itself, and a function's result must be a string (D3012).
   */
  @Test
  void regularExpressionFunctions_walkMatchesAsJsonataJsDoes() {
    String[][] values = {
        {"$replace('aaa', /a*/, 'x')", "\"x\""}, {"$match('aaa', /a*/)", "{\"match\":\"aaa\",\"index\":0,\"groups\":[]}"},
        {"$replace('', /x*/, 'y')", "\"y\""}, {"$split('a1b22c333', /\\d+/)", "[\"a\",\"b\",\"c\",\"\"]"},
        {"$split('a1b22c333d', /\\d+/, 2)", "[\"a\",\"b\"]"}, {"$replace('a1b22c333', /\\d+/, '#', 2)", "\"a#b#c333\""},
        {"$match('a1b2', /(\\d)(x)?/)", "[{\"match\":\"1\",\"index\":1,\"groups\":[\"1\",null]},{\"match\":\"2\",\"index\":3,\"groups\":[\"2\",null]}]"},
        {"$replace('aaa', 'a', 'ab', 2)", "\"ababa\""}, {"$replace('a.b.c', '.', '$0')", "\"a$0b$0c\""},
        {"$replace('abc', /(b)/, '[$1$1]')", "\"a[bb]c\""}, {"$replace('abc', /(b)/, '$$1 $2 $ x$')", "\"a$1  $ x$c\""},
        {"$replace('abcdefghijkl', /(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)/, '$11-$10-$12')", "\"k-j-a2l\""},
        {"$replace('abc', /b/, function($m){ $m.start & '-' & $m.end })", "\"a1-2c\""}};
    for (String[] c : values) {
      String body = c[0].replace("\\", "\\\\");
      var r = pass(body);
      assertThat(r.output()).as(c[0]).isEqualTo(json(c[1]));
    }
    String[][] errors = {
        {"$replace('a b  c', /\\s*/, '')", "D1004: Regular expression matches zero length string"},
        {"$match('ab', /a?/)", "D1004: Regular expression matches zero length string"},
        {"$split('abc', /x*/)", "D1004: Regular expression matches zero length string"},
        {"$replace('abc', /x*/, '-', 1)", "D1004: Regular expression matches zero length string"},
        {"$replace('abc', /b/, function($m){ 1 })", "D3012: Attempted to replace a matched string with a non-string value"}};
    for (String[] c : errors) {
      String body = c[0].replace("\\", "\\\\");
      var r = pass(body);
      assertThat(r.failure()).as(c[0]).isNotNull();
      assertThat(r.failure().cause()).as(c[0]).endsWith("threw an error during evaluation. " + c[1]);
    }
  }

  /**
   * $fromMillis and $now read a timezone as jsonata-js does: parseInt of the text as hhmm, so
   * "+05:30" and "+05" are five minutes (AWS: 00:05+00:05) and "-0830" is nine and a half hours
   * back; a picture string's errors carry jsonata-js's codes.
   */
  @Test
  void dateTimePictures_readTimezonesAndFailAsJsonataJsDoes() {
    String[][] values = {
        {"$fromMillis(0, '[H01]:[m01][Z]', '+05:30')", "\"00:05+00:05\""}, {"$fromMillis(0, '[H01]:[m01][Z]', '+05')", "\"00:05+00:05\""},
        {"$fromMillis(0, '[H01]:[m01][Z]', '+0530')", "\"05:30+05:30\""}, {"$fromMillis(0, '[H01]:[m01][Z]', '-0800')", "\"16:00-08:00\""},
        {"$fromMillis(0, '[H01]:[m01][Z]', '-0830')", "\"14:30-09:30\""}};
    for (String[] c : values) {
      var r = pass(c[0]);
      assertThat(r.output()).as(c[0]).isEqualTo(json(c[1]));
    }
    String[][] errors = {
        {"$fromMillis(0, '[Q]')", "D3132: Unknown component specifier \"Q\" in date/time picture string"},
        {"$fromMillis(0, '[Y')", "D3135: No matching closing bracket ']' in date/time picture string"},
        {"$fromMillis(0, '[Yn]')", "D3133: The 'name' modifier can only be applied to months and days in the date/time picture string, not \"Y\""},
        {"$fromMillis(0, '[H01]:[m01] [ZN]')", "D3134: The timezone integer format specifier cannot have more than four digits"}};
    for (String[] c : errors) {
      var r = pass(c[0]);
      assertThat(r.failure().cause()).as(c[0]).endsWith("threw an error during evaluation. " + c[1]);
    }
  }

  /**
   * $formatNumber is XPath's format-number as jsonata-js implements it: rounding half to even at the
   * picture's last digit as the number is written in decimal, the picture's own grouping, other
   * characters as text; a picture breaking the spec's rules is the last rule's code (AWS: D3086 for "x").
   */
  @Test
  void formatNumber_isJsonataJsFormatNumber() {
    String[][] values = {
        {"$formatNumber(2.675, '#,##0.00')", "2.68"}, {"$formatNumber(12.345, '0.00')", "12.34"}, {"$formatNumber(1.005, '0.00')", "1.00"},
        {"$formatNumber(99.995, '#,##0.00')", "100.00"}, {"$formatNumber(1234567, '#,##,###')", "12,34,567"},
        {"$formatNumber(1234.5678, '¤#,##0.00')", "¤1,234.57"}, {"$formatNumber(1, '#.##')", "1.0"}, {"$formatNumber(0.5, '#.##')", ".5"},
        {"$formatNumber(-1234.5, '#,##0.00;(#,##0.00)')", "(1,234.50)"}, {"$formatNumber(0.25, '#%')", "25%"},
        {"$formatNumber(1234.5, '#.##0,00', {'decimal-separator': ',', 'grouping-separator': '.'})", "1.234,50"},
        {"$formatNumber(1234.5678, '00.00e0')", "12.35e2"}, {"$formatNumber(0.000123, '0.00e00')", "1.23e-04"},
        {"$formatNumber(2.5, '0')", "2"}, {"$formatNumber(-0.4, '0')", "-0"}, {"$formatNumber(5e20, '0%')", "5e+22%"}};
    for (String[] c : values) {
      var r = pass(c[0]);
      assertThat(r.output().textValue()).as(c[0]).isEqualTo(c[1]);
    }
    String[][] errors = {
        {"$formatNumber(1, 'x')", "D3086"}, {"$formatNumber(1, '#;#;#')", "D3080"}, {"$formatNumber(1, '0.0.0')", "D3081"},
        {"$formatNumber(1, '0%%')", "D3082"}, {"$formatNumber(1, '0,')", "D3088"}, {"$formatNumber(1, '0#')", "D3090"},
        {"$formatNumber(1, '#0e')", "D3093"}, {"$formatNumber(1, '#,##0.00', {'decimal-separator': ',', 'grouping-separator': '.'})", "D3091"}};
    for (String[] c : errors) {
      var r = pass(c[0]);
      assertThat(r.failure().cause()).as(c[0]).contains("threw an error during evaluation. " + c[1] + ": ");
    }
  }

  /**
   * An integer read from the input stays exact while it fits in a long (AWS's number model); $distinct
   * compares deeply, 1 and 1.0 being one number.
   */
  @Test
  void numbers_keepLongsExact_andDistinctComparesByValue() {
    var r = Harness.run(jsonata("\"A\":{\"Type\":\"Pass\",\"Output\":{\"id\":\"{% $states.input.id %}\",\"s\":\"{% $string($states.input.id) %}\","
        + "\"d\":\"{% $distinct($states.input.v) %}\",\"o\":\"{% $distinct([{'a': 1}, {'a': 1.0}, [1, 2], [1.0, 2]]) %}\"},\"End\":true}"),
        "{\"id\":12345678901234567,\"v\":[3, 1, 1.0, 2.5, 3]}");
    assertThat(r.output().get("id").toString()).isEqualTo("12345678901234567");
    assertThat(r.output().get("s").textValue()).isEqualTo("12345678901234567");
    assertThat(r.output().get("d")).isEqualTo(json("[3,1,2.5]"));
    assertThat(r.output().get("o")).isEqualTo(json("[{\"a\":1},[1,2]]"));
    // past a long, arithmetic is JavaScript's double, not a long stopped at 2^63 - 1
    var big = Harness.run(jsonata("\"A\":{\"Type\":\"Pass\",\"Output\":\"{% [$states.input.n + 0, 9223372036854775807 + 1, -9223372036854775808 - 1, 4611686018427387904 * 2] %}\",\"End\":true}"),
        "{\"n\":9223372036854775808}").output();
    for (JsonNode v : big) assertThat(io.stepwise.asl.path.Json.write(v)).as("a double past 2^63").matches("-?9\\.223372036854776E18");
  }

  /**
   * A JSONata number that is no exact integer within 9e18 comes back as a Java double and is
   * written as Java writes one (AWS measured 9223372036854775808 read back as 9.223372036854776E18):
   * an exponent from 1e7 up and below 1e-3, positional between; it still equals the same number read
   * from JSON. Exact integers below 9e18 stay integers.
   */
  @Test
  void jsonataNumbers_areWrittenAsJavaWritesADouble() {
    String[][] cases = {
        {"1e21", "1.0E21"}, {"-1e20", "-1.0E20"}, {"0.0001", "1.0E-4"}, {"12345678.5", "1.23456785E7"},
        {"1733412345678 / 1000", "1.733412345678E9"}, {"2.5", "2.5"}, {"0.1 + 0.2", "0.30000000000000004"},
        {"1e6", "1000000"}, {"3 / 1", "3"}, {"-0.5", "-0.5"}, {"9223372036854775807", "9223372036854775807"},
        {"[0.0001, {'a': 1e21}]", "[1.0E-4,{\"a\":1.0E21}]"}};
    for (String[] c : cases) {
      JsonNode out = Harness.run(jsonata("\"A\":{\"Type\":\"Pass\",\"Output\":\"{% " + c[0] + " %}\",\"End\":true}"), "{}").output();
      assertThat(io.stepwise.asl.path.Json.write(out)).as(c[0]).isEqualTo(c[1]);
      assertThat(out).as(c[0] + " is the number its text reads as").isEqualTo(json(c[1]));
    }
  }


  /**
   * $string writes a double as jsonata-js does: rounded to 15 significant digits, in positional
   * notation from 1e-7 up to 1e21 and exponential outside, in arrays and objects too (an integer
   * past a long is a double; one that fits a long stays exact).
   */
  @Test
  void stringOfANumber_isJavaScriptsText() {
    String[][] cases = {
        {"1e20", "100000000000000000000"}, {"1e21", "1e+21"}, {"-1e20", "-100000000000000000000"},
        {"0.1 + 0.2", "0.3"}, {"1/3", "0.333333333333333"},
        {"0.000001", "0.000001"}, {"2e-7", "2e-7"}, {"-0.0000012345", "-0.0000012345"}, {"123.456e5", "12345600"},
        {"1.5", "1.5"}, {"100", "100"}, {"[1e21, 1.5, {'a': 2e-7}]", "[1e+21,1.5,{\"a\":2e-7}]"}};
    for (String[] c : cases) {
      var r = Harness.run(jsonata("\"A\":{\"Type\":\"Pass\",\"Output\":\"{% $string(" + c[0] + ") %}\",\"End\":true}"), "{}");
      assertThat(r.output().textValue()).as(c[0]).isEqualTo(c[1]);
    }
    var big = Harness.run(jsonata("\"A\":{\"Type\":\"Pass\",\"Output\":\"{% $string($states.input.id) & '/' & $string($states.input.n) %}\",\"End\":true}"),
        "{\"id\":12345678901234567890,\"n\":1e22}");
    assertThat(big.output().textValue()).isEqualTo("12345678901234600000/1e+22");
  }

  /**
   * Evaluation nests at most 100 deep, whatever the nesting is made of, and the bound's words follow
   * a colon: a 100-term sum evaluates and 101 terms fail, 99 nested brackets evaluate and 100 fail,
   * a non-tail-recursive function recurses 31 times and not 32.
   */
  @Test
  void evaluationDepth_isBoundedAt100() {
    String[][] cases = {
        {String.join("+", java.util.Collections.nCopies(100, "1")), "100"},
        {"(".repeat(99) + "1" + ")".repeat(99), "1"},
        {"[".repeat(99) + "1" + "]".repeat(99), "[".repeat(99) + "1" + "]".repeat(99)},
        {"($f := function($x){ $x <= 0 ? 0 : 1 + $f($x-1) }; $f(31))", "31"},
        {String.join("+", java.util.Collections.nCopies(101, "1")), null},
        {"(".repeat(100) + "1" + ")".repeat(100), null},
        {"($f := function($x){ $x <= 0 ? 0 : 1 + $f($x-1) }; $f(32))", null},
        {"($f := function($x){ 1 + $f($x) }; $f(1))", null}};
    for (String[] c : cases) {
      var r = pass(c[0]);
      if (c[1] != null) {
        assertThat(r.output()).as(c[0]).isEqualTo(json(c[1]));
      } else {
        assertThat(r.failure().error()).as(c[0]).isEqualTo("States.QueryEvaluationError");
        assertThat(r.failure().cause()).as(c[0]).endsWith("specified for the field 'Output' threw an error during evaluation: "
            + "Stack overflow error: Check for non-terminating recursive function. Consider rewriting as tail-recursive.");
      }
    }
  }

  /**
   * No step of an evaluation may yield an array of more than 873,782 items or a string of more than
   * 6,990,256 characters, nor $range more than 360,145 items (AWS's measured edges): beyond is
   * AWS's memory words, after a colon.
   */
  @Test
  void evaluationMemory_isBounded() {
    String[][] cases = {
        {"[1..873782] ~> $count()", "873782"}, {"$count($range(1, 200000, 1))", "200000"},
        {"$count($range(1, 360145, 1))", "360145"}, {"$count($range(-360144, 0, 1))", "360145"},
        {"$length($pad('', 4194304, 'x'))", "4194304"},
        {"[1..873783] ~> $count()", null}, {"$sum([1..900000])", null}, {"$count($range(1, 360146, 1))", null},
        {"$range(0, 720290, 2)", null}, {"$count($range(1, 873783, 1))", null},
        {"$count($range(0, 9223372036854775807, 1))", null}, {"$length($pad('', 8388608, 'x'))", null}};
    for (String[] c : cases) {
      var r = pass(c[0]);
      if (c[1] != null) {
        assertThat(r.output()).as(c[0]).isEqualTo(json(c[1]));
      } else {
        assertThat(r.failure().cause()).as(c[0]).endsWith("specified for the field 'Output' threw an error during evaluation: "
            + "Expression evaluation memory limit exceeded: Check for excessive memory usage");
      }
    }
  }

  /** $millis() and $now() are each evaluation's own moment, on whichever thread it runs. */
  @Test
  void millis_isEachEvaluationsOwnMoment() throws Exception {
    CompiledDefinition d = Harness.compile(jsonata("\"A\":{\"Type\":\"Pass\",\"Output\":\"{% $millis() %}\",\"End\":true}"));
    long first = ((Outcome.Succeeded) Interpreter.start(d, Harness.CTX, json("{}"), Harness.T0).outcome()).output().longValue();
    Thread.sleep(20);
    long second = ((Outcome.Succeeded) Interpreter.start(d, Harness.CTX, json("{}"), Harness.T0).outcome()).output().longValue();
    assertThat(second).isGreaterThan(first);
  }

  /** Numbers in jsonata-js's error messages are JSON.stringify's: 1e+21, 1.5e-7, 0.1 (jsonata-js 2.0.6's texts). */
  @Test
  void errorMessages_writeNumbersAsJavaScriptDoes() {
    String[][] cases = {
        {"'a' < 1e21", "T2009: The values \"a\" and 1e+21 either side of operator \"<\" must be of the same data type"},
        {"1.5e-7 < 'a'", "T2009: The values 1.5e-7 and \"a\" either side of operator \"<\" must be of the same data type"},
        {"'x' > 0.1", "T2009: The values \"x\" and 0.1 either side of operator \">\" must be of the same data type"},
        {"$power(1e21, 1e21)", "D3061: The power function has resulted in a value that cannot be represented as a JSON number: base=1e+21, exponent=1e+21"},
        {"'a' < 2e23", "T2009: The values \"a\" and 2e+23 either side of operator \"<\" must be of the same data type"}};
    for (String[] c : cases) assertThat(pass(c[0]).failure().cause()).as(c[0]).endsWith("threw an error during evaluation. " + c[1]);
  }

  /**
   * $parseInteger with a decimal picture is JavaScript's parseInt of the text once jsonata-js has
   * taken off the ordinal suffix and the separators: no leading digit is NaN, written "NaN" (AWS
   * answers {"v":"NaN"} and ["NaN"], floci's JSONata tests, measured); a picture that is neither a
   * named format nor holds a digit is D3130 for both functions. Expected values are jsonata-js 2.0.6's.
   */
  @Test
  void integerPictures_areReadAsJsonataJsReadsThem() {
    String[][] cases = {
        {"$parseInteger('abc', '0')", "\"NaN\""}, {"[$parseInteger('abc', '0')]", "[\"NaN\"]"}, {"$parseInteger('', '0')", "\"NaN\""},
        {"$parseInteger('12abc', '0')", "12"}, {"$parseInteger(' 12', '0')", "12"}, {"$parseInteger('-0x1F', '0')", "-31"},
        {"$parseInteger('1,234,567', '#,##0')", "1234567"}, {"$parseInteger('1.234', '#.##0')", "1"}, {"$parseInteger('12th', '0;o')", "12"},
        {"$parseInteger('\u0663\u0664', '\u0660')", "34"}, {"$parseInteger('1e3', '0')", "1"}, {"$parseInteger('XII', 'I')", "12"},
        {"$parseInteger('twelve', 'w')", "12"}, {"$formatInteger(12, '0;o')", "\"12th\""},
{"$parseInteger($pad('', 400, '7'), '0')", "\"Infinity\""},
        {"$parseInteger('0x' & $pad('', 300, 'f'), '0')", "\"Infinity\""}, {"$parseInteger('123456789012345678901', '0')", "1.2345678901234568E20"},
        {"[$formatInteger($nothing, 'xyz')]", "[]"}};
    for (String[] c : cases) assertThat(pass(c[0]).output()).as(c[0]).isEqualTo(json(c[1]));
    // jsonata-js maps a sign before digits of another family to no character: JavaScript's RangeError
    assertThat(pass("$parseInteger('-\u0661\u0662', '\u0660')").failure().cause()).endsWith("threw an error during evaluation: Invalid code point -1539");
    for (String[] c : new String[][] {{"$parseInteger('abc', 'abc')", "abc"}, {"$parseInteger('1', '')", ""}, {"$formatInteger(1, '')", ""},
        {"$formatInteger(1, 'xyz;o')", "xyz"}}) {
      assertThat(pass(c[0]).failure().cause()).as(c[0]).endsWith("threw an error during evaluation. D3130: Formatting or parsing an integer "
          + "as a sequence starting with \"" + c[1] + "\" is not supported by this implementation");
    }
  }

  /**
   * Review mends, each against jsonata-js: a bound crossed under {@code or} or in a $sort comparator
   * keeps its words; depth counts nesting, not arrays built one after another; $distinct keeps an
   * array an array and is not quadratic; null for an array parameter is the array of it; $range
   * counts exactly near the long bounds; undefined widths and starts are JavaScript's.
   */
  @Test
  void reviewMends_matchJsonataJs() {
    String[][] values = {
        {"$count($map([1..500], function($v){ {'a': $v, 'b': [$v, $v]} }))", "500"},
        {"$distinct([1,1])", "[1]"}, {"$distinct([[1,2],[1,2]])", "[[1,2]]"}, {"$count($distinct([1..200000]))", "200000"},
        {"$encodeUrl('\uD876\uDC00')", "\"%F0%AD%A0%80\""}, {"$count(null)", "1"}, {"$reverse(null)", "[null]"},
        {"$pad('abc', $nothing)", "\"abc\""}, {"$substring('abc', $nothing)", "\"abc\""}};
    for (String[] c : values) {
      String body = c[0].replace("\\", "\\\\");
      var r = pass(body);
      assertThat(r.output()).as(c[0]).isEqualTo(json(c[1]));
    }
    var nearMax = Harness.run(jsonata("\"A\":{\"Type\":\"Pass\",\"Output\":\"{% $range($states.input.a, $states.input.b, 1600) %}\",\"End\":true}"),
        "{\"a\":9223372036854774271,\"b\":9223372036854775807}");
    assertThat(nearMax.output()).isEqualTo(json("9223372036854774271"));
    var exact = Harness.run(jsonata("\"A\":{\"Type\":\"Pass\",\"Output\":\"{% $count($range($states.input.a, $states.input.b, 1)) %}\",\"End\":true}"),
        "{\"a\":4611686018427387905,\"b\":4611686018427387907}");
    assertThat(exact.output()).isEqualTo(json("3"));
    String[][] errors = {
        {"($f := function($x){ $x <= 0 or $f($x-1) }; $f(200))", ": Stack overflow error: Check for non-terminating recursive function. Consider rewriting as tail-recursive."},
        {"$sort([2,1], function($a,$b){ $count([1..900000]) > 0 })", ": Expression evaluation memory limit exceeded: Check for excessive memory usage"},
        {"$count([0, 1..900000])", ": Expression evaluation memory limit exceeded: Check for excessive memory usage"},
        {"$sum(null)", ". T0412: Argument 1 of function \"sum\" must be an array of \"numbers\""}};
    for (String[] c : errors) {
      var r = pass(c[0]);
      assertThat(r.failure().cause()).as(c[0]).endsWith("threw an error during evaluation" + c[1]);
    }
  }

  /**
   * Rules of jsonata-js 2.0.6 (AWS's JSONata), each checked against it: an error names the operator
   * jsonata-js marks it with (an ordering's own; {@code and}/{@code or} for any error of their right
   * side, whatever raised it); an error raised in a function a built-in calls is that error; T0411
   * and T0412 name the function called; a range's sides are integers by {@code Number.isInteger};
   * an index is rounded down and selects nothing outside the array, however large; $sort's
   * comparator sees jsonata-js's merge-sort pairs and is taken as JavaScript's truthiness; $round
   * shifts the point in the number's text, so a precision that is not whole is NaN; JSON.stringify
   * writes the numbers in an error's value; an undefined argument is JavaScript's undefined to
   * $assert (false), $power (NaN: D3061) and $substringBefore/After (the text "undefined").
   */
  @Test
  void jsonataJsRules_operatorsIndicesSortAndRound() {
    String[][] errors = {
        {"\"\" < $states.input.a >= 2", "T2009: The values \"\" and 1 either side of operator \"<\" must be of the same data type"},
        {"\"a\" < 1 > 2", "T2009: The values \"a\" and 1 either side of operator \"<\" must be of the same data type"},
        {"1 and \"x\" < 2", "T2009: The values \"x\" and 2 either side of operator \"and\" must be of the same data type"},
        {"\"x\" and 1 < {}", "T2010: The expressions either side of operator \"and\" must evaluate to numeric or string values"},
        {"false or (\"x\" + 2)", "T2001: The left side of the \"or\" operator must evaluate to a number"},
        {"(\"x\" + 2) or true", "T2001: The left side of the \"+\" operator must evaluate to a number"},
        {"$sort([{}, 1], function($a, $b){ $a * 2 })", "T2001: The left side of the \"*\" operator must evaluate to a number"},
        {"$sort([\"b\", \"a\", 1], function($a, $b){ $a > $b })", "T2009: The values \"a\" and 1 either side of operator \">\" must be of the same data type"},
        {"$average(($x := null; $x & {}))", "T0412: Argument 1 of function \"average\" must be an array of \"numbers\""},
        {"$fromMillis((\"123\"; \"%20\"))", "T0411: Context value is not a compatible type with argument 1 of function \"fromMillis\""},
        {"[\"a\"..$states.input.big]", "T2003: The left side of the range operator (..) must evaluate to an integer"},
        {"[1..[10, 20]]", "T2004: The right side of the range operator (..) must evaluate to an integer"},
        {"[1..$states.input.big]", "D2014: The size of the sequence allocated by the range operator (..) must not exceed 1e6.  Attempted to allocate 12345678901234567000."},
        {"-[{\"y\": 1.5e-7}]", "D1002: Cannot negate a non-numeric value: [{\"y\":1.5e-7}]"},
        {"\"x\" ~> |$|{\"a\": 1}|", "T0410: Argument 1 of function undefined does not match function signature"},
        {"$assert($states.input.missing, \"m\")", "D3141: m"}, {"$assert($states.input.missing)", "D3141: $assert() statement failed"},
        {"$power(2, $states.input.missing)", "D3061: The power function has resulted in a value that cannot be represented as a JSON number: base=2, exponent=undefined"},
        {"$split(\"a,b\", \",\", -1e-7)", "D3020: Third argument of split function must evaluate to a positive number"},
        {"($f := $sum; $f([\"a\"]))", "T0412: Argument 1 of function \"f\" must be an array of \"numbers\""},
        {"($f := $uppercase; $f(1))", "T0410: Argument 1 of function \"f\" does not match function signature"},
        {"1 ~> $uppercase", "T0410: Argument 1 of function undefined does not match function signature"},
        {"$count(\"s\" ~> |$|{}|)", "T0410: Argument 1 of function undefined does not match function signature"},
        {"($f := function($x){ $x ~> |$|{}| }; $f(\"s\"))", "T0410: Argument 1 of function \"f\" does not match function signature"},
        {"$replace(\"abc\", \"x\", $uppercase, -1)", "D3011: Fourth argument of replace function must evaluate to a positive number"}};
    String input = "{\"a\": 1, \"b\": [1, 2, 3], \"big\": 12345678901234567890}";
    assertCauses(input, "threw an error during evaluation. ", errors);
    assertCauses(input, "threw an error during evaluation: ", new String[][] {
        // a range of doubles past 2^53 never ends in jsonata-js (adding one changes nothing): the memory bound
        {"[$states.input.big..$states.input.big]", "Expression evaluation memory limit exceeded: Check for excessive memory usage"},
        // any stack overflow has the bound's words (AWS's for jsonata-js's "Maximum call stack size exceeded")
        {"$formatInteger(1e10, 'I')", "Stack overflow error: Check for non-terminating recursive function. Consider rewriting as tail-recursive."}});
    String[][] values = {
        {"$states.input.b[-1.5]", "2"}, {"$states.input.b[0.9]", "1"}, {"$states.input.b[[-1.5, 0]]", "[1, 2]"},
        {"$count($states.input.b[9007199254740993])", "0"}, {"$count($states.input.b[-10])", "0"},
        {"$sort([1, 2, 3], function($a, $b){ $b })", "[3, 2, 1]"}, {"$sort([3, 1, 2], function($a, $b){ $a > $b })", "[1, 2, 3]"},
        {"$round(2.675, 2)", "2.68"}, {"$round(1.005, 2)", "1"}, {"$round(-2.5)", "-2"}, {"$round(12345, -2)", "12300"},
        {"$round(12.345, 2.675)", "\"NaN\""}, {"$round(123.456, 400)", "\"NaN\""}, {"$round(123.456, -400)", "0"},
        {"[9007199254740992..9007199254740994]", "[9007199254740992, 9007199254740993, 9007199254740994]"},
        {"$count([1, 2, 3][0/0])", "0"}, {"(0/0) ? \"a\" : \"b\"", "\"b\""}, {"$boolean(0/0)", "false"}, {"$not(0/0)", "true"},
        {"(0/0) or false", "false"}, {"true and [0/0]", "false"}, {"$boolean([0, 1])", "true"}, {"$boolean(function(){ 1 })", "false"},
        {"$substringAfter(\"123\", $states.input.missing)", "\"123\""}, {"$substringBefore(\"a undefined b\", $states.input.missing)", "\"a \""},
        {"$split(\"a,b,c\", \",\", 1.5)", "[\"a\"]"}, {"$split(\"a,b,c\", \",\", 1700000000000)", "[\"a\", \"b\", \"c\"]"},
        {"$split(\"a,b,c\", \",\", 0.5)", "[]"}, {"$split(\"\", \",\")", "[\"\"]"}, {"$split(\"\\ud83d\\ude00a\", \"\")", "[\"\\ud83d\", \"\\ude00\", \"a\"]"},
        {"$formatInteger(-1.5, \"0\")", "\"-2\""}, {"$formatInteger(-0.5, \"w\")", "\"-one\""},
        {"$round(-1, 1.5)", "\"NaN\""}, {"$round(5, 2)", "5"},
        {"$parseInteger(\"  42  \", \"I\")", "\"NaN\""}, {"$parseInteger(\"XII\", \"I\")", "12"},
        {"$replace(\"abc\", \"x\", function($m){ \"y\" })", "\"abc\""}};
    assertOutputs(input, values);
  }

  /**
   * jsonata-js's higher-order functions and transforms: a built-in handed on as a function is
   * checked against its signature when applied and takes as many arguments as it declares; a
   * predicate's answer is read by boolean(); a transform updates object and array matches in place.
   */
  @Test
  void jsonataJsRules_higherOrderFunctionsAndTransforms() {
    String input = "{\"b\": [1, 2, 3], \"c\": {\"e\": [{\"f\": 1}, {\"f\": 2}]}, \"arr\": [[1, 2], [3]]}";
    String[][] errors = {
        {"$map([1], $uppercase)", "T0410: Argument 1 of function \"map\" does not match function signature"},
        {"$each({\"a\": 1}, $uppercase)", "T0410: Argument 1 of function \"each\" does not match function signature"},
        {"$map([[\"a\"]], $sum)", "T0412: Argument 1 of function \"map\" must be an array of \"numbers\""},
        {"$map([\"a\"], $contains)", "T0410: Argument 2 of function \"map\" does not match function signature"},
        {"$map([\"a\", \"b\"], $substring)", "T0410: Argument 3 of function \"map\" does not match function signature"},
        {"$map([1, 2], $formatBase)", "D3100: The radix of the formatBase function must be between 2 and 36.  It was given 0"},
        {"$reduce([1, 2], $sum)", "D3050: The second argument of reduce function must be a function with at least two arguments"},
        {"$single([1, 2, 3], function($v){ 0/0 })", "D3139: The $single() function expected exactly 1 matching result.  Instead it matched 0."},
        {"$single([1, 2, 3], function($v){ $v > 1 })", "D3138: The $single() function expected exactly 1 matching result.  Instead it matched more."},
        {"$states.input.c ~> |e|5|", "T2011: The insert/update clause of the transform expression must evaluate to an object: 5"},
        {"$states.input.c ~> |e|{}, [1]|", "T2012: The delete clause of the transform expression must evaluate to a string or array of strings: [1]"},
        {"$error(\"\")", "D3137: $error() function evaluated"},
        {"$string(12.345 % -0)", "D3001: Attempting to invoke string function on Infinity or NaN"},
        {"($r := /x/; {\"a\": 1} ~> |$r|{\"b\": 1}|)", "D1010: Attempted to access the Javascript object prototype"}};
    assertCauses(input, "threw an error during evaluation. ", errors);
    // JavaScript's TypeErrors: a number has no properties to create, undefined no apply
    assertCauses(input, "threw an error: ", new String[][] {
        {"[1, 2] ~> |$|{'a': 1}|", "Cannot create property 'a' on number '1'"},
        {"$split('a,b', $states.input.missing)", "Cannot read properties of undefined (reading 'apply')"},
        {"$sift({'a': 1})", "Cannot read properties of undefined (reading 'arity')"},
        // and a RangeError: an Array of a fractional length
        {"$pad('abc', -4.5, 'x')", "Invalid array length"}, {"$pad('a', 5e9)", "Invalid array length"}});
    String[][] values = {
        {"$map([1.5, 2.5, 3.456], $round)", "[2, 2.5, 3.46]"}, {"$map([\"x\", \"y\"], $string)", "[\"x\", \"y\"]"},
        {"$map(5, function($v, $i, $a){ $a })", "[5]"}, {"$count($filter([1, 2, 3], function($v){ 0/0 }))", "0"},
        {"$filter([0, 1, \"\", \"a\", [], [0], {}, {\"a\": 1}], function($v){ $v })", "[1, \"a\", {\"a\": 1}]"},
        {"$sift({\"a\": 1, \"b\": 0}, function($v){ $v })", "{\"a\": 1}"}, {"$count($sift({\"a\": 1}, function($v){ 0/0 }))", "0"},
        {"$single([1, 2, 3], function($v){ $v = 2 })", "2"}, {"$single([5])", "5"},
        {"$reduce([[1], [2], [3]], $append)", "[1, 2, 3]"}, {"$reduce([1, 2, 3], function($a, $b, $i, $w){ $a + $b + $i + $count($w) })", "15"},
        {"$each({\"a\": 1, \"b\": 2}, function($v, $k, $o){ $k & $v & $count($keys($o)) })", "[\"a12\", \"b22\"]"},
        {"$states.input.arr ~> |$|{\"z\": 1}|", "[[1, 2], [3]]"}, {"[[1, 2], {\"a\": 1}] ~> |$|{\"x\": 1}|", "[[1, 2], {\"a\": 1, \"x\": 1}]"},
        {"[[1, 2]] ~> |$|{\"0\": 9}|", "[[9, 2]]"}, {"[[1, 2]] ~> |$|{}, \"1\"|", "[[1, null]]"},
        {"$states.input.c ~> |e|{\"g\": f * 10}, \"f\"|", "{\"e\": [{\"g\": 10}, {\"g\": 20}]}"},
        {"$string({}, true)", "\"{}\""}, {"$string({\"a\": {}, \"b\": []}, true)", "\"{\\n  \\\"a\\\": {},\\n  \\\"b\\\": []\\n}\""},
        {"$string({\"s\": \"a\\u0001\"})", "\"{\\\"s\\\":\\\"a\\\\u0001\\\"}\""},
        {"$clone({\"b\": 0.1 + 0.2, \"c\": [1, null], \"d\": function(){ 1 }})", "{\"b\": 0.3, \"c\": [1, null], \"d\": \"\"}"},
        {"($clone := function($x){ {\"z\": 1} }; {\"a\": 1} ~> |$|{\"b\": 2}|)", "{\"z\": 1, \"b\": 2}"},
        {"$split(\"a,b\", $states.input.missing, 0)", "[]"},
        {"$string({\"a\": /x/})", "\"{\\\"a\\\":\\\"\\\"}\""}, {"{\"a\": 1} ~> |$uppercase|{\"x\": 1}|", "{\"a\": 1}"},
        {"$map([1, 2], $random) ~> $count()", "2"},
        {"$base64decode(\"aGVsbG8\")", "\"hello\""}, {"$base64decode(\"aGVs=bG8\")", "\"hel\""}, {"$base64decode(\"a.b\")", "\"i\""},
        {"$base64decode(\"\\n\")", "\"\""}, {"$count($match($states.input.missing, /a/, 0.5))", "0"}};
    assertOutputs(input, values);
  }

  /**
   * $fromMillis, $now and $formatInteger format as jsonata-js does (checked against it): an
   * unreadable timezone or a moment past JavaScript's dates gives NaN components and undefined
   * names, the moment is cut to a whole millisecond after the offset is added, weeks are ISO 8601's,
   * a name's width is a maximum only when one is given, and integers of any size are written in
   * JavaScript's digits, letters, roman numerals or words.
   */
  @Test
  void jsonataJsRules_dateTimeAndIntegerFormats() {
    String[][] values = {
        {"$fromMillis(0, \"[,2]\")", "\"undefined\""}, {"$length($fromMillis(0, \"[Y0,0,3000]\"))", "5999"},
        {"$fromMillis(0, \"[Y]-[M01]-[D01]\", \"UTC\")", "\"NaN-NaN-NaN\""},
        {"$fromMillis(0, \"[Z]\", \"UTC\")", "\"0N:aN\""},
        {"$fromMillis(0, \"[D1o] [MNn] [Y]\", \"x\")", "\"NaNth undefined NaN\""},
        {"$fromMillis(1e21, \"[H01]:[m01]\")", "\"NaN:NaN\""},
        {"$fromMillis(-1e-7, \"[H]h[m]\", \"+0100\")", "\"0h59\""},
        {"$fromMillis(-1, \"[w]\")", "\"1\""},
        {"$fromMillis(-1.5, \"[X0001]-W[W01]-[F1]\")", "\"1970-W01-3\""},
        {"$fromMillis(-1, \"[dwo] [xNn]\")", "\"three hundred and sixty-fifth January\""},
        {"$fromMillis(-1, \"[FN,2]\")", "\"WEDNESDAY\""},
        {"$fromMillis(0, \"[FN,*-2] [MNn,3-3]\")", "\"TH Jan\""},
        {"$fromMillis(0, \"[Y] [H]\", \"-0130x\")", "\"1969 21\""},
        {"$fromMillis(0, \"[Z]\", \"+05:30\")", "\"+00:05\""},
        {"$fromMillis(1104537600000, \"[X]-[W] [Y]\")", "\"2004-53 2005\""},
        {"$fromMillis(1104537600000, \"[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]\")", "\"2005-01-01T00:00:00.000Z\""},
        {"$fromMillis(1104537600000, $states.input.missing, \"-0500\")", "\"2004-12-31T19:00:00.000-05:00\""},
        {"$fromMillis(-62135596800000, \"[Y0001] [d] [W]\")", "\"0001 1 1\""},
        {"$fromMillis(1104537600000, \"[h]:[m01] [PN] [z] [C] [E]\", \"+1400\")", "\"2:00 PM GMT+14:00 ISO ISO\""},
        {"$formatInteger(1e21, \"0\")", "\"1e+21\""},
        {"$formatInteger(1e21, \"#,##0\")", "\"1e,+21\""},
        {"$formatInteger(1e15, \"A\")", "\"GBDPXGRZXJL\""},
        {"$formatInteger(1e21, \"w\")", "\"one billion trillion\""},
        {"$formatInteger(7, \"#,##,##0\")", "\",7\""},
        {"$formatNumber(100, \"#,##,###\")", "\"1,0,0\""}, {"$formatNumber(1234567.25, \"#,##,##,###0.0,0,0\")", "\"12,34,567.2,,,5,0\""},
        // millions of grouping separators, placed in one pass (each used to copy the whole text)
        {"$length($fromMillis(0, \"[Y0,0,3000000]\"))", "5999999"}, {"$length($formatNumber(1, $pad(\"\", 20000, \"0,\") & \"0\"))", "20001"},
        {"$formatNumber(-1234567, \"#,##,###\")", "\"-12,34,567\""},
        {"$formatInteger(3999, \"I\")", "\"MMMCMXCIX\""},
        {"$formatInteger(1234, \"Ww;o\")", "\"One Thousand, Two Hundred and Thirty-Fourth\""},
        {"$formatInteger(12, \"١\")", "\"١٢\""},
        {"$formatInteger(-2147483649, \"#,##0\")", "\"-2,147,483,649\""},
        {"$formatInteger(123, \"0;o\")", "\"123rd\""},
        {"$formatInteger(112, \"#0;o\")", "\"112th\""}};
    assertOutputs("{}", values);
    String[][] errors = {
        {"$fromMillis(0, \"[j]\")", " threw an error during evaluation. D3132: Unknown component specifier \"j\" in date/time picture string"},
        {"$fromMillis(0, \"[DN]\")", " threw an error during evaluation. D3133: The 'name' modifier can only be applied to months and days in the date/time picture string, not \"D\""},
        {"$fromMillis(0, \"[Z00000]\")", " threw an error during evaluation. D3134: The timezone integer format specifier cannot have more than four digits"},
        {"$fromMillis(0, \"[Y\")", " threw an error during evaluation. D3135: No matching closing bracket ']' in date/time picture string"},
        {"$formatInteger(5, \"x\")", " threw an error during evaluation. D3130: Formatting or parsing an integer as a sequence starting with \"x\" is not supported by this implementation"},
        {"$fromMillis(0, \"[F]\", \"x\")", " threw an error: Cannot read properties of undefined (reading 'toLowerCase')"},
        {"$fromMillis(0, \"[fN]\")", " threw an error: Cannot read properties of undefined (reading 'primary')"},
        {"$formatInteger(2, $states.input.missing)", " threw an error: Cannot read properties of undefined (reading 'lastIndexOf')"},
        {"$formatNumber(2, $states.input.missing)", " threw an error: Cannot read properties of undefined (reading 'split')"},
        {"$formatInteger(20000000, \"I\")", " threw an error during evaluation: Stack overflow error: Check for non-terminating recursive function. Consider rewriting as tail-recursive."},
        {"$formatInteger(0/0, \"w\")", " threw an error during evaluation: Stack overflow error: Check for non-terminating recursive function. Consider rewriting as tail-recursive."},
        // millions of irregular separators: jsonata-js's copying for each runs into its timeout
        {"$formatNumber(7, $pad(\"\", 6000000, \"#,\") & \"##0\")", " threw an error during evaluation: Expression evaluation timeout: Check for infinite loop"}};
    assertCauses("{}", "", errors);
  }

  /**
   * $toMillis with a picture and $parseInteger read as jsonata-js does (checked against it): the
   * whole text must match the picture, case aside (else nothing); the date is Date.UTC's of the
   * components, rolling over and taking years 0 to 99 as 1900s; a gap among the components, or a
   * week date, is D3136; named integer formats are read digit by digit or word by word.
   */
  @Test
  void jsonataJsRules_dateTimeAndIntegerParsing() {
    String[][] values = {
        {"$toMillis(\"2020-01-01 +01:00\", \"[Y]-[M]-[D] [Z01.01]\")", "1577836800000"},
        {"$toMillis(\"2{-1,2}\", \"[Y###0,*-2]\")", "-2145916800000"},
        {"$toMillis(\"2020(06)01\", \"[Y]([M])[D]\")", "1590969600000"},
        {"$parseInteger(\"one\\u00a0hundred\", \"w\")", "100"},
        {"$toMillis(\"30/02/2024\", \"[D01]/[M01]/[Y0001]\")", "1709251200000"},
        {"$toMillis(\"1/6/24\", \"[D]/[M]/[Y01]\")", "-1438560000000"},
        {"$toMillis(\"twenty twenty-four\", \"[Yw]\")", "-820540800000"},
        {"$toMillis(\"2024-153\", \"[Y]-[d]\")", "1717200000000"},
        {"$toMillis(\"2024-06-01T12:30:45+05:30\", \"[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01][Z01:01]\")", "1717225245000"},
        {"$exists($toMillis(\"2024-06-01T12:30:45 GMT-0500\", \"[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01] [z]\"))", "false"},
        {"$toMillis(\"Saturday, 1st June 2024\", \"[FNn], [D1o] [MNn] [Y]\")", "1717200000000"},
        {"$toMillis(\"2024-06-01 12:30:45.5\", \"[Y]-[M]-[D] [H]:[m]:[s].[f]\")", "1717245045005"},
        {"$exists($toMillis(\"xyz\", \"[Y0001]\"))", "false"},
        {"$exists($toMillis(\"2024-06-01\", \"[Y0001]-[M01]-[D01]T[H01]\"))", "false"},
        {"$parseInteger(\"MMXXIV\", \"I\")", "2024"},
        {"$parseInteger(\"twelve thousand, three hundred and forty-five\", \"w\")", "12345"},
        {"$parseInteger(\"ab\", \"a\")", "28"},
        {"$parseInteger(\"MXQ\", \"I\")", "\"NaN\""},
        {"$parseInteger(\"one zillion\", \"w\")", "\"NaN\""}};
    assertOutputs("{}", values);
    String[][] errors = {
        {"$toMillis(\"2020-January-01\", \"[Y]-[MNn,1--1]-[D]\")", "D3136: The date/time picture string is missing specifiers required to parse the timestamp"},
        {"$toMillis(\"sat 1 jun 2024 10:05 pm\", \"[FNn,3-3] [D] [MNn,3-3] [Y] [h]:[m01] [P]\")", "D3136: The date/time picture string is missing specifiers required to parse the timestamp"},
        {"$toMillis(\"JUNE 1, 2024\", \"[MN] [D], [Y]\")", "D3136: The date/time picture string is missing specifiers required to parse the timestamp"},
        {"$toMillis(\"2024-W22-6\", \"[X0001]-W[W01]-[F1]\")", "D3136: The date/time picture string is missing specifiers required to parse the timestamp"},
        {"$toMillis(\"2024 12\", \"[Y] [H]\")", "D3136: The date/time picture string is missing specifiers required to parse the timestamp"},
        {"$toMillis(\"2024\", \"[Y] [C]\")", "D3133: The 'name' modifier can only be applied to months and days in the date/time picture string, not \"C\""},
        {"$parseInteger(\"5\", \"x\")", "D3130: Formatting or parsing an integer as a sequence starting with \"x\" is not supported by this implementation"}};
    assertCauses("{}", " threw an error during evaluation. ", errors);
  }

  /** Each expression, a Pass state's Output over {@code input}, gives the JSON beside it. */
  private static void assertOutputs(String input, String[][] cases) {
    for (String[] c : cases) {
      var r = Harness.run(jsonata("\"A\":{\"Type\":\"Pass\",\"Output\":" + Json.write(TextNode.valueOf("{% " + c[0] + " %}")) + ",\"End\":true}"), input);
      assertThat(r.outcome()).as(c[0]).isInstanceOf(Outcome.Succeeded.class);
      assertThat(r.output()).as(c[0]).isEqualTo(json(c[1]));
    }
  }

  /** Each expression, a Pass state's Output over {@code input}, fails with a cause ending in {@code prefix} and the text beside it. */
  private static void assertCauses(String input, String prefix, String[][] cases) {
    for (String[] c : cases) {
      var r = Harness.run(jsonata("\"A\":{\"Type\":\"Pass\",\"Output\":" + Json.write(TextNode.valueOf("{% " + c[0] + " %}")) + ",\"End\":true}"), input);
      assertThat(r.outcome()).as(c[0]).isInstanceOf(Outcome.Failed.class);
      assertThat(r.failure().cause()).as(c[0]).endsWith(prefix + c[1]);
    }
  }

  /** $random with a seed is java.util.Random's first double, as AWS answers (0.7275636800328681 for 42). */
  @Test
  void seededRandom_isJavaRandomsFirstDouble() {
    var r = Harness.run(jsonata("\"A\":{\"Type\":\"Pass\",\"Output\":\"{% $random(42) %}\",\"End\":true}"), "{}");
    assertThat(r.output().doubleValue()).isEqualTo(0.7275636800328681);
  }

  @Test
  void rootContextReference_isUnsupported() {
    assertThatThrownBy(() -> CompiledDefinition.compile(jsonata("\"A\":{\"Type\":\"Pass\",\"Output\":\"{% $$.x %}\",\"End\":true}")))
        .hasMessageContaining("UNSUPPORTED_JSONATA_EXPRESSION: Reference to '$$' is not supported. at /States/A/Output");
  }

  /**
   * $states.errorOutput exists in a Catcher's Output and Assign only; anywhere else a new definition
   * is refused at the expression (a stored one still compiles). A string literal naming it is text.
   */
  @Test
  void errorOutputOutsideACatcher_isRefusedForNewDefinitions() throws InvalidDefinitionException {
    String outside = "{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"E\",\"States\":{\"E\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::lambda:invoke\","
        + "\"Arguments\":{\"FunctionName\":\"f\",\"Payload\":[\"{% $states.errorOutput %}\"]},\"Output\":\"{% $states . errorOutput.Cause %}\","
        + "\"Assign\":{\"t\":\"{% '$states.errorOutput' %}\"},"
        + "\"Catch\":[{\"ErrorEquals\":[\"States.ALL\"],\"Output\":\"{% $states.errorOutput %}\",\"Assign\":{\"e\":\"{% $states.errorOutput.Error %}\"},\"Next\":\"F\"}],\"End\":true},"
        + "\"F\":{\"Type\":\"Pass\",\"Output\":{\"v\":\"{% $states.errorOutput %}\"},\"End\":true}}}";
    assertThat(CompiledDefinition.validate(outside)).extracting(p -> p.code() + " " + p.location() + " " + p.message()).containsExactlyInAnyOrder(
        "UNSUPPORTED_JSONATA_EXPRESSION /States/E/Arguments/Payload/0 Field '$states.errorOutput' does not exist.",
        "UNSUPPORTED_JSONATA_EXPRESSION /States/E/Output Field '$states.errorOutput' does not exist.",
        "UNSUPPORTED_JSONATA_EXPRESSION /States/F/Output/v Field '$states.errorOutput' does not exist.");
    CompiledDefinition.compile(outside);
  }

  /** A parse error is INVALID_JSONATA_EXPRESSION with jsonata-js's message, its values as JSON (a number unquoted). */
  @Test
  void parseErrors_areJsonataJsMessages() {
    String[][] cases = {
        {"[1 2]", "Expected \"]\", got 2"}, {"1)", "Syntax error: \")\""}, {".a", "The symbol \".\" cannot be used as a unary operator"},
        {"1 +", "Unexpected end of expression"}, {"1.e5", "The literal value 1 cannot be used as a step within a path expression"},
        {"%.a", "The object representing the 'parent' cannot be derived from this expression"}, {"[1, 2,", "Expected \"]\" before end of expression"}};
    for (String[] c : cases) {
      String def = jsonata("\"A\":{\"Type\":\"Pass\",\"Output\":{\"v\":\"{% " + c[0] + " %}\"},\"End\":true}");
      assertThat(CompiledDefinition.validate(def)).as(c[0]).extracting(p -> p.code() + " " + p.location() + " " + p.message())
          .containsExactly("INVALID_JSONATA_EXPRESSION /States/A/Output/v " + c[1]);
    }
  }

  @Test
  void bareFieldReferences_areRefusedAtCreation_butPathsFromStatesAreNot() {
    assertThatThrownBy(() -> CompiledDefinition.compile(jsonata("\"A\":{\"Type\":\"Pass\",\"Output\":{\"v\":\"{% phone %}\"},\"End\":true}")))
        .hasMessage("Invalid State Machine Definition: 'UNSUPPORTED_JSONATA_EXPRESSION: Reference to 'phone' at the top level is not supported. at /States/A/Output/v'");
    Harness.compile(jsonata("\"A\":{\"Type\":\"Pass\",\"Output\":\"{% $states.input.items[value > 3].{'k': name} %}\",\"End\":true}"));
  }

  /** A field that takes a string (a Fail's Error and Cause) refuses any other JSONata result, naming expression and field. */
  @Test
  void failErrorAndCause_mustBeStrings() {
    var ok = Harness.run(jsonata("\"A\":{\"Type\":\"Fail\",\"Error\":\"{% 'E' & $string($states.input.n) %}\",\"Cause\":\"{% 'c' %}\"}"), "{\"n\":1}");
    assertThat(ok.failure().error()).isEqualTo("E1");
    for (String[] c : new String[][] {{"Error", "{% $states.input.n %}", "number", "1"}, {"Cause", "{% [1] %}", "array", "[1]"},
        {"Error", "{% null %}", "null", "null"}, {"Cause", "{% {'a': true} %}", "object", "{\"a\":true}"}}) {
      var r = Harness.run(jsonata("\"A\":{\"Type\":\"Fail\",\"" + c[0] + "\":\"" + c[1] + "\"}"), "{\"n\":1}");
      assertThat(r.failure().error()).isEqualTo("States.QueryEvaluationError");
      assertThat(r.failure().cause()).endsWith("The JSONata expression '" + c[1].substring(2, c[1].length() - 2).trim()
          + "' specified for the field '" + c[0] + "' returned an unexpected result type. Expected 'string', but was '" + c[2]
          + "' for value: " + c[3]);
    }
  }

  /**
   * A regular expression literal is a JavaScript regular expression (AWS evaluates JSONata in
   * JavaScript, without the u flag): a brace that makes no quantifier is a literal character,
   * [^] any character, [] none, and in a class [ and && are literal characters. JSONata itself
   * ends a literal at the first / outside balanced brackets, so only balanced forms reach it.
   * Without the m flag, $ matches at the very end only.
   */
  @Test
  void regexLiterals_readAsJavaScriptReadsThem() {
    String def = jsonata("""
        "A":{"Type":"Pass","Output":{
          "braces":"{% $match($states.input.s, /{{\\\\w+}}/).match %}",
          "openBrace":"{% $contains('a{b}', /a{b}/) %}",
          "emptyBraces":"{% $contains('{}', /^{}$/) %}",
          "quantifier":"{% $contains('aaa', /^a{2,3}$/) %}",
          "notQuantifier":"{% $contains('a{2,x}', /a{2,x}/) %}",
          "anyChar":"{% $count($match('a\\\\nb', /[^]/)) %}",
          "nothing":"{% $contains('abc', /[]/) %}",
          "bracketInClass":"{% $replace('a[]c', /[[]]/, '') %}",
          "ampersands":"{% $replace('a&&b', /[&&]/, '') %}",
          "division":"{% ($x := 8; $x / 2 / 2) %}",
          "endOnly":"{% [$contains('a\\n', /^a$/), $contains('a\\nb', /^a$/m), $contains('a$', /a[$]/)] %}",
          "slashInString":"{% '/{not a regex}/' %}",
          "afterWildcard":"{% $states.input.p.* / $states.input.q / 2 %}",
          "nameOfAnyCharacters":"{% ($a€ := 10; $a€ / 2 + 4 / 2) %}",
          "braceInClass":"{% $contains('{}', /[{]}/) %}",
          "slashInBraces":"{% $contains('a{/}', /a{/}/) %}",
          "afterKeyword":"{% true and $contains('b{}', /b{}/) %}"
        },"End":true}
        """);
    var r = Harness.run(def, "{\"s\":\"Hello {{name}}!\",\"p\":{\"v\":8},\"q\":4}");
    assertThat(r.output()).isEqualTo(json("""
        {"braces":"{{name}}","openBrace":true,"emptyBraces":true,"quantifier":true,"notQuantifier":true,"anyChar":3,
         "nothing":false,"bracketInClass":"ac","ampersands":"ab","division":2,"endOnly":[false,true,true],"slashInString":"/{not a regex}/",
         "afterWildcard":1,"nameOfAnyCharacters":7,"braceInClass":true,"slashInBraces":true,"afterKeyword":true}
        """));
  }

  @Test
  void regexLiterals_thatJavaScriptRefuses_areRefusedAtCreateTime() {
    for (String regex : new String[] {"/a{/", "/[[]/", "/(a/"}) {
      assertThatThrownBy(() -> CompiledDefinition.compile(jsonata(
          "\"A\":{\"Type\":\"Pass\",\"Output\":\"{% $contains('x', " + regex + ") %}\",\"End\":true}")))
          .as(regex).isInstanceOf(InvalidDefinitionException.class).hasMessageContaining("INVALID_JSONATA_EXPRESSION");
    }
  }

  /**
   * Escapes, the dot, white space and case in a regex literal as JavaScript (without the u flag)
   * reads them: a letter JavaScript gives no meaning is the letter (\a is "a", not BEL), \v one
   * vertical tab, \s Unicode spaces too, . everything but line breaks (LF, CR, LS, PS; not NEL),
   * the x and u escapes without their digits the letter, \0 NUL, [\b] a backspace, and with i
   * case compared as Unicode.
   * Every expected value is what jsonata-js 2.0.6 gives.
   */
  @Test
  void regexLiterals_escapesDotSpaceAndCase_asJavaScriptReadsThem() throws Exception {
    java.util.Map<String, String> exprs = new java.util.LinkedHashMap<>();
    exprs.put("letterEscapes", "[$contains('a', /^\\a$/), $contains('e', /^\\e$/), $contains('h', /^\\h$/), $contains('z', /^\\z$/), $contains('p', /\\p/)]");
    exprs.put("verticalTab", "[$contains('\\u000B', /\\v/), $contains('\\n', /\\v/)]");
    exprs.put("unicodeSpace", "[$contains('a\\u00A0b', /a\\sb/), $contains('a\\u00A0b', /a[\\s]b/), $contains('a\\u00A0b', /a\\Sb/), $contains('a\\u2003b', /a[^\\s]b/)]");
    exprs.put("dotNel", "$contains('\\u0085', /^.$/)");
    exprs.put("hexWithoutDigits", "[$contains('x', /^\\x$/), $contains('A', /^\\x41$/), $contains('u', /^\\u$/), $contains('A', /^\\u0041$/)]");
    exprs.put("nul", "$contains('\\u0000', /\\0/)");
    exprs.put("backspaceInClass", "$contains('\\b', /[\\b]/)");
    exprs.put("kWithoutName", "$contains('k', /^\\k$/)");
    exprs.put("unicodeCase", "[$contains('\u00C9', /\u00E9/i), $contains('\u00C9', /\u00E9/)]");
    exprs.put("wordsDigits", "[$contains('a_1', /^\\w+$/), $contains('12', /^\\d+$/), $contains('a b', /a\\b b/)]");
    var output = io.stepwise.asl.path.Json.NODES.objectNode();
    exprs.forEach((k, v) -> output.put(k, "{% " + v + " %}"));
    var state = io.stepwise.asl.path.Json.NODES.objectNode().put("Type", "Pass").put("End", true);
    state.set("Output", output);
    var def = io.stepwise.asl.path.Json.NODES.objectNode().put("QueryLanguage", "JSONata").put("StartAt", "A");
    def.putObject("States").set("A", state);
    var r = Harness.run(io.stepwise.asl.path.Json.MAPPER.writeValueAsString(def), "{}");
    assertThat(r.output()).isEqualTo(json("""
        {"letterEscapes":[true,true,true,true,true],"verticalTab":[true,false],"unicodeSpace":[true,true,false,false],
         "dotNel":true,"hexWithoutDigits":[true,true,true,true],"nul":true,"backspaceInClass":true,"kWithoutName":true,
         "unicodeCase":[true,false],"wordsDigits":[true,true,true]}
        """));
  }
}
