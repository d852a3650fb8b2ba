package io.stepwise.asl.interpreter;

import java.util.List;

/**
 * The result of one interpreter call: the history events it recorded (in order), the position
 * to resume from, the effects the engine must now start, and the outcome when the execution has
 * ended (then {@code effects} is empty). {@code position.pendingEffects()} lists every effect
 * still outstanding, so that an engine recovering from its journal can re-arm them.
 */
public record Step(List<HistoryEvent> events, ExecutionPosition position, List<Effect> effects, Outcome outcome) {
  public boolean finished() {
    return outcome != null;
  }
}
