package io.stepwise.asl.interpreter;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable snapshot of one execution's interpreter state: where every thread of control
 * stands (the execution, its Parallel branches and Map iterations), what each waits for, the
 * variables, the event-id counter. The engine persists {@link #toJson()} and restores it with
 * {@link #fromJson}; the round trip is exact.
 */
public final class ExecutionPosition {
  final Frame root;
  final long lastEventId;
  final long randomCounter;
  final JsonNode executionInput;
  final Outcome outcome;
  /** How many times each Task state has been invoked in the execution (retries included), by state name. */
  final SortedMap<String, Integer> invocations;

  ExecutionPosition(Frame root, long lastEventId, long randomCounter, JsonNode executionInput, Outcome outcome,
      Map<String, Integer> invocations) {
    this.root = root;
    this.lastEventId = lastEventId;
    this.randomCounter = randomCounter;
    this.executionInput = executionInput;
    this.outcome = outcome;
    this.invocations = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(invocations));
  }

  /** Every outstanding effect: the engine re-arms timers and re-dispatches tasks from these on recovery. */
  public List<Effect> pendingEffects() {
    List<Effect> out = new ArrayList<>();
    if (outcome == null) root.collectEffects(out);
    return out;
  }

  public long lastEventId() {
    return lastEventId;
  }

  /** Null while the execution runs. */
  public Outcome outcome() {
    return outcome;
  }

  public boolean finished() {
    return outcome != null;
  }

  public JsonNode toJson() {
    return PositionCodec.write(this);
  }

  /** Restores a position; the definition is needed again at {@link Interpreter#resume} to re-link states. */
  public static ExecutionPosition fromJson(JsonNode json) {
    return PositionCodec.read(json);
  }
}
