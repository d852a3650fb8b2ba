package io.stepwise.asl;

/**
 * What a Task state's resource may name, beyond its form: the engine knows which service
 * integrations exist; the language does not. Applied when a definition is created, updated or
 * validated, never when a stored one is compiled again (a revision that was accepted keeps
 * running).
 */
@FunctionalInterface
public interface TaskCheck {
  /** No check: the language's own rules only. */
  TaskCheck NONE = resource -> null;

  /** Why {@code resource} is refused (reported at the state's Resource), or null. */
  String refusal(String resource);
}
