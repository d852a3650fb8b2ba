package io.stepwise.asl;

/**
 * A runtime error of the language, named as AWS names it ({@code States.Runtime},
 * {@code States.IntrinsicFailure}, ...) with AWS's cause text. Raised by evaluation, caught by the
 * interpreter, which applies Retry/Catch or fails the execution. No stack trace: it is control flow.
 */
public final class StatesError extends RuntimeException {
  private final String error;
  private final String cause;
  private final boolean inState;

  public StatesError(String error, String cause) {
    this(error, cause, false);
  }

  /**
   * {@code inState}: the interpreter prefixes the cause with AWS's
   * {@code An error occurred while executing the state 'X' (entered at the event id #n). }
   */
  public StatesError(String error, String cause, boolean inState) {
    super(error + ": " + cause, null, false, false);
    this.error = error;
    this.cause = cause;
    this.inState = inState;
  }

  public static StatesError runtime(String cause) {
    return new StatesError("States.Runtime", cause, true);
  }

  public static StatesError queryEvaluation(String cause) {
    return new StatesError("States.QueryEvaluationError", cause, true);
  }

  /** A JSONata failure in {@code field} (e.g. {@code Output/v}), which the EvaluationFailed event names. */
  public static StatesError queryEvaluation(String cause, String field) {
    StatesError e = new StatesError("States.QueryEvaluationError", cause, true);
    e.location = field;
    return e;
  }

  private String location;

  /** The field a JSONata failure happened in, or null. */
  public String location() {
    return location;
  }

  public boolean inState() {
    return inState;
  }

  public String error() {
    return error;
  }

  public String cause() {
    return cause;
  }
}
