package io.stepwise.asl.model;

import java.util.Map;

/**
 * A set of states with a start: the whole state machine, a Parallel branch or a Map's item
 * processor. {@code pointer} is its JSON pointer in the definition, for diagnostics.
 */
public record Machine(String startAt, Map<String, State> states, boolean jsonata, String pointer) {
  public State state(String name) {
    return states.get(name);
  }
}
