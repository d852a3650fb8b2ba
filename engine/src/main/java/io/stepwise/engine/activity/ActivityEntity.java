package io.stepwise.engine.activity;

import io.stepwise.engine.CborSerializable;
import io.stepwise.engine.ServiceError;
import io.stepwise.engine.UnreadableAdapter;
import io.stepwise.engine.catalog.ActivitySummary;
import io.stepwise.engine.catalog.Catalog;
import io.stepwise.engine.kms.Encryption;
import java.time.Instant;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
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
 * One activity (entity id = its ARN). Its events, and later the task inputs queued for it, are
 * encrypted under the activity's key with context {@code aws:states:activityArn}.
 */
public final class ActivityEntity
    extends EventSourcedBehaviorWithEnforcedReplies<ActivityEntity.Command, ActivityEntity.Event, ActivityEntity.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Activity");

  public sealed interface Command extends CborSerializable {}

  /** Creates the activity; an existing one is returned unchanged (AWS's idempotency is by name). */
  public record Create(ActivityRecord record, ActorRef<Reply> replyTo) implements Command {}

  /** Describe also serves the startup wake-up. */
  public record Describe(ActorRef<Reply> replyTo) implements Command {}

  public record Delete(Instant at, ActorRef<Reply> replyTo) implements Command {}

  public record Reply(ActivityRecord record, String unreadable) implements CborSerializable {
    /** The record (null if absent), or the unreadable error. */
    public ActivityRecord get(Function<String, ServiceError> unreadableError) {
      if (unreadable != null) throw unreadableError.apply(unreadable);
      return record;
    }
  }

  public sealed interface Event extends CborSerializable {}

  public record Created(ActivityRecord record) implements Event {}

  public record Deleted(Instant at) implements Event {}

  public record Unreadable(String reason) implements Event {}

  public record State(ActivityRecord record, String unreadable) {}

  private final String arn;
  private final Catalog catalog;
  private final Encryption encryption;

  public static Behavior<Command> create(String activityArn, Catalog catalog, Encryption encryption) {
    return Behaviors.setup(ctx -> new ActivityEntity(activityArn, catalog, encryption));
  }

  private ActivityEntity(String arn, Catalog catalog, Encryption encryption) {
    super(PersistenceId.of(ENTITY_KEY.name(), arn));
    this.arn = arn;
    this.catalog = catalog;
    this.encryption = encryption;
  }

  @Override
  public State emptyState() {
    return new State(null, null);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    var unreadable = newCommandHandlerWithReplyBuilder().forState(s -> s.unreadable() != null);
    unreadable.onCommand(Create.class, (s, c) -> refuse(s, c.replyTo()));
    unreadable.onCommand(Describe.class, (s, c) -> refuse(s, c.replyTo()));
    // An activity whose data is shredded can still be deleted.
    unreadable.onCommand(Delete.class, (s, c) -> Effect().persist(new Deleted(c.at()))
        .thenRun(n -> catalog.removeActivity(arn))
        .thenReply(c.replyTo(), n -> new Reply(null, null)));

    var absent = newCommandHandlerWithReplyBuilder().forState(s -> s.record() == null);
    absent.onCommand(Create.class, (s, c) -> {
      encryption.register(arn, Encryption.ACTIVITY_CONTEXT, c.record().encryptionConfiguration());
      return Effect().persist(new Created(c.record()))
          .thenRun(n -> catalog.putActivity(summary(n.record())))
          .thenReply(c.replyTo(), n -> new Reply(n.record(), null));
    });
    absent.onCommand(Describe.class, (s, c) -> Effect().reply(c.replyTo(), new Reply(null, null)));
    absent.onCommand(Delete.class, (s, c) -> Effect().reply(c.replyTo(), new Reply(null, null)));

    var active = newCommandHandlerWithReplyBuilder().forAnyState();
    active.onCommand(Create.class, (s, c) -> Effect().reply(c.replyTo(), new Reply(s.record(), null)));
    active.onCommand(Describe.class, (s, c) -> Effect().reply(c.replyTo(), new Reply(s.record(), null)));
    active.onCommand(Delete.class, (s, c) -> Effect().persist(new Deleted(c.at()))
        .thenRun(n -> catalog.removeActivity(arn))
        .thenReply(c.replyTo(), n -> new Reply(null, null)));
    return unreadable.orElse(absent).orElse(active).build();
  }

  // Stops after answering so that the next command recovers afresh (a re-enabled key reads again).
  private ReplyEffect<Event, State> refuse(State state, ActorRef<Reply> replyTo) {
    return Effect().stop().thenReply(replyTo, s -> new Reply(null, state.unreadable()));
  }

  private static ActivitySummary summary(ActivityRecord r) {
    return new ActivitySummary(r.activityArn(), r.name(), r.creationDate());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(Created.class, (s, e) -> new State(e.record(), s.unreadable()))
        .onEvent(Deleted.class, (s, e) -> new State(null, null))
        .onEvent(Unreadable.class, (s, e) -> new State(s.record(), e.reason()))
        .build();
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), s -> {
          if (s.record() != null && s.unreadable() == null) {
            encryption.register(arn, Encryption.ACTIVITY_CONTEXT, s.record().encryptionConfiguration());
          }
          // A crash may have come between an event and its listing row; an unreadable one stays listed.
          if (s.unreadable() == null) catalog.reconcileActivity(arn, s.record() == null ? null : summary(s.record()));
        })
        .build();
  }

  @Override
  public EventAdapter<Event, Object> eventAdapter() {
    return new UnreadableAdapter<>(Event.class, Unreadable::new);
  }
}
