package io.stepwise.asl.interpreter;

import static io.stepwise.asl.Harness.CTX;
import static io.stepwise.asl.Harness.T0;
import static io.stepwise.asl.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    String inner = "{\"Type\":\"Map\",\"ItemSelector\":{\"v.$\":\"$$.Map.Item.Value.x\"},"
        + "\"ItemProcessor\":{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"" + LAMBDA + "\",\"End\":true}}},"
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
}
