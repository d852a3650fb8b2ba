package io.stepwise.engine.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.stepwise.asl.interpreter.HistoryEvent;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** An event's place in its execution's life, read from the event and from its stored bytes alike. */
class LifecycleTest {
  private static final ActorTestKit KIT = ActorTestKit.create(
      com.typesafe.config.ConfigFactory.parseString("pekko.actor.provider = local")
          .withFallback(com.typesafe.config.ConfigFactory.load()));
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  private static ExecutionEntity.Stepped step(Result result, String... types) {
    var events = new java.util.ArrayList<HistoryEvent>();
    for (int i = 0; i < types.length; i++) {
      var details = JsonNodeFactory.instance.objectNode();
      // a nested "result" that is not the step's own must not count
      details.putObject("output").put("result", "ignored");
      events.add(new HistoryEvent(i + 1, i, NOW, types[i], details));
    }
    var position = result == null ? JsonNodeFactory.instance.objectNode().put("state", "A") : null;
    return new ExecutionEntity.Stepped(events, position, result);
  }

  private static Lifecycle fromBytes(Object event) throws IOException {
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(KIT.system()));
    var serializer = serialization.findSerializerFor(event);
    return Lifecycle.of(Serializers.manifestFor(serializer, event), serialization.serialize(event).get());
  }

  @Test
  void stepsThatEndTheExecution_areEnded_whateverTheirStatus() throws Exception {
    for (String status : List.of("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")) {
      var s = step(new Result(status, "{}", null, null, NOW), "PassStateExited", "Execution" + status);
      assertThat(Lifecycle.of(s)).isEqualTo(Lifecycle.ENDED);
      assertThat(fromBytes(s)).as(status).isEqualTo(Lifecycle.ENDED);
    }
  }

  @Test
  void stepsThatGoOn_areOther_evenWithAResultInsideTheirEvents() throws Exception {
    var s = step(null, "PassStateEntered", "PassStateExited");
    assertThat(Lifecycle.of(s)).isEqualTo(Lifecycle.OTHER);
    assertThat(fromBytes(s)).isEqualTo(Lifecycle.OTHER);
    var delta = new ExecutionEntity.Stepped(List.of(), null, null, JsonNodeFactory.instance.arrayNode());
    assertThat(fromBytes(delta)).isEqualTo(Lifecycle.OTHER);
  }

  @Test
  void keyFailuresEnd_redrivesRedrive_othersAreOther() throws Exception {
    var keyFailed = new ExecutionEntity.KeyFailed("KMS.DisabledException", "disabled", NOW);
    var redriven = new ExecutionEntity.Redriven(1, NOW, "token", step(null, "ExecutionRedriven"));
    var unreadable = new ExecutionEntity.Unreadable("why");
    assertThat(List.of(Lifecycle.of(keyFailed), fromBytes(keyFailed))).containsOnly(Lifecycle.ENDED);
    assertThat(List.of(Lifecycle.of(redriven), fromBytes(redriven))).containsOnly(Lifecycle.REDRIVEN);
    assertThat(List.of(Lifecycle.of(unreadable), fromBytes(unreadable))).containsOnly(Lifecycle.OTHER);
    assertThat(Lifecycle.of(ExecutionEntity.Stepped.class.getName() + "#2", serialize(step(new Result("SUCCEEDED", "{}", null, null, NOW), "ExecutionSucceeded"))))
        .as("a versioned manifest").isEqualTo(Lifecycle.ENDED);
  }

  @Test
  void bytesThatAreNotAStep_areRefused() {
    assertThatThrownBy(() -> Lifecycle.of(ExecutionEntity.Stepped.class.getName(), new byte[] {0x01}))
        .isInstanceOf(IOException.class);
  }

  private static byte[] serialize(Object event) {
    return SerializationExtension.get(Adapter.toClassic(KIT.system())).serialize(event).get();
  }
}
