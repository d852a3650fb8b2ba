package io.stepwise.asl.replay;

import static io.stepwise.asl.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.asl.Harness;
import io.stepwise.asl.interpreter.HistoryEvent;
import io.stepwise.asl.interpreter.Signal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Replaying a recorded run against a changed definition finds the first event where it diverges. */
class ReplayTest {
  static final String ARN = Harness.CTX.executionArn();

  static String machine(String threshold, String wait) {
    return """
        {"StartAt": "Price", "States": {
          "Price": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "ResultPath": "$.price",
            "Retry": [{"ErrorEquals": ["Flaky"], "IntervalSeconds": 1, "MaxAttempts": 2}], "Next": "Big?"},
          "Big?": {"Type": "Choice", "Choices": [{"Variable": "$.price.amount", "NumericGreaterThan": %s, "Next": "Review"}],
            "Default": "Ship"},
          "Review": {"Type": "Wait", "Seconds": %s, "Next": "Ship"},
          "Ship": {"Type": "Pass", "End": true}}}
        """.formatted(threshold, wait);
  }

  /** The pricing task fails once (retried), then answers 150. */
  static List<HistoryEvent> record(String definition) {
    int[] calls = {0};
    return Harness.run(definition, "{\"order\": 7}", t -> calls[0]++ == 0
        ? new Signal.TaskFailed(t.id(), "Flaky", "try again")
        : new Signal.TaskSucceeded(t.id(), json("{\"amount\": 150}"))).events();
  }

  @Test
  void theSameDefinition_matches_withTaskAnswersAndRetriesTakenFromTheRecord() {
    List<HistoryEvent> recorded = record(machine("100", "60"));
    Replay.Result r = Replay.replay(Harness.compile(machine("100", "60")), ARN, recorded);
    assertThat(r.matched()).as(r.describe()).isTrue();
    assertThat(r.replayedEvents()).isEqualTo(recorded.size());
  }

  @Test
  void aChangedChoice_divergesAtTheStateItNowGoesTo() {
    List<HistoryEvent> recorded = record(machine("100", "60"));
    Replay.Result r = Replay.replay(Harness.compile(machine("200", "60")), ARN, recorded);
    assertThat(r.matched()).isFalse();
    long reviewEntered = recorded.stream().filter(e -> e.type().equals("WaitStateEntered")).findFirst().orElseThrow().id();
    assertThat(r.eventId()).isEqualTo(reviewEntered);
    assertThat(r.expected()).isEqualTo("WaitStateEntered 'Review'");
    assertThat(r.got()).isEqualTo("PassStateEntered 'Ship'");
  }

  @Test
  void aChangedWait_stillMatches_timersRunAtTheNewDefinitionsTimes() {
    List<HistoryEvent> recorded = record(machine("100", "60"));
    assertThat(Replay.replay(Harness.compile(machine("100", "3600")), ARN, recorded).matched()).isTrue();
  }

  @Test
  void aNewTaskState_divergesWhereTheRecordHasNoAnswerForIt() {
    List<HistoryEvent> recorded = record(machine("100", "60"));
    String extra = machine("100", "60").replace("\"Ship\": {\"Type\": \"Pass\", \"End\": true}",
        "\"Ship\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::lambda:invoke\", \"End\": true}");
    Replay.Result r = Replay.replay(Harness.compile(extra), ARN, recorded);
    assertThat(r.matched()).isFalse();
    assertThat(r.expected()).startsWith("PassStateEntered 'Ship'");
    assertThat(r.got()).isEqualTo("TaskStateEntered 'Ship'");
  }

  /** A callback task recorded TaskSubmitted before its outcome: the replay answers its start first, then the outcome. */
  @Test
  void aCallbackTask_withTaskSubmitted_matches() {
    String def = "{\"StartAt\":\"Ask\",\"States\":{\"Ask\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::sqs:sendMessage.waitForTaskToken\","
        + "\"Parameters\":{\"QueueUrl\":\"q\",\"MessageBody.$\":\"$$.Task.Token\"},\"End\":true}}}";
    var d = Harness.compile(def);
    var ctx = Harness.CTX;
    var s1 = io.stepwise.asl.interpreter.Interpreter.start(d, ctx, json("{}"), Harness.T0);
    var task = (io.stepwise.asl.interpreter.Effect.ScheduleTask) s1.effects().get(0);
    var s2 = io.stepwise.asl.interpreter.Interpreter.resume(d, ctx, s1.position(),
        new Signal.TaskStarted(task.id(), null, json("{\"MessageId\":\"m1\"}")), Harness.T0.plusSeconds(1));
    var s3 = io.stepwise.asl.interpreter.Interpreter.resume(d, ctx, s2.position(),
        new Signal.TaskSucceeded(task.id(), json("{\"answer\":42}")), Harness.T0.plusSeconds(5));
    List<HistoryEvent> recorded = new java.util.ArrayList<>(s1.events());
    recorded.addAll(s2.events());
    recorded.addAll(s3.events());
    assertThat(recorded).extracting(HistoryEvent::type).contains("TaskSubmitted");
    Replay.Result r = Replay.replay(d, ARN, recorded);
    assertThat(r.matched()).as(r.describe()).isTrue();
  }

  /** A stopped (or timed-out) execution is stopped in the replay when the recorded one was. */
  @Test
  void anAbortedExecution_matches() {
    String def = "{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Wait\",\"Seconds\":3600,\"End\":true}}}";
    var d = Harness.compile(def);
    var s1 = io.stepwise.asl.interpreter.Interpreter.start(d, Harness.CTX, json("{}"), Harness.T0);
    var s2 = io.stepwise.asl.interpreter.Interpreter.resume(d, Harness.CTX, s1.position(),
        new Signal.Stop("Cancelled", "by hand"), Harness.T0.plusSeconds(10));
    List<HistoryEvent> recorded = new java.util.ArrayList<>(s1.events());
    recorded.addAll(s2.events());
    assertThat(recorded.get(recorded.size() - 1).type()).isEqualTo("ExecutionAborted");
    Replay.Result r = Replay.replay(d, ARN, recorded);
    assertThat(r.matched()).as(r.describe()).isTrue();
  }
}
