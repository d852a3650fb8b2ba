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
    TokenMinter taskTokens,
    boolean mapRuns) {

  /**
   * {@code mapRuns}: the engine runs Distributed Maps as Map Runs of child executions (a
   * {@link Effect.ScheduleTask} on {@link #MAP_RUN}); else they run inline, in the position.
   */
  public static final String MAP_RUN = "stepwise:mapRun";

  public ExecutionContext(String executionArn, String executionName, String stateMachineArn, String stateMachineName,
      String roleArn, Instant startTime, int redriveCount, Instant redriveTime, TokenMinter taskTokens) {
    this(executionArn, executionName, stateMachineArn, stateMachineName, roleArn, startTime, redriveCount, redriveTime,
        taskTokens, false);
  }

  /** The same, with Distributed Maps run by the engine as Map Runs. */
  public ExecutionContext withMapRuns() {
    return new ExecutionContext(executionArn, executionName, stateMachineArn, stateMachineName, roleArn, startTime,
        redriveCount, redriveTime, taskTokens, true);
  }

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
        redriveCount, redriveTime, minter, mapRuns);
  }

  /** Never redriven. */
  public ExecutionContext(String executionArn, String executionName, String stateMachineArn, String stateMachineName,
      String roleArn, Instant startTime, int redriveCount) {
    this(executionArn, executionName, stateMachineArn, stateMachineName, roleArn, startTime, redriveCount, null);
  }
}
