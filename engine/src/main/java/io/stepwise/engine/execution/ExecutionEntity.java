package io.stepwise.engine.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import io.stepwise.engine.integration.Integrations;
import io.stepwise.engine.ServiceError;
import io.stepwise.engine.UnreadableAdapter;
import io.stepwise.engine.kms.Encryption;
import io.stepwise.engine.kms.ExecutionKeys;
import io.stepwise.engine.kms.KeyFailure;
import io.stepwise.engine.statemachine.Revisions;
import io.stepwise.persistence.index.ActivityQueue;
import io.stepwise.persistence.index.ExecutionIndex;
import io.stepwise.persistence.index.IndexOp;
import io.stepwise.persistence.index.WakeUpIndex.WakeUp;
import io.stepwise.persistence.snapshot.Snapshots;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.EventAdapter;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.SnapshotCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One Standard execution (entity id = its ARN). It is born without running: {@link
 * ExecutionStarter} writes its first events and index rows directly, and the entity recovers
 * them when something needs it — a request, a due timer from the wake-up index. Each step is
 * persisted as one {@link Stepped} event (the history events of every state it ran through, what
 * it changed in the position and, at the end, the result) before its effects exist; the state is
 * snapshotted every {@code snapshot-every} events so recovery stays short. A timer's wake-up row
 * is submitted just before the event, so it is durable no later, and rows the step consumed are
 * deleted after it. Waiting costs no memory: an idle entity passivates, and a due deadline is
 * stepped by {@link DirectWaker} straight from the journal (the same rules, {@link
 * ExecutionSteps}) unless an incarnation holds the execution ({@link ExecutionGate}).
 */
public final class ExecutionEntity
    extends EventSourcedBehaviorWithEnforcedReplies<ExecutionEntity.Command, ExecutionEntity.Event, ExecutionEntity.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Execution");
  private static final Duration IDLE_PASSIVATION = Duration.ofSeconds(5);

  // --- protocol ---
  public sealed interface Command extends CborSerializable {}

  /** A start whose execution already exists: answers it again (AWS's idempotency) or refuses. */
  public record Start(ExecutionInfo info, ActorRef<StartReply> replyTo) implements Command {}

  public record StartReply(ExecutionView view, String errorCode, String errorMessage, String unreadable) implements CborSerializable {
    public ExecutionView get(java.util.function.Function<String, ServiceError> unreadableError) {
      if (unreadable != null) throw unreadableError.apply(unreadable);
      if (errorCode != null) throw new ServiceError(errorCode, errorMessage);
      return view;
    }
  }

  /** Describe also serves DescribeStateMachineForExecution; view is null if absent. */
  public record Describe(ActorRef<ViewReply> replyTo) implements Command {}

  public record ViewReply(ExecutionView view, String unreadable) implements CborSerializable {}

  public record GetHistory(ActorRef<HistoryReply> replyTo) implements Command {}

  public record HistoryReply(List<HistoryEvent> events, String unreadable, boolean exists) implements CborSerializable {}

  public record Stop(String error, String cause, ActorRef<ViewReply> replyTo) implements Command {}

  /**
   * A worker of the task's activity asks for it (GetActivityTask): if the execution still waits
   * for it and no worker took it yet, the task starts ({@code ActivityStarted}) and the reply holds
   * its input; otherwise the reply's input is null.
   */
  public record StartTask(ActivityQueue.Task task, String workerName, ActorRef<TaskHandout> replyTo) implements Command {}

  public record TaskHandout(String input) implements CborSerializable {}

  /**
   * SendTaskSuccess ({@code output}, JSON text), SendTaskFailure ({@code error}, {@code cause}) or
   * SendTaskHeartbeat ({@code heartbeat}) for the task {@code effectId}.
   */
  public record TaskResult(String effectId, String output, String error, String cause, boolean heartbeat,
      ActorRef<TaskReply> replyTo) implements Command {}

  /** An integration submitted the task {@code effectId} (a callback task): it now waits for its token. */
  /** An integration's call was made; {@code output} (JSON text, or null) is its answer, for TaskSubmitted. */
  public record Submitted(String effectId, String output) implements Command {}

  /** Null fields: done; else AWS's error. */
  public record TaskReply(String errorCode, String errorMessage, String unreadable) implements CborSerializable {
    static final TaskReply OK = new TaskReply(null, null, null);

    static TaskReply timedOut() {
      return new TaskReply("TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'", null);
    }
  }

  /**
   * RedriveExecution: the execution continues from where it failed, was aborted or timed out, if
   * it can ({@code clientToken}, may be null: the same token within 15 minutes of its redrive
   * answers again without redriving); {@code machineDeleted}: its state machine was deleted (AWS
   * then refuses a redrive).
   */
  public record Redrive(String clientToken, boolean machineDeleted, ActorRef<RedriveReply> replyTo) implements Command {}

  /** The redrive's date, or AWS's error (or the reason the execution cannot be read). */
  public record RedriveReply(Instant redriveDate, String errorCode, String errorMessage, String unreadable)
      implements CborSerializable {}

  /** A row of the wake-up index fell due. The reply is null when handled, else when to try again. */
  public record Fire(WakeUp row, ActorRef<Fired> replyTo) implements Command {}

  public record Fired(Instant retryAt) implements CborSerializable {}

  /**
   * What a due wake-up found of its execution's key (internal): why it is unusable, if it is, and
   * the execution's RUNNING listing row (for its start date), if it is running.
   */
  private record FailOnKey(Optional<ExecutionIndex.Row> row, Optional<KeyFailure> failure, Fire fire)
      implements Command {}

  private enum Idle implements Command { INSTANCE }

  /** The shard's stop message: a passivating entity stops between commands, never mid-write. */
  private enum Passivate implements Command { INSTANCE }

  public static final Command PASSIVATE = Passivate.INSTANCE;

  public sealed interface Event extends CborSerializable {}

  /** The execution started, naming the revision it runs; the machine's journal holds its definition. */
  public record Started(ExecutionInfo info) implements Event {}

  /**
   * One step: its history events and the position after it — whole ({@code position}, the first
   * step) or as what changed since the previous one ({@code positionDelta}, see {@link JsonDelta})
   * — or the result if it ended the execution.
   */
  public record Stepped(List<HistoryEvent> events, JsonNode position, Result result, JsonNode positionDelta)
      implements Event {
    public Stepped(List<HistoryEvent> events, JsonNode position, Result result) {
      this(events, position, result, null);
    }

    /**
     * The position after this step, given the one before it. A step that ended the execution
     * keeps where it ended unless it succeeded (a redrive continues from there); journals of
     * earlier versions kept none.
     */
    JsonNode positionAfter(JsonNode before) {
      // Jackson reads an absent JsonNode member as NullNode: journals without deltas carry one.
      if (positionDelta == null || positionDelta.isNull()) return position == null || position.isNull() ? null : position;
      // Before is unknown only when an earlier event could not be read: the state is unreadable then.
      return before instanceof ObjectNode b ? JsonDelta.apply(b, (ObjectNode) positionDelta) : null;
    }
  }

  public record Unreadable(String reason) implements Event {}

  /**
   * The execution was redriven ({@code redriveCount} times in all, at {@code redriveDate}, with
   * {@code clientToken} or null): {@code step} holds its ExecutionRedriven event, the events of
   * what ran again, and the position after them.
   */
  public record Redriven(int redriveCount, Instant redriveDate, String clientToken, Stepped step) implements Event {}

  /**
   * The execution failed because its machine's KMS key was unusable when it had to go on. Sealed
   * under the service-owned key; its ExecutionFailed history event is made when it is replayed.
   */
  public record KeyFailed(String error, String cause, Instant stopDate) implements Event {}

  /** {@code info} is null before the first event; {@code result} is null while running. */
  public record State(ExecutionInfo info, History history, JsonNode position, Result result, String unreadable) {
    boolean running() {
      return info != null && result == null;
    }

    /** What DescribeExecution shows at {@code now} (whether it can be redriven depends on when). */
    ExecutionView view(Instant now) {
      return info == null ? null : new ExecutionView(info, result, ExecutionSteps.notRedrivable(this, now));
    }
  }

  // --- behaviour ---
  private final String arn;
  private final ActorContext<Command> context;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final DefinitionCache definitions;
  private final Revisions revisions;
  private final ExecutionStore store;
  private final EffectDriver driver;
  private final ExecutionKeys keys;
  private final Clock clock;
  private JsonNode parsedFrom;
  private ExecutionPosition parsed;

  public static Behavior<Command> create(String executionArn, ActorRef<ClusterSharding.ShardCommand> shard,
      DefinitionCache definitions, Revisions revisions, ExecutionStore store, EffectDriver driver, ExecutionKeys keys,
      Clock clock) {
    return create(executionArn, shard, definitions, revisions, store, driver, keys, clock, IDLE_PASSIVATION);
  }

  /** As above, passivating after {@code idle} without commands. */
  static Behavior<Command> create(String executionArn, ActorRef<ClusterSharding.ShardCommand> shard,
      DefinitionCache definitions, Revisions revisions, ExecutionStore store, EffectDriver driver, ExecutionKeys keys,
      Clock clock, Duration idle) {
    return Behaviors.setup(ctx -> {
      // From here to PostStop the execution is this entity's: no direct step runs on it. PostStop is
      // seen around the entity, since one stopped while it still recovers never hands it to its own
      // signal handler.
      store.gate().entityStarted(executionArn);
      ctx.setReceiveTimeout(idle, Idle.INSTANCE);
      return Behaviors.intercept(() -> new BehaviorInterceptor<Command, Command>(Command.class) {
        @Override
        public Behavior<Command> aroundReceive(TypedActorContext<Command> c, Command msg, ReceiveTarget<Command> target) {
          return target.apply(c, msg);
        }

        @Override
        public Behavior<Command> aroundSignal(TypedActorContext<Command> c, org.apache.pekko.actor.typed.Signal signal,
            SignalTarget<Command> target) {
          if (signal instanceof PostStop) store.gate().entityStopped(executionArn);
          return target.apply(c, signal);
        }
      }, new ExecutionEntity(executionArn, ctx, shard, definitions, revisions, store, driver, keys, clock));
    });
  }

  private ExecutionEntity(String arn, ActorContext<Command> context, ActorRef<ClusterSharding.ShardCommand> shard,
      DefinitionCache definitions, Revisions revisions, ExecutionStore store, EffectDriver driver, ExecutionKeys keys,
      Clock clock) {
    // A failed write restarts the entity with back-off; it recovers what is durable and carries on.
    super(PersistenceId.of(ENTITY_KEY.name(), arn),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    this.arn = arn;
    this.context = context;
    this.shard = shard;
    this.definitions = definitions;
    this.revisions = revisions;
    this.store = store;
    this.driver = driver;
    this.keys = keys;
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return new State(null, History.EMPTY, null, null, null);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    // An unreadable execution answers and passivates, so that the next command recovers afresh: data
    // under a key that was disabled becomes readable again once the key is enabled. (Through the
    // shard, never by stopping itself: the shard holds the commands that arrive meanwhile, where a
    // stopped entity's mailbox would drop them and leave their asks to time out.)
    var unreadable = newCommandHandlerWithReplyBuilder().forState(s -> s.unreadable() != null);
    unreadable.onCommand(Start.class,
        (s, c) -> passivating().thenReply(c.replyTo(), n -> new StartReply(null, null, null, s.unreadable())));
    unreadable.onCommand(Describe.class,
        (s, c) -> passivating().thenReply(c.replyTo(), n -> new ViewReply(null, s.unreadable())));
    unreadable.onCommand(GetHistory.class,
        (s, c) -> passivating().thenReply(c.replyTo(), n -> new HistoryReply(List.of(), s.unreadable(), true)));
    unreadable.onCommand(Stop.class,
        (s, c) -> passivating().thenReply(c.replyTo(), n -> new ViewReply(null, s.unreadable())));
    unreadable.onCommand(Fire.class, this::fireUnreadable);
    unreadable.onCommand(StartTask.class, (s, c) -> passivating().thenReply(c.replyTo(), n -> new TaskHandout(null)));
    unreadable.onCommand(TaskResult.class,
        (s, c) -> passivating().thenReply(c.replyTo(), n -> new TaskReply(null, null, s.unreadable())));
    unreadable.onCommand(FailOnKey.class, this::failOnKey);
    unreadable.onCommand(Submitted.class, (s, c) -> passivating().thenNoReply());
    unreadable.onCommand(Redrive.class,
        (s, c) -> passivating().thenReply(c.replyTo(), n -> new RedriveReply(null, null, null, s.unreadable())));

    // Not (yet) written. The first events are written without the entity, so one that is alive
    // while they are written would be stale: it answers and passivates, and the shard starts a
    // fresh one for the next message.
    var absent = newCommandHandlerWithReplyBuilder().forState(s -> s.info() == null);
    absent.onCommand(Start.class, (s, c) -> passivating().thenReply(c.replyTo(),
        n -> new StartReply(null, "ExecutionAlreadyExists", "Execution Already Exists: '" + c.info().executionArn() + "'",
            null)));
    absent.onCommand(Describe.class, (s, c) -> passivating().thenReply(c.replyTo(), n -> new ViewReply(null, null)));
    absent.onCommand(GetHistory.class,
        (s, c) -> passivating().thenReply(c.replyTo(), n -> new HistoryReply(List.of(), null, false)));
    absent.onCommand(Stop.class, (s, c) -> passivating().thenReply(c.replyTo(), n -> new ViewReply(null, null)));
    absent.onCommand(Fire.class,
        (s, c) -> passivating().thenReply(c.replyTo(), n -> new Fired(clock.instant().plusSeconds(1))));
    absent.onCommand(StartTask.class, (s, c) -> {
      store.submit(ActivityQueue.delete(new IndexOp(), c.task()));
      return passivating().thenReply(c.replyTo(), n -> new TaskHandout(null));
    });
    absent.onCommand(TaskResult.class, (s, c) -> passivating().thenReply(c.replyTo(), n -> TaskReply.timedOut()));
    absent.onCommand(Submitted.class, (s, c) -> passivating().thenNoReply());
    absent.onCommand(Redrive.class, (s, c) -> passivating().thenReply(c.replyTo(), n -> new RedriveReply(null,
        "ExecutionDoesNotExist", "Execution Does Not Exist: '" + arn + "'", null)));
    absent.onCommand(FailOnKey.class,
        (s, c) -> passivating().thenReply(c.fire().replyTo(), n -> new Fired(clock.instant().plusSeconds(1))));

    var b = newCommandHandlerWithReplyBuilder().forAnyState();
    b.onCommand(Start.class, this::onStart);
    b.onCommand(Describe.class, (s, c) -> Effect().reply(c.replyTo(), new ViewReply(s.view(clock.instant()), null)));
    b.onCommand(GetHistory.class, (s, c) ->
        Effect().reply(c.replyTo(), new HistoryReply(s.history().asList(), null, true)));
    b.onCommand(Stop.class, this::onStop);
    b.onCommand(Fire.class, this::onFire);
    b.onCommand(FailOnKey.class, this::failOnKey);
    b.onCommand(StartTask.class, this::onStartTask);
    b.onCommand(TaskResult.class, this::onTaskResult);
    b.onCommand(Submitted.class, this::onSubmitted);
    b.onCommand(Redrive.class, this::onRedrive);
    for (var h : List.of(unreadable, absent, b)) {
      h.onCommand(Idle.class, (s, c) -> {
        shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
        return Effect().noReply();
      });
      h.onCommand(Passivate.class, (s, c) -> Effect().stop().thenNoReply());
    }
    return unreadable.orElse(absent).orElse(b).build();
  }

  /**
   * An execution that a wake-up ended leaves memory at once rather than after the idle timeout:
   * due deadlines bring executions back by the thousand, and an ended one is rarely read again.
   */
  private void leaveWhenEnded(State state) {
    if (state.result() != null) shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
  }

  private EffectBuilder<Event, State> passivating() {
    shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    return Effect().none();
  }

  private ReplyEffect<Event, State> onStart(State state, Start cmd) {
    // the same start again (same input and mock test case) answers the running execution
    boolean same = state.running() && state.info().input().equals(cmd.info().input())
        && java.util.Objects.equals(state.info().testCase(), cmd.info().testCase());
    return Effect().reply(cmd.replyTo(), same
        ? new StartReply(state.view(clock.instant()), null, null, null)
        : new StartReply(null, "ExecutionAlreadyExists", "Execution Already Exists: '" + cmd.info().executionArn() + "'",
            null));
  }

  private ReplyEffect<Event, State> onStop(State state, Stop cmd) {
    if (!state.running()) return Effect().reply(cmd.replyTo(), new ViewReply(state.view(clock.instant()), null));
    try {
      return advance(state, new Signal.Stop(cmd.error(), cmd.cause()))
          .thenReply(cmd.replyTo(), s -> new ViewReply(s.view(clock.instant()), s.unreadable()));
    } catch (DefinitionUnavailable e) {
      return Effect().reply(cmd.replyTo(), new ViewReply(null, e.getMessage()));
    }
  }

  private ReplyEffect<Event, State> onRedrive(State state, Redrive cmd) {
    Instant now = clock.instant();
    var again = state.info().redriveBy(cmd.clientToken(), now);
    if (again.isPresent()) {
      return Effect().reply(cmd.replyTo(), new RedriveReply(again.get().redriveDate(), null, null, null));
    }
    String reason = ExecutionSteps.notRedrivable(state, now);
    if (reason == null && cmd.machineDeleted()) reason = ExecutionView.MACHINE_DELETED;
    if (reason != null) {
      return Effect().reply(cmd.replyTo(), new RedriveReply(null, "ExecutionNotRedrivable", reason, null));
    }
    ExecutionSteps.Advance a;
    try {
      a = ExecutionSteps.redrive(state, compiled(state), position(state), cmd.clientToken(), driver, store.listing(),
          clock);
    } catch (DefinitionUnavailable e) {
      return Effect().reply(cmd.replyTo(), new RedriveReply(null, null, null, e.getMessage()));
    }
    return persist(a).thenRun(this::leaveWhenEnded)
        .thenReply(cmd.replyTo(), s -> new RedriveReply(s.info().redriveDate(), null, null, null));
  }

  private ReplyEffect<Event, State> onFire(State state, Fire cmd) {
    try {
      return fire(state, cmd);
    } catch (DefinitionUnavailable e) {
      return Effect().reply(cmd.replyTo(), new Fired(clock.instant().plusSeconds(5)));
    }
  }

  private ReplyEffect<Event, State> fire(State state, Fire cmd) {
    WakeUp row = cmd.row();
    Instant now = clock.instant();
    if (!state.running()) return obsolete(row, cmd.replyTo());
    if (!row.deadline().isAfter(now)) {
      Optional<KeyFailure> unusable = keys.unusable(state.info().stateMachineArn());
      if (unusable.isPresent()) {
        return failOnKey(state, new FailOnKey(Optional.of(ExecutionStore.listingRow(state.info(), null)), unusable, cmd));
      }
    }
    ExecutionSteps.OnDue due = ExecutionSteps.onDue(state, compiled(state), position(state), row, now);
    if (due instanceof ExecutionSteps.Later later) return Effect().reply(cmd.replyTo(), new Fired(later.at()));
    if (due instanceof ExecutionSteps.Dispatch dispatch) {
      dispatch(state.info(), dispatch.task());
      // the row stays until the answer is persisted: if none comes by then, the call is made again
      return Effect().reply(cmd.replyTo(), new Fired(now.plus(Integrations.ATTEMPT)));
    }
    if (due instanceof ExecutionSteps.Resume resume) {
      return advance(state, resume.signal()).thenRun(this::leaveWhenEnded).thenReply(cmd.replyTo(), s -> new Fired(null));
    }
    return obsolete(row, cmd.replyTo());
  }

  /**
   * Makes an integration's call; its answer goes to the execution through sharding, as a worker's
   * would (the entity may have passivated meanwhile).
   */
  private void dispatch(ExecutionInfo info, io.stepwise.asl.interpreter.Effect.ScheduleTask task) {
    var system = context.getSystem();
    var self = ClusterSharding.get(system).entityRefFor(ENTITY_KEY, info.executionArn());
    driver.integrations().invoke(task, info,
        submitted -> self.tell(new Submitted(task.id(), Json.write(submitted)))).thenAccept(signal -> {
      if (signal instanceof Signal.TaskStarted started) {
        // submitted (a callback task): it now waits for its token, heartbeats or timeout
        self.tell(new Submitted(task.id(), started.submitted() == null ? null : Json.write(started.submitted())));
        return;
      }
      TaskResult result = signal instanceof Signal.TaskSucceeded ok
          ? new TaskResult(task.id(), Json.write(ok.output()), null, null, false, system.ignoreRef())
          : new TaskResult(task.id(), null, ((Signal.TaskFailed) signal).error(), ((Signal.TaskFailed) signal).cause(),
              false, system.ignoreRef());
      ClusterSharding.get(system).entityRefFor(ENTITY_KEY, info.executionArn()).tell(result);
    });
  }

  /**
   * Starts a queued task for a worker. A queue row of a task the execution no longer waits for (a
   * crash came between a step and the deletion of what it consumed) is deleted now.
   */
  private ReplyEffect<Event, State> onStartTask(State state, StartTask cmd) {
    String effectId = cmd.task().effectId();
    var task = state.running() ? ExecutionSteps.pendingTask(position(state), effectId) : Optional.<io.stepwise.asl.interpreter.Effect.ScheduleTask>empty();
    if (task.isEmpty()) {
      store.submit(ActivityQueue.delete(new IndexOp(), cmd.task()));
      return Effect().reply(cmd.replyTo(), new TaskHandout(null));
    }
    if (task.get().started()) return Effect().reply(cmd.replyTo(), new TaskHandout(null));
    try {
      String input = Json.write(task.get().parameters());
      return advance(state, new Signal.TaskStarted(effectId, cmd.workerName()))
          .thenReply(cmd.replyTo(), s -> new TaskHandout(input));
    } catch (DefinitionUnavailable e) {
      return Effect().reply(cmd.replyTo(), new TaskHandout(null));
    }
  }

  private ReplyEffect<Event, State> onSubmitted(State state, Submitted cmd) {
    var task = state.running() ? ExecutionSteps.pendingTask(position(state), cmd.effectId())
        : Optional.<io.stepwise.asl.interpreter.Effect.ScheduleTask>empty();
    if (task.isEmpty() || task.get().started()) return Effect().noReply();
    try {
      com.fasterxml.jackson.databind.JsonNode output = cmd.output() == null ? null : Json.MAPPER.readTree(cmd.output());
      return advance(state, new Signal.TaskStarted(cmd.effectId(), null, output)).thenNoReply();
    } catch (DefinitionUnavailable | com.fasterxml.jackson.core.JsonProcessingException e) {
      return Effect().noReply();
    }
  }

  private ReplyEffect<Event, State> onTaskResult(State state, TaskResult cmd) {
    var task = state.running() ? ExecutionSteps.pendingTask(position(state), cmd.effectId())
        : Optional.<io.stepwise.asl.interpreter.Effect.ScheduleTask>empty();
    if (task.isEmpty()) return Effect().reply(cmd.replyTo(), TaskReply.timedOut());
    // A heartbeat matters only to a task with HeartbeatSeconds: it moves the deadline (no history event).
    if (cmd.heartbeat() && task.get().heartbeatSeconds() == null) return Effect().reply(cmd.replyTo(), TaskReply.OK);
    Signal signal = cmd.heartbeat() ? new Signal.TaskHeartbeat(cmd.effectId())
        : cmd.output() != null
        ? new Signal.TaskSucceeded(cmd.effectId(), parseInput(cmd.output()))
        : new Signal.TaskFailed(cmd.effectId(), cmd.error(), cmd.cause());
    try {
      return advance(state, signal).thenRun(this::leaveWhenEnded).thenReply(cmd.replyTo(), s -> TaskReply.OK);
    } catch (DefinitionUnavailable e) {
      return Effect().reply(cmd.replyTo(), new TaskReply(null, null, e.getMessage()));
    }
  }

  /**
   * A due row of an execution that cannot be read: when the reason is its machine's key, the
   * execution fails (once its listing row tells its start date); otherwise it is tried again.
   * The entity passivates after answering, so that the next command recovers afresh.
   */
  private ReplyEffect<Event, State> fireUnreadable(State state, Fire cmd) {
    if (state.result() != null) {
      store.submit(ExecutionStore.deleteAll(new IndexOp(), List.of(cmd.row())));
      return passivating().thenReply(cmd.replyTo(), n -> new Fired(null));
    }
    String arn = cmd.row().entityId();
    String machineArn = Encryption.machineOf(arn);
    String reason = state.unreadable();
    // The key table and the listing are read off this thread.
    context.pipeToSelf(store.onIo(() -> {
      Optional<KeyFailure> unusable = keys.unusable(machineArn).or(() -> keys.unusableFor(reason));
      return new FailOnKey(unusable.isPresent() ? store.listing().running(machineArn, arn) : Optional.empty(),
          unusable, cmd);
    }), (found, error) -> found != null ? found : new FailOnKey(Optional.empty(), Optional.empty(), cmd));
    return Effect().noReply();
  }

  /**
   * Ends the execution with the KMS error: its listing row says FAILED no later than the event,
   * which is sealed under the service-owned key since the machine's key cannot seal it. A row
   * that is not running (the execution had ended) only has its wake-up row deleted; with no key
   * to blame, the wake-up is tried again later.
   */
  private ReplyEffect<Event, State> failOnKey(State state, FailOnKey cmd) {
    WakeUp fired = cmd.fire().row();
    ActorRef<Fired> replyTo = cmd.fire().replyTo();
    boolean readable = state.unreadable() == null;
    if (cmd.failure().isEmpty()) {
      return (readable ? Effect().none() : passivating())
          .thenReply(replyTo, n -> new Fired(clock.instant().plusSeconds(5)));
    }
    if (cmd.row().isEmpty() || state.result() != null) {
      store.submit(ExecutionStore.deleteAll(new IndexOp(), List.of(fired)));
      return (readable ? Effect().none() : passivating()).thenReply(replyTo, n -> new Fired(null));
    }
    ExecutionIndex.Row running = cmd.row().get();
    Instant now = clock.instant();
    KeyFailure failure = cmd.failure().get();
    KeyFailed failed = new KeyFailed(failure.error(), failure.cause(), now);
    store.submit(store.listing().put(new IndexOp(), running.with("FAILED", ExecutionStore.micros(now)), "RUNNING"));
    List<WakeUp> rows = new ArrayList<>(List.of(fired));
    List<ActivityQueue.Task> queued = readable && state.position() != null
        ? ExecutionStore.queuedTasks(state.info(), position(state)) : List.of();
    if (readable && state.position() != null) {
      try {
        rows.addAll(ExecutionStore.minus(ExecutionStore.rows(state.info(), compiled(state), position(state)), rows));
      } catch (DefinitionUnavailable e) {
        // the machine's journal is under the same key: the other rows find the execution ended
      }
    }
    String arn = running.executionArn();
    keys.sealWithoutCustomerKey(arn);
    var effect = Effect().persist(failed).thenRun(s -> {
      keys.sealWithCustomerKey(arn);
      store.submit(ExecutionStore.unqueueAll(ExecutionStore.deleteAll(new IndexOp(), rows), queued));
      // a Map Run waiting for this child learns of its end now, not at its next look
      if (s.result() != null) store.ended(arn, s.result());
    });
    // unreadable: it leaves through the shard afterwards (stopping would drop the commands stashed meanwhile)
    return (readable ? effect : effect.thenRun(s -> shard.tell(new ClusterSharding.Passivate<>(context.getSelf()))))
        .thenReply(replyTo, s -> new Fired(null));
  }

  /** A row left by a crash between a step and the deletion of what it consumed: delete it now. */
  private ReplyEffect<Event, State> obsolete(WakeUp row, ActorRef<Fired> replyTo) {
    store.submit(ExecutionStore.deleteAll(new IndexOp(), List.of(row)));
    return Effect().reply(replyTo, new Fired(null));
  }

  /** Runs the interpreter on a signal and persists the step; a signal that changes nothing persists nothing. */
  private EffectBuilder<Event, State> advance(State state, Signal signal) {
    ExecutionSteps.Advance a = ExecutionSteps.advance(state, compiled(state), position(state), signal, driver, store.listing(), clock);
    if (a == null) return Effect().none();
    return persist(a);
  }

  /** Persists a step; rows that start waits, and the listing's new status, are durable no later than it. */
  private EffectBuilder<Event, State> persist(ExecutionSteps.Advance a) {
    store.submitAll(a.inputs());
    if (!a.ahead().isEmpty()) store.submit(a.ahead());
    return Effect().persist(a.event()).thenRun(s -> {
      // the position the state now holds (rebuilt from the step's delta) is the step's, already
      // parsed: the next signal does not read it again
      if (s.position() != null && a.after() != null) {
        parsed = a.after();
        parsedFrom = s.position();
      }
      IndexOp behind = a.behind(new IndexOp());
      if (!behind.isEmpty()) store.submit(behind);
      if (s.result() != null) store.ended(s.info().executionArn(), s.result());
      store.scheduled(a.added());
      store.queued(a.queued());
      for (var task : a.released()) driver.integrations().released(task, s.info());
    });
  }

  /**
   * A step that ends the execution carries its result; its position too unless it succeeded, as
   * a redrive continues from where it failed, was aborted or timed out.
   */
  static Stepped stepped(Step step, Instant now) {
    if (step.finished()) {
      boolean redrivable = Interpreter.redrivable(step.position());
      return new Stepped(step.events(), redrivable ? step.position().toJson() : null, Result.of(step.outcome(), now));
    }
    return new Stepped(step.events(), step.position().toJson(), null);
  }

  private CompiledDefinition compiled(State state) {
    String definition = state.info().definition() != null ? state.info().definition()
        : revisions.definition(state.info().revisionId()).orElse(null);
    if (definition == null) {
      revisions.missing(state.info().stateMachineArn());
      throw new DefinitionUnavailable(state.info());
    }
    try {
      return definitions.get(definition, state.info().type());
    } catch (InvalidDefinitionException e) {
      throw new IllegalStateException("a started execution's definition no longer compiles", e);
    }
  }

  /** The execution's revision cannot be read from its machine's journal now (e.g. its key is disabled). */
  static final class DefinitionUnavailable extends RuntimeException {
    DefinitionUnavailable(ExecutionInfo info) {
      super("the definition of revision " + info.revisionId() + " of " + info.stateMachineArn() + " is not available");
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

  /**
   * The definition comes from the machine's journal, by revision (older journals carry it
   * themselves). A revision that cannot be read now (its machine's key disabled) leaves the
   * execution describable; it cannot step until the revision is readable again.
   */
  @Override
  public EventHandler<State, Event> eventHandler() {
    return (s, e) -> ExecutionSteps.apply(s, e, revisions);
  }

  /**
   * A readable execution's state is snapshotted every {@code snapshot-every} events (an unreadable
   * one never is: what it would hold could not be rebuilt from it once readable again). The older
   * snapshots are deleted once a newer one is durable.
   */
  @Override
  public boolean shouldSnapshot(State state, Event event, long sequenceNr) {
    return state.info() != null && state.unreadable() == null && sequenceNr % store.snapshotEvery() == 0;
  }

  /** A snapshot of an execution: its info (naming its revision), history, position and result. */
  public record Snapshot(ExecutionInfo info, List<HistoryEvent> history, JsonNode position, Result result)
      implements CborSerializable {}

  @Override
  public SnapshotAdapter<State> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(State state) {
        // The definition by revision, as in Started; an execution whose journal carries it itself keeps it.
        ExecutionInfo info = revisions.definition(state.info().revisionId()).isPresent()
            ? state.info().withoutDefinition() : state.info();
        return new Snapshot(info, state.history().asList(), state.position(), state.result());
      }

      @Override
      public State fromJournal(Object from) {
        Snapshot s = (Snapshot) from;
        State started = ExecutionSteps.apply(emptyState(), new Started(s.info()), revisions);
        JsonNode position = s.position() == null || s.position().isNull() ? null : s.position();
        return new State(started.info(), History.EMPTY.append(s.history()), position, s.result(), null);
      }
    };
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(SnapshotCompleted.class, (state, done) -> store.submit(
            Snapshots.deleteBefore(done.metadata().persistenceId(), done.metadata().sequenceNr())))
        .build();
  }

  @Override
  public EventAdapter<Event, Object> eventAdapter() {
    return new UnreadableAdapter<>(Event.class, Unreadable::new);
  }
}
