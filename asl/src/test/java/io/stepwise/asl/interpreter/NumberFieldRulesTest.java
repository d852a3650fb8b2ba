package io.stepwise.asl.interpreter;

import static io.stepwise.asl.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.asl.Harness;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * One rule for every number a field reads at run time (NumberFields), written from AWS's
 * documented behaviour: a ...Path value is read by its text as Java reads a long (or a float for
 * percentages), a path that matches nothing is "Invalid path", a JSONata result of the wrong type
 * is a States.QueryEvaluationError, and each field's range has its own message.
 */
class NumberFieldRulesTest {
  static final String PREFIX = "An error occurred while executing the state 'M' (entered at the event id #2). ";

  static String map(String field, String value) {
    return "{\"StartAt\":\"M\",\"States\":{\"M\":{\"Type\":\"Map\",\"ItemsPath\":\"$.items\"," + field + ":" + value + ","
        + "\"ItemProcessor\":{\"ProcessorConfig\":{\"Mode\":\"DISTRIBUTED\",\"ExecutionType\":\"STANDARD\"},"
        + "\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}},\"End\":true}}}";
  }

  static String inline(String field, String value) {
    return "{\"StartAt\":\"M\",\"States\":{\"M\":{\"Type\":\"Map\",\"ItemsPath\":\"$.items\"," + field + ":" + value + ","
        + "\"ItemProcessor\":{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}},\"End\":true}}}";
  }

  /** Integers are read as Java reads a long from the value's text: a numeric string is one, 1.5, 2.0 and true are not. */
  @ParameterizedTest(name = "MaxConcurrencyPath -> {0}")
  @CsvSource(delimiter = '|', value = {
      "3 | ",
      "\"3\" | ",
      "0 | ",
      "1.5 | The MaxConcurrencyPath field refers to value \"1.5\" which is not a valid integer: $.mc",
      "2.0 | The MaxConcurrencyPath field refers to value \"2.0\" which is not a valid integer: $.mc",
      "\"NoNumber\" | The MaxConcurrencyPath field refers to value \"NoNumber\" which is not a valid integer: $.mc",
      "{} | The MaxConcurrencyPath field refers to value \"{}\" which is not a valid integer: $.mc",
      "true | The MaxConcurrencyPath field refers to value \"true\" which is not a valid integer: $.mc",
      "-1 | Expected non-negative integer for MaxConcurrency, got '-1' instead."})
  void maxConcurrencyPath(String value, String cause) {
    Harness.Result r = Harness.run(inline("\"MaxConcurrencyPath\"", "\"$.mc\""), "{\"items\":[1,2],\"mc\":" + value + "}");
    if (cause == null) {
      assertThat(r.output()).isEqualTo(json("[1,2]"));
    } else {
      assertThat(r.failure().error()).isEqualTo("States.Runtime");
      assertThat(r.failure().cause()).isEqualTo(PREFIX + cause);
      // MaxConcurrency is read before the state starts
      assertThat(r.types()).doesNotContain("MapStateStarted");
    }
  }

  @Test
  void aPathThatMatchesNothing_isAnInvalidPath_forEveryNumberField() {
    for (String field : new String[] {"MaxConcurrencyPath", "ToleratedFailureCountPath", "ToleratedFailurePercentagePath"}) {
      Harness.Result r = Harness.run(map("\"" + field + "\"", "\"$.absent.n\""), "{\"items\":[1]}");
      assertThat(Harness.run(map("\"" + field + "\"", "\"$.v.n\""), "{\"items\":[1],\"v\":{}}").failure().cause())
          .as(field).isEqualTo(PREFIX + "Invalid path '$.v.n' : No results for path: $['v']['n']");
      assertThat(r.failure().cause()).as(field).isEqualTo(PREFIX + "Invalid path '$.absent.n' : Missing property in path $['absent']");
    }
    Harness.Result t = Harness.run("{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::lambda:invoke\","
        + "\"TimeoutSecondsPath\":\"$.t\",\"End\":true}}}", "{}");
    assertThat(t.failure().cause()).endsWith("Invalid path '$.t' : No results for path: $['t']");
  }

  /** Counts are integers and not negative; percentages are floats from 0 to 100; both are read after MapStateStarted. */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "ToleratedFailureCountPath | 2 | ",
      "ToleratedFailureCountPath | \"2\" | ",
      "ToleratedFailureCountPath | 1.5 | The ToleratedFailureCountPath field refers to value \"1.5\" which is not a valid integer: $.v",
      "ToleratedFailureCountPath | -1 | ToleratedFailureCount cannot be negative.",
      "ToleratedFailurePercentagePath | 12.5 | ",
      "ToleratedFailurePercentagePath | \"12.5\" | ",
      "ToleratedFailurePercentagePath | 100 | ",
      "ToleratedFailurePercentagePath | \"x\" | The ToleratedFailurePercentagePath field refers to value \"x\" which is not a valid float: $.v",
      "ToleratedFailurePercentagePath | [1] | The ToleratedFailurePercentagePath field refers to value \"[1]\" which is not a valid float: $.v",
      "ToleratedFailurePercentagePath | 100.1 | ToleratedFailurePercentage must be between 0 and 100.",
      "ToleratedFailurePercentagePath | -0.5 | ToleratedFailurePercentage must be between 0 and 100."})
  void tolerances(String field, String value, String cause) {
    Harness.Result r = Harness.run(inline("\"" + field + "\"", "\"$.v\""), "{\"items\":[1],\"v\":" + value + "}");
    if (cause == null) {
      assertThat(r.output()).isEqualTo(json("[1]"));
    } else {
      assertThat(r.failure().cause()).isEqualTo(PREFIX + cause);
      assertThat(r.types()).contains("MapStateStarted");
    }
  }

  static final Function<io.stepwise.asl.interpreter.Effect.ScheduleTask, Signal> ECHO =
      t -> new Signal.TaskSucceeded(t.id(), json("{}"));

  @Test
  void taskTimeouts_fromPaths_areRecordedAsRead_andMustBePositive() {
    String def = "{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::lambda:invoke\","
        + "\"TimeoutSecondsPath\":\"$.t\",\"HeartbeatSecondsPath\":\"$.h\",\"End\":true}}}";
    Harness.Result ok = Harness.run(def, "{\"t\":\"30\",\"h\":5}", ECHO);
    assertThat(ok.event("TaskScheduled").details().get("taskScheduledEventDetails").get("timeoutInSeconds").asInt()).isEqualTo(30);
    assertThat(ok.event("TaskScheduled").details().get("taskScheduledEventDetails").get("heartbeatInSeconds").asInt()).isEqualTo(5);
    Harness.Result zero = Harness.run(def, "{\"t\":0,\"h\":5}", ECHO);
    assertThat(zero.failure().cause()).endsWith("The TimeoutSeconds field refers to value \"0\" which is not a valid positive integer");
    Harness.Result text = Harness.run(def, "{\"t\":30,\"h\":\"soon\"}", ECHO);
    assertThat(text.failure().cause()).endsWith("The HeartbeatSecondsPath field refers to value \"soon\" which is not a valid integer: $.h");
  }

  /** SecondsPath reads its value the same way: by its text, as a long. */
  @ParameterizedTest(name = "SecondsPath -> {0}")
  @CsvSource(delimiter = '|', value = {
      "5 | ",
      "\"5\" | ",
      "2.0 | The SecondsPath parameter cannot be parsed as a long value: $.s == 2.0",
      "-1.5 | The SecondsPath parameter cannot be parsed as a long value: $.s == -1.5",
      "true | The SecondsPath parameter cannot be parsed as a long value: $.s == true",
      "-1 | The SecondsPath parameter references a negative value: $.s == -1"})
  void secondsPath(String value, String cause) {
    Harness.Result r = Harness.run("{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Wait\",\"SecondsPath\":\"$.s\",\"End\":true}}}",
        "{\"s\":" + value + "}");
    if (cause == null) {
      assertThat(r.end()).isEqualTo(Harness.T0.plusSeconds(5));
    } else {
      assertThat(r.failure().cause()).endsWith(cause);
    }
  }

  /**
   * A JSONata TimeoutSeconds or HeartbeatSeconds: a number, then an integer, then from 0 to 99999999,
   * each a query evaluation error in AWS's words (tiny-asl-machine's recorded AWS results); a
   * fraction for any integer field is refused the same way.
   */
  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(delimiter = '|', value = {
      "TimeoutSeconds | $string(3) | The JSONata expression '$string(3)' specified for the field 'TimeoutSeconds' returned an unexpected result type. Expected 'number', but was 'string' for value: \"3\"",
      "TimeoutSeconds | 1.6 | The TimeoutSeconds field cannot be parsed as an integer: 1.6",
      "TimeoutSeconds | -1 | TimeoutSeconds must be between 0 and 99999999 but was: -1",
      "TimeoutSeconds | 100000000 | TimeoutSeconds must be between 0 and 99999999 but was: 100000000",
      "HeartbeatSeconds | 2.5 | The HeartbeatSeconds field cannot be parsed as an integer: 2.5",
      "HeartbeatSeconds | -5 | HeartbeatSeconds must be between 0 and 99999999 but was: -5"})
  void jsonataTaskSeconds(String field, String expr, String tail) {
    String def = "{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::lambda:invoke\",\""
        + field + "\":\"{% " + expr + " %}\",\"End\":true}}}";
    Harness.Result r = Harness.run(def, "{}");
    assertThat(r.failure().error()).isEqualTo("States.QueryEvaluationError");
    assertThat(r.failure().cause()).isEqualTo("An error occurred while executing the state 'T' (entered at the event id #2). " + tail);
  }

  /** A fraction for any JSONata integer field is refused with the same words; a JSONata timeout of 0 is in AWS's range. */
  @Test
  void jsonataIntegers_refuseFractions_andTimeoutsStartAtZero() {
    String map = "{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"M\",\"States\":{\"M\":{\"Type\":\"Map\",\"MaxConcurrency\":\"{% 1.5 %}\","
        + "\"ItemProcessor\":{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}},\"End\":true}}}";
    assertThat(Harness.run(map, "[1]").failure().cause()).endsWith("The MaxConcurrency field cannot be parsed as an integer: 1.5");
    String task = "{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::lambda:invoke\","
        + "\"TimeoutSeconds\":\"{% 0 %}\",\"End\":true}}}";
    Harness.Result zero = Harness.run(task, "{}");
    assertThat(zero.failure() == null ? "" : zero.failure().error() + " " + zero.failure().cause()).doesNotContain("TimeoutSeconds");
  }

  /** A JSONata result of the wrong type is a query evaluation error naming the expression and the field. */
  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(delimiter = '|', value = {
      "MaxConcurrency | {% 'two' %} | Expected 'number', but was 'string' for value: \"two\"",
      "ToleratedFailureCount | {% [1] %} | Expected 'number', but was 'array' for value: [1]",
      "ToleratedFailurePercentage | {% true %} | Expected 'number', but was 'boolean' for value: true"})
  void jsonataNumbers_ofTheWrongType(String field, String expr, String tail) {
    String def = "{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"M\",\"States\":{\"M\":{\"Type\":\"Map\",\"Items\":\"{% $states.input.items %}\",\""
        + field + "\":\"" + expr + "\",\"ItemProcessor\":{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}},\"End\":true}}}";
    Harness.Result r = Harness.run(def, "{\"items\":[1]}");
    assertThat(r.failure().error()).isEqualTo("States.QueryEvaluationError");
    String body = expr.substring(2, expr.length() - 2).trim();
    assertThat(r.failure().cause()).isEqualTo(PREFIX + "The JSONata expression '" + body + "' specified for the field '" + field
        + "' returned an unexpected result type. " + tail);
  }
  /**
   * A JSONata value out of a field's range is a States.QueryEvaluationError, which a Catch may take:
   * the developer guide says so of every JSONata value out of a field's range ("Value out of range",
   * transforming-data.html); the words are the field's own. From a path, the same value stays the
   * field's own error (States.Runtime).
   */
  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(delimiter = '|', value = {
      "MaxConcurrency | {% -1 %} | Expected non-negative integer for MaxConcurrency, got '-1' instead.",
      "ToleratedFailureCount | {% -2 %} | ToleratedFailureCount cannot be negative.",
      "ToleratedFailurePercentage | {% 100.5 %} | ToleratedFailurePercentage must be between 0 and 100.",
      "ToleratedFailurePercentage | {% -1 %} | ToleratedFailurePercentage must be between 0 and 100."})
  void jsonataNumbers_outOfRange_areQueryEvaluationErrors(String field, String expr, String words) {
    String def = "{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"M\",\"States\":{\"M\":{\"Type\":\"Map\",\"Items\":\"{% $states.input.items %}\",\""
        + field + "\":\"" + expr + "\",\"ItemProcessor\":{\"ProcessorConfig\":{\"Mode\":\"DISTRIBUTED\",\"ExecutionType\":\"STANDARD\"},"
        + "\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}},"
        + "\"Catch\":[{\"ErrorEquals\":[\"States.QueryEvaluationError\"],\"Output\":\"{% $states.errorOutput %}\",\"Next\":\"C\"}],\"End\":true},"
        + "\"C\":{\"Type\":\"Pass\",\"End\":true}}}";
    Harness.Result r = Harness.run(def, "{\"items\":[1]}");
    assertThat(r.output().get("Error").textValue()).isEqualTo("States.QueryEvaluationError");
    assertThat(r.output().get("Cause").textValue()).isEqualTo(PREFIX + words);
    // the same value from a path is the field's own error
    Harness.Result path = Harness.run(map("\"" + field + "Path\"", "\"$.v\""), "{\"items\":[1],\"v\":" + expr.substring(2, expr.length() - 2).trim() + "}");
    assertThat(path.failure().error()).isEqualTo("States.Runtime");
  }
}
