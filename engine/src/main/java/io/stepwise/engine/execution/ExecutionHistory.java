package io.stepwise.engine.execution;

import io.stepwise.asl.interpreter.HistoryEvent;
import java.util.List;

/**
 * An execution's history rebuilt from what its journal holds — an optional snapshot, then the
 * events after it — by the same rules its entity replays them with, for offline tools (history
 * export) that must not run the execution.
 */
public final class ExecutionHistory {
  private ExecutionHistory() {}

  /** Why a history cannot be rebuilt: an event or snapshot that could not be read, or none at all. */
  public static class Unavailable extends RuntimeException {
    protected Unavailable(String message) {
      super(message);
    }
  }

  /**
   * @param snapshot an {@link ExecutionEntity.Snapshot} or null
   * @param events the journal's event payloads after the snapshot, in order
   */
  public static List<HistoryEvent> rebuild(Object snapshot, List<Object> events) {
    ExecutionEntity.State state = new ExecutionEntity.State(null, History.EMPTY, null, null, null);
    if (snapshot instanceof ExecutionEntity.Snapshot s) {
      state = new ExecutionEntity.State(s.info(), History.EMPTY.append(s.history()), s.position(), s.result(), null);
    }
    for (Object e : events) {
      if (!(e instanceof ExecutionEntity.Event event)) {
        throw new Unavailable("an event could not be read: " + e);
      }
      state = ExecutionSteps.apply(state, event, null);
      if (state.unreadable() != null) throw new Unavailable(state.unreadable());
    }
    if (state.info() == null) throw new Unavailable("no such execution in this journal");
    return state.history().asList();
  }
}
