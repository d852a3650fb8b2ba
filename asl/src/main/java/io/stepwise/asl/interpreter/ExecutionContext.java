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
    Instant redriveTime,
    TokenMinter taskTokens) {

  /**
   * Makes the {@code $$.Task.Token} of a {@code .waitForTaskToken} task (the engine signs them so
   * they cannot be forged); null: {@link TaskToken}'s unsigned form. Must be deterministic.
   */
  @FunctionalInterface
  public interface TokenMinter {
    String token(String executionArn, String effectId);
  }

  public ExecutionContext(String executionArn, String executionName, String stateMachineArn, String stateMachineName,
      String roleArn, Instant startTime, int redriveCount, Instant redriveTime) {
    this(executionArn, executionName, stateMachineArn, stateMachineName, roleArn, startTime, redriveCount, redriveTime,
        null);
  }

  /** The same, with task tokens made by {@code minter}. */
  public ExecutionContext withTaskTokens(TokenMinter minter) {
    return new ExecutionContext(executionArn, executionName, stateMachineArn, stateMachineName, roleArn, startTime,
        redriveCount, redriveTime, minter);
  }

  /** Never redriven. */
  public ExecutionContext(String executionArn, String executionName, String stateMachineArn, String stateMachineName,
      String roleArn, Instant startTime, int redriveCount) {
    this(executionArn, executionName, stateMachineArn, stateMachineName, roleArn, startTime, redriveCount, null);
  }
}
