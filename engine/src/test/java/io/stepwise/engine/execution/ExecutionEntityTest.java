package io.stepwise.engine.execution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.stepwise.asl.CompiledDefinition;
import io.stepwise.asl.interpreter.HistoryEvent;
import io.stepwise.engine.DefinitionCache;
import io.stepwise.engine.kms.EncryptionConfig;
import io.stepwise.engine.kms.ExecutionKeys;
import io.stepwise.engine.kms.KeyFailure;
import io.stepwise.engine.statemachine.Revisions;
import io.stepwise.persistence.index.IndexOp;
import io.stepwise.persistence.index.WakeUpIndex;
import io.stepwise.persistence.index.WakeUpIndex.WakeUp;
import io.stepwise.persistence.journal.BatchOp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The persisted adapter's entity on Pekko's persistence testkit (an in-memory journal, events
 * checked through their real serializer): an execution waiting in a Wait answers a wake-up that
 * is early with when to try again, runs the step when it is due, leaves memory when idle and
 * comes back from its journal, and fails with KMS's error when its key is unusable.
 */
class ExecutionEntityTest {
  private static final Config CONFIG = ConfigFactory.parseString("pekko.actor.provider = local")
      .withFallback(EventSourcedBehaviorTestKit.config())
      .withFallback(ConfigFactory.load());
  private static final ActorTestKit KIT = ActorTestKit.create(CONFIG);
  private static final String MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:waits";
  private static final String ARN = "arn:aws:states:us-east-1:123456789012:execution:waits:e1";
  private static final String WAIT_10 = """
      {"StartAt": "Pause", "States": {
        "Pause": {"Type": "Wait", "Seconds": 10, "Next": "Done"},
        "Done": {"Type": "Pass", "Result": {"done": true}, "End": true}}}
      """;

  /** The listing's rows go into the ops the test collects; nothing reads them here. */
  private static final io.stepwise.persistence.index.ExecutionIndex LISTING = new io.stepwise.persistence.index.ExecutionIndex(
      null, io.stepwise.persistence.crypto.RowNames.fromMaterial(io.stepwise.persistence.crypto.EventCipher.randomBytes(32)));
  private final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final List<BatchOp> writes = new CopyOnWriteArrayList<>();
  private final List<WakeUp> scheduled = new CopyOnWriteArrayList<>();
  private final AtomicReference<KeyFailure> keyFailure = new AtomicReference<>();
  private final TestProbe<ClusterSharding.ShardCommand> shard = KIT.createTestProbe();
  private final EffectDriver driver = new EffectDriver(EffectDriver.UNSUPPORTED);
  private EventSourcedBehaviorTestKit<ExecutionEntity.Command, ExecutionEntity.Event, ExecutionEntity.State> entity;
  private WakeUp waitRow;
  private ExecutionStore store;

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  @BeforeEach
  void startWaiting() throws Exception {
    ExecutionKeys keys = new ExecutionKeys() {
      @Override
      public Optional<KeyFailure> unusable(String stateMachineArn) {
        return Optional.ofNullable(keyFailure.get());
      }

      @Override
      public Optional<KeyFailure> unusableFor(String reason) {
        return Optional.ofNullable(keyFailure.get());
      }

      @Override
      public void sealWithoutCustomerKey(String executionArn) {}

      @Override
      public void sealWithCustomerKey(String executionArn) {}
    };
    store = new ExecutionStore(writes::add, scheduled::add, LISTING, Runnable::run, 2);
    entity = EventSourcedBehaviorTestKit.create(KIT.system(),
        ExecutionEntity.create(ARN, shard.getRef(), new DefinitionCache(), new Revisions(), store, driver, keys, clock,
            Duration.ofMillis(300)),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyState(false).withVerifyCommands(false));

    // As ExecutionStarter writes them: Started, then the first step, which waits 10 s.
    ExecutionInfo info = new ExecutionInfo(ARN, "e1", MACHINE, "waits", "STANDARD", WAIT_10, "rev-1", clock.instant(),
        "arn:aws:iam::123456789012:role/r", "{\"n\":1}", clock.instant(), null, null, EncryptionConfig.AWS_OWNED);
    CompiledDefinition def = CompiledDefinition.compile(WAIT_10, false);
    var step = driver.start(def, info.context(), JsonNodeFactory.instance.objectNode().put("n", 1), clock::instant);
    ExecutionEntity.Stepped first = ExecutionEntity.stepped(step, clock.instant());
    List<WakeUp> rows = ExecutionStore.rows(info, def, step.position());
    assertThat(rows).hasSize(1);
    waitRow = rows.get(0);
    assertThat(waitRow.deadline()).isEqualTo(clock.instant().plusSeconds(10));
    entity.initialize(new ExecutionEntity.Started(info), first);
  }

  /**
   * A dispatched call is made again after a crash until it is answered: a submitted {@code .sync}
   * task keeps its dispatch row (its answer comes from the call), a submitted callback task does
   * not (its answer comes with its token), and neither starts HeartbeatSeconds for a job.
   */
  @Test
  void submittedSyncTasksKeepTheirDispatchRow_submittedCallbacksDoNot() throws Exception {
    for (String pattern : List.of(".sync", ".waitForTaskToken")) {
      String definition = """
          {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution%s",
            "HeartbeatSeconds": 5, "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:c"},
            "End": true}}}""".formatted(pattern);
      ExecutionInfo info = new ExecutionInfo(ARN, "e1", MACHINE, "waits", "STANDARD", definition, "rev-1", clock.instant(),
          "arn:aws:iam::123456789012:role/r", "{}", clock.instant(), null, null, EncryptionConfig.AWS_OWNED);
      CompiledDefinition def = CompiledDefinition.compile(definition, false);
      var ctx = info.context();
      var first = io.stepwise.asl.interpreter.Interpreter.start(def, ctx, JsonNodeFactory.instance.objectNode(), clock.instant());
      String effectId = first.effects().get(0).id();
      assertThat(ExecutionStore.rows(info, def, first.position())).extracting(WakeUp::timerId)
          .contains(ExecutionStore.DISPATCH_TIMER + effectId);
      var submitted = io.stepwise.asl.interpreter.Interpreter.resume(def, ctx, first.position(),
          new io.stepwise.asl.interpreter.Signal.TaskStarted(effectId, null, JsonNodeFactory.instance.objectNode().put("ExecutionArn", "x")),
          clock.instant());
      assertThat(submitted.events()).extracting(e -> e.type()).containsExactly("TaskStarted", "TaskSubmitted");
      var timers = ExecutionStore.rows(info, def, submitted.position()).stream().map(WakeUp::timerId).toList();
      if (pattern.equals(".sync")) {
        assertThat(timers).contains(ExecutionStore.DISPATCH_TIMER + effectId)
            .doesNotContain(ExecutionStore.HEARTBEAT_TIMER + effectId);
      } else {
        assertThat(timers).doesNotContain(ExecutionStore.DISPATCH_TIMER + effectId)
            .contains(ExecutionStore.HEARTBEAT_TIMER + effectId);
      }
    }
  }

  @Test
  void earlyWakeUp_answersWhenToTryAgain_andPersistsNothing() {
    clock.advance(Duration.ofSeconds(4));
    var result = entity.<ExecutionEntity.Fired>runCommand(r -> new ExecutionEntity.Fire(waitRow, r));
    assertThat(result.hasNoEvents()).isTrue();
    assertThat(result.reply().retryAt()).isEqualTo(waitRow.deadline());
    assertThat(result.state().result()).isNull();
  }

  @Test
  void dueWakeUp_runsTheStep_endsTheExecution_andDeletesItsRow() {
    clock.advance(Duration.ofSeconds(10));
    var result = entity.<ExecutionEntity.Fired>runCommand(r -> new ExecutionEntity.Fire(waitRow, r));
    assertThat(result.reply().retryAt()).isNull();
    ExecutionEntity.Stepped stepped = result.eventOfType(ExecutionEntity.Stepped.class);
    assertThat(stepped.result().status()).isEqualTo("SUCCEEDED");
    assertThat(stepped.result().output()).isEqualTo("{\"done\":true}");
    assertThat(stepped.events().get(0).type()).isEqualTo("WaitStateExited");
    assertThat(last(stepped.events()).type()).isEqualTo("ExecutionSucceeded");
    // The listing's final status before the event; the consumed wake-up row deleted after it.
    assertThat(writes).hasSize(2);
    assertThat(((IndexOp) writes.get(1)).deleted()).containsExactly(waitRow);
    // A second delivery of the same row (a crash before the deletion) changes nothing.
    var again = entity.<ExecutionEntity.Fired>runCommand(r -> new ExecutionEntity.Fire(waitRow, r));
    assertThat(again.hasNoEvents()).isTrue();
    assertThat(again.reply().retryAt()).isNull();
  }

  @Test
  void idleEntity_asksToPassivate_stops_andIsWokenFromItsJournal() {
    // Idle, it asks its shard to passivate it (the shard then stops it with PASSIVATE).
    shard.expectMessageClass(ClusterSharding.Passivate.class, Duration.ofSeconds(5));

    // The wake-up scheduler brings it back: a new incarnation recovers the wait from its journal.
    var restarted = entity.restart();
    assertThat(restarted.state().result()).isNull();
    assertThat(restarted.state().history().size()).isEqualTo(2); // ExecutionStarted, WaitStateEntered
    clock.advance(Duration.ofSeconds(11));
    var result = entity.<ExecutionEntity.Fired>runCommand(r -> new ExecutionEntity.Fire(waitRow, r));
    assertThat(result.reply().retryAt()).isNull();
    assertThat(result.state().result().status()).isEqualTo("SUCCEEDED");
    assertThat(result.state().history().asList()).extracting(HistoryEvent::id)
        .containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
  }

  /** While an incarnation lives no direct step may claim the execution; once it stopped, one may. */
  @Test
  void aLiveEntity_holdsItsExecution_untilItStops() throws Exception {
    // initialize() replaced the first incarnation: a command makes sure the one now alive has started.
    entity.getState();
    assertThat(store.gate().claim(ARN)).isFalse();
    // Idle, it asks its shard to passivate it; the shard stops it as it would.
    @SuppressWarnings("unchecked")
    ClusterSharding.Passivate<ExecutionEntity.Command> passivate =
        shard.expectMessageClass(ClusterSharding.Passivate.class, Duration.ofSeconds(5));
    assertThat(store.gate().claim(ARN)).as("held while it waits to be stopped").isFalse();
    passivate.entity().tell(ExecutionEntity.PASSIVATE);
    long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!store.gate().claim(ARN) && System.nanoTime() < until) Thread.sleep(10);
    assertThat(store.gate().size()).as("claimed by a direct step once the entity stopped").isEqualTo(1);
    store.gate().release(ARN);
    assertThat(store.gate().size()).isZero();
  }

  @Test
  void dueWakeUp_withTheKeyUnusable_failsWithTheKmsError() {
    keyFailure.set(new KeyFailure("KMS.DisabledException", "Key 'k1' is disabled."));
    clock.advance(Duration.ofSeconds(10));
    var end = store.endOf(ARN); // as a Map Run waits for its child
    var result = entity.<ExecutionEntity.Fired>runCommand(r -> new ExecutionEntity.Fire(waitRow, r));
    assertThat(end).as("whoever waits for its end is told").isCompletedWithValueMatching(r -> r.status().equals("FAILED"));
    assertThat(result.reply().retryAt()).isNull();
    ExecutionEntity.KeyFailed failed = result.eventOfType(ExecutionEntity.KeyFailed.class);
    assertThat(failed.error()).isEqualTo("KMS.DisabledException");
    assertThat(result.state().result().status()).isEqualTo("FAILED");
    HistoryEvent last = last(result.state().history().asList());
    assertThat(last.type()).isEqualTo("ExecutionFailed");
    assertThat(last.details().path("executionFailedEventDetails").path("cause").asText())
        .isEqualTo("Key 'k1' is disabled.");
    // Replayed, the failure is rebuilt the same way.
    var restarted = entity.restart();
    assertThat(last(restarted.state().history().asList())).isEqualTo(last);
  }

  private static final String LOOP = """
      {"StartAt": "Init", "States": {
        "Init": {"Type": "Pass", "Result": 0, "ResultPath": "$.i", "Next": "Loop"},
        "Loop": {"Type": "Choice", "Choices": [{"Variable": "$.i", "NumericGreaterThanEquals": 3, "Next": "Done"}],
                 "Default": "Pause"},
        "Pause": {"Type": "Wait", "Seconds": 10, "Next": "Inc"},
        "Inc": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)"}, "Next": "Loop"},
        "Done": {"Type": "Succeed"}}}
      """;

  /**
   * An execution's journal names its revision; when no machine has loaded it (start-up could not
   * wake the machine), a due wake-up asks the machine to load, at most once in a while however
   * often it fires, answers when to try again, and runs the step once the revision is known.
   */
  @Test
  void dueWakeUp_ofAnUnloadedRevision_asksItsMachineToLoad_andRunsOnceItHas() throws Exception {
    List<String> asked = new CopyOnWriteArrayList<>();
    Revisions revisions = new Revisions(asked::add);
    String arn = "arn:aws:states:us-east-1:123456789012:execution:waits:unloaded";
    ExecutionStore store = new ExecutionStore(writes::add, scheduled::add, LISTING, Runnable::run, 500);
    var unloaded = EventSourcedBehaviorTestKit.<ExecutionEntity.Command, ExecutionEntity.Event, ExecutionEntity.State>create(
        KIT.system(), ExecutionEntity.create(arn, shard.getRef(), new DefinitionCache(), revisions, store, driver,
            ExecutionKeys.SERVICE_OWNED, clock, Duration.ofMinutes(1)),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyState(false).withVerifyCommands(false));
    ExecutionInfo info = new ExecutionInfo(arn, "unloaded", MACHINE, "waits", "STANDARD", WAIT_10, "rev-unloaded",
        clock.instant(), "arn:aws:iam::123456789012:role/r", "{}", clock.instant(), null, null, EncryptionConfig.AWS_OWNED);
    CompiledDefinition def = CompiledDefinition.compile(WAIT_10, false);
    var step = driver.start(def, info.context(), JsonNodeFactory.instance.objectNode(), clock::instant);
    WakeUp row = ExecutionStore.rows(info, def, step.position()).get(0);
    unloaded.initialize(new ExecutionEntity.Started(info.withoutDefinition()), ExecutionEntity.stepped(step, clock.instant()));
    clock.advance(Duration.ofSeconds(10));

    for (int i = 0; i < 3; i++) {
      var result = unloaded.<ExecutionEntity.Fired>runCommand(r -> new ExecutionEntity.Fire(row, r));
      assertThat(result.hasNoEvents()).isTrue();
      assertThat(result.reply().retryAt()).isEqualTo(clock.instant().plusSeconds(5));
    }
    assertThat(asked).containsExactly(MACHINE);

    revisions.put("rev-unloaded", WAIT_10);
    var result = unloaded.<ExecutionEntity.Fired>runCommand(r -> new ExecutionEntity.Fire(row, r));
    assertThat(result.reply().retryAt()).isNull();
    assertThat(result.eventOfType(ExecutionEntity.Stepped.class).result().status()).isEqualTo("SUCCEEDED");
  }

  /**
   * Every 2 events (the store's snapshot-every in this test) the state is snapshotted; a new
   * incarnation starts from the newest snapshot plus the events after it and reaches the same
   * state, history and position, as replaying everything would.
   */
  @Test
  void longExecution_recoversFromItsNewestSnapshot_toTheSameState() throws Exception {
    String arn = "arn:aws:states:us-east-1:123456789012:execution:waits:loop";
    ExecutionStore store = new ExecutionStore(writes::add, scheduled::add, LISTING, Runnable::run, 2);
    var loop = EventSourcedBehaviorTestKit.<ExecutionEntity.Command, ExecutionEntity.Event, ExecutionEntity.State>create(
        KIT.system(), ExecutionEntity.create(arn, shard.getRef(), new DefinitionCache(), new Revisions(), store, driver,
            ExecutionKeys.SERVICE_OWNED, clock, Duration.ofMinutes(1)),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyState(false).withVerifyCommands(false));
    ExecutionInfo info = new ExecutionInfo(arn, "loop", MACHINE, "waits", "STANDARD", LOOP, "rev-2", clock.instant(),
        "arn:aws:iam::123456789012:role/r", "{}", clock.instant(), null, null, EncryptionConfig.AWS_OWNED);
    CompiledDefinition def = CompiledDefinition.compile(LOOP, false);
    var step = driver.start(def, info.context(), JsonNodeFactory.instance.objectNode(), clock::instant);
    loop.initialize(new ExecutionEntity.Started(info), ExecutionEntity.stepped(step, clock.instant()));

    for (int fire = 1; fire <= 3; fire++) {
      ExecutionEntity.State before = loop.getState();
      WakeUp row = ExecutionStore.rows(info, def,
          io.stepwise.asl.interpreter.ExecutionPosition.fromJson(before.position())).get(0);
      clock.advance(Duration.ofSeconds(10));
      var result = loop.<ExecutionEntity.Fired>runCommand(r -> new ExecutionEntity.Fire(row, r));
      assertThat(result.reply().retryAt()).isNull();
      ExecutionEntity.State now = result.state();
      var restarted = loop.restart().state();
      assertThat(restarted.history().asList()).isEqualTo(now.history().asList());
      assertThat(restarted.position()).isEqualTo(now.position());
      assertThat(restarted.result()).isEqualTo(now.result());
      assertThat(restarted.info().definition()).isEqualTo(LOOP);
    }
    assertThat(loop.getState().result().status()).isEqualTo("SUCCEEDED");
    // The snapshot after event 4 replaced the one before it.
    assertThat(writes).anyMatch(op -> !(op instanceof IndexOp));
  }

  /**
   * Through the real serializer (the testkit's journal keeps the objects themselves), a step that
   * carries its whole position reads back as one: Jackson reads the absent delta as NullNode.
   */
  @Test
  void stepsReadBackThroughTheirSerializer_rebuildTheSamePositions() throws Exception {
    var serialization = org.apache.pekko.serialization.SerializationExtension.get(
        org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(KIT.system()));
    var whole = JsonNodeFactory.instance.objectNode();
    whole.putObject("frame").put("state", "A").put("retries", 0);
    whole.putObject("input").putArray("items").add(1).add(2);
    // fractions are doubles (as the language reads JSON): each reads back written as it was
    ((com.fasterxml.jackson.databind.node.ObjectNode) whole.get("input")).put("fraction", 100.0).put("small", 1e-4)
        .put("big", 9.223372036854776E18).put("half", 10.5);
    var next = whole.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) next.get("frame")).put("state", "B");
    ((com.fasterxml.jackson.databind.node.ObjectNode) next.get("input")).put("fraction", 1e21);
    ExecutionEntity.Stepped first = new ExecutionEntity.Stepped(List.of(), whole, null, null);
    ExecutionEntity.Stepped second = new ExecutionEntity.Stepped(List.of(), null, null, JsonDelta.diff(whole, next));
    ExecutionEntity.Stepped firstBack = roundTrip(serialization, first);
    ExecutionEntity.Stepped secondBack = roundTrip(serialization, second);
    var rebuilt = secondBack.positionAfter(firstBack.positionAfter(null));
    assertThat(firstBack.positionAfter(null)).isEqualTo(whole);
    assertThat(rebuilt).isEqualTo(next);
    assertThat(io.stepwise.engine.Json.write(firstBack.positionAfter(null).get("input")))
        .isEqualTo("{\"items\":[1,2],\"fraction\":100.0,\"small\":1.0E-4,\"big\":9.223372036854776E18,\"half\":10.5}");
    assertThat(io.stepwise.engine.Json.write(rebuilt.get("input")))
        .isEqualTo("{\"items\":[1,2],\"fraction\":1.0E21,\"small\":1.0E-4,\"big\":9.223372036854776E18,\"half\":10.5}");
  }

  private static ExecutionEntity.Stepped roundTrip(org.apache.pekko.serialization.Serialization serialization,
      ExecutionEntity.Stepped event) throws Exception {
    var serializer = serialization.findSerializerFor(event);
    String manifest = org.apache.pekko.serialization.Serializers.manifestFor(serializer, event);
    byte[] bytes = serialization.serialize(event).get();
    return (ExecutionEntity.Stepped) serialization.deserialize(bytes, serializer.identifier(), manifest).get();
  }

  private static <T> T last(List<T> list) {
    return list.get(list.size() - 1);
  }

  private static final class MovableClock extends Clock {
    private volatile Instant now;

    MovableClock(Instant start) {
      now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
