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
}
