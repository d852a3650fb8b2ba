package io.stepwise.asl.interpreter;

import static io.stepwise.asl.Harness.CTX;
import static io.stepwise.asl.Harness.T0;
import static io.stepwise.asl.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.asl.CompiledDefinition;
import io.stepwise.asl.Harness;
import io.stepwise.asl.path.Json;
import org.junit.jupiter.api.Test;

class WaitAndSignalsTest {
  static final String WAIT10 = "{\"StartAt\":\"W\",\"TimeoutSeconds\":5,\"States\":{\"W\":{\"Type\":\"Wait\",\"Seconds\":10,\"Next\":\"E\"},\"E\":{\"Type\":\"Pass\",\"End\":true}}}";

  @Test
  void waitSeconds_startsATimerAndExitsWhenItFires() {
    CompiledDefinition d = Harness.compile(WAIT10);
    Step s = Interpreter.start(d, CTX, json("{\"a\":1}"), T0);
    assertThat(s.finished()).isFalse();
    assertThat(s.events()).extracting(HistoryEvent::type).containsExactly("ExecutionStarted", "WaitStateEntered");
    Effect.StartTimer t = (Effect.StartTimer) s.effects().get(0);
    assertThat(t.fireAt()).isEqualTo(T0.plusSeconds(10));
    assertThat(s.position().pendingEffects()).containsExactly(t);
    Step done = Interpreter.resume(d, CTX, s.position(), new Signal.TimerFired(t.id()), T0.plusSeconds(10));
    assertThat(done.events()).extracting(HistoryEvent::type).containsExactly("WaitStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded");
    assertThat(done.events().get(0).id()).isEqualTo(3);
    assertThat(done.events().get(0).timestamp()).isEqualTo(T0.plusSeconds(10));
    assertThat(done.outcome()).isEqualTo(new Outcome.Succeeded(json("{\"a\":1}")));
    assertThat(done.position().pendingEffects()).isEmpty();
  }

  @Test
  void duplicateOrUnknownSignals_andFinishedPositions_areNoOps() {
    CompiledDefinition d = Harness.compile(WAIT10);
    Step s = Interpreter.start(d, CTX, json("{}"), T0);
    Step unknown = Interpreter.resume(d, CTX, s.position(), new Signal.TimerFired("nope"), T0);
    assertThat(unknown.events()).isEmpty();
    assertThat(unknown.position()).isSameAs(s.position());
    String id = s.effects().get(0).id();
    Step done = Interpreter.resume(d, CTX, s.position(), new Signal.TimerFired(id), T0.plusSeconds(10));
    Step again = Interpreter.resume(d, CTX, done.position(), new Signal.TimerFired(id), T0.plusSeconds(11));
    assertThat(again.events()).isEmpty();
    assertThat(again.outcome()).isNull();
    // the original position is immutable: resuming it twice gives the same events
    Step replay = Interpreter.resume(d, CTX, s.position(), new Signal.TimerFired(id), T0.plusSeconds(10));
    assertThat(replay.events()).isEqualTo(done.events());
  }

  @Test
  void position_roundTripsThroughJsonExactly() throws Exception {
    CompiledDefinition d = Harness.compile(WAIT10);
    Step s = Interpreter.start(d, CTX, json("{\"x\":[1,{\"y\":null}]}"), T0);
    var js = s.position().toJson();
    ExecutionPosition back = ExecutionPosition.fromJson(Json.parse(Json.write(js)));
    assertThat(back.toJson()).isEqualTo(js);
    assertThat(back.pendingEffects()).isEqualTo(s.position().pendingEffects());
    assertThat(back.lastEventId()).isEqualTo(2);
    Step done = Interpreter.resume(d, CTX, back, new Signal.TimerFired(s.effects().get(0).id()), T0.plusSeconds(10));
    assertThat(done.outcome().status()).isEqualTo("SUCCEEDED");
  }

  @Test
  void stop_abortsWithErrorAndCause() {
    CompiledDefinition d = Harness.compile(WAIT10);
    Step s = Interpreter.start(d, CTX, json("{}"), T0);
    Step stopped = Interpreter.resume(d, CTX, s.position(), new Signal.Stop("Err", "why"), T0.plusSeconds(1));
    assertThat(stopped.outcome()).isEqualTo(new Outcome.Aborted("Err", "why"));
    HistoryEvent e = stopped.events().get(0);
    assertThat(e.type()).isEqualTo("ExecutionAborted");
    assertThat(e.id()).isEqualTo(3);
    assertThat(e.previousEventId()).isZero(); // chained to no event, as ExecutionTimedOut
    assertThat(e.details().get("executionAbortedEventDetails")).isEqualTo(json("{\"error\":\"Err\",\"cause\":\"why\"}"));
    HistoryEvent bare = Interpreter.resume(d, CTX, s.position(), new Signal.Stop(null, null), T0.plusSeconds(1)).events().get(0);
    assertThat(bare.previousEventId()).isZero();
    assertThat(bare.details().get("executionAbortedEventDetails")).isEqualTo(json("{}"));
  }

  @Test
  void executionTimeout_endsTimedOutWithoutErrorAsAwsShows() {
    CompiledDefinition d = Harness.compile(WAIT10);
    assertThat(d.timeoutSeconds()).isEqualTo(5);
    Step s = Interpreter.start(d, CTX, json("{}"), T0);
    Step t = Interpreter.resume(d, CTX, s.position(), new Signal.ExecutionTimedOut(), T0.plusSeconds(5));
    assertThat(t.outcome()).isEqualTo(new Outcome.TimedOut(null, null));
    assertThat(t.events()).extracting(HistoryEvent::type).containsExactly("ExecutionTimedOut");
  }

  @Test
  void timestampInThePast_firesAtOnce_andPathsAreChecked() {
    var r = Harness.run("{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Wait\",\"TimestampPath\":\"$.t\",\"End\":true}}}", "{\"t\":\"2001-01-01T00:00:00Z\"}");
    assertThat(r.outcome().status()).isEqualTo("SUCCEEDED");
    assertThat(((Effect.StartTimer) r.effects().get(0)).fireAt()).isEqualTo(java.time.Instant.parse("2001-01-01T00:00:00Z"));
    String secondsPath = "{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Wait\",\"SecondsPath\":\"$.s\",\"End\":true}}}";
    assertThat(Harness.run(secondsPath, "{\"s\":-1}").failure().cause()).endsWith("The SecondsPath parameter references a negative value: $.s == -1");
    assertThat(Harness.run(secondsPath, "{\"s\":1.5}").failure().cause()).endsWith("The SecondsPath parameter cannot be parsed as a long value: $.s == 1.5");
    assertThat(Harness.run(secondsPath, "{}").failure().cause()).endsWith("The SecondsPath parameter does not reference an input value: $.s");
    assertThat(Harness.run(secondsPath, "{\"s\":3}").end()).isEqualTo(T0.plusSeconds(3));
  }
}
