package io.stepwise.engine.execution;

/** What DescribeExecution shows: the start info and, once it has ended, the result (null while running). */
public record ExecutionView(ExecutionInfo info, Result result) {
  public String status() {
    return result == null ? "RUNNING" : result.status();
  }
}
