package io.stepwise.engine.activity;

import io.stepwise.engine.CborSerializable;
import io.stepwise.engine.ServiceError;
import io.stepwise.engine.UnreadableAdapter;
import io.stepwise.engine.catalog.ActivitySummary;
import io.stepwise.engine.catalog.Catalog;
import io.stepwise.engine.kms.Encryption;
import io.stepwise.engine.tags.Tags;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
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
 * One activity (entity id = its ARN). Its events, and later the task inputs queued for it, are
 * encrypted under the activity's key with context {@code aws:states:activityArn}.
 */
public final class ActivityEntity
    extends EventSourcedBehaviorWithEnforcedReplies<ActivityEntity.Command, ActivityEntity.Event, ActivityEntity.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Activity");

  public sealed interface Command extends CborSerializable {}

  /** Creates the activity; an existing one is returned unchanged (AWS's idempotency is by name). */
  public record Create(ActivityRecord record, Map<String, String> tags, ActorRef<Reply> replyTo) implements Command {}

  /** TagResource, UntagResource (keys to remove) and ListTagsForResource. */
  public record Tag(Map<String, String> tags, ActorRef<Tags.Reply> replyTo) implements Command {}

  public record Untag(List<String> keys, ActorRef<Tags.Reply> replyTo) implements Command {}

  public record ListTags(ActorRef<Tags.Reply> replyTo) implements Command {}

  /** Describe also serves the startup wake-up. */
  public record Describe(ActorRef<Reply> replyTo) implements Command {}

  public record Delete(Instant at, ActorRef<Reply> replyTo) implements Command {}

  public record Reply(ActivityRecord record, String unreadable, String errorCode, String errorMessage,
      String resourceName) implements CborSerializable {
    Reply(ActivityRecord record, String unreadable) {
      this(record, unreadable, null, null, null);
    }

    /** The record (null if absent), AWS's error, or the unreadable error. */
    public ActivityRecord get(Function<String, ServiceError> unreadableError) {
      if (unreadable != null) throw unreadableError.apply(unreadable);
      if (errorCode != null) {
        throw new ServiceError(errorCode, 400, errorMessage,
            resourceName == null ? Map.of() : Map.of("resourceName", resourceName));
      }
      return record;
    }
  }

  public sealed interface Event extends CborSerializable {}

  /** {@code tags} is null in journals from before tags. */
  public record Created(ActivityRecord record, Map<String, String> tags) implements Event {}

  /** The activity's tags after TagResource or UntagResource. */
  public record Tagged(Map<String, String> tags) implements Event {}

  public record Deleted(Instant at) implements Event {}

  public record Unreadable(String reason) implements Event {}

  public record State(ActivityRecord record, String unreadable, Map<String, String> tags) {
    State(ActivityRecord record, String unreadable) {
      this(record, unreadable, Map.of());
    }
  }

  private final String arn;
  private final Catalog catalog;
  private final Encryption encryption;

  private final Runnable passivate;

  public static Behavior<Command> create(String activityArn, ActorRef<ClusterSharding.ShardCommand> shard,
      Catalog catalog, Encryption encryption) {
    return Behaviors.setup(ctx -> new ActivityEntity(activityArn,
        () -> shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf())), catalog, encryption));
  }

  private ActivityEntity(String arn, Runnable passivate, Catalog catalog, Encryption encryption) {
    super(PersistenceId.of(ENTITY_KEY.name(), arn));
    this.arn = arn;
    this.passivate = passivate;
    this.catalog = catalog;
    this.encryption = encryption;
  }

  /** Removes the listing row of {@code record}'s activity, in commit order; then the effect. */
  private org.apache.pekko.persistence.typed.javadsl.EffectFactories<Event, State> delisted(ActivityRecord record) {
    catalog.removeActivity(arn, record.creationDate());
    return Effect();
  }

  /** Submits the activity's listing row; then the effect. */
  private org.apache.pekko.persistence.typed.javadsl.EffectFactories<Event, State> listed(ActivityRecord record) {
    catalog.putActivity(summary(record));
    return Effect();
  }

  @Override
  public State emptyState() {
    return new State(null, null);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    // The listing row changes ahead of the event, in the same group-commit order, so a listing
    // after the answer shows the change (recovery reconciles the row should the event not be written).
    var unreadable = newCommandHandlerWithReplyBuilder().forState(s -> s.unreadable() != null);
    unreadable.onCommand(Create.class, (s, c) -> refuse(s, c.replyTo()));
    unreadable.onCommand(Describe.class, (s, c) -> refuse(s, c.replyTo()));
    // An activity whose data is shredded can still be deleted.
    // Its Deleted event holds no customer data, and no customer key can seal it: the service key does.
    unreadable.onCommand(Delete.class, (s, c) -> {
      encryption.sealWithoutCustomerKey(arn);
      catalog.removeActivityCreatedBy(arn, c.at()); // an unreadable activity does not tell when it was created
      return Effect().persist(new Deleted(c.at()))
          .thenRun(n -> encryption.sealWithCustomerKey(arn))
          .thenReply(c.replyTo(), n -> new Reply(null, null));
    });

    unreadable.onCommand(Tag.class, (s, c) -> refuseTags(s, c.replyTo()));
    unreadable.onCommand(Untag.class, (s, c) -> refuseTags(s, c.replyTo()));
    unreadable.onCommand(ListTags.class, (s, c) -> refuseTags(s, c.replyTo()));

    var absent = newCommandHandlerWithReplyBuilder().forState(s -> s.record() == null);
    absent.onCommand(Tag.class, (s, c) -> Effect().reply(c.replyTo(), Tags.Reply.error(Tags.resourceNotFound(arn))));
    absent.onCommand(Untag.class, (s, c) -> Effect().reply(c.replyTo(), Tags.Reply.error(Tags.resourceNotFound(arn))));
    absent.onCommand(ListTags.class, (s, c) -> Effect().reply(c.replyTo(), Tags.Reply.error(Tags.resourceNotFound(arn))));
    absent.onCommand(Create.class, (s, c) -> {
      encryption.register(arn, Encryption.ACTIVITY_CONTEXT, c.record().encryptionConfiguration());
      if (c.tags().size() > Tags.MAX) {
        ServiceError e = Tags.tooMany(arn);
        return Effect().reply(c.replyTo(), new Reply(null, null, e.code(), e.getMessage(), arn));
      }
      return listed(c.record()).persist(new Created(c.record(), c.tags()))
          .thenReply(c.replyTo(), n -> new Reply(n.record(), null));
    });
    absent.onCommand(Describe.class, (s, c) -> Effect().reply(c.replyTo(), new Reply(null, null)));
    absent.onCommand(Delete.class, (s, c) -> Effect().reply(c.replyTo(), new Reply(null, null)));

    var active = newCommandHandlerWithReplyBuilder().forAnyState();
    active.onCommand(Create.class, (s, c) -> Effect().reply(c.replyTo(), new Reply(s.record(), null)));
    active.onCommand(Describe.class, (s, c) -> Effect().reply(c.replyTo(), new Reply(s.record(), null)));
    active.onCommand(Delete.class, (s, c) -> delisted(s.record()).persist(new Deleted(c.at()))
        .thenReply(c.replyTo(), n -> new Reply(null, null)));
    active.onCommand(Tag.class, (s, c) -> {
      Map<String, String> after;
      try {
        after = Tags.add(s.tags(), c.tags(), arn);
      } catch (ServiceError e) {
        return Effect().reply(c.replyTo(), Tags.Reply.error(e));
      }
      return Effect().persist(new Tagged(after)).thenReply(c.replyTo(), n -> Tags.Reply.ok(n.tags()));
    });
    active.onCommand(Untag.class, (s, c) -> Effect().persist(new Tagged(Tags.remove(s.tags(), c.keys())))
        .thenReply(c.replyTo(), n -> Tags.Reply.ok(n.tags())));
    active.onCommand(ListTags.class, (s, c) -> Effect().reply(c.replyTo(), Tags.Reply.ok(s.tags())));
    return unreadable.orElse(absent).orElse(active).build();
  }

  private ReplyEffect<Event, State> refuseTags(State state, ActorRef<Tags.Reply> replyTo) {
    return leaving().thenReply(replyTo, s -> Tags.Reply.unreadable(state.unreadable()));
  }

  // Passivates after answering so that the next command recovers afresh (a re-enabled key reads again).
  private ReplyEffect<Event, State> refuse(State state, ActorRef<Reply> replyTo) {
    return leaving().thenReply(replyTo, s -> new Reply(null, state.unreadable()));
  }

  /** Leaves memory through the shard, which holds the commands that arrive meanwhile (see StateMachineEntity). */
  private org.apache.pekko.persistence.typed.javadsl.EffectBuilder<Event, State> leaving() {
    passivate.run();
    return Effect().none();
  }

  private static ActivitySummary summary(ActivityRecord r) {
    return new ActivitySummary(r.activityArn(), r.name(), r.creationDate());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(Created.class, (s, e) -> new State(e.record(), s.unreadable(), Tags.of(e.tags())))
        .onEvent(Tagged.class, (s, e) -> new State(s.record(), s.unreadable(), Tags.of(e.tags())))
        .onEvent(Deleted.class, (s, e) -> new State(null, null))
        .onEvent(Unreadable.class, (s, e) -> new State(s.record(), e.reason(), s.tags()))
        .build();
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), s -> {
          // a Deleted write of an unreadable activity that failed left its flag: the entity starts over
          encryption.sealWithCustomerKey(arn);
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
