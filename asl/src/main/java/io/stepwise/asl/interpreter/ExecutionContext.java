package io.stepwise.asl.interpreter;

import java.time.Instant;

/**
 * What the engine knows about an execution that the language exposes through the context
 * object ({@code $$.Execution.*}, {@code $$.StateMachine.*}). The execution input itself is
 * passed to {@link Interpreter#start}. {@code redriveTime} is null until the execution is redriven.
 */
public record ExecutionContext(
    String executionArn,
    String executionName,
    String stateMachineArn,
    String stateMachineName,
    String roleArn,
    Instant startTime,
    int redriveCount,
    Instant redriveTime) {

  /** Never redriven. */
  public ExecutionContext(String executionArn, String executionName, String stateMachineArn, String stateMachineName,
      String roleArn, Instant startTime, int redriveCount) {
    this(executionArn, executionName, stateMachineArn, stateMachineName, roleArn, startTime, redriveCount, null);
  }
}
