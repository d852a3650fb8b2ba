package io.stepwise.engine.execution;

import io.stepwise.asl.interpreter.HistoryEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * An execution's history events, appended in O(1) per event: entity states share one backing
 * list, each seeing its own prefix, since an event-sourced state only ever grows from the newest
 * one. An append to an older state (which does not happen in practice) copies.
 */
final class History {
  static final History EMPTY = new History(new ArrayList<>(), 0);

  private final ArrayList<HistoryEvent> events;
  private final int size;

  private History(ArrayList<HistoryEvent> events, int size) {
    this.events = events;
    this.size = size;
  }

  History append(List<HistoryEvent> more) {
    if (more.isEmpty()) return this;
    ArrayList<HistoryEvent> target = events;
    synchronized (events) {
      if (events.size() != size || this == EMPTY) {
        target = new ArrayList<>(Math.max(16, size + more.size()));
        target.addAll(events.subList(0, size));
      }
      target.addAll(more);
      return new History(target, target.size());
    }
  }

  int size() {
    return size;
  }

  /** A copy: the backing list may grow while a reader still holds the result. */
  List<HistoryEvent> asList() {
    synchronized (events) {
      return List.copyOf(events.subList(0, size));
    }
  }
}
