package io.stepwise.asl.interpreter;

import com.fasterxml.jackson.databind.JsonNode;

/** What happened outside the interpreter that the execution waits for. */
public sealed interface Signal {
  record TimerFired(String effectId) implements Signal {}

  /**
   * A worker took the task (GetActivityTask): {@code ActivityStarted}, naming the worker if it gave
   * a name; or an integration's call was made and the task now waits on what it started (a
   * {@code .sync} job, a {@code .waitForTaskToken} callback): {@code TaskStarted}, then
   * {@code TaskSubmitted} with the call's answer {@code submitted} if there is one.
   */
  record TaskStarted(String effectId, String workerName, JsonNode submitted) implements Signal {
    public TaskStarted(String effectId, String workerName) {
      this(effectId, workerName, null);
    }
  }

  /** SendTaskHeartbeat: the task's HeartbeatSeconds count again from now; no history event. */
  record TaskHeartbeat(String effectId) implements Signal {}

  record TaskSucceeded(String effectId, JsonNode output) implements Signal {}

  record TaskFailed(String effectId, String error, String cause) implements Signal {}

  /** StopExecution: the execution ends ABORTED with an {@code ExecutionAborted} event. */
  record Stop(String error, String cause) implements Signal {}

  /** The state machine's top-level TimeoutSeconds elapsed: {@code ExecutionTimedOut}. */
  record ExecutionTimedOut() implements Signal {}
}
