package io.stepwise.engine.execution;

/** What DescribeExecution shows: the start info and, once it has ended, the result (null while running). */
public record ExecutionView(ExecutionInfo info, Result result, String notRedrivable) {
  /** {@code notRedrivable}: why RedriveExecution would refuse it now (null if it would not). */
  public ExecutionView(ExecutionInfo info, Result result) {
    this(info, result, result == null ? "Execution is RUNNING and cannot be redriven"
        : result.status().equals("SUCCEEDED") ? "Execution is SUCCEEDED and cannot be redriven" : null);
  }

  public String status() {
    return result == null ? "RUNNING" : result.status();
  }
}
