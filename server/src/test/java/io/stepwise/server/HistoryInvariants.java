package io.stepwise.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * What every finished execution's history must satisfy, whatever happened to the server: ids
 * 1..n with no gap, each previousEventId naming an earlier event (or 0), timestamps that never go
 * back, one ExecutionStarted first, and exactly one terminal event, last — and one more before
 * each ExecutionRedriven, which follows it at once.
 */
final class HistoryInvariants {
  private HistoryInvariants() {}

  static final Set<String> TERMINAL = Set.of(
      "ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted");

  /** Every broken invariant, each as one line; empty when the history is sound. */
  static List<String> problems(List<HistoryEvent> events) {
    List<String> problems = new ArrayList<>();
    if (events.isEmpty()) {
      problems.add("empty history");
      return problems;
    }
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < events.size(); i++) {
      HistoryEvent e = events.get(i);
      long expectedId = i + 1L;
      if (e.id() == null || e.id() != expectedId) {
        problems.add("event #" + expectedId + " has id " + e.id() + " (ids must be 1..n without gaps)");
      }
      Long previous = e.previousEventId();
      if (previous == null || previous < 0 || previous >= expectedId) {
        problems.add("event " + e.id() + " (" + e.typeAsString() + ") has previousEventId " + previous);
      }
      if (i > 0 && e.timestamp().isBefore(events.get(i - 1).timestamp())) {
        problems.add("event " + e.id() + " (" + e.typeAsString() + ") at " + e.timestamp()
            + " is earlier than event " + events.get(i - 1).id());
      }
      counts.merge(e.typeAsString(), 1, Integer::sum);
    }
    if (!"ExecutionStarted".equals(events.get(0).typeAsString())) {
      problems.add("first event is " + events.get(0).typeAsString());
    }
    if (counts.getOrDefault("ExecutionStarted", 0) != 1) {
      problems.add(counts.getOrDefault("ExecutionStarted", 0) + " ExecutionStarted events");
    }
    int terminal = TERMINAL.stream().mapToInt(t -> counts.getOrDefault(t, 0)).sum();
    int redriven = counts.getOrDefault("ExecutionRedriven", 0);
    if (terminal != 1 + redriven) problems.add(terminal + " terminal events with " + redriven + " redrives");
    for (int i = 0; i < events.size(); i++) {
      boolean isTerminal = TERMINAL.contains(events.get(i).typeAsString());
      boolean last = i == events.size() - 1;
      if (isTerminal && !last && !"ExecutionRedriven".equals(events.get(i + 1).typeAsString())) {
        problems.add("terminal event " + events.get(i).id() + " is followed by " + events.get(i + 1).typeAsString());
      }
    }
    String last = events.get(events.size() - 1).typeAsString();
    if (!TERMINAL.contains(last)) problems.add("last event is " + last + ", not a terminal event");
    return problems;
  }

  static List<String> types(List<HistoryEvent> events) {
    return events.stream().map(HistoryEvent::typeAsString).toList();
  }

  /** One line per event, for failure messages. */
  static String describe(List<HistoryEvent> events) {
    StringBuilder b = new StringBuilder();
    for (HistoryEvent e : events) {
      b.append("    ").append(e.id()).append(" <- ").append(e.previousEventId()).append(' ')
          .append(e.typeAsString()).append(' ').append(e.timestamp()).append('\n');
    }
    return b.toString();
  }
}
