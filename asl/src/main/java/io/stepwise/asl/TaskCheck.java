package io.stepwise.asl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What a Task state's resource may name, beyond its form: the engine knows which service
 * integrations exist; the language does not. {@link #refusal} and {@link #unknownFields} are applied
 * when a definition is created, updated or validated, never when a stored one is compiled again (a
 * revision that was accepted keeps running); {@link #startProblems} when a task is about to run.
 */
@FunctionalInterface
public interface TaskCheck {
  /** No check: the language's own rules only. */
  TaskCheck NONE = resource -> null;

  /** Why {@code resource} is refused (reported at the state's Resource), or null. */
  String refusal(String resource);

  /**
   * The names in a task's {@code Parameters} (or JSONata {@code Arguments}) that its action does not
   * take, among those whose values are written out: a {@code .$} key, or a JSONata expression, is
   * only known when the task runs and is checked then. Empty when the action's request is unknown.
   */
  default List<String> unknownFields(String resource, JsonNode parameters, boolean jsonata) {
    return List.of();
  }

  /**
   * What keeps a task's effective parameters (its Parameters as evaluated when it runs) from
   * starting it, each problem in AWS's words; empty when nothing does. Checked before the task is
   * scheduled: the state fails with {@code States.Runtime}. {@code jsonata}: the parameters are a
   * JSONata task's Arguments, where a key ending in {@code .$} is a name like any other.
   */
  default List<String> startProblems(String resource, JsonNode parameters, boolean jsonata) {
    return List.of();
  }
}
