package io.stepwise.engine.execution;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.CompiledDefinition;
import io.stepwise.asl.InvalidDefinitionException;
import io.stepwise.asl.interpreter.Effect;
import io.stepwise.asl.interpreter.ExecutionPosition;
import io.stepwise.asl.interpreter.HistoryEvent;
import io.stepwise.asl.interpreter.Interpreter;
import io.stepwise.asl.interpreter.Signal;
import io.stepwise.asl.interpreter.Step;
import io.stepwise.engine.CborSerializable;
import io.stepwise.engine.DefinitionCache;
import io.stepwise.engine.Json;
import io.stepwise.engine.ServiceError;
import io.stepwise.engine.UnreadableAdapter;
import io.stepwise.engine.catalog.Catalog;
import io.stepwise.engine.catalog.ExecutionSummary;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.EventAdapter;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One Standard execution (entity id = its ARN). The interpreter's pure steps are persisted before
 * their effects run: each {@link Stepped} event carries the history events of every pure state the
 * step ran through, the interpreter position after it and, at the end, the result. Timers are
 * armed only after the write, and re-armed from the persisted position on recovery, so a crash
 * never loses or repeats a history event.
 */
public final class ExecutionEntity
    extends EventSourcedBehaviorWithEnforcedReplies<ExecutionEntity.Command, ExecutionEntity.Event, ExecutionEntity.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Execution");
  private static final String TIMEOUT_TIMER = "$execution-timeout";
  /** Pekko's scheduler cannot hold a timer for years; long waits are re-armed in slices. */
  private static final Duration MAX_TIMER_SLICE = Duration.ofDays(30);
  private static final Duration IDLE_PASSIVATION = Duration.ofSeconds(30);

  // --- protocol ---
  public sealed interface Command extends CborSerializable {}

  public record Start(ExecutionInfo info, ActorRef<StartReply> replyTo) implements Command {}

  public record StartReply(ExecutionView view, String errorCode, String errorMessage, String unreadable) implements CborSerializable {
    public ExecutionView get(java.util.function.Function<String, ServiceError> unreadableError) {
      if (unreadable != null) throw unreadableError.apply(unreadable);
      if (errorCode != null) throw new ServiceError(errorCode, errorMessage);
      return view;
    }
  }

  /** Describe also serves DescribeStateMachineForExecution and the startup wake-up; view is null if absent. */
  public record Describe(ActorRef<ViewReply> replyTo) implements Command {}

  public record ViewReply(ExecutionView view, String unreadable) implements CborSerializable {}

  public record GetHistory(ActorRef<HistoryReply> replyTo) implements Command {}

  public record HistoryReply(List<HistoryEvent> events, String unreadable, boolean exists) implements CborSerializable {}

  public record Stop(String error, String cause, ActorRef<ViewReply> replyTo) implements Command {}

  /** Internal: a timer fired or a task answered. */
  public record Resume(Signal signal) implements Command {}

  private enum Idle implements Command { INSTANCE }

  public sealed interface Event extends CborSerializable {}

  public record Started(ExecutionInfo info) implements Event {}

  /** One interpreter step: its history events, the position after it, and the result if it ended the execution. */
  public record Stepped(List<HistoryEvent> events, JsonNode position, Result result) implements Event {}

  public record Unreadable(String reason) implements Event {}

  /** {@code info} is null before Start; {@code result} is null while running. */
  public record State(ExecutionInfo info, List<HistoryEvent> history, JsonNode position, Result result, String unreadable) {
    boolean running() {
      return info != null && result == null;
    }

    ExecutionView view() {
      return info == null ? null : new ExecutionView(info, result);
    }
  }

  // --- behaviour ---
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final Catalog catalog;
  private final DefinitionCache definitions;
  private final Clock clock;
  private JsonNode parsedFrom;
  private ExecutionPosition parsed;

  public static Behavior<Command> create(String executionArn, ActorRef<ClusterSharding.ShardCommand> shard,
      Catalog catalog, DefinitionCache definitions, Clock clock) {
    return Behaviors.withTimers(timers -> Behaviors.setup(ctx ->
        new ExecutionEntity(executionArn, ctx, timers, shard, catalog, definitions, clock)));
  }

  private ExecutionEntity(String arn, ActorContext<Command> context, TimerScheduler<Command> timers,
      ActorRef<ClusterSharding.ShardCommand> shard, Catalog catalog, DefinitionCache definitions, Clock clock) {
    super(PersistenceId.of(ENTITY_KEY.name(), arn));
    this.context = context;
    this.timers = timers;
    this.shard = shard;
    this.catalog = catalog;
    this.definitions = definitions;
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return new State(null, List.of(), null, null, null);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    var unreadable = newCommandHandlerWithReplyBuilder().forState(s -> s.unreadable() != null);
    var b = newCommandHandlerWithReplyBuilder().forAnyState();
    b.onCommand(Start.class, this::onStart);
    // An unreadable execution answers and stops, so that the next command recovers afresh: data under
    // a key that was disabled becomes readable again once the key is enabled.
    unreadable.onCommand(Describe.class,
        (s, c) -> Effect().stop().thenReply(c.replyTo(), n -> new ViewReply(null, s.unreadable())));
    unreadable.onCommand(GetHistory.class,
        (s, c) -> Effect().stop().thenReply(c.replyTo(), n -> new HistoryReply(List.of(), s.unreadable(), true)));
    unreadable.onCommand(Stop.class,
        (s, c) -> Effect().stop().thenReply(c.replyTo(), n -> new ViewReply(null, s.unreadable())));
    b.onCommand(Describe.class, (s, c) -> Effect().reply(c.replyTo(), new ViewReply(s.view(), s.unreadable())));
    b.onCommand(GetHistory.class, (s, c) ->
        Effect().reply(c.replyTo(), new HistoryReply(s.history(), s.unreadable(), s.info() != null)));
    b.onCommand(Stop.class, this::onStop);
    b.onCommand(Resume.class, (s, c) -> advance(s, c.signal()).thenNoReply());
    b.onCommand(Idle.class, (s, c) -> {
      if (!s.running()) shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
      return Effect().noReply();
    });
    return unreadable.orElse(b).build();
  }

  private ReplyEffect<Event, State> onStart(State state, Start cmd) {
    ExecutionInfo info = cmd.info();
    if (state.unreadable() != null) {
      return Effect().stop().thenReply(cmd.replyTo(), s -> new StartReply(null, null, null, state.unreadable()));
    }
    if (state.info() != null) {
      boolean same = state.running() && state.info().input().equals(info.input());
      return Effect().reply(cmd.replyTo(), same
          ? new StartReply(state.view(), null, null, null)
          : new StartReply(null, "ExecutionAlreadyExists", "Execution Already Exists: '" + info.executionArn() + "'", null));
    }
    CompiledDefinition def;
    try {
      def = definitions.get(info.definition(), info.type());
    } catch (InvalidDefinitionException e) {
      return Effect().reply(cmd.replyTo(), new StartReply(null, "InvalidDefinition", e.getMessage(), null));
    }
    Step step = Interpreter.start(def, info.context(), parseInput(info.input()), info.startDate());
    return Effect().persist(List.of(new Started(info), stepped(step, info.startDate())))
        .thenRun(s -> {
          catalog.putExecution(summary(s));
          if (def.timeoutSeconds() != null) armTimeout(s, def.timeoutSeconds());
          afterStep(s, step.effects());
        })
        .thenReply(cmd.replyTo(), s -> new StartReply(s.view(), null, null, null));
  }

  private ReplyEffect<Event, State> onStop(State state, Stop cmd) {
    if (state.info() == null) return Effect().reply(cmd.replyTo(), new ViewReply(null, state.unreadable()));
    if (!state.running()) return Effect().reply(cmd.replyTo(), new ViewReply(state.view(), state.unreadable()));
    return advance(state, new Signal.Stop(cmd.error(), cmd.cause()))
        .thenReply(cmd.replyTo(), s -> new ViewReply(s.view(), s.unreadable()));
  }

  /** Runs the interpreter on a signal and persists the step; a signal that changes nothing persists nothing. */
  private org.apache.pekko.persistence.typed.javadsl.EffectBuilder<Event, State> advance(State state, Signal signal) {
    if (!state.running() || state.unreadable() != null) return Effect().none();
    Instant now = clock.instant();
    CompiledDefinition def = compiled(state);
    // A timer slice that ended before its deadline re-arms the rest instead of firing.
    if (signal instanceof Signal.TimerFired fired) {
      for (Effect pending : position(state).pendingEffects()) {
        if (pending instanceof Effect.StartTimer t && t.id().equals(fired.effectId()) && t.fireAt().isAfter(now)) {
          start(t);
          return Effect().none();
        }
      }
    }
    if (signal instanceof Signal.ExecutionTimedOut && def.timeoutSeconds() != null
        && timeoutDeadline(state, def.timeoutSeconds()).isAfter(now)) {
      armTimeout(state, def.timeoutSeconds());
      return Effect().none();
    }
    Step step = Interpreter.resume(def, state.info().context(), position(state), signal, now);
    if (step.events().isEmpty() && !step.finished()) return Effect().none();
    return Effect().persist(stepped(step, now)).thenRun(s -> afterStep(s, step.effects()));
  }

  private Stepped stepped(Step step, Instant now) {
    Result result = step.finished() ? Result.of(step.outcome(), now) : null;
    return new Stepped(step.events(), step.position().toJson(), result);
  }

  /** Effects run only after their step is durable. */
  private void afterStep(State state, List<Effect> effects) {
    if (!state.running()) {
      timers.cancelAll();
      catalog.putExecution(summary(state));
      context.setReceiveTimeout(IDLE_PASSIVATION, Idle.INSTANCE);
      return;
    }
    for (Effect effect : effects) start(effect);
  }

  private void start(Effect effect) {
    if (effect instanceof Effect.StartTimer t) {
      armAt(t.id(), new Signal.TimerFired(t.id()), t.fireAt());
    } else if (effect instanceof Effect.ScheduleTask task) {
      context.getSelf().tell(new Resume(Tasks.unsupported(task)));
    }
  }

  private void armTimeout(State state, int timeoutSeconds) {
    armAt(TIMEOUT_TIMER, new Signal.ExecutionTimedOut(), timeoutDeadline(state, timeoutSeconds));
  }

  private static Instant timeoutDeadline(State state, int timeoutSeconds) {
    return state.info().startDate().plusSeconds(timeoutSeconds);
  }

  /** Every timer is capped at one slice; advance() re-arms one that fires before its deadline. */
  private void armAt(String key, Signal signal, Instant deadline) {
    Duration delay = Duration.between(clock.instant(), deadline);
    if (delay.isNegative()) delay = Duration.ZERO;
    timers.startSingleTimer(key, new Resume(signal), delay.compareTo(MAX_TIMER_SLICE) > 0 ? MAX_TIMER_SLICE : delay);
  }

  private CompiledDefinition compiled(State state) {
    try {
      return definitions.get(state.info().definition(), state.info().type());
    } catch (InvalidDefinitionException e) {
      throw new IllegalStateException("a started execution's definition no longer compiles", e);
    }
  }

  private ExecutionPosition position(State state) {
    if (parsedFrom != state.position()) {
      parsed = ExecutionPosition.fromJson(state.position());
      parsedFrom = state.position();
    }
    return parsed;
  }

  static JsonNode parseInput(String input) {
    try {
      return Json.MAPPER.readTree(input);
    } catch (Exception e) {
      throw ServiceError.validation("input is not JSON");
    }
  }

  static ExecutionSummary summary(State s) {
    ExecutionInfo i = s.info();
    return new ExecutionSummary(i.executionArn(), i.stateMachineArn(), i.name(),
        s.result() == null ? "RUNNING" : s.result().status(), i.startDate(),
        s.result() == null ? null : s.result().stopDate());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(Started.class, (s, e) -> new State(e.info(), List.of(), null, null, s.unreadable()))
        .onEvent(Stepped.class, (s, e) -> {
          List<HistoryEvent> history = new ArrayList<>(s.history().size() + e.events().size());
          history.addAll(s.history());
          history.addAll(e.events());
          return new State(s.info(), history, e.position(), e.result(), s.unreadable());
        })
        .onEvent(Unreadable.class, (s, e) -> new State(s.info(), s.history(), s.position(), s.result(), e.reason()))
        .build();
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          if (state.info() == null || state.unreadable() != null) return;
          catalog.putExecution(summary(state));
          if (!state.running()) {
            context.setReceiveTimeout(IDLE_PASSIVATION, Idle.INSTANCE);
            return;
          }
          Integer timeout = compiled(state).timeoutSeconds();
          if (timeout != null) armTimeout(state, timeout);
          for (Effect effect : position(state).pendingEffects()) start(effect);
        })
        .build();
  }

  @Override
  public EventAdapter<Event, Object> eventAdapter() {
    return new UnreadableAdapter<>(Event.class, Unreadable::new);
  }
}
