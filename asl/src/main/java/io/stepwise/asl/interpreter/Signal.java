package io.stepwise.asl.interpreter;

import com.fasterxml.jackson.databind.JsonNode;

/** What happened outside the interpreter that the execution waits for. */
public sealed interface Signal {
  record TimerFired(String effectId) implements Signal {}

  /** A worker took the task (GetActivityTask): {@code ActivityStarted}, naming the worker if it gave a name. */
  record TaskStarted(String effectId, String workerName) implements Signal {}

  /** SendTaskHeartbeat: the task's HeartbeatSeconds count again from now; no history event. */
  record TaskHeartbeat(String effectId) implements Signal {}

  record TaskSucceeded(String effectId, JsonNode output) implements Signal {}

  record TaskFailed(String effectId, String error, String cause) implements Signal {}

  /** StopExecution: the execution ends ABORTED with an {@code ExecutionAborted} event. */
  record Stop(String error, String cause) implements Signal {}

  /** The state machine's top-level TimeoutSeconds elapsed: {@code ExecutionTimedOut}. */
  record ExecutionTimedOut() implements Signal {}
}
