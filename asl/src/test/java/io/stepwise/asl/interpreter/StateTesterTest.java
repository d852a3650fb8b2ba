package io.stepwise.asl.interpreter;

import static io.stepwise.asl.Harness.CTX;
import static io.stepwise.asl.Harness.T0;
import static io.stepwise.asl.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.Harness;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * TestState's rules for one state: the data-flow stages it records, SUCCEEDED with the next
 * state, FAILED, RETRIABLE (retrier index and back-off after {@code retrierRetryCount} attempts),
 * CAUGHT_ERROR (catcher index, its output and next state), mocks standing for a Task's answer
 * and for all of a Map's iterations, caller-given variables and context.
 */
class StateTesterTest {
  static final String LAMBDA = "arn:aws:states:::lambda:invoke";

  private static StateTester.Outcome test(String machine, String state, String input, StateTester.Options o) {
    return StateTester.test(Harness.compile(machine), state, CTX, json(input), o,
        t -> new Signal.TaskFailed(t.id(), "States.TaskFailed", "no integration"), T0);
  }

  private static StateTester.Options mock(String result) {
    return new StateTester.Options(null, null, new StateTester.Mock(json(result), null, null), 0, null);
  }

  private static StateTester.Options error(String error, int retries) {
    return new StateTester.Options(null, null, new StateTester.Mock(null, error, "mocked"), retries, null);
  }

  private static final StateTester.Options PLAIN = new StateTester.Options(null, null, null, 0, null);

  private static String data(StateTester.Outcome o, String field) {
    JsonNode v = o.inspectionData().get(field);
    return v == null ? null : v.asText();
  }

  @Test
  void aPass_recordsEachStage_andNamesItsNextState() {
    String def = "{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"InputPath\":\"$.a\","
        + "\"Parameters\":{\"x.$\":\"$.b\"},\"ResultPath\":\"$.r\",\"OutputPath\":\"$.r\",\"Next\":\"Q\"},"
        + "\"Q\":{\"Type\":\"Succeed\"}}}";
    StateTester.Outcome o = test(def, "P", "{\"a\":{\"b\":2}}", PLAIN);
    assertThat(o.status()).isEqualTo("SUCCEEDED");
    assertThat(o.nextState()).isEqualTo("Q");
    assertThat(o.output()).isEqualTo(json("{\"x\":2}"));
    assertThat(data(o, "input")).isEqualTo("{\"a\":{\"b\":2}}");
    assertThat(data(o, "afterInputPath")).isEqualTo("{\"b\":2}");
    assertThat(data(o, "afterParameters")).isEqualTo("{\"x\":2}");
    assertThat(data(o, "afterResultPath")).as("ResultPath merges into the raw input").isEqualTo("{\"a\":{\"b\":2},\"r\":{\"x\":2}}");
  }

  @Test
  void aMockedTask_goesThroughResultSelectorAndResultPath() {
    String def = "{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"" + LAMBDA + "\","
        + "\"Parameters\":{\"FunctionName\":\"f\",\"Payload.$\":\"$\"},\"ResultSelector\":{\"v.$\":\"$.Payload\"},"
        + "\"ResultPath\":\"$.out\",\"End\":true}}}";
    StateTester.Outcome o = test(def, "T", "{\"k\":1}", mock("{\"Payload\":7,\"StatusCode\":200}"));
    assertThat(o.status()).isEqualTo("SUCCEEDED");
    assertThat(o.nextState()).isNull();
    assertThat(o.output()).isEqualTo(json("{\"k\":1,\"out\":{\"v\":7}}"));
    assertThat(data(o, "afterParameters")).isEqualTo("{\"FunctionName\":\"f\",\"Payload\":{\"k\":1}}");
    assertThat(data(o, "result")).isEqualTo("{\"Payload\":7,\"StatusCode\":200}");
    assertThat(data(o, "afterResultSelector")).isEqualTo("{\"v\":7}");
  }

  @Test
  void aMockedError_isRetriable_untilItsRetrierHasNoAttemptsLeft_thenCaught() {
    String def = "{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"" + LAMBDA + "\","
        + "\"Retry\":[{\"ErrorEquals\":[\"Other\"]},{\"ErrorEquals\":[\"Boom\"],\"IntervalSeconds\":1,\"MaxAttempts\":5,\"BackoffRate\":2}],"
        + "\"Catch\":[{\"ErrorEquals\":[\"Nope\"],\"Next\":\"X\"},{\"ErrorEquals\":[\"States.ALL\"],\"ResultPath\":\"$.err\",\"Next\":\"Y\"}],"
        + "\"End\":true},\"X\":{\"Type\":\"Succeed\"},\"Y\":{\"Type\":\"Succeed\"}}}";
    StateTester.Outcome retry = test(def, "T", "{\"k\":1}", error("Boom", 4));
    assertThat(retry.status()).isEqualTo("RETRIABLE");
    assertThat(retry.error()).isEqualTo("Boom");
    assertThat(retry.output()).isNull();
    assertThat(retry.inspectionData().get("errorDetails")).isEqualTo(json(
        "{\"retryIndex\":1,\"retryBackoffIntervalSeconds\":16}"));

    StateTester.Outcome caught = test(def, "T", "{\"k\":1}", error("Boom", 5));
    assertThat(caught.status()).isEqualTo("CAUGHT_ERROR");
    assertThat(caught.nextState()).isEqualTo("Y");
    assertThat(caught.error()).isEqualTo("Boom");
    assertThat(caught.cause()).isEqualTo("mocked");
    assertThat(caught.output()).isEqualTo(json("{\"k\":1,\"err\":{\"Error\":\"Boom\",\"Cause\":\"mocked\"}}"));
    assertThat(caught.inspectionData().get("errorDetails")).isEqualTo(json("{\"retryIndex\":1,\"catchIndex\":1}"));

    String noCatch = "{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"" + LAMBDA + "\",\"End\":true}}}";
    StateTester.Outcome failed = test(noCatch, "T", "{}", error("Boom", 0));
    assertThat(failed.status()).isEqualTo("FAILED");
    assertThat(failed.error()).isEqualTo("Boom");
    assertThat(failed.output()).isNull();
  }

  /**
   * A mocked Distributed Map with an ItemReader and the reader's data: the items are what the
   * reader reads from that data (not the input's), handed the ItemReader as the state evaluates
   * it; an ItemsPointer's array is shown; ItemSelector and ItemBatcher work on those items; a
   * reader that cannot read fails the state with its error, which Catch takes.
   */
  @Test
  void aMockedMapWithItemReaderData_takesItsItemsFromTheReader() {
    String def = "{\"StartAt\":\"M\",\"States\":{\"M\":{\"Type\":\"Map\",\"ItemsPath\":\"$.ignored\","
        + "\"ItemReader\":{\"Resource\":\"arn:aws:states:::s3:getObject\",\"Parameters\":{\"Bucket\":\"b\",\"Key.$\":\"$.key\"},"
        + "\"ReaderConfig\":{\"InputType\":\"JSON\",\"ItemsPointer\":\"/rows\",\"MaxItemsPath\":\"$.max\"}},"
        + "\"ItemSelector\":{\"v.$\":\"$$.Map.Item.Value\"},\"ItemBatcher\":{\"MaxItemsPerBatch\":2},"
        + "\"ItemProcessor\":{\"ProcessorConfig\":{\"Mode\":\"DISTRIBUTED\",\"ExecutionType\":\"STANDARD\"},"
        + "\"StartAt\":\"Work\",\"States\":{\"Work\":{\"Type\":\"Pass\",\"End\":true}}},"
        + "\"Catch\":[{\"ErrorEquals\":[\"States.ItemReaderFailed\"],\"Next\":\"Handled\"}],\"End\":true},"
        + "\"Handled\":{\"Type\":\"Succeed\"}}}";
    com.fasterxml.jackson.databind.node.ObjectNode[] given = new com.fasterxml.jackson.databind.node.ObjectNode[1];
    // a reader of JSON data with an ItemsPointer and MaxItems, as the engine's would read it
    StateTester.ItemReaderData reader = r -> {
      given[0] = r;
      JsonNode at = json("{\"rows\":[\"x\",\"y\",\"z\"]}").at(r.path("ReaderConfig").path("ItemsPointer").asText());
      com.fasterxml.jackson.databind.node.ArrayNode items = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
      long max = r.path("ReaderConfig").path("MaxItems").asLong(0);
      for (JsonNode i : at) if (max == 0 || items.size() < max) items.add(i);
      return new StateTester.ItemReaderData.Read(items, at);
    };
    StateTester.Options o = new StateTester.Options(null, null, new StateTester.Mock(json("[1,2]"), null, null), 0, null, reader);
    StateTester.Outcome out = test(def, "M", "{\"ignored\":[9,9,9,9],\"key\":\"k.json\",\"max\":2}", o);
    assertThat(out.status()).isEqualTo("SUCCEEDED");
    assertThat(given[0].path("Parameters")).isEqualTo(json("{\"Bucket\":\"b\",\"Key\":\"k.json\"}"));
    assertThat(given[0].path("ReaderConfig").path("MaxItems").asInt()).isEqualTo(2);
    assertThat(given[0].path("ReaderConfig").has("MaxItemsPath")).isFalse();
    assertThat(data(out, "afterItemsPointer")).isEqualTo("[\"x\",\"y\",\"z\"]");
    assertThat(out.inspectionData().has("afterItemsPath")).as("ItemsPath did not pick these items").isFalse();
    assertThat(data(out, "afterItemSelector")).isEqualTo("[{\"v\":\"x\"},{\"v\":\"y\"}]");
    assertThat(data(out, "afterItemBatcher")).isEqualTo("[{\"Items\":[{\"v\":\"x\"},{\"v\":\"y\"}]}]");
    // without the reader's data the items are in the input, as before
    StateTester.Outcome fromInput = test(def, "M", "{\"ignored\":[9],\"key\":\"k\",\"max\":0}", mock("[1]"));
    assertThat(data(fromInput, "afterItemsPath")).isEqualTo("[9]");
    assertThat(fromInput.inspectionData().has("afterItemsPointer")).isFalse();
    // an inline Map has no reader to read the data with: its items are in the input
    String inline = def.replace("\"Mode\":\"DISTRIBUTED\",\"ExecutionType\":\"STANDARD\"", "\"Mode\":\"INLINE\"")
        .replace("\"ItemBatcher\":{\"MaxItemsPerBatch\":2},", "");
    StateTester.Outcome inlined = test(inline, "M", "{\"ignored\":[7],\"key\":\"k\",\"max\":0}", o);
    assertThat(inlined.status()).isEqualTo("SUCCEEDED");
    assertThat(data(inlined, "afterItemsPath")).isEqualTo("[7]");
    // a reader that cannot read: the state's Catch takes its error
    StateTester.ItemReaderData broken = r -> {
      throw new io.stepwise.asl.StatesError("States.ItemReaderFailed", "not an array", true);
    };
    StateTester.Outcome caught = test(def, "M", "{\"key\":\"k\",\"max\":0}",
        new StateTester.Options(null, null, new StateTester.Mock(json("[1]"), null, null), 0, null, broken));
    assertThat(caught.status()).isEqualTo("CAUGHT_ERROR");
    assertThat(caught.error()).isEqualTo("States.ItemReaderFailed");
    assertThat(caught.nextState()).isEqualTo("Handled");
  }

  @Test
  void choiceWaitAndFail_endAsTheyWould_withoutWaiting() {
    String def = "{\"StartAt\":\"C\",\"States\":{"
        + "\"C\":{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$.n\",\"NumericGreaterThan\":1,\"Next\":\"W\"}],\"Default\":\"F\"},"
        + "\"W\":{\"Type\":\"Wait\",\"Seconds\":86400,\"End\":true},"
        + "\"F\":{\"Type\":\"Fail\",\"Error\":\"Low\",\"Cause\":\"too small\"}}}";
    assertThat(test(def, "C", "{\"n\":5}", PLAIN).nextState()).isEqualTo("W");
    assertThat(test(def, "C", "{\"n\":0}", PLAIN).nextState()).isEqualTo("F");
    StateTester.Outcome waited = test(def, "W", "{\"n\":5}", PLAIN);
    assertThat(waited.status()).isEqualTo("SUCCEEDED");
    assertThat(waited.output()).isEqualTo(json("{\"n\":5}"));
    StateTester.Outcome fail = test(def, "F", "{}", PLAIN);
    assertThat(fail.status()).isEqualTo("FAILED");
    assertThat(fail.error()).isEqualTo("Low");
    assertThat(fail.cause()).isEqualTo("too small");
  }

  @Test
  void aMockedMapWithAnItemBatcher_showsTheBatches_afterItemSelector() {
    String def = "{\"StartAt\":\"M\",\"States\":{\"M\":{\"Type\":\"Map\",\"ItemsPath\":\"$.items\","
        + "\"ItemSelector\":{\"v.$\":\"$$.Map.Item.Value\"},"
        + "\"ItemBatcher\":{\"MaxItemsPerBatchPath\":\"$.per\",\"BatchInput\":{\"job.$\":\"$.job\"}},"
        + "\"ItemProcessor\":{\"ProcessorConfig\":{\"Mode\":\"DISTRIBUTED\",\"ExecutionType\":\"STANDARD\"},"
        + "\"StartAt\":\"Work\",\"States\":{\"Work\":{\"Type\":\"Pass\",\"End\":true}}},\"End\":true}}}";
    StateTester.Outcome o = test(def, "M", "{\"items\":[1,2,3,4,5],\"per\":2,\"job\":\"j1\"}", mock("[\"a\",\"b\",\"c\"]"));
    assertThat(o.status()).isEqualTo("SUCCEEDED");
    assertThat(data(o, "afterItemsPath")).isEqualTo("[1,2,3,4,5]");
    assertThat(data(o, "afterItemSelector")).isEqualTo("[{\"v\":1},{\"v\":2},{\"v\":3},{\"v\":4},{\"v\":5}]");
    assertThat(data(o, "afterItemBatcher")).isEqualTo("[{\"BatchInput\":{\"job\":\"j1\"},\"Items\":[{\"v\":1},{\"v\":2}]},"
        + "{\"BatchInput\":{\"job\":\"j1\"},\"Items\":[{\"v\":3},{\"v\":4}]},"
        + "{\"BatchInput\":{\"job\":\"j1\"},\"Items\":[{\"v\":5}]}]");
    // without an ItemBatcher there is no such stage
    String plain = def.replace("\"ItemBatcher\":{\"MaxItemsPerBatchPath\":\"$.per\",\"BatchInput\":{\"job.$\":\"$.job\"}},", "");
    assertThat(test(plain, "M", "{\"items\":[1]}", mock("[\"a\"]")).inspectionData().has("afterItemBatcher")).isFalse();
  }

  @Test
  void aMockedMap_takesTheMockAsItsIterationsResults_andCountsToleratedFailures() {
    String def = "{\"StartAt\":\"M\",\"States\":{\"M\":{\"Type\":\"Map\",\"ItemsPath\":\"$.items\","
        + "\"ItemSelector\":{\"v.$\":\"$$.Map.Item.Value\"},\"MaxConcurrency\":3,\"ToleratedFailureCount\":1,"
        + "\"ItemProcessor\":{\"StartAt\":\"Work\",\"States\":{\"Work\":{\"Type\":\"Pass\",\"End\":true}}},"
        + "\"ResultPath\":\"$.results\",\"End\":true}}}";
    StateTester.Outcome o = test(def, "M", "{\"items\":[1,2]}", mock("[\"a\",\"b\"]"));
    assertThat(o.status()).isEqualTo("SUCCEEDED");
    assertThat(o.output()).isEqualTo(json("{\"items\":[1,2],\"results\":[\"a\",\"b\"]}"));
    assertThat(data(o, "afterItemsPath")).isEqualTo("[1,2]");
    assertThat(data(o, "afterItemSelector")).isEqualTo("[{\"v\":1},{\"v\":2}]");
    assertThat(o.inspectionData().get("maxConcurrency").asInt()).isEqualTo(3);
    assertThat(o.inspectionData().get("toleratedFailureCount").asInt()).isEqualTo(1);

    StateTester.Options twoFailed = new StateTester.Options(null, null, new StateTester.Mock(json("[1,2]"), null, null),
        0, 2);
    StateTester.Outcome exceeded = test(def, "M", "{\"items\":[1,2]}", twoFailed);
    assertThat(exceeded.status()).isEqualTo("FAILED");
    assertThat(exceeded.error()).isEqualTo("States.ExceedToleratedFailureThreshold");

    StateTester.Outcome nested = test(def, "Work", "{\"z\":1}", PLAIN);
    assertThat(nested.status()).as("a state inside the Map's processor").isEqualTo("SUCCEEDED");
    assertThat(nested.output()).isEqualTo(json("{\"z\":1}"));
  }

  @Test
  void variablesAndContext_areTheCallers() {
    String def = "{\"StartAt\":\"P\",\"QueryLanguage\":\"JSONata\",\"States\":{\"P\":{\"Type\":\"Pass\","
        + "\"Assign\":{\"total\":\"{% $base + 1 %}\"},\"Output\":{\"id\":\"{% $states.context.Execution.Id %}\","
        + "\"base\":\"{% $base %}\"},\"End\":true}}}";
    StateTester.Options o = new StateTester.Options(Map.of("base", json("41")),
        json("{\"Execution\":{\"Id\":\"given-id\"}}"), null, 0, null);
    StateTester.Outcome out = test(def, "P", "{}", o);
    assertThat(out.output()).isEqualTo(json("{\"id\":\"given-id\",\"base\":41}"));
    assertThat(json(data(out, "variables"))).isEqualTo(json("{\"base\":41,\"total\":42}"));
  }

  @Test
  void aMockedMap_stillNeedsItsItemsToBeAnArray_andAnEndlessExpressionFailsTheState() {
    String def = "{\"StartAt\":\"M\",\"States\":{\"M\":{\"Type\":\"Map\","
        + "\"ItemProcessor\":{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Pass\",\"End\":true}}},\"End\":true}}}";
    StateTester.Outcome o = test(def, "M", "{\"not\":\"a list\"}", mock("[1]"));
    assertThat(o.status()).isEqualTo("FAILED");
    assertThat(o.error()).isEqualTo("States.Runtime");

    String endless = "{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\","
        + "\"Output\":\"{% ($f := function($n){ 1 + $f($n+1) }; $f(0)) %}\",\"End\":true}}}";
    StateTester.Outcome forever = test(endless, "P", "{}", PLAIN);
    assertThat(forever.status()).isEqualTo("FAILED");
    assertThat(forever.error()).isEqualTo("States.QueryEvaluationError");
  }
}
