package io.stepwise.persistence;

import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.EventAdapter;
import org.apache.pekko.persistence.typed.EventSeq;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/** A minimal event-sourced entity that shows how an entity meets an {@link UnreadableEvent}. */
public final class TestEntity extends EventSourcedBehavior<TestEntity.Command, TestEntity.Event, TestEntity.State> {

  /** Bound to jackson-json in the test config. */
  public interface Persisted {}

  public sealed interface Command {}

  public record Add(String text, ActorRef<Done> replyTo) implements Command {}

  public record Get(ActorRef<State> replyTo) implements Command {}

  public sealed interface Event {}

  public record Added(String text) implements Event, Persisted {}

  /** Made by the event adapter from an {@link UnreadableEvent}; never persisted. */
  public record Unreadable(long sequenceNr, String reason) implements Event {}

  public record State(List<String> texts, List<String> problems) implements Persisted {
    State with(String text, String problem) {
      List<String> t = new ArrayList<>(texts);
      List<String> p = new ArrayList<>(problems);
      if (text != null) {
        t.add(text);
      }
      if (problem != null) {
        p.add(problem);
      }
      return new State(List.copyOf(t), List.copyOf(p));
    }
  }

  private final int snapshotEvery;

  private TestEntity(String id, int snapshotEvery) {
    super(PersistenceId.ofUniqueId(id));
    this.snapshotEvery = snapshotEvery;
  }

  public static Behavior<Command> create(String id) {
    return new TestEntity(id, 0);
  }

  /** Snapshots every {@code n} events and deletes the events a snapshot covers. */
  public static Behavior<Command> withSnapshots(String id, int n) {
    return new TestEntity(id, n);
  }

  @Override
  public State emptyState() {
    return new State(List.of(), List.of());
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(Add.class, (s, c) -> Effect().persist(new Added(c.text())).thenReply(c.replyTo(), st -> Done.getInstance()))
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), s))
        .build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(Added.class, (s, e) -> s.with(e.text(), null))
        .onEvent(Unreadable.class, (s, e) -> s.with(null, e.sequenceNr() + ": " + e.reason()))
        .build();
  }

  @Override
  public EventAdapter<Event, ?> eventAdapter() {
    return new EventAdapter<Event, Object>() {
      @Override
      public Object toJournal(Event e) {
        return e;
      }

      @Override
      public String manifest(Event event) {
        return "";
      }

      @Override
      public EventSeq<Event> fromJournal(Object p, String manifest) {
        if (p instanceof UnreadableEvent u) {
          return EventSeq.single(new Unreadable(u.sequenceNr(), u.reason()));
        }
        return EventSeq.single((Event) p);
      }
    };
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return snapshotEvery > 0
        ? RetentionCriteria.snapshotEvery(snapshotEvery, 1).withDeleteEventsOnSnapshot()
        : RetentionCriteria.disabled();
  }
}
