package io.stepwise.engine.statemachine;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.engine.Arns;
import io.stepwise.engine.CborSerializable;
import io.stepwise.engine.ServiceError;
import io.stepwise.engine.UnreadableAdapter;
import io.stepwise.engine.catalog.Catalog;
import io.stepwise.engine.catalog.StateMachineSummary;
import io.stepwise.engine.kms.Encryption;
import io.stepwise.engine.kms.EncryptionConfig;
import io.stepwise.engine.tags.Tags;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One state machine (entity id = its ARN). Holds the current revision; executions copy the
 * revision they start with, so updates never change a running execution.
 */
public final class StateMachineEntity
    extends EventSourcedBehaviorWithEnforcedReplies<StateMachineEntity.Command, StateMachineEntity.Event, StateMachineEntity.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "StateMachine");

  // --- protocol ---
  public sealed interface Command extends CborSerializable {}

  /**
   * Creates the machine, or answers with the existing one when the request is identical (AWS's
   * idempotency). {@code tags} apply only when the machine is new (a repeated create ignores them,
   * as AWS does). {@code deleting}: executions of a deleted machine of this ARN are still running,
   * so the machine is still being deleted and its name cannot be taken yet (StateMachineDeleting).
   */
  public record Create(StateMachineRecord record, Map<String, String> tags, boolean publish, String versionDescription,
      boolean deleting, ActorRef<Reply> replyTo) implements Command {}

  /** PublishStateMachineVersion: {@code revisionId}, if given, must be the current one. */
  public record Publish(String revisionId, String description, Instant at, ActorRef<Reply> replyTo) implements Command {}

  public record ListVersions(ActorRef<VersionsReply> replyTo) implements Command {}

  public record DescribeVersion(int number, ActorRef<Reply> replyTo) implements Command {}

  public record DeleteVersion(int number, ActorRef<Reply> replyTo) implements Command {}

  /** CreateStateMachineAlias ({@code create}) or UpdateStateMachineAlias (null fields left as they are). */
  public record SaveAlias(String name, String description, List<Alias.Route> routing, boolean create, Instant at,
      ActorRef<AliasReply> replyTo) implements Command {}

  public record DescribeAlias(String name, ActorRef<AliasReply> replyTo) implements Command {}

  public record DeleteAlias(String name, ActorRef<AliasReply> replyTo) implements Command {}

  public record ListAliases(ActorRef<AliasReply> replyTo) implements Command {}

  /** An alias, or all of them (by name), or AWS's error, or why the machine cannot be read. */
  public record AliasReply(Alias alias, List<Alias> aliases, String errorCode, String errorMessage, String unreadable)
      implements CborSerializable {
    static AliasReply of(Alias alias) {
      return new AliasReply(alias, null, null, null, null);
    }

    static AliasReply error(ServiceError e) {
      return new AliasReply(null, null, e.code(), e.getMessage(), null);
    }

    /** This reply, or its error thrown as a {@link ServiceError}. */
    public AliasReply get(Function<String, ServiceError> unreadableError) {
      if (unreadable != null) throw unreadableError.apply(unreadable);
      if (errorCode != null) throw new ServiceError(errorCode, errorMessage);
      return this;
    }
  }

  /** The versions newest first, or why they cannot be listed. */
  public record VersionsReply(List<Versions.Version> versions, String errorCode, String errorMessage, String unreadable)
      implements CborSerializable {
    public List<Versions.Version> get(Function<String, ServiceError> unreadableError) {
      if (unreadable != null) throw unreadableError.apply(unreadable);
      if (errorCode != null) throw new ServiceError(errorCode, errorMessage);
      return versions;
    }
  }

  /** TagResource, UntagResource (keys to remove) and ListTagsForResource. */
  public record Tag(Map<String, String> tags, ActorRef<Tags.Reply> replyTo) implements Command {}

  public record Untag(List<String> keys, ActorRef<Tags.Reply> replyTo) implements Command {}

  public record ListTags(ActorRef<Tags.Reply> replyTo) implements Command {}

  public record Describe(ActorRef<Reply> replyTo) implements Command {}

  /** Null fields are left as they are. */
  public record Update(String definition, String roleArn, JsonNode loggingConfiguration, JsonNode tracingConfiguration,
      EncryptionConfig encryptionConfiguration, String revisionId, Instant at, boolean publish, String versionDescription,
      ActorRef<Reply> replyTo) implements Command {}

  public record Delete(Instant at, ActorRef<Reply> replyTo) implements Command {}

  /** Sent at startup so that the entity recovers and registers itself in the catalog. */
  public record Wake(ActorRef<Reply> replyTo) implements Command {}

  /**
   * Either the machine's record (and the ARN of the version a create or update published), AWS's
   * error, or why its stored data cannot be read.
   */
  public record Reply(StateMachineRecord record, String errorCode, String errorMessage, String unreadable,
      String versionArn) implements CborSerializable {
    Reply(StateMachineRecord record, String errorCode, String errorMessage, String unreadable) {
      this(record, errorCode, errorMessage, unreadable, null);
    }

    static Reply ok(StateMachineRecord r) {
      return new Reply(r, null, null, null);
    }

    static Reply ok(StateMachineRecord r, String versionArn) {
      return new Reply(r, null, null, null, versionArn);
    }

    static Reply error(ServiceError e) {
      return new Reply(null, e.code(), e.getMessage(), null);
    }

    /** The record, or the error thrown as a {@link ServiceError} ({@code unreadable} maps the unreadable case). */
    public StateMachineRecord get(Function<String, ServiceError> unreadableError) {
      if (unreadable != null) throw unreadableError.apply(unreadable);
      if (errorCode != null) throw new ServiceError(errorCode, errorMessage);
      return record;
    }
  }

  public sealed interface Event extends CborSerializable {}

  /** {@code tags} is null in journals from before tags. */
  public record Created(StateMachineRecord record, Map<String, String> tags) implements Event {}

  /** The machine's tags after TagResource or UntagResource. */
  public record Tagged(Map<String, String> tags) implements Event {}

  /** The current revision published as version {@code number}. */
  public record Published(int number, String description, Instant at) implements Event {}

  public record VersionDeleted(int number) implements Event {}

  /** An alias created or updated: as it now is. */
  public record AliasSaved(Alias alias) implements Event {}

  public record AliasDeleted(String name) implements Event {}

  public record Updated(String definition, String roleArn, JsonNode loggingConfiguration, JsonNode tracingConfiguration,
      EncryptionConfig encryptionConfiguration, String revisionId, Instant at) implements Event {}

  public record Deleted(Instant at) implements Event {}

  /** Replayed in place of an event the journal could not decrypt; never persisted. */
  public record Unreadable(String reason) implements Event {}

  /**
   * {@code record} is null when the machine does not exist (never created, or deleted);
   * {@code sealedUnder} is the encryption configuration of the machine as it last existed, kept
   * after a delete so that executions still running go on under their machine's key, and {@code
   * deleted} the machine as it was deleted (null otherwise): DescribeStateMachine shows it {@code
   * DELETING} while executions of it still run.
   */
  public record State(StateMachineRecord record, String unreadable, Map<String, String> tags, Versions versions,
      Map<String, Alias> aliases, EncryptionConfig sealedUnder, StateMachineRecord deleted) {
    State(StateMachineRecord record, String unreadable, Map<String, String> tags, Versions versions,
        Map<String, Alias> aliases) {
      this(record, unreadable, tags, versions, aliases,
          record == null ? null : EncryptionConfig.orDefault(record.encryptionConfiguration()), null);
    }

    State(StateMachineRecord record, String unreadable) {
      this(record, unreadable, Map.of(), Versions.NONE, Map.of());
    }

    State withVersions(Versions v) {
      return new State(record, unreadable, tags, v, aliases, sealedUnder, deleted);
    }

    State withAliases(Map<String, Alias> a) {
      return new State(record, unreadable, tags, versions, a, sealedUnder, deleted);
    }
  }

  // --- behaviour ---
  private final String arn;
  private final Catalog catalog;
  private final Encryption encryption;
  private final MachineView view;
  private final Revisions revisions;

  private final Runnable passivate;

  public static Behavior<Command> create(String stateMachineArn, ActorRef<ClusterSharding.ShardCommand> shard,
      Catalog catalog, Encryption encryption, MachineView view, Revisions revisions) {
    return Behaviors.setup(ctx -> new StateMachineEntity(stateMachineArn,
        () -> shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf())), catalog, encryption, view, revisions));
  }

  private StateMachineEntity(String arn, Runnable passivate, Catalog catalog, Encryption encryption, MachineView view,
      Revisions revisions) {
    super(PersistenceId.of(ENTITY_KEY.name(), arn));
    this.arn = arn;
    this.passivate = passivate;
    this.catalog = catalog;
    this.encryption = encryption;
    this.view = view;
    this.revisions = revisions;
  }

  /** The state after an event, with its revision's definition known to {@link Revisions} (replayed or new). */
  private State revised(State state) {
    if (state.record() != null) revisions.put(state.record().revisionId(), state.record().definition());
    return state;
  }

  /**
   * A deleted machine's listing row is removed ahead of its Deleted event, in the same group
   * commit order, so a listing after DeleteStateMachine's answer no longer shows it (recovery
   * reconciles the row should the event not be written).
   */
  private EffectFactories<Event, State> delisted(State state, Instant at) {
    // A machine that cannot be read (its key disabled) does not tell when it was created, which
    // its listing row is keyed by: its row is found and removed just after.
    if (state.record() != null) catalog.removeStateMachine(arn, state.record().creationDate());
    else catalog.removeStateMachineCreatedBy(arn, at);
    return Effect();
  }

  /**
   * After a persisted change: the listing and the local view show the machine as it now is. A
   * machine that cannot be read (its key disabled) leaves the view but stays listed, as AWS lists it.
   */
  private void published(State state) {
    if (state.unreadable() != null || state.record() == null) view.remove(arn);
    else view.put(state.record());
    if (state.unreadable() != null) return;
    // A deleted machine's row was removed before its Deleted event (see delisted).
    if (state.record() != null) catalog.putStateMachine(summary(state.record()));
  }

  private <E> E withoutCustomerKey(E event) {
    encryption.sealWithoutCustomerKey(arn);
    return event;
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
    unreadable.onCommand(Update.class, (s, c) -> refuse(s, c.replyTo()));
    // A machine whose data is shredded can still be deleted (its name is then free again).
    // Its Deleted event holds no customer data, and no customer key can seal it: the service key does.
    unreadable.onCommand(Delete.class, (s, c) -> delisted(s, c.at()).persist(withoutCustomerKey(new Deleted(c.at())))
        .thenRun(n -> encryption.sealWithCustomerKey(arn))
        .thenRun(this::published)
        .thenReply(c.replyTo(), n -> Reply.ok(null)));
    unreadable.onCommand(Wake.class, (s, c) -> refuse(s, c.replyTo()));
    unreadable.onCommand(Tag.class, (s, c) -> refuseTags(s, c.replyTo()));
    unreadable.onCommand(Untag.class, (s, c) -> refuseTags(s, c.replyTo()));
    unreadable.onCommand(ListTags.class, (s, c) -> refuseTags(s, c.replyTo()));
    unreadable.onCommand(Publish.class, (s, c) -> refuse(s, c.replyTo()));
    unreadable.onCommand(DescribeVersion.class, (s, c) -> refuse(s, c.replyTo()));
    unreadable.onCommand(DeleteVersion.class, (s, c) -> refuse(s, c.replyTo()));
    unreadable.onCommand(ListVersions.class, (s, c) -> leaving().thenReply(c.replyTo(),
        n -> new VersionsReply(null, null, null, s.unreadable())));
    for (Class<? extends Command> aliasCommand : List.of(SaveAlias.class, DescribeAlias.class, DeleteAlias.class,
        ListAliases.class)) {
      unreadable.onCommand(aliasCommand, (s, c) -> leaving().thenReply(aliasReplyTo(c),
          n -> new AliasReply(null, null, null, null, s.unreadable())));
    }

    var absent = newCommandHandlerWithReplyBuilder().forState(s -> s.record() == null);
    absent.onCommand(Create.class, (s, c) -> {
      if (c.tags().size() > Tags.MAX) return Effect().reply(c.replyTo(), Reply.error(Tags.tooMany(arn)));
      if (c.deleting()) {
        // its executions would follow the new machine (and its key): refused until they end, as AWS does
        return Effect().reply(c.replyTo(), Reply.error(ServiceError.stateMachineDeleting(arn)));
      }
      // The selector must know the key before the event is written (and only once nothing refuses it).
      encryption.register(arn, Encryption.MACHINE_CONTEXT, c.record().encryptionConfiguration());
      List<Event> events = c.publish()
          ? List.of(new Created(c.record(), c.tags()), new Published(1, c.versionDescription(), c.record().creationDate()))
          : List.of(new Created(c.record(), c.tags()));
      // listed ahead of the event, in the same group-commit order, so that a listing after the
      // answer shows the machine (recovery reconciles the row should the event not be written)
      catalog.putStateMachine(summary(c.record()));
      return Effect().persist(events)
        .thenRun(this::published)
        .thenReply(c.replyTo(), n -> Reply.ok(n.record(), c.publish() ? Versions.arn(arn, 1) : null));
    });
    absent.onCommand(Publish.class, (s, c) -> Effect().reply(c.replyTo(), Reply.error(ServiceError.stateMachineDoesNotExist(arn))));
    absent.onCommand(DescribeVersion.class, (s, c) -> Effect().reply(c.replyTo(),
        Reply.error(ServiceError.stateMachineDoesNotExist(Versions.arn(arn, c.number())))));
    absent.onCommand(DeleteVersion.class, (s, c) -> Effect().reply(c.replyTo(), Reply.ok(null)));
    absent.onCommand(ListVersions.class, (s, c) -> Effect().reply(c.replyTo(),
        new VersionsReply(null, "StateMachineDoesNotExist", ServiceError.stateMachineDoesNotExist(arn).getMessage(), null)));
    absent.onCommand(SaveAlias.class, (s, c) -> Effect().reply(c.replyTo(),
        AliasReply.error(c.create() ? ServiceError.stateMachineDoesNotExist(arn) : Alias.notFound(Alias.arn(arn, c.name())))));
    absent.onCommand(DescribeAlias.class, (s, c) -> Effect().reply(c.replyTo(),
        AliasReply.error(Alias.notFound(Alias.arn(arn, c.name())))));
    absent.onCommand(DeleteAlias.class, (s, c) -> Effect().reply(c.replyTo(), AliasReply.of(null)));
    absent.onCommand(ListAliases.class, (s, c) -> Effect().reply(c.replyTo(),
        AliasReply.error(ServiceError.stateMachineDoesNotExist(arn))));
    // a deleted machine's last record goes with the error: the engine shows it DELETING while its executions run
    absent.onCommand(Describe.class, (s, c) -> Effect().reply(c.replyTo(), new Reply(s.deleted(), "StateMachineDoesNotExist",
        ServiceError.stateMachineDoesNotExist(arn).getMessage(), null)));
    absent.onCommand(Update.class, (s, c) -> Effect().reply(c.replyTo(), Reply.error(ServiceError.stateMachineDoesNotExist(arn))));
    absent.onCommand(Delete.class, (s, c) -> Effect().reply(c.replyTo(), Reply.ok(null)));
    absent.onCommand(Wake.class, (s, c) -> Effect().reply(c.replyTo(), Reply.ok(null)));
    absent.onCommand(Tag.class, (s, c) -> Effect().reply(c.replyTo(), Tags.Reply.error(Tags.resourceNotFound(arn))));
    absent.onCommand(Untag.class, (s, c) -> Effect().reply(c.replyTo(), Tags.Reply.error(Tags.resourceNotFound(arn))));
    absent.onCommand(ListTags.class, (s, c) -> Effect().reply(c.replyTo(), Tags.Reply.error(Tags.resourceNotFound(arn))));

    var active = newCommandHandlerWithReplyBuilder().forAnyState();
    active.onCommand(Create.class, (s, c) -> {
      // the idempotency check "is also based on the publish and versionDescription parameters" (the
      // API Reference): the same request again gets the version its creation published, if it did
      Optional<Versions.Version> atCreation = s.versions().get(1)
          .filter(v -> v.record().creationDate().equals(s.record().creationDate()) && v.record().revisionId().equals(s.record().revisionId()));
      boolean same = sameRequest(s.record(), c.record()) && c.publish() == atCreation.isPresent()
          && (atCreation.isEmpty() || Objects.equals(atCreation.get().record().description(), c.versionDescription()));
      return Effect().reply(c.replyTo(), same
          ? Reply.ok(s.record(), atCreation.isPresent() ? Versions.arn(arn, 1) : null)
          : Reply.error(new ServiceError("StateMachineAlreadyExists", "State Machine Already Exists: '" + arn + "'")));
    });
    active.onCommand(Describe.class, (s, c) -> Effect().reply(c.replyTo(), Reply.ok(s.record())));
    active.onCommand(Wake.class, (s, c) -> Effect().reply(c.replyTo(), Reply.ok(s.record())));
    active.onCommand(Update.class, (s, c) -> {
      if (c.encryptionConfiguration() != null) {
        encryption.register(arn, Encryption.MACHINE_CONTEXT, c.encryptionConfiguration());
      }
      Updated updated = new Updated(c.definition(), c.roleArn(), c.loggingConfiguration(), c.tracingConfiguration(),
          c.encryptionConfiguration(), c.revisionId(), c.at());
      if (c.publish() && s.versions().size() >= Versions.MAX) {
        return Effect().reply(c.replyTo(), Reply.error(Versions.quotaExceeded(arn)));
      }
      int number = s.versions().nextNumber();
      return Effect()
          .persist(c.publish() ? List.of(updated, new Published(number, c.versionDescription(), c.at())) : List.of(updated))
          .thenRun(this::published)
          .thenReply(c.replyTo(), n -> Reply.ok(n.record(), c.publish() ? Versions.arn(arn, number) : null));
    });
    active.onCommand(Publish.class, this::publish);
    active.onCommand(ListVersions.class, (s, c) -> Effect().reply(c.replyTo(),
        new VersionsReply(s.versions().newestFirst(), null, null, null)));
    active.onCommand(DescribeVersion.class, (s, c) -> Effect().reply(c.replyTo(), s.versions().get(c.number())
        .map(v -> Reply.ok(v.record()))
        .orElseGet(() -> Reply.error(ServiceError.stateMachineDoesNotExist(Versions.arn(arn, c.number()))))));
    active.onCommand(DeleteVersion.class, this::deleteVersion);
    active.onCommand(SaveAlias.class, this::saveAlias);
    active.onCommand(DescribeAlias.class, (s, c) -> Effect().reply(c.replyTo(), s.aliases().containsKey(c.name())
        ? AliasReply.of(s.aliases().get(c.name())) : AliasReply.error(Alias.notFound(Alias.arn(arn, c.name())))));
    active.onCommand(DeleteAlias.class, (s, c) -> !s.aliases().containsKey(c.name())
        ? Effect().reply(c.replyTo(), AliasReply.of(null))
        : Effect().persist(new AliasDeleted(c.name())).thenReply(c.replyTo(), n -> AliasReply.of(null)));
    active.onCommand(ListAliases.class, (s, c) -> Effect().reply(c.replyTo(),
        new AliasReply(null, List.copyOf(s.aliases().values()), null, null, null)));
    active.onCommand(Delete.class, (s, c) -> delisted(s, c.at()).persist(new Deleted(c.at()))
        .thenRun(this::published)
        .thenReply(c.replyTo(), n -> Reply.ok(null)));
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

  /**
   * PublishStateMachineVersion: the current revision as the next version, unless the newest
   * version already is that revision (then that one, as AWS does); {@code revisionId}, if given,
   * must be the current revision.
   */
  private ReplyEffect<Event, State> publish(State s, Publish c) {
    String current = s.record().revisionId();
    if (c.revisionId() != null && !c.revisionId().equals(current)) {
      return Effect().reply(c.replyTo(), Reply.error(new ServiceError("ConflictException",
          "Failed to publish the State Machine version for revision " + c.revisionId()
              + ". The current State Machine revision is " + current + ".")));
    }
    var existing = s.versions().ofLatestRevision(current);
    if (existing.isPresent()) return Effect().reply(c.replyTo(), Reply.ok(existing.get().record()));
    if (s.versions().size() >= Versions.MAX) return Effect().reply(c.replyTo(), Reply.error(Versions.quotaExceeded(arn)));
    int number = s.versions().nextNumber();
    return Effect().persist(new Published(number, c.description(), c.at()))
        .thenReply(c.replyTo(), n -> Reply.ok(n.versions().get(number).orElseThrow().record()));
  }

  private static ActorRef<AliasReply> aliasReplyTo(Command c) {
    if (c instanceof SaveAlias a) return a.replyTo();
    if (c instanceof DescribeAlias a) return a.replyTo();
    if (c instanceof DeleteAlias a) return a.replyTo();
    return ((ListAliases) c).replyTo();
  }

  /** A version an alias routes to cannot be deleted (AWS's ConflictException names the aliases). */
  private ReplyEffect<Event, State> deleteVersion(State s, DeleteVersion c) {
    if (s.versions().get(c.number()).isEmpty()) return Effect().reply(c.replyTo(), Reply.ok(null));
    String versionArn = Versions.arn(arn, c.number());
    List<String> routing = s.aliases().values().stream()
        .filter(a -> a.routing().stream().anyMatch(r -> r.stateMachineVersionArn().equals(versionArn)))
        .map(a -> Alias.arn(arn, a.name())).toList();
    if (!routing.isEmpty()) {
      return Effect().reply(c.replyTo(), Reply.error(new ServiceError("ConflictException",
          "Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: "
              + routing)));
    }
    return Effect().persist(new VersionDeleted(c.number())).thenReply(c.replyTo(), n -> Reply.ok(null));
  }

  /**
   * CreateStateMachineAlias (the same alias again is answered as it is; another with its name is a
   * ConflictException) and UpdateStateMachineAlias. Routes must name existing versions.
   */
  private ReplyEffect<Event, State> saveAlias(State s, SaveAlias c) {
    Alias existing = s.aliases().get(c.name());
    String aliasArn = Alias.arn(arn, c.name());
    if (!c.create() && existing == null) return Effect().reply(c.replyTo(), AliasReply.error(Alias.notFound(aliasArn)));
    if (c.routing() != null) {
      for (Alias.Route r : c.routing()) {
        boolean exists = Arns.version(r.stateMachineVersionArn())
            .filter(v -> v.machineArn().equals(arn) && s.versions().get(v.number()).isPresent()).isPresent();
        if (!exists) {
          return Effect().reply(c.replyTo(), AliasReply.error(Alias.notFound(r.stateMachineVersionArn())));
        }
      }
    }
    Alias saved;
    if (c.create()) {
      if (existing != null) {
        boolean same = existing.routing().equals(c.routing()) && java.util.Objects.equals(existing.description(), c.description());
        return Effect().reply(c.replyTo(), same ? AliasReply.of(existing) : AliasReply.error(new ServiceError(
            "ConflictException", "Failed to create alias because an alias with the same name and a different "
                + "routing configuration already exists.")));
      }
      if (s.aliases().size() >= Alias.MAX) return Effect().reply(c.replyTo(), AliasReply.error(Alias.quotaExceeded(arn)));
      saved = new Alias(c.name(), c.description(), c.routing(), c.at(), c.at());
    } else {
      saved = new Alias(c.name(), c.description() != null ? c.description() : existing.description(),
          c.routing() != null ? c.routing() : existing.routing(), existing.creationDate(), c.at());
    }
    return Effect().persist(new AliasSaved(saved)).thenReply(c.replyTo(), n -> AliasReply.of(saved));
  }

  // Passivates after answering, so that the next command recovers afresh: data under a key that
  // was disabled becomes readable again once the key is enabled.
  private ReplyEffect<Event, State> refuse(State state, ActorRef<Reply> replyTo) {
    view.remove(arn);
    return leaving().thenReply(replyTo, s -> new Reply(null, null, null, state.unreadable()));
  }

  private ReplyEffect<Event, State> refuseTags(State state, ActorRef<Tags.Reply> replyTo) {
    view.remove(arn);
    return leaving().thenReply(replyTo, s -> Tags.Reply.unreadable(state.unreadable()));
  }

  /**
   * Leaves memory through the shard, which holds the commands that arrive meanwhile and starts a
   * fresh entity for them; an entity that stopped itself would drop those from its mailbox, and
   * their asks would time out.
   */
  private EffectBuilder<Event, State> leaving() {
    passivate.run();
    return Effect().none();
  }

  private static boolean sameRequest(StateMachineRecord a, StateMachineRecord b) {
    return a.definition().equals(b.definition()) && a.roleArn().equals(b.roleArn()) && a.type().equals(b.type())
        && StateMachineRecord.logging(a.loggingConfiguration()).equals(StateMachineRecord.logging(b.loggingConfiguration()))
        && StateMachineRecord.tracing(a.tracingConfiguration()).equals(StateMachineRecord.tracing(b.tracingConfiguration()))
        && a.encryption().equals(b.encryption());
  }

  static StateMachineSummary summary(StateMachineRecord r) {
    return new StateMachineSummary(r.stateMachineArn(), r.name(), r.type(), r.creationDate());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(Created.class, (state, e) -> revised(new State(e.record(), null, Tags.of(e.tags()), Versions.NONE,
            Map.of())))
        // After an unreadable Created there is no record to update: the machine stays unreadable.
        .onEvent(Updated.class, (state, e) -> state.record() == null ? state
            : revised(new State(state.record().updated(e.definition(), e.roleArn(), e.loggingConfiguration(),
                e.tracingConfiguration(), e.encryptionConfiguration(), e.revisionId(), e.at()), state.unreadable(),
                state.tags(), state.versions(), state.aliases())))
        .onEvent(Tagged.class, (state, e) -> new State(state.record(), state.unreadable(), Tags.of(e.tags()),
            state.versions(), state.aliases()))
        // After an unreadable event there is no record to publish: the machine stays unreadable.
        .onEvent(Published.class, (state, e) -> state.record() == null ? state
            : state.withVersions(state.versions().published(e.number(), state.record(), e.description(), e.at())))
        .onEvent(VersionDeleted.class, (state, e) -> state.withVersions(state.versions().without(e.number())))
        .onEvent(AliasSaved.class, (state, e) -> {
          Map<String, Alias> next = new java.util.TreeMap<>(state.aliases());
          next.put(e.alias().name(), e.alias());
          return state.withAliases(java.util.Collections.unmodifiableMap(next));
        })
        .onEvent(AliasDeleted.class, (state, e) -> {
          Map<String, Alias> next = new java.util.TreeMap<>(state.aliases());
          next.remove(e.name());
          return state.withAliases(java.util.Collections.unmodifiableMap(next));
        })
        .onEvent(Deleted.class, (state, e) -> new State(null, null, Map.of(), Versions.NONE, Map.of(), state.sealedUnder(),
            state.unreadable() == null ? state.record() : null))
        .onEvent(Unreadable.class, (state, e) -> new State(state.record(), e.reason(), state.tags(), state.versions(),
            state.aliases()))
        .build();
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          // a Deleted write of an unreadable machine that failed left its flag: the entity starts over
          encryption.sealWithCustomerKey(arn);
          if (state.record() != null && state.unreadable() == null) {
            encryption.register(arn, Encryption.MACHINE_CONTEXT, state.record().encryptionConfiguration());
          } else if (state.sealedUnder() != null && state.unreadable() == null) {
            // deleted: executions of it may still be running, under its key
            encryption.register(arn, Encryption.MACHINE_CONTEXT, state.sealedUnder());
          }
          if (state.unreadable() != null || state.record() == null) view.remove(arn);
          else view.put(state.record());
          // A crash may have come between an event and its listing row.
          if (state.unreadable() == null) {
            catalog.reconcileStateMachine(arn, state.record() == null ? null : summary(state.record()));
          }
        })
        .build();
  }

  @Override
  public EventAdapter<Event, Object> eventAdapter() {
    return new UnreadableAdapter<>(Event.class, Unreadable::new);
  }
}
