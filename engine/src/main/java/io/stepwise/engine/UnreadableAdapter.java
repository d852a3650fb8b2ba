package io.stepwise.engine;

import io.stepwise.persistence.UnreadableEvent;
import java.util.function.Function;
import org.apache.pekko.persistence.typed.EventAdapter;
import org.apache.pekko.persistence.typed.EventSeq;

/**
 * Turns the journal's {@link UnreadableEvent} (an event that failed to decrypt or authenticate)
 * into the entity's own error event, so that the entity refuses commands with a clear error while
 * the journal and every other entity carry on.
 */
public final class UnreadableAdapter<E> extends EventAdapter<E, Object> {
  private final Class<E> eventType;
  private final Function<String, E> unreadable;

  public UnreadableAdapter(Class<E> eventType, Function<String, E> unreadable) {
    this.eventType = eventType;
    this.unreadable = unreadable;
  }

  @Override
  public Object toJournal(E e) {
    return e;
  }

  @Override
  public String manifest(E event) {
    return "";
  }

  @Override
  public EventSeq<E> fromJournal(Object p, String manifest) {
    if (p instanceof UnreadableEvent u) return EventSeq.single(unreadable.apply(u.reason()));
    return EventSeq.single(eventType.cast(p));
  }
}
