package io.stepwise.engine.execution;

/** What DescribeExecution shows: the start info and, once it has ended, the result (null while running). */
public record ExecutionView(ExecutionInfo info, Result result, String notRedrivable) {
  /** Why an execution of a deleted machine, or of one being deleted, cannot be redriven (AWS's reason). */
  public static final String MACHINE_DELETED = "State machine is in DELETING status.";

  /** {@code notRedrivable}: why RedriveExecution would refuse it now (null if it would not). */
  public ExecutionView(ExecutionInfo info, Result result) {
    this(info, result, result == null ? ExecutionSteps.RUNNING
        : result.status().equals("SUCCEEDED") ? ExecutionSteps.SUCCEEDED : null);
  }

  public String status() {
    return result == null ? "RUNNING" : result.status();
  }
}
