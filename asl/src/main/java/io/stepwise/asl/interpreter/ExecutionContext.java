package io.stepwise.asl.interpreter;

import io.stepwise.asl.TaskCheck;
import java.time.Instant;

/**
 * What the engine knows about an execution that the language exposes through the context
 * object ({@code $$.Execution.*}, {@code $$.StateMachine.*}). The execution input itself is
 * passed to {@link Interpreter#start}. {@code redriveTime} is null until the execution is redriven.
 * {@code tasks} checks a task's effective parameters before it is scheduled ({@link
 * TaskCheck#startProblems}): the engine knows the integrations' requests, the language does not.
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
    boolean mapRuns,
    TaskCheck tasks) {

  /**
   * {@code mapRuns}: the engine runs Distributed Maps as Map Runs of child executions (a
   * {@link Effect.ScheduleTask} on {@link #MAP_RUN}); else they run inline, in the position.
   */
  public static final String MAP_RUN = "stepwise:mapRun";

  public ExecutionContext(String executionArn, String executionName, String stateMachineArn, String stateMachineName,
      String roleArn, Instant startTime, int redriveCount, Instant redriveTime, TokenMinter taskTokens) {
    this(executionArn, executionName, stateMachineArn, stateMachineName, roleArn, startTime, redriveCount, redriveTime,
        taskTokens, false, TaskCheck.NONE);
  }

  /** The same, with Distributed Maps run by the engine as Map Runs. */
  public ExecutionContext withMapRuns() {
    return new ExecutionContext(executionArn, executionName, stateMachineArn, stateMachineName, roleArn, startTime,
        redriveCount, redriveTime, taskTokens, true, tasks);
  }

  /** The same, with tasks' effective parameters checked by {@code check} before they are scheduled. */
  public ExecutionContext withTaskCheck(TaskCheck check) {
    return new ExecutionContext(executionArn, executionName, stateMachineArn, stateMachineName, roleArn, startTime,
        redriveCount, redriveTime, taskTokens, mapRuns, check);
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
        redriveCount, redriveTime, minter, mapRuns, tasks);
  }

  /** Never redriven. */
  public ExecutionContext(String executionArn, String executionName, String stateMachineArn, String stateMachineName,
      String roleArn, Instant startTime, int redriveCount) {
    this(executionArn, executionName, stateMachineArn, stateMachineName, roleArn, startTime, redriveCount, null);
  }
}
