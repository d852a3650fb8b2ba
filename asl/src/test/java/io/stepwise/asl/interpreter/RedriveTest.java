package io.stepwise.asl.interpreter;

import static io.stepwise.asl.Harness.CTX;
import static io.stepwise.asl.Harness.T0;
import static io.stepwise.asl.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.CompiledDefinition;
import io.stepwise.asl.Harness;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * RedriveExecution's rules (AWS developer guide, "Restarting state machine executions with
 * redrive"): an execution that failed, was aborted or timed out continues from the state that did
 * not succeed, with that state's input and its retry counts reset; what succeeded keeps its
 * results and does not run again; of a Parallel or inline Map only the branches and iterations
 * that failed or were aborted run again. The history gains {@code ExecutionRedriven}.
 */
class RedriveTest {
  static final String LAMBDA = "arn:aws:states:::lambda:invoke";
  static final Instant LATER = T0.plusSeconds(3600);

  private static Function<Effect.ScheduleTask, Signal> failing(String error) {
    return t -> new Signal.TaskFailed(t.id(), error, "it broke");
  }

  /** Echoes the task's parameters as its result. */
  private static final Function<Effect.ScheduleTask, Signal> ECHO = t -> new Signal.TaskSucceeded(t.id(), t.parameters());

  private static List<HistoryEvent> after(Harness.Result r, String type) {
    List<HistoryEvent> out = new ArrayList<>();
    boolean seen = false;
    for (HistoryEvent e : r.events()) {
      if (seen) out.add(e);
      if (e.type().equals(type)) seen = true;
    }
    return out;
  }

  @Test
  void aFailedTask_runsAgainFromItsOwnInput_andTheStatesBeforeItDoNot() {
    String def = "{\"StartAt\":\"Prep\",\"States\":{"
        + "\"Prep\":{\"Type\":\"Pass\",\"Result\":{\"prepared\":true},\"ResultPath\":\"$.p\",\"Next\":\"Call\"},"
        + "\"Call\":{\"Type\":\"Task\",\"Resource\":\"" + LAMBDA + "\",\"Parameters\":{\"got.$\":\"$\",\"n.$\":\"$$.Execution.RedriveCount\"},"
        + "\"Next\":\"After\"},"
        // $$.Execution.RedriveTime exists only once the execution is redriven
        + "\"After\":{\"Type\":\"Pass\",\"Parameters\":{\"call.$\":\"$\",\"t.$\":\"$$.Execution.RedriveTime\"},\"End\":true}}}";
    Harness.Result failed = Harness.run(def, "{\"in\":1}", failing("Boom"));
    assertThat(failed.failure().error()).isEqualTo("Boom");
    assertThat(Interpreter.redrivable(failed.position())).isTrue();

    Harness.Result redriven = Harness.redrive(def, failed, 1, LATER, ECHO);
    assertThat(redriven.output()).isEqualTo(json(
        "{\"call\":{\"got\":{\"in\":1,\"p\":{\"prepared\":true}},\"n\":1},\"t\":\"2024-06-01T13:00:00.000Z\"}"));
    HistoryEvent first = redriven.events().get(0);
    assertThat(first.type()).isEqualTo("ExecutionRedriven");
    assertThat(first.id()).isEqualTo(failed.events().size() + 1);
    assertThat(first.previousEventId()).isEqualTo(failed.events().size());
    assertThat(first.details().get("executionRedrivenEventDetails").get("redriveCount").asInt()).isEqualTo(1);
    assertThat(redriven.types()).containsExactly("ExecutionRedriven", "TaskStateEntered", "TaskScheduled",
        "TaskStarted", "TaskSucceeded", "TaskStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded");
    assertThat(redriven.events().get(1).previousEventId()).isEqualTo(first.id());
    assertThat(redriven.events().get(1).timestamp()).isEqualTo(LATER);
  }

  @Test
  void retryCounts_startAgainFromZero() {
    String def = "{\"StartAt\":\"Call\",\"States\":{\"Call\":{\"Type\":\"Task\",\"Resource\":\"" + LAMBDA + "\","
        + "\"Retry\":[{\"ErrorEquals\":[\"Boom\"],\"IntervalSeconds\":1,\"MaxAttempts\":2}],\"End\":true}}}";
    Harness.Result failed = Harness.run(def, "{}", failing("Boom"));
    assertThat(failed.types().stream().filter(t -> t.equals("TaskScheduled"))).hasSize(3);
    Harness.Result again = Harness.redrive(def, failed, 1, LATER, failing("Boom"));
    assertThat(again.types().stream().filter(t -> t.equals("TaskScheduled"))).as("all attempts again").hasSize(3);
    assertThat(again.failure().error()).isEqualTo("Boom");
    Harness.Result twice = Harness.redrive(def, again, 2, LATER.plusSeconds(60), ECHO);
    assertThat(twice.types()).startsWith("ExecutionRedriven").endsWith("ExecutionSucceeded");
    assertThat(twice.events().get(0).details().get("executionRedrivenEventDetails").get("redriveCount").asInt())
        .isEqualTo(2);
  }

  @Test
  void aParallel_runsOnlyItsBranchesThatDidNotSucceed() {
    String def = "{\"StartAt\":\"Par\",\"States\":{\"Par\":{\"Type\":\"Parallel\",\"End\":true,\"Branches\":["
        + "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Result\":\"a\",\"End\":true}}},"
        + "{\"StartAt\":\"B1\",\"States\":{\"B1\":{\"Type\":\"Pass\",\"Result\":{\"b\":1},\"Next\":\"B2\"},"
        + "\"B2\":{\"Type\":\"Task\",\"Resource\":\"" + LAMBDA + "\",\"Parameters\":{\"from.$\":\"$.b\"},\"End\":true}}}]}}}";
    Harness.Result failed = Harness.run(def, "{}", failing("Boom"));
    assertThat(failed.failure().error()).isEqualTo("Boom");
    Harness.Result redriven = Harness.redrive(def, failed, 1, LATER, ECHO);
    assertThat(redriven.output()).isEqualTo(json("[\"a\",{\"from\":1}]"));
    assertThat(redriven.types()).containsExactly("ExecutionRedriven", "TaskStateEntered", "TaskScheduled",
        "TaskStarted", "TaskSucceeded", "TaskStateExited", "ParallelStateSucceeded", "ParallelStateExited",
        "ExecutionSucceeded");
    assertThat(redriven.events().get(1).details().get("stateEnteredEventDetails").get("name").asText())
        .isEqualTo("B2");
  }

  @Test
  void aMap_runsOnlyItsIterationsThatDidNotSucceed_keepingTheOthersOutputsInOrder() {
    String def = "{\"StartAt\":\"M\",\"States\":{\"M\":{\"Type\":\"Map\",\"End\":true,\"MaxConcurrency\":1,"
        + "\"ItemProcessor\":{\"ProcessorConfig\":{\"Mode\":\"INLINE\"},\"StartAt\":\"Work\",\"States\":{"
        + "\"Work\":{\"Type\":\"Task\",\"Resource\":\"" + LAMBDA + "\",\"Parameters\":{\"v.$\":\"$\"},\"End\":true}}}}}}";
    Function<Effect.ScheduleTask, Signal> secondFails = t -> t.parameters().get("v").asInt() == 2
        ? new Signal.TaskFailed(t.id(), "Boom", "no") : new Signal.TaskSucceeded(t.id(), t.parameters());
    Harness.Result failed = Harness.run(def, "[1,2,3]", secondFails);
    assertThat(failed.failure().error()).isEqualTo("Boom");
    List<Integer> runAgain = new ArrayList<>();
    Harness.Result redriven = Harness.redrive(def, failed, 1, LATER, t -> {
      runAgain.add(t.parameters().get("v").asInt());
      return ECHO.apply(t);
    });
    assertThat(runAgain).as("item 1 succeeded before; item 3 never started").containsExactly(2, 3);
    assertThat(redriven.output()).isEqualTo(json("[{\"v\":1},{\"v\":2},{\"v\":3}]"));
    assertThat(redriven.events()).filteredOn(e -> e.type().equals("MapIterationStarted"))
        .extracting(e -> e.details().get("mapIterationStartedEventDetails").get("index").asInt())
        .containsExactly(1, 2);
  }

  @Test
  void anAbortedOrTimedOutExecution_runsAgainTheStateItWasIn() {
    String def = "{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Wait\",\"Seconds\":10,\"Next\":\"Done\"},"
        + "\"Done\":{\"Type\":\"Pass\",\"End\":true}}}";
    CompiledDefinition d = Harness.compile(def);
    Step started = Interpreter.start(d, CTX, json("{\"k\":1}"), T0);
    for (Signal end : List.of(new Signal.Stop("E", "c"), new Signal.ExecutionTimedOut())) {
      Step ended = Interpreter.resume(d, CTX, started.position(), end, T0.plusSeconds(1));
      assertThat(Interpreter.redrivable(ended.position())).isTrue();
      Harness.Result stopped = new Harness.Result(ended.outcome(), ended.events(), List.of(), T0, ended.position());
      Harness.Result redriven = Harness.redrive(def, stopped, 1, LATER, ECHO);
      assertThat(redriven.output()).isEqualTo(json("{\"k\":1}"));
      assertThat(redriven.types()).containsExactly("ExecutionRedriven", "WaitStateEntered", "WaitStateExited",
          "PassStateEntered", "PassStateExited", "ExecutionSucceeded");
      assertThat(redriven.end()).as("the Wait waits its full time again").isEqualTo(LATER.plusSeconds(10));
    }
  }

  @Test
  void aFailState_failsAgain_andASucceededExecutionCannotBeRedriven() {
    String def = "{\"StartAt\":\"F\",\"States\":{\"F\":{\"Type\":\"Fail\",\"Error\":\"Nope\",\"Cause\":\"always\"}}}";
    Harness.Result failed = Harness.run(def, "{}");
    Harness.Result again = Harness.redrive(def, failed, 1, LATER, ECHO);
    assertThat(again.types()).containsExactly("ExecutionRedriven", "FailStateEntered", "ExecutionFailed");
    assertThat(again.failure().error()).isEqualTo("Nope");

    String pass = "{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}}";
    Harness.Result ok = Harness.run(pass, "{}");
    assertThat(Interpreter.redrivable(ok.position())).isFalse();
    assertThatThrownBy(() -> Harness.redrive(pass, ok, 1, LATER, ECHO)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aMapWhoseItemSelectorFailed_startsThatItemAgain_andFailsAgainOnIt() {
    String def = "{\"StartAt\":\"M\",\"States\":{\"M\":{\"Type\":\"Map\",\"ItemSelector\":{\"v.$\":\"$$.Map.Item.Value.x\"},"
        + "\"ItemProcessor\":{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"" + LAMBDA + "\",\"End\":true}}},"
        + "\"End\":true}}}";
    Harness.Result failed = Harness.run(def, "[{\"x\":1},{\"x\":2},{\"y\":3}]", ECHO);
    assertThat(failed.failure().error()).isEqualTo("States.Runtime");
    Harness.Result again = Harness.redrive(def, failed, 1, LATER, ECHO);
    assertThat(again.failure().error()).as("item 3 has no x: it fails again, it is not skipped")
        .isEqualTo("States.Runtime");
  }

  /**
   * The iterations of a failed Map are kept (a redrive needs them) but go on no more: a late
   * answer to a task one of them waited for changes nothing.
   */
  @Test
  void aFailedMapsIterations_answerNoSignal() {
    // an item without x fails its iteration (a Fail state), and with it the inner Map
    String inner = "{\"Type\":\"Map\",\"ItemProcessor\":{\"StartAt\":\"C\",\"States\":{"
        + "\"C\":{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$.x\",\"IsPresent\":true,\"Next\":\"T\"}],\"Default\":\"F\"},"
        + "\"F\":{\"Type\":\"Fail\",\"Error\":\"NoX\"},"
        + "\"T\":{\"Type\":\"Task\",\"Resource\":\"" + LAMBDA + "\",\"End\":true}}},"
        + "\"End\":true}";
    String def = "{\"StartAt\":\"Outer\",\"States\":{\"Outer\":{\"Type\":\"Map\",\"ToleratedFailurePercentage\":100,"
        + "\"ItemProcessor\":{\"StartAt\":\"Inner\",\"States\":{\"Inner\":" + inner + "}},\"End\":true}}}";
    CompiledDefinition d = Harness.compile(def);
    Step s = Interpreter.start(d, CTX, json("[[{\"x\":1},{\"y\":2}],[{\"x\":5}]]"), T0);
    Effect.ScheduleTask stale = (Effect.ScheduleTask) s.effects().get(0);
    assertThat(s.position().pendingEffects()).extracting(Effect::id).doesNotContain(stale.id());
    Step r = Interpreter.resume(d, CTX, ExecutionPosition.fromJson(s.position().toJson()),
        new Signal.TaskFailed(stale.id(), "Boom", "x"), T0.plusSeconds(1));
    assertThat(r.events()).isEmpty();
  }

  // --- Distributed Maps run as Map Runs ("Redriving Map Runs"): the same run is redriven ---

  private static final String DISTRIBUTED = "{\"StartAt\":\"Before\",\"States\":{"
      + "\"Before\":{\"Type\":\"Pass\",\"Next\":\"Fan\"},"
      + "\"Fan\":{\"Type\":\"Map\",\"ItemsPath\":\"$.items\",\"ItemProcessor\":{\"ProcessorConfig\":{\"Mode\":\"DISTRIBUTED\","
      + "\"ExecutionType\":\"STANDARD\"},\"StartAt\":\"Work\",\"States\":{\"Work\":{\"Type\":\"Pass\",\"End\":true}}},"
      + "\"Retry\":[{\"ErrorEquals\":[\"Retryable\"],\"MaxAttempts\":1,\"IntervalSeconds\":1}],"
      + "\"Next\":\"After\"},"
      + "\"After\":{\"Type\":\"Pass\",\"End\":true}}}";

  private static boolean mapRun(Effect.ScheduleTask t) {
    return t.resource().equals(ExecutionContext.MAP_RUN);
  }

  @Test
  void aFailedMapRun_isRedrivenUnderItsArn_withItsRedriveCount_andTheStatesAfterItRun() {
    List<Effect.ScheduleTask> runs = new ArrayList<>();
    Harness.Result failed = Harness.runWithMapRuns(DISTRIBUTED, "{\"items\":[1,2,3]}", t -> {
      runs.add(t);
      return new Signal.TaskFailed(t.id(), "States.ExceedToleratedFailureThreshold", "too many failed");
    });
    assertThat(runs).hasSize(1).allMatch(RedriveTest::mapRun);
    String arn = runs.get(0).parameters().get("MapRunArn").asText();
    assertThat(runs.get(0).parameters().has("RedriveCount")).isFalse();

    for (int n = 1; n <= 3; n++) {
      List<Effect.ScheduleTask> again = new ArrayList<>();
      Harness.Result redriven = Harness.redrive(DISTRIBUTED, failed, n, LATER, true, t -> {
        again.add(t);
        return t.parameters().get("RedriveCount").asInt() < 3
            ? new Signal.TaskFailed(t.id(), "States.ExceedToleratedFailureThreshold", "still failing")
            : new Signal.TaskSucceeded(t.id(), json("[1,2,3]"));
      });
      assertThat(again).hasSize(1);
      JsonNode spec = again.get(0).parameters();
      assertThat(spec.get("MapRunArn").asText()).isEqualTo(arn);
      assertThat(spec.get("RedriveCount").asInt()).isEqualTo(n);
      assertThat(spec.get("Items")).isEqualTo(json("[1,2,3]"));
      HistoryEvent redrivenRun = redriven.event("MapRunRedriven");
      assertThat(redrivenRun.details().get("mapRunRedrivenEventDetails")).isEqualTo(json(
          "{\"mapRunArn\":\"" + arn + "\",\"redriveCount\":" + n + "}"));
      // the Map state is not entered again: the Map Run goes on
      assertThat(redriven.types()).doesNotContain("MapStateEntered", "MapStateStarted", "MapRunStarted");
      if (n < 3) {
        assertThat(redriven.types()).containsExactly("ExecutionRedriven", "MapRunRedriven", "MapRunFailed",
            "MapStateFailed", "ExecutionFailed");
        failed = redriven;
      } else {
        assertThat(redriven.types()).containsExactly("ExecutionRedriven", "MapRunRedriven", "MapRunSucceeded",
            "MapStateSucceeded", "MapStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded");
        assertThat(redriven.output()).isEqualTo(json("[1,2,3]"));
      }
    }
  }

  @Test
  void aMapRunThatWasRetried_redrivesTheLastRun() {
    List<String> arns = new ArrayList<>();
    Harness.Result failed = Harness.runWithMapRuns(DISTRIBUTED, "{\"items\":[1]}", t -> {
      arns.add(t.parameters().get("MapRunArn").asText());
      return new Signal.TaskFailed(t.id(), "Retryable", "again");
    });
    // the Retry started a second Map Run, under an ARN of its own
    assertThat(arns).hasSize(2).doesNotHaveDuplicates();
    List<String> redriven = new ArrayList<>();
    Harness.redrive(DISTRIBUTED, failed, 1, LATER, true, t -> {
      redriven.add(t.parameters().get("MapRunArn").asText());
      return new Signal.TaskSucceeded(t.id(), json("[]"));
    });
    assertThat(redriven).containsExactly(arns.get(1));
  }

  @Test
  void aDistributedMapThatFailedBeforeItsRunStarted_startsARunOnRedrive_notAnEarlierMapsRun() {
    String def = "{\"StartAt\":\"First\",\"States\":{"
        + "\"First\":{\"Type\":\"Map\",\"ItemsPath\":\"$.items\",\"ResultPath\":null,\"ItemProcessor\":{\"ProcessorConfig\":"
        + "{\"Mode\":\"DISTRIBUTED\",\"ExecutionType\":\"EXPRESS\"},\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Pass\",\"End\":true}}},"
        + "\"Next\":\"Second\"},"
        + "\"Second\":{\"Type\":\"Map\",\"ItemsPath\":\"$.other\",\"ItemProcessor\":{\"ProcessorConfig\":"
        + "{\"Mode\":\"DISTRIBUTED\",\"ExecutionType\":\"EXPRESS\"},\"StartAt\":\"W2\",\"States\":{\"W2\":{\"Type\":\"Pass\",\"End\":true}}},"
        + "\"End\":true}}}";
    List<String> arns = new ArrayList<>();
    Function<Effect.ScheduleTask, Signal> ok = t -> {
      arns.add(t.parameters().get("MapRunArn").asText());
      return new Signal.TaskSucceeded(t.id(), json("[]"));
    };
    // Second's ItemsPath finds nothing: it fails before its Map Run starts
    Harness.Result failed = Harness.runWithMapRuns(def, "{\"items\":[1]}", ok);
    assertThat(failed.failure().error()).isEqualTo("States.Runtime");
    assertThat(arns).hasSize(1);
    assertThat(failed.types()).containsOnlyOnce("MapRunStarted");
    // redriven with the path still missing, the state is entered again: no run of First is redriven
    Harness.Result again = Harness.redrive(def, failed, 1, LATER, true, ok);
    assertThat(arns).hasSize(1);
    assertThat(again.types()).contains("MapStateEntered").doesNotContain("MapRunRedriven");
  }

  @Test
  void aMapRunRedrivenAThousandTimes_failsTheStateWithStatesRuntime_whichItsCatchSees() {
    String def = "{\"StartAt\":\"Fan\",\"States\":{"
        + "\"Fan\":{\"Type\":\"Map\",\"ItemProcessor\":{\"ProcessorConfig\":{\"Mode\":\"DISTRIBUTED\","
        + "\"ExecutionType\":\"EXPRESS\"},\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Pass\",\"End\":true}}},"
        + "\"Catch\":[{\"ErrorEquals\":[\"States.Runtime\"],\"Next\":\"Caught\"}],\"End\":true},"
        + "\"Caught\":{\"Type\":\"Pass\",\"End\":true}}}";
    Function<Effect.ScheduleTask, Signal> failing = t -> new Signal.TaskFailed(t.id(), "States.ExceedToleratedFailureThreshold", "x");
    Harness.Result r = Harness.runWithMapRuns(def, "[1]", failing);
    for (int n = 1; n <= 1000; n++) {
      r = Harness.redrive(def, r, n, LATER, true, failing);
      assertThat(r.failure().error()).isEqualTo("States.ExceedToleratedFailureThreshold");
    }
    Harness.Result last = Harness.redrive(def, r, 1001, LATER, true, failing);
    assertThat(last.types()).containsExactly("ExecutionRedriven", "MapStateFailed", "MapStateExited", "PassStateEntered", "PassStateExited",
        "ExecutionSucceeded");
    assertThat(last.output().get("Error").asText()).isEqualTo("States.Runtime");
    assertThat(last.output().get("Cause").asText()).contains("1000");
  }
}
