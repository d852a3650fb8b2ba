package io.stepwise.asl.interpreter;

import static io.stepwise.asl.Harness.T0;
import static io.stepwise.asl.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.asl.Harness;
import io.stepwise.asl.model.Retrier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TaskRetryCatchTest {
  static final String LAMBDA = "arn:aws:states:::lambda:invoke";

  static String task(String extra) {
    return "{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"" + LAMBDA + "\"," + extra + ",\"End\":true}"
        + (extra.contains("Caught") ? ",\"Caught\":{\"Type\":\"Pass\",\"End\":true}" : "") + "}}";
  }

  @Test
  void task_schedulesItsEvaluatedParameters_andAppliesResultSelectorAndResultPath() {
    List<Effect.ScheduleTask> seen = new ArrayList<>();
    var r = Harness.run(task("\"Parameters\":{\"FunctionName\":\"f\",\"Payload.$\":\"$.in\"},\"TimeoutSeconds\":30,"
        + "\"ResultSelector\":{\"body.$\":\"$.Payload.body\"},\"ResultPath\":\"$.out\",\"Catch\":[{\"ErrorEquals\":[\"States.ALL\"],\"Next\":\"Caught\"}]"),
        "{\"in\":{\"k\":1}}", t -> {
          seen.add(t);
          return new Signal.TaskSucceeded(t.id(), json("{\"Payload\":{\"body\":\"ok\"},\"StatusCode\":200}"));
        });
    assertThat(seen).singleElement().satisfies(t -> {
      assertThat(t.resource()).isEqualTo(LAMBDA);
      assertThat(t.stateName()).isEqualTo("T");
      assertThat(t.parameters()).isEqualTo(json("{\"FunctionName\":\"f\",\"Payload\":{\"k\":1}}"));
      assertThat(t.timeoutSeconds()).isEqualTo(30);
      assertThat(t.heartbeatSeconds()).isNull();
    });
    assertThat(r.output()).isEqualTo(json("{\"in\":{\"k\":1},\"out\":{\"body\":\"ok\"}}"));
    assertThat(r.types()).containsExactly("ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded");
    var scheduled = r.event("TaskScheduled").details().get("taskScheduledEventDetails");
    assertThat(scheduled.get("resourceType").asText()).isEqualTo("lambda");
    assertThat(scheduled.get("resource").asText()).isEqualTo("invoke");
    assertThat(scheduled.get("region").asText()).isEqualTo("us-east-1");
    assertThat(scheduled.get("timeoutInSeconds").asInt()).isEqualTo(30);
  }

  /** The role a task runs as is recorded in TaskScheduled, evaluated like any payload. */
  @Test
  void credentials_areRecordedAsTaskCredentials() {
    var r = Harness.run(task("\"Credentials\":{\"RoleArn.$\":\"States.Format('arn:aws:iam::{}:role/worker', $.account)\"}"),
        "{\"account\":\"111122223333\"}", t -> new Signal.TaskSucceeded(t.id(), json("{}")));
    assertThat(r.event("TaskScheduled").details().get("taskScheduledEventDetails").get("taskCredentials"))
        .isEqualTo(json("{\"roleArn\":\"arn:aws:iam::111122223333:role/worker\"}"));
    var missing = Harness.run(task("\"Credentials\":{\"RoleArn.$\":\"$.role\"}"), "{}", t -> new Signal.TaskSucceeded(t.id(), json("{}")));
    assertThat(missing.failure().error()).isEqualTo("States.Runtime");
  }

  /**
   * A service integration's effective parameters are read again as a template when the task runs:
   * a {@code .$} key still in them must hold a path or an intrinsic call, or the state fails with
   * States.Runtime before it is scheduled (AWS, for a Lambda Payload holding {@code "taskToken.$"}
   * with the token in it: {@code The Parameters '<json>' could not be used to start the Task: [The
   * value for the field 'taskToken.$' must be a valid JSONPath or a valid intrinsic function call]}).
   */
  @Test
  void effectiveParametersStillHoldingAPathKey_failTheStateBeforeItIsScheduled() {
    String entered = "An error occurred while executing the state 'T' (entered at the event id #2). ";
    String[][] cases = {
        // data handed on with a .$ key whose value is no path: at the top, nested, inside an array
        {"{\"data\":{\"note.$\":\"hello\"}}", "{\"FunctionName\":\"f\",\"Payload\":{\"note.$\":\"hello\"}}",
            "[The value for the field 'note.$' must be a valid JSONPath or a valid intrinsic function call]"},
        {"{\"data\":{\"a\":[{\"b.$\":\"x\"}],\"c.$\":\"y\"}}", "{\"FunctionName\":\"f\",\"Payload\":{\"a\":[{\"b.$\":\"x\"}],\"c.$\":\"y\"}}",
            "[The value for the field 'b.$' must be a valid JSONPath or a valid intrinsic function call, "
                + "The value for the field 'c.$' must be a valid JSONPath or a valid intrinsic function call]"},
        {"{\"data\":{\"n.$\":7}}", "{\"FunctionName\":\"f\",\"Payload\":{\"n.$\":7}}",
            "[The value for the field 'n.$' must be a STRING that contains a JSONPath but was NUMBER]"},
        // a path or a call that does not parse: the same words, naming the key
        {"{\"data\":{\"p.$\":\"$[\",\"q.$\":\"States.Format(\"}}", "{\"FunctionName\":\"f\",\"Payload\":{\"p.$\":\"$[\",\"q.$\":\"States.Format(\"}}",
            "[The value for the field 'p.$' must be a valid JSONPath or a valid intrinsic function call, "
                + "The value for the field 'q.$' must be a valid JSONPath or a valid intrinsic function call]"},
    };
    for (String[] c : cases) {
      List<Effect.ScheduleTask> seen = new ArrayList<>();
      var r = Harness.run(task("\"Parameters\":{\"FunctionName\":\"f\",\"Payload.$\":\"$.data\"}"), c[0], t -> {
        seen.add(t);
        return new Signal.TaskSucceeded(t.id(), json("{}"));
      });
      assertThat(seen).as(c[0]).isEmpty();
      assertThat(r.types()).as(c[0]).containsExactly("ExecutionStarted", "TaskStateEntered", "ExecutionFailed");
      assertThat(r.failure().error()).isEqualTo("States.Runtime");
      assertThat(r.failure().cause()).isEqualTo(entered + "The Parameters '" + c[1] + "' could not be used to start the Task: " + c[2]);
    }
    // a template that writes a .$ key out (CDK's "taskToken.$.$") leaves it in the effective parameters
    var token = Harness.run("{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"" + LAMBDA
        + ".waitForTaskToken\",\"Parameters\":{\"FunctionName\":\"f\",\"Payload\":{\"taskToken.$.$\":\"$$.Task.Token\"}},\"End\":true}}}",
        "{}", t -> new Signal.TaskSucceeded(t.id(), json("{}")));
    assertThat(token.types()).containsExactly("ExecutionStarted", "TaskStateEntered", "ExecutionFailed");
    assertThat(token.failure().cause()).startsWith(entered + "The Parameters '{\"FunctionName\":\"f\",\"Payload\":{\"taskToken.$\":\"")
        .endsWith("' could not be used to start the Task: [The value for the field 'taskToken.$' must be a valid JSONPath or a valid intrinsic function call]");
  }

  /**
   * What may stay: a {@code .$} key that holds a path or an intrinsic call is a template AWS can
   * read, and activities and Lambda functions named by their ARN take any input.
   */
  @Test
  void effectiveParameters_thatReadAsATemplate_orGoToAnActivityOrFunctionArn_areScheduled() {
    String[] resources = {LAMBDA, "arn:aws:states:us-east-1:123456789012:activity:work",
        "arn:aws:lambda:us-east-1:123456789012:function:f"};
    String[] inputs = {"{\"data\":{\"p.$\":\"$.x\",\"q.$\":\"States.Format('{}', $.y)\"}}", "{\"data\":{\"note.$\":\"hello\"}}"};
    for (String resource : resources) {
      for (String input : inputs) {
        if (resource.equals(LAMBDA) && input.contains("hello")) continue;
        var r = Harness.run("{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"" + resource
            + "\",\"Parameters\":{\"Payload.$\":\"$.data\"},\"End\":true}}}", input, t -> new Signal.TaskSucceeded(t.id(), t.parameters()));
        assertThat(r.outcome()).as(resource + " " + input).isInstanceOf(Outcome.Succeeded.class);
        assertThat(r.output().get("Payload")).isEqualTo(json(input).get("data"));
      }
    }
  }

  /**
   * What the engine finds in a task's effective parameters ({@link io.stepwise.asl.TaskCheck#startProblems})
   * joins the template's problems in one list; a Catch that names States.Runtime takes the failure,
   * States.ALL does not.
   */
  @Test
  void integrationProblems_joinTheList_andOnlyACatchNamingStatesRuntimeTakesThem() {
    io.stepwise.asl.TaskCheck check = new io.stepwise.asl.TaskCheck() {
      public String refusal(String resource) {
        return null;
      }

      public List<String> startProblems(String resource, com.fasterxml.jackson.databind.JsonNode parameters, boolean jsonata) {
        return parameters.path("Qs").isTextual() ? List.of("The value of the field 'Qs' has an invalid format") : List.of();
      }
    };
    var failed = Harness.run(task("\"Parameters\":{\"Qs.$\":\"$.q\",\"x.$\":\"$.x\"},"
        + "\"Catch\":[{\"ErrorEquals\":[\"States.ALL\"],\"Next\":\"Caught\"}]"), "{\"q\":\"?a=1\",\"x\":{\"y.$\":\"z\"}}", check,
        t -> new Signal.TaskSucceeded(t.id(), json("{}")));
    assertThat(failed.failure().cause()).endsWith("The Parameters '{\"Qs\":\"?a=1\",\"x\":{\"y.$\":\"z\"}}' could not be used to start the Task: "
        + "[The value for the field 'y.$' must be a valid JSONPath or a valid intrinsic function call, The value of the field 'Qs' has an invalid format]");
    var caught = Harness.run(task("\"Parameters\":{\"Qs.$\":\"$.q\"},\"Catch\":[{\"ErrorEquals\":[\"States.Runtime\"],\"Next\":\"Caught\"}]"),
        "{\"q\":\"?a=1\"}", check, t -> new Signal.TaskSucceeded(t.id(), json("{}")));
    assertThat(caught.outcome()).isInstanceOf(Outcome.Succeeded.class);
    assertThat(caught.types()).doesNotContain("TaskScheduled").contains("TaskStateExited", "PassStateEntered");
    var fine = Harness.run(task("\"Parameters\":{\"Qs.$\":\"$.q\"}"), "{\"q\":{\"a\":[\"1\"]}}", check,
        t -> new Signal.TaskSucceeded(t.id(), json("{}")));
    assertThat(fine.types()).contains("TaskScheduled", "TaskSucceeded");
    // JSONata Arguments are the task's parameters too; a key ending in .$ is only a name there
    var jsonata = Harness.run("{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"" + LAMBDA
        + "\",\"Arguments\":{\"Qs\":\"{% $states.input.q %}\",\"x.$\":\"y\"},\"End\":true}}}", "{\"q\":\"?a=1\"}", check,
        t -> new Signal.TaskSucceeded(t.id(), json("{}")));
    assertThat(jsonata.types()).containsExactly("ExecutionStarted", "TaskStateEntered", "ExecutionFailed");
    assertThat(jsonata.failure().cause()).endsWith("The Parameters '{\"Qs\":\"?a=1\",\"x.$\":\"y\"}' could not be used to start the Task: "
        + "[The value of the field 'Qs' has an invalid format]");
  }

  @Test
  void retry_waitsWithBackoffThenSucceeds_andCountsRetries() {
    AtomicInteger calls = new AtomicInteger();
    List<Instant> scheduledAt = new ArrayList<>();
    var r = Harness.run(task("\"Parameters\":{\"n.$\":\"$$.State.RetryCount\"},\"Retry\":[{\"ErrorEquals\":[\"Flaky\"],\"IntervalSeconds\":2,\"BackoffRate\":3,\"MaxAttempts\":3}]"),
        "{}", t -> {
          scheduledAt.add(null);
          return calls.incrementAndGet() < 3 ? new Signal.TaskFailed(t.id(), "Flaky", "try again") : new Signal.TaskSucceeded(t.id(), t.parameters());
        });
    assertThat(r.output()).isEqualTo(json("{\"n\":2}"));
    List<Instant> timers = r.effects().stream().filter(e -> e instanceof Effect.StartTimer).map(e -> ((Effect.StartTimer) e).fireAt()).toList();
    assertThat(timers).containsExactly(T0.plusSeconds(2), T0.plusSeconds(2 + 6));
    assertThat(r.types()).containsSubsequence("TaskScheduled", "TaskFailed", "TaskScheduled", "TaskFailed", "TaskScheduled", "TaskStarted", "TaskSucceeded");
  }

  @Test
  void invocations_countEachTaskStateAcrossRetriesAndMapIterations_throughPositionRoundTrips() {
    List<String> seen = new ArrayList<>();
    String def = "{\"StartAt\":\"T\",\"States\":{"
        + "\"T\":{\"Type\":\"Task\",\"Resource\":\"" + LAMBDA + "\",\"Retry\":[{\"ErrorEquals\":[\"Flaky\"],\"IntervalSeconds\":1,\"MaxAttempts\":5}],\"Next\":\"M\"},"
        + "\"M\":{\"Type\":\"Map\",\"ItemsPath\":\"$.items\",\"ItemProcessor\":{\"StartAt\":\"U\",\"States\":{"
        + "\"U\":{\"Type\":\"Task\",\"Resource\":\"" + LAMBDA + "\",\"End\":true}}},\"Next\":\"T2\"},"
        + "\"T2\":{\"Type\":\"Task\",\"Resource\":\"" + LAMBDA + "\",\"End\":true}}}";
    AtomicInteger tCalls = new AtomicInteger();
    var r = Harness.run(def, "{\"items\":[1,2,3]}", t -> {
      seen.add(t.stateName() + t.invocation());
      if (t.stateName().equals("T") && tCalls.incrementAndGet() < 3) return new Signal.TaskFailed(t.id(), "Flaky", "again");
      return new Signal.TaskSucceeded(t.id(), json("{\"items\":[1,2,3]}"));
    });
    assertThat(r.types()).endsWith("ExecutionSucceeded");
    assertThat(seen).containsExactly("T0", "T1", "T2", "U0", "U1", "U2", "T20");
  }

  @Test
  void retriesExhausted_fallToCatch_withErrorOutputAtResultPath() {
    var r = Harness.run(task("\"Retry\":[{\"ErrorEquals\":[\"Boom\"],\"MaxAttempts\":1}],\"Catch\":[{\"ErrorEquals\":[\"Other\"],\"Next\":\"Caught\"},{\"ErrorEquals\":[\"States.ALL\"],\"ResultPath\":\"$.err\",\"Next\":\"Caught\"}]"),
        "{\"a\":1}", t -> new Signal.TaskFailed(t.id(), "Boom", "bad"));
    assertThat(r.output()).isEqualTo(json("{\"a\":1,\"err\":{\"Error\":\"Boom\",\"Cause\":\"bad\"}}"));
    assertThat(r.types()).containsSubsequence("TaskFailed", "TaskScheduled", "TaskFailed", "TaskStateExited", "PassStateEntered");
  }

  @Test
  void uncaughtTaskFailure_failsTheExecutionWithTheTasksErrorAndCause() {
    var r = Harness.run(task("\"Catch\":[{\"ErrorEquals\":[\"Other\"],\"Next\":\"Caught\"}]"), "{}", t -> new Signal.TaskFailed(t.id(), "Lambda.Unknown", "nope"));
    assertThat(r.failure()).isEqualTo(new Outcome.Failed("Lambda.Unknown", "nope"));
    assertThat(r.types()).endsWith("TaskFailed", "ExecutionFailed");
  }

  @Test
  void statesAll_doesNotCatchStatesRuntime() {
    var r = Harness.run(task("\"Parameters\":{\"x.$\":\"$.missing\"},\"Catch\":[{\"ErrorEquals\":[\"States.ALL\"],\"Next\":\"Caught\"}]"), "{}");
    assertThat(r.failure().error()).isEqualTo("States.Runtime");
  }

  @Test
  void retryDelay_backsOffCapsAndJitters() {
    Retrier r = new Retrier(List.of("States.ALL"), 3, 10, 2.0, 20, false);
    assertThat(RetryPolicy.delayMillis(r, 0, 0.5)).isEqualTo(3_000);
    assertThat(RetryPolicy.delayMillis(r, 1, 0.5)).isEqualTo(6_000);
    assertThat(RetryPolicy.delayMillis(r, 2, 0.5)).isEqualTo(12_000);
    assertThat(RetryPolicy.delayMillis(r, 3, 0.5)).isEqualTo(20_000);
    Retrier full = new Retrier(List.of("States.ALL"), 4, 10, 1.5, null, true);
    assertThat(RetryPolicy.delayMillis(full, 1, 0.0)).isZero();
    assertThat(RetryPolicy.delayMillis(full, 1, 0.25)).isEqualTo(1_500);
    assertThat(RetryPolicy.delayMillis(full, 1, 0.999999)).isBetween(5_990L, 6_000L);
  }

  @Test
  void jitteredRetry_firesWithinBounds_andReplaysIdentically() {
    String def = task("\"Retry\":[{\"ErrorEquals\":[\"E\"],\"IntervalSeconds\":10,\"MaxAttempts\":1,\"JitterStrategy\":\"FULL\"}]");
    var a = Harness.run(def, "{}", t -> new Signal.TaskFailed(t.id(), "E", null));
    var b = Harness.run(def, "{}", t -> new Signal.TaskFailed(t.id(), "E", null));
    Instant fire = ((Effect.StartTimer) a.effects().stream().filter(e -> e instanceof Effect.StartTimer).findFirst().orElseThrow()).fireAt();
    assertThat(fire).isBetween(T0, T0.plusSeconds(10));
    assertThat(b.effects()).isEqualTo(a.effects());
  }

  @Test
  void errorMatching_followsAwsWildcards() {
    assertThat(RetryPolicy.matches(List.of("States.ALL"), "Custom")).isTrue();
    assertThat(RetryPolicy.matches(List.of("States.ALL"), "States.DataLimitExceeded")).isFalse();
    assertThat(RetryPolicy.matches(List.of("States.TaskFailed"), "Lambda.ServiceException")).isTrue();
    assertThat(RetryPolicy.matches(List.of("States.TaskFailed"), "States.Timeout")).isFalse();
    assertThat(RetryPolicy.matches(List.of("A", "B"), "B")).isTrue();
  }

  /**
   * States.Timeout names a heartbeat timeout too (the developer guide: "failed to send a heartbeat
   * for a period longer than the HeartbeatSeconds value"; aws-cdk#16084): a Catch or Retry on it
   * takes States.HeartbeatTimeout, which keeps its own name; the other way round it does not.
   */
  @Test
  void statesTimeout_namesAHeartbeatTimeoutToo() {
    assertThat(RetryPolicy.matches(List.of("States.Timeout"), "States.HeartbeatTimeout")).isTrue();
    assertThat(RetryPolicy.matches(List.of("States.HeartbeatTimeout"), "States.Timeout")).isFalse();
    assertThat(RetryPolicy.matches(List.of("States.TaskFailed"), "States.HeartbeatTimeout")).isFalse();
    var caught = Harness.run(task("\"HeartbeatSeconds\":5,\"Catch\":[{\"ErrorEquals\":[\"States.Timeout\"],\"Next\":\"Caught\"}]"), "{}",
        t -> new Signal.TaskFailed(t.id(), "States.HeartbeatTimeout", null));
    assertThat(caught.output().get("Error").asText()).isEqualTo("States.HeartbeatTimeout");
    var retried = Harness.run(task("\"HeartbeatSeconds\":5,\"Retry\":[{\"ErrorEquals\":[\"States.Timeout\"],\"MaxAttempts\":1}]"), "{}",
        t -> t.invocation() == 0 ? new Signal.TaskFailed(t.id(), "States.HeartbeatTimeout", null) : new Signal.TaskSucceeded(t.id(), json("{\"ok\":1}")));
    assertThat(retried.output()).isEqualTo(json("{\"ok\":1}"));
  }

  /**
   * When a task's TimeoutSeconds run out: "the count begins after the task has been started, for
   * example, when ActivityStarted or LambdaFunctionStarted are logged" (the developer guide's Task
   * state page), so an activity's when a worker takes it, and an untaken one has no deadline; any
   * other task's when it is scheduled (its start follows at once). The start is kept across a reload
   * of the position.
   */
  @Test
  void timeoutSeconds_countFromAnActivitysStart_andFromAnyOtherTasksScheduling() {
    String activity = "{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:us-east-1:123456789012:activity:work\","
        + "\"TimeoutSeconds\":30,\"HeartbeatSeconds\":10,\"End\":true}}}";
    var def = Harness.compile(activity);
    Step scheduled = Interpreter.start(def, Harness.CTX, json("{}"), T0);
    Effect.ScheduleTask untaken = (Effect.ScheduleTask) reloaded(scheduled).pendingEffects().get(0);
    assertThat(untaken.timesOutAt()).as("no worker has it").isNull();
    Instant start = T0.plusSeconds(100);
    Step started = Interpreter.resume(def, Harness.CTX, reloaded(scheduled), new Signal.TaskStarted(untaken.id(), "w", null), start);
    Effect.ScheduleTask taken = (Effect.ScheduleTask) reloaded(started).pendingEffects().get(0);
    assertThat(taken.timesOutAt()).isEqualTo(start.plusSeconds(30));
    Step beat = Interpreter.resume(def, Harness.CTX, reloaded(started), new Signal.TaskHeartbeat(taken.id()), start.plusSeconds(8));
    Effect.ScheduleTask beating = (Effect.ScheduleTask) reloaded(beat).pendingEffects().get(0);
    assertThat(beating.timesOutAt()).as("a heartbeat does not move the deadline").isEqualTo(start.plusSeconds(30));
    assertThat(beating.heartbeatAt()).isEqualTo(start.plusSeconds(8));
    var lambda = Harness.compile(task("\"TimeoutSeconds\":30"));
    Effect.ScheduleTask call = (Effect.ScheduleTask) reloaded(Interpreter.start(lambda, Harness.CTX, json("{}"), T0)).pendingEffects().get(0);
    assertThat(call.timesOutAt()).isEqualTo(T0.plusSeconds(30));
  }

  private static ExecutionPosition reloaded(Step step) {
    return ExecutionPosition.fromJson(json(io.stepwise.asl.path.Json.write(step.position().toJson())));
  }

  @Test
  void activitiesAndLambdaFunctions_recordTheirOwnEventTypes() {
    String activity = "{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:us-east-1:123456789012:activity:work\",\"HeartbeatSeconds\":5,\"End\":true}}}";
    var a = Harness.run(activity, "{\"a\":1}", t -> new Signal.TaskSucceeded(t.id(), json("{\"done\":true}")));
    assertThat(a.types()).containsExactly("ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivitySucceeded", "TaskStateExited", "ExecutionSucceeded");
    var scheduled = a.event("ActivityScheduled").details().get("activityScheduledEventDetails");
    assertThat(scheduled.get("input").asText()).isEqualTo("{\"a\":1}");
    assertThat(scheduled.get("heartbeatInSeconds").asInt()).isEqualTo(5);
    String lambda = "{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:lambda:us-east-1:123456789012:function:f\",\"End\":true}}}";
    var l = Harness.run(lambda, "{}", t -> new Signal.TaskFailed(t.id(), "States.Timeout", null));
    assertThat(l.types()).containsExactly("ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionTimedOut", "ExecutionFailed");
  }

  @Test
  void waitForTaskToken_putsARoutableTokenInTheContext() {
    String def = "{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::sqs:sendMessage.waitForTaskToken\","
        + "\"Parameters\":{\"token.$\":\"$$.Task.Token\"},\"End\":true}}}";
    List<Effect.ScheduleTask> seen = new ArrayList<>();
    var r = Harness.run(def, "{}", t -> {
      seen.add(t);
      return new Signal.TaskSucceeded(t.id(), json("\"ok\""));
    });
    String token = seen.get(0).parameters().get("token").asText();
    var decoded = TaskToken.decode(token).orElseThrow();
    assertThat(decoded.executionArn()).isEqualTo(Harness.CTX.executionArn());
    assertThat(decoded.effectId()).isEqualTo(seen.get(0).id());
    assertThat(TaskToken.decode("garbage!")).isEmpty();
    assertThat(r.output()).isEqualTo(json("\"ok\""));
  }
}
