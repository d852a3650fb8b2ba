package io.stepwise.engine.execution;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.asl.interpreter.HistoryEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * AWS's hard quota of 25,000 events in a Standard execution's history: once an execution has
 * 24,999 events, event 25,000 is its last — kept if it is {@code ExecutionSucceeded}, otherwise
 * replaced by {@code ExecutionFailed} and the execution fails for reaching the limit.
 */
final class HistoryLimit {
  static final int MAX_EVENTS = 25_000;
  static final String ERROR = "States.Runtime";
  static final String CAUSE = "The execution reached the maximum number of history events (" + MAX_EVENTS + ").";

  private HistoryLimit() {}

  /** The step as persisted, given {@code before} events already in the history. */
  static ExecutionEntity.Stepped apply(int before, ExecutionEntity.Stepped step, Instant now) {
    List<HistoryEvent> events = step.events();
    if (before + events.size() <= MAX_EVENTS - 1) return step;
    int keep = MAX_EVENTS - 1 - before;
    HistoryEvent last = events.get(keep);
    if (last.type().equals("ExecutionSucceeded") && keep == events.size() - 1) return step;
    List<HistoryEvent> kept = new ArrayList<>(events.subList(0, keep));
    long previous = MAX_EVENTS - 1; // event ids are consecutive from 1
    ObjectNode details = JsonNodeFactory.instance.objectNode();
    details.putObject("executionFailedEventDetails").put("error", ERROR).put("cause", CAUSE);
    kept.add(new HistoryEvent(MAX_EVENTS, previous, now, "ExecutionFailed", details));
    return new ExecutionEntity.Stepped(kept, null, new Result("FAILED", null, ERROR, CAUSE, now));
  }
}
