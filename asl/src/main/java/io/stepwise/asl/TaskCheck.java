package io.stepwise.asl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What a Task state's resource may name and what its parameters may hold, beyond their form: the
 * engine knows which service integrations exist and the members of their requests; the language
 * does not. Applied when a definition is created, updated or validated, never when a stored one
 * is compiled again (a revision that was accepted keeps running).
 */
@FunctionalInterface
public interface TaskCheck {
  /** No check: the language's own rules only. */
  TaskCheck NONE = (resource, parameters, jsonata) -> List.of();

  /**
   * The problems of one Task state.
   *
   * @param parameters its Parameters (JSONPath) or Arguments (JSONata) as written, or null
   */
  List<Finding> check(String resource, JsonNode parameters, boolean jsonata);

  /** A problem at the state's {@code field} (Resource, Parameters or Arguments). */
  record Finding(String field, String message) {}
}
