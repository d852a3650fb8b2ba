package io.stepwise.asl;

import java.util.List;

/**
 * A definition that AWS would reject. {@link #getMessage()} is the text AWS puts in the
 * {@code InvalidDefinition} error (e.g. {@code Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: ...'}).
 */
public final class InvalidDefinitionException extends Exception {
  private final List<Problem> problems;

  public InvalidDefinitionException(String message, List<Problem> problems) {
    super(message, null, false, false);
    this.problems = List.copyOf(problems);
  }

  public List<Problem> problems() {
    return problems;
  }
}
