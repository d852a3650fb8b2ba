package io.stepwise.asl;

/**
 * One problem found in a definition. {@code location} is a JSON pointer into the definition
 * (e.g. {@code /States/Check/Choices/0}), {@code code} is AWS's diagnostic code
 * (e.g. {@code SCHEMA_VALIDATION_FAILED}, {@code MISSING_TRANSITION_TARGET}) and
 * {@code severity} is {@code ERROR} or {@code WARNING}, as ValidateStateMachineDefinition reports.
 */
public record Problem(String severity, String code, String location, String message) {
  public static Problem error(String code, String location, String message) {
    return new Problem("ERROR", code, location, message);
  }
}
