package io.stepwise.asl.interpreter;

import static io.stepwise.asl.Harness.CTX;
import static io.stepwise.asl.Harness.T0;
import static io.stepwise.asl.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.asl.CompiledDefinition;
import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.Harness;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParallelAndMapTest {
  static final String PARALLEL_WITH_WAITS = """
      {"StartAt":"P","States":{"P":{"Type":"Parallel","ResultPath":"$.r","End":true,"Branches":[
        {"StartAt":"W1","States":{"W1":{"Type":"Wait","Seconds":5,"Next":"A"},"A":{"Type":"Pass","Result":"a","End":true}}},
        {"StartAt":"W2","States":{"W2":{"Type":"Wait","Seconds":1,"Next":"B"},"B":{"Type":"Pass","Result":"b","End":true}}}]}}}
      """;

  @Test
  void parallel_runsBranchesEachWithItsOwnPosition_andCollectsInBranchOrder() {
    CompiledDefinition d = Harness.compile(PARALLEL_WITH_WAITS);
    Step s = Interpreter.start(d, CTX, json("{\"in\":1}"), T0);
    assertThat(s.effects()).hasSize(2);
    assertThat(s.position().pendingEffects()).hasSize(2);
    // branch events chain from ParallelStateStarted (event 3), not from each other
    assertThat(s.events()).extracting(HistoryEvent::type).containsExactly("ExecutionStarted", "ParallelStateEntered", "ParallelStateStarted", "WaitStateEntered", "WaitStateEntered");
    assertThat(s.events().get(3).previousEventId()).isEqualTo(3);
    assertThat(s.events().get(4).previousEventId()).isEqualTo(3);
    Effect.StartTimer second = (Effect.StartTimer) s.effects().get(1);
    Step mid = Interpreter.resume(d, CTX, s.position(), new Signal.TimerFired(second.id()), second.fireAt());
    assertThat(mid.finished()).isFalse();
    assertThat(mid.events()).extracting(HistoryEvent::type).containsExactly("WaitStateExited", "PassStateEntered", "PassStateExited");
    assertThat(mid.events().get(0).previousEventId()).isEqualTo(5);
    assertThat(mid.position().pendingEffects()).containsExactly(s.effects().get(0));
    Step end = Interpreter.resume(d, CTX, mid.position(), new Signal.TimerFired(s.effects().get(0).id()), T0.plusSeconds(5));
    assertThat(end.outcome()).isEqualTo(new Outcome.Succeeded(json("{\"in\":1,\"r\":[\"a\",\"b\"]}")));
    assertThat(end.events()).extracting(HistoryEvent::type).endsWith("ParallelStateSucceeded", "ParallelStateExited", "ExecutionSucceeded");
  }

  /** A Parallel records its success as a Map does: ...Started, branches, ...Succeeded, ...Exited, at every level. */
  @Test
  void parallel_recordsSucceededBeforeExited_nestedToo() {
    var r = Harness.run("""
        {"StartAt":"Outer","States":{"Outer":{"Type":"Parallel","Next":"After","Branches":[
          {"StartAt":"Inner","States":{"Inner":{"Type":"Parallel","End":true,"Branches":[
            {"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}]}}}]},
         "After":{"Type":"Pass","End":true}}}
        """, "{\"x\":1}");
    assertThat(r.types()).containsExactly("ExecutionStarted", "ParallelStateEntered", "ParallelStateStarted",
        "ParallelStateEntered", "ParallelStateStarted", "PassStateEntered", "PassStateExited",
        "ParallelStateSucceeded", "ParallelStateExited", "ParallelStateSucceeded", "ParallelStateExited",
        "PassStateEntered", "PassStateExited", "ExecutionSucceeded");
    assertThat(r.output()).isEqualTo(json("[[{\"x\":1}]]"));
  }

  @Test
  void parallelBranchFailure_isCaughtWithTheBranchError() {
    var r = Harness.run("""
        {"StartAt":"P","States":{"P":{"Type":"Parallel","Next":"Ok","Catch":[{"ErrorEquals":["Bad"],"Next":"Ok"}],"Branches":[
          {"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Bad","Cause":"c"}}}]},"Ok":{"Type":"Pass","End":true}}}
        """, "{}");
    assertThat(r.output()).isEqualTo(json("{\"Error\":\"Bad\",\"Cause\":\"c\"}"));
    assertThat(r.types()).containsSubsequence("FailStateEntered", "ParallelStateFailed", "ParallelStateExited", "PassStateEntered");
  }

  static final String MAP = """
      {"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":1,
        "ItemSelector":{"v.$":"$$.Map.Item.Value","i.$":"$$.Map.Item.Index","k.$":"$.k"},
        "ItemProcessor":{"StartAt":"Double","States":{"Double":{"Type":"Pass","Parameters":{"x.$":"States.MathAdd($.v, $.v)","i.$":"$.i","k.$":"$.k"},"End":true}}},
        "ResultSelector":{"all.$":"$[*].x"},"End":true}}}
      """;

  @Test
  void map_runsEachItemThroughItemSelectorAndProcessor() {
    var r = Harness.run(MAP, "{\"items\":[1,2,3],\"k\":\"z\"}");
    assertThat(r.output()).isEqualTo(json("{\"all\":[2,4,6]}"));
    assertThat(r.types()).containsExactly("ExecutionStarted", "MapStateEntered", "MapStateStarted",
        "MapIterationStarted", "PassStateEntered", "PassStateExited", "MapIterationSucceeded",
        "MapIterationStarted", "PassStateEntered", "PassStateExited", "MapIterationSucceeded",
        "MapIterationStarted", "PassStateEntered", "PassStateExited", "MapIterationSucceeded",
        "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded");
    assertThat(r.event("MapStateStarted").details().get("mapStateStartedEventDetails").get("length").asInt()).isEqualTo(3);
    assertThat(r.event("MapIterationStarted").details().get("mapIterationStartedEventDetails")).isEqualTo(json("{\"name\":\"M\",\"index\":0}"));
  }

  @Test
  void mapWithWaitingIterations_respectsMaxConcurrency() {
    String def = """
        {"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":2,"End":true,
          "ItemProcessor":{"StartAt":"W","States":{"W":{"Type":"Wait","SecondsPath":"$","End":true}}}}}}
        """;
    CompiledDefinition d = Harness.compile(def);
    Step s = Interpreter.start(d, CTX, json("[3,1,2]"), T0);
    assertThat(s.position().pendingEffects()).hasSize(2);
    var r = Harness.run(def, "[3,1,2]");
    assertThat(r.output()).isEqualTo(json("[3,1,2]"));
    assertThat(r.end()).isEqualTo(T0.plusSeconds(3));
  }

  @Test
  void mapIterationFailure_failsTheMap_unlessTolerated() {
    String failing = """
        {"StartAt":"M","States":{"M":{"Type":"Map",%s"End":true,
          "ItemProcessor":{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$","NumericEquals":2,"Next":"F"}],"Default":"S"},
            "F":{"Type":"Fail","Error":"Two","Cause":"item 2"},"S":{"Type":"Succeed"}}}}}}
        """;
    var r = Harness.run(failing.formatted(""), "[1,2,3]");
    assertThat(r.failure()).isEqualTo(new Outcome.Failed("Two", "item 2"));
    assertThat(r.types()).contains("MapIterationFailed", "MapStateFailed");
    var tolerated = Harness.run(failing.formatted("\"ToleratedFailureCount\":1,"), "[1,2,3]");
    assertThat(tolerated.output()).isEqualTo(json("[1,null,3]"));
    var exceeded = Harness.run(failing.formatted("\"ToleratedFailurePercentage\":10,"), "[1,2,3]");
    assertThat(exceeded.failure().error()).isEqualTo("States.ExceedToleratedFailureThreshold");
  }

  @Test
  void mapItemsNeitherArrayNorObject_isStatesRuntime() {
    for (String x : new String[] {"\"abc\"", "7", "true", "null"}) {
      var r = Harness.run("{\"StartAt\":\"M\",\"States\":{\"M\":{\"Type\":\"Map\",\"ItemsPath\":\"$.x\",\"End\":true,\"ItemProcessor\":{\"StartAt\":\"S\",\"States\":{\"S\":{\"Type\":\"Succeed\"}}}}}}", "{\"x\":" + x + "}");
      assertThat(r.failure().error()).as(x).isEqualTo("States.Runtime");
    }
  }

  /**
   * A Distributed Map's items may be an object, whose key-value pairs are the items (the developer
   * guide's Distributed Map and ItemsPath pages): each iteration gets {@code {"Key": <name>, "Value":
   * <value>}}, in the object's order, and sees the name as {@code $$.Map.Item.Key} and the value as
   * {@code $$.Map.Item.Value}; the results are an array in that order. An Inline Map takes only an
   * array (its page; AWS answered an inline JSONata Items object with Expected 'array'). Iterations
   * that wait resume from positions read back from JSON.
   */
  @Test
  void distributedMapOverAnObject_iteratesItsKeyValuePairs_anInlineMapDoesNot() {
    String processor = "\"ItemProcessor\":{\"ProcessorConfig\":{\"Mode\":\"DISTRIBUTED\",\"ExecutionType\":\"STANDARD\"},"
        + "\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Wait\",\"Seconds\":1,\"End\":true}}}";
    var plain = Harness.run("{\"StartAt\":\"M\",\"States\":{\"M\":{\"Type\":\"Map\",\"ItemsPath\":\"$.servers.web\",\"End\":true," + processor + "}}}",
        "{\"servers\":{\"web\":{\"server1\":{\"port\":80},\"server2\":{\"port\":8080},\"a\":null}}}");
    assertThat(plain.output()).isEqualTo(json("[{\"Key\":\"server1\",\"Value\":{\"port\":80}},{\"Key\":\"server2\",\"Value\":{\"port\":8080}},"
        + "{\"Key\":\"a\",\"Value\":null}]"));
    // one at a time: the second iteration starts from a position read back from JSON
    var selected = Harness.run("{\"StartAt\":\"M\",\"States\":{\"M\":{\"Type\":\"Map\",\"End\":true,\"MaxConcurrency\":1,"
        + "\"ItemSelector\":{\"name.$\":\"$$.Map.Item.Key\",\"port.$\":\"$$.Map.Item.Value.port\",\"at.$\":\"$$.Map.Item.Index\",\"pair.$\":\"$$.Map.Item\"}," + processor + "}}}",
        "{\"b\":{\"port\":1},\"a\":{\"port\":2}}");
    assertThat(selected.output()).isEqualTo(json("[{\"name\":\"b\",\"port\":1,\"at\":0,\"pair\":{\"Index\":0,\"Key\":\"b\",\"Value\":{\"port\":1}}},"
        + "{\"name\":\"a\",\"port\":2,\"at\":1,\"pair\":{\"Index\":1,\"Key\":\"a\",\"Value\":{\"port\":2}}}]"));
    var jsonata = Harness.run("{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"M\",\"States\":{\"M\":{\"Type\":\"Map\",\"End\":true,"
        + "\"Items\":\"{% $states.input.counts %}\",\"ItemSelector\":\"{% $states.context.Map.Item.Key & '=' & $states.context.Map.Item.Value %}\"," + processor + "}}}",
        "{\"counts\":{\"x\":1,\"y\":2}}");
    assertThat(jsonata.output()).isEqualTo(json("[\"x=1\",\"y=2\"]"));
    var empty = Harness.run("{\"StartAt\":\"M\",\"States\":{\"M\":{\"Type\":\"Map\",\"End\":true," + processor + "}}}", "{}");
    assertThat(empty.output()).isEqualTo(json("[]"));
    // batched, each batch is an item of its own: its pairs are in Items, selected first
    var batched = Harness.run("{\"StartAt\":\"M\",\"States\":{\"M\":{\"Type\":\"Map\",\"End\":true,\"ItemBatcher\":{\"MaxItemsPerBatch\":2},"
        + "\"ItemSelector\":{\"k.$\":\"$$.Map.Item.Key\"},\"ItemProcessor\":{\"ProcessorConfig\":{\"Mode\":\"DISTRIBUTED\",\"ExecutionType\":\"STANDARD\"},"
        + "\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}}}}}", "{\"a\":1,\"b\":2,\"c\":3}");
    assertThat(batched.output()).isEqualTo(json("[{\"Items\":[{\"k\":\"a\"},{\"k\":\"b\"}]},{\"Items\":[{\"k\":\"c\"}]}]"));
    // inline: an array only
    var inline = Harness.run("{\"StartAt\":\"M\",\"States\":{\"M\":{\"Type\":\"Map\",\"End\":true,"
        + "\"ItemProcessor\":{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}}}}}", "{\"a\":1}");
    assertThat(inline.failure().error()).isEqualTo("States.Runtime");
  }

  /** A Map Run handed to the engine carries an object's pairs as its items, marked, so its ItemSelector sees each Key. */
  @Test
  void mapRunOverAnObject_handsOverThePairs() {
    List<Effect.ScheduleTask> seen = new java.util.ArrayList<>();
    Harness.runWithMapRuns("{\"StartAt\":\"M\",\"States\":{\"M\":{\"Type\":\"Map\",\"End\":true,\"ItemSelector\":{\"k.$\":\"$$.Map.Item.Key\",\"v.$\":\"$$.Map.Item.Value\"},"
        + "\"ItemProcessor\":{\"ProcessorConfig\":{\"Mode\":\"DISTRIBUTED\",\"ExecutionType\":\"STANDARD\"},\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}}}}}",
        "{\"a\":1,\"b\":[2]}", t -> {
          seen.add(t);
          return new Signal.TaskSucceeded(t.id(), json("[]"));
        });
    JsonNode spec = seen.get(0).parameters();
    assertThat(spec.get("Items")).isEqualTo(json("[{\"Key\":\"a\",\"Value\":1},{\"Key\":\"b\",\"Value\":[2]}]"));
    assertThat(spec.get("ItemsKeyed").asBoolean()).isTrue();
    io.stepwise.asl.MapItemSelector selector = io.stepwise.asl.MapItemSelector.of(spec);
    assertThat(selector.apply(1, spec.get("Items").get(1), spec.get("ItemsKeyed").asBoolean())).isEqualTo(json("{\"k\":\"b\",\"v\":[2]}"));
  }

  @Test
  void variables_areVisibleInsideIterations_andInnerAssignsStayInside() {
    var r = Harness.run("""
        {"StartAt":"A","States":{
          "A":{"Type":"Pass","Assign":{"x":42},"Next":"M"},
          "M":{"Type":"Map","ItemsPath":"$.items","Next":"B","ItemProcessor":{"StartAt":"I","States":{
            "I":{"Type":"Pass","Assign":{"inner.$":"$x"},"Parameters":{"seen.$":"$x"},"End":true}}}},
          "B":{"Type":"Pass","Parameters":{"x.$":"$x","m.$":"$"},"End":true}}}
        """, "{\"items\":[1,2]}");
    assertThat(r.output()).isEqualTo(json("{\"x\":42,\"m\":[{\"seen\":42},{\"seen\":42}]}"));
    var bad = Harness.run("""
        {"StartAt":"A","States":{
          "A":{"Type":"Parallel","Next":"B","Branches":[{"StartAt":"I","States":{"I":{"Type":"Pass","Assign":{"inner":1},"End":true}}}]},
          "B":{"Type":"Pass","Parameters":{"v.$":"$inner"},"End":true}}}
        """, "{}");
    assertThat(bad.failure().error()).isEqualTo("States.Runtime");
  }

  @Test
  void distributedMap_runsInlineWithMapRunEvents() {
    var r = Harness.run("""
        {"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},
          "StartAt":"S","States":{"S":{"Type":"Pass","End":true}}}}}}
        """, "[1,2]");
    assertThat(r.output()).isEqualTo(json("[1,2]"));
    assertThat(r.types()).isEqualTo(List.of("ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted", "MapRunSucceeded",
        "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"));
  }

  @Test
  void distributedMapItems_cannotSeeOuterVariables() {
    var r = Harness.run("""
        {"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"x":1},"Next":"M"},
          "M":{"Type":"Map","End":true,"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},
            "StartAt":"S","States":{"S":{"Type":"Pass","Parameters":{"x.$":"$x"},"End":true}}}}}}
        """, "[1]");
    assertThat(r.outcome().status()).isEqualTo("FAILED");
  }

  @Test
  void itemBatcher_groupsSelectedItemsWithBatchInput() {
    var r = Harness.run("""
        {"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemSelector":{"v.$":"$$.Map.Item.Value"},
          "ItemBatcher":{"MaxItemsPerBatch":2,"BatchInput":{"tag":"t"}},
          "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"S","States":{"S":{"Type":"Pass","End":true}}}}}}
        """, "[1,2,3]");
    assertThat(r.output()).isEqualTo(json("[{\"BatchInput\":{\"tag\":\"t\"},\"Items\":[{\"v\":1},{\"v\":2}]},{\"BatchInput\":{\"tag\":\"t\"},\"Items\":[{\"v\":3}]}]"));
  }

  @Test
  void itemReader_failsHonestlyAndCanBeCaught() {
    var r = Harness.run("""
        {"StartAt":"M","States":{"M":{"Type":"Map","Next":"C","ItemReader":{"Resource":"arn:aws:states:::s3:getObject","Parameters":{"Bucket":"b","Key":"k"}},
          "Catch":[{"ErrorEquals":["States.ItemReaderFailed"],"Next":"C"}],
          "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"S","States":{"S":{"Type":"Pass","End":true}}}},
          "C":{"Type":"Pass","End":true}}}
        """, "{}");
    assertThat(r.output().get("Error").asText()).isEqualTo("States.ItemReaderFailed");
  }

  /** States.Runtime in a branch or inline iteration fails the execution at once: no Parallel or Map failure events on the way. */
  @Test
  void runtimeErrorInsideBranchOrIteration_failsTheExecutionWithoutContainerFailureEvents() {
    var parallel = Harness.run("""
        {"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
          {"StartAt":"Fast","States":{"Fast":{"Type":"Pass","Parameters":{"m.$":"$.nope"},"End":true}}}]}}}
        """, "{\"x\":\"a\"}");
    assertThat(parallel.types()).containsExactly("ExecutionStarted", "ParallelStateEntered", "ParallelStateStarted", "PassStateEntered", "ExecutionFailed");
    assertThat(parallel.failure().cause()).isEqualTo("An error occurred while executing the state 'Fast' (entered at the event id #4). "
        + "The JSONPath '$.nope' specified for the field 'm.$' could not be found in the input '{\"x\":\"a\"}'");
    var map = Harness.run("""
        {"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","InputPath":"$.v","End":true}}}}}}
        """, "[{\"v\":1},{}]");
    assertThat(map.failure().error()).isEqualTo("States.Runtime");
    assertThat(map.types()).doesNotContain("MapIterationFailed", "MapStateFailed").endsWith("PassStateEntered", "ExecutionFailed");
    // not an item failure a tolerance absorbs: it still fails the execution at once
    var tolerated = Harness.run("""
        {"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ToleratedFailureCount":5,"ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","InputPath":"$.v","End":true}}}}}}
        """, "[{\"v\":1},{}]");
    assertThat(tolerated.failure().error()).isEqualTo("States.Runtime");
    assertThat(tolerated.types()).doesNotContain("MapIterationFailed", "MapStateFailed").endsWith("ExecutionFailed");
    // a Catch that names States.Runtime catches it, and the failure events are recorded
    var caught = Harness.run("""
        {"StartAt":"P","States":{"P":{"Type":"Parallel","Next":"H","Catch":[{"ErrorEquals":["States.Runtime"],"Next":"H"}],"Branches":[
          {"StartAt":"Fast","States":{"Fast":{"Type":"Pass","Parameters":{"m.$":"$.nope"},"End":true}}}]},"H":{"Type":"Succeed"}}}
        """, "{}");
    assertThat(caught.outcome().status()).isEqualTo("SUCCEEDED");
    assertThat(caught.types()).contains("ParallelStateFailed");
    // an error a state raises on purpose still records them
    var failed = Harness.run("""
        {"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"E"}}}]}}}
        """, "{}");
    assertThat(failed.types()).endsWith("FailStateEntered", "ParallelStateFailed", "ExecutionFailed");
  }
  /**
   * A JSONPath Assign's {@code $} in a Task, Map or Parallel state is the state's result before its
   * ResultSelector (the developer guide: "In Task, Map, Parallel states, the $ refers to the
   * API/sub-workflow result"; Assign is evaluated beside ResultSelector), while the output carries
   * the selected result.
   */
  @Test
  void assign_readsTheResultBeforeResultSelector() {
    String parallel = """
        {"StartAt":"P","States":{"P":{"Type":"Parallel","ResultSelector":{"first.$":"$[0]"},
          "Assign":{"all.$":"$","firstVar.$":"$[0]"},"Next":"After",
          "Branches":[{"StartAt":"B1","States":{"B1":{"Type":"Pass","Result":"one","End":true}}},
                      {"StartAt":"B2","States":{"B2":{"Type":"Pass","Result":"two","End":true}}}]},
          "After":{"Type":"Pass","Parameters":{"all.$":"$all","firstVar.$":"$firstVar","out.$":"$"},"End":true}}}""";
    assertThat(Harness.run(parallel, "{}").output()).isEqualTo(json("{\"all\":[\"one\",\"two\"],\"firstVar\":\"one\",\"out\":{\"first\":\"one\"}}"));
    String map = """
        {"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","ResultSelector":{"n.$":"States.ArrayLength($)"},
          "Assign":{"results.$":"$"},"Next":"After",
          "ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}}},
          "After":{"Type":"Pass","Parameters":{"results.$":"$results","out.$":"$"},"End":true}}}""";
    assertThat(Harness.run(map, "{\"items\":[1,2]}").output()).isEqualTo(json("{\"results\":[1,2],\"out\":{\"n\":2}}"));
    String task = """
        {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","ResultSelector":{"p.$":"$.Payload"},
          "Assign":{"code.$":"$.StatusCode"},"Next":"After"},
          "After":{"Type":"Pass","Parameters":{"code.$":"$code","out.$":"$"},"End":true}}}""";
    var r = Harness.run(task, "{}", t -> new io.stepwise.asl.interpreter.Signal.TaskSucceeded(t.id(), json("{\"StatusCode\":200,\"Payload\":{\"x\":1}}")));
    assertThat(r.output()).isEqualTo(json("{\"code\":200,\"out\":{\"p\":{\"x\":1}}}"));
  }
  /**
   * A Fail state's Error is optional: a branch or iteration that fails without one fails its
   * Parallel or Map with no error name, which a Catch or Retry on States.ALL takes ("matches any
   * Error Name") and a named one does not (it used to stop the interpreter with a Java error).
   */
  @Test
  void aFailWithoutError_isTakenByStatesAllOnly() {
    for (String kind : List.of("Parallel", "Map")) {
      String body = kind.equals("Parallel") ? "\"Branches\":[{\"StartAt\":\"F\",\"States\":{\"F\":{\"Type\":\"Fail\",\"Cause\":\"c\"}}}]"
          : "\"ItemsPath\":\"$.items\",\"ItemProcessor\":{\"StartAt\":\"F\",\"States\":{\"F\":{\"Type\":\"Fail\",\"Cause\":\"c\"}}}";
      String caught = "{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"" + kind + "\"," + body
          + ",\"Retry\":[{\"ErrorEquals\":[\"States.ALL\"],\"MaxAttempts\":1,\"IntervalSeconds\":1}],"
          + "\"Catch\":[{\"ErrorEquals\":[\"States.TaskFailed\"],\"Next\":\"No\"},{\"ErrorEquals\":[\"States.ALL\"],\"Next\":\"N\"}],\"End\":true},"
          + "\"No\":{\"Type\":\"Pass\",\"Result\":\"wrong\",\"End\":true},\"N\":{\"Type\":\"Pass\",\"End\":true}}}";
      var r = Harness.run(caught, "{\"items\":[1]}");
      assertThat(r.outcome().status()).as(kind).isEqualTo("SUCCEEDED");
      assertThat(r.output().path("Cause").asText()).as(kind).isEqualTo("c");
      assertThat(r.types()).as(kind + ": retried once, then caught").filteredOn(t -> t.endsWith("StateStarted")).hasSize(2);
      String uncaught = caught.replace("\"States.ALL\"],\"Next\"", "\"Other\"],\"Next\"");
      var f = Harness.run(uncaught, "{\"items\":[1]}");
      assertThat(f.outcome().status()).as(kind).isEqualTo("FAILED");
    }
  }
  /**
   * A Map Run's ARN carries the Map's label (its Label, else its state name) as a name may hold it:
   * characters a name may not hold are underscores (white space of any kind, C1 controls,
   * noncharacters among them) and it is cut to 40 characters, never inside a surrogate pair.
   */
  @Test
  void mapRunArn_carriesTheLabelAsANameMayHoldIt() {
    String name = "a b\u2003c\u0085d:e\uFFFE" + "x".repeat(29) + "\uD83D\uDE00tail";
    String def = "{\"StartAt\":\"" + name + "\",\"States\":{\"" + name + "\":{\"Type\":\"Map\",\"End\":true,\"ItemProcessor\":"
        + "{\"ProcessorConfig\":{\"Mode\":\"DISTRIBUTED\",\"ExecutionType\":\"STANDARD\"},\"StartAt\":\"S\",\"States\":{\"S\":{\"Type\":\"Pass\",\"End\":true}}}}}}";
    var r = Harness.runWithMapRuns(def, "[1]", t -> new Signal.TaskSucceeded(t.id(), json("[1]")));
    String arn = r.event("MapRunStarted").details().get("mapRunStartedEventDetails").get("mapRunArn").asText();
    String label = arn.substring(arn.indexOf('/') + 1, arn.lastIndexOf(':'));
    assertThat(label).isEqualTo("a_b_c_d_e_" + "x".repeat(29) + "\uD83D\uDE00");
  }
}
