package io.stepwise.asl.interpreter;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** Something the engine must do on the interpreter's behalf, after persisting the step. */
public sealed interface Effect {
  /** Unique within the execution; the matching {@link Signal} names it. */
  String id();

  /** Wake the execution at {@code fireAt} with {@link Signal.TimerFired} (Wait states, retry back-off). */
  record StartTimer(String id, Instant fireAt) implements Effect {}

  /**
   * Run a Task state's resource with the given (already evaluated) parameters and answer with
   * {@link Signal.TaskSucceeded} or {@link Signal.TaskFailed} ({@link Signal.TaskStarted} first when
   * a worker takes it). {@code timeoutSeconds} and {@code heartbeatSeconds} are null when the state
   * sets none; {@code scheduledAt} is when it was scheduled (null in positions from before it was
   * kept), {@code started} whether a worker has taken it, {@code heartbeatAt} when its worker took
   * it or last sent a heartbeat (its HeartbeatSeconds count from then; null until started).
   * {@code invocation} counts the state's earlier invocations in the execution (0 for the first;
   * retries, Map iterations and redrives count): mocked responses are chosen by it. {@code
   * startedAt} is when a worker took it (null until then, and in positions from before it was kept).
   */
  record ScheduleTask(String id, String stateName, String resource, JsonNode parameters, Integer timeoutSeconds,
      Integer heartbeatSeconds, Instant scheduledAt, boolean started, Instant heartbeatAt, int invocation, Instant startedAt)
      implements Effect {
    public ScheduleTask(String id, String stateName, String resource, JsonNode parameters, Integer timeoutSeconds,
        Integer heartbeatSeconds) {
      this(id, stateName, resource, parameters, timeoutSeconds, heartbeatSeconds, null, false, null, 0, null);
    }

    /**
     * When the task's TimeoutSeconds run out, or null when they do not count (yet): "the count
     * begins after the task has been started, for example, when ActivityStarted or
     * LambdaFunctionStarted are logged" (the developer guide's Task state page), so an activity's
     * when a worker takes it, and a task no worker has taken waits; any other task's when it is
     * scheduled (its start follows at once). A started activity from a position that kept no start
     * counts from its scheduling, as it did then.
     */
    public Instant timesOutAt() {
      if (timeoutSeconds == null) return null;
      Instant from = !io.stepwise.asl.model.State.Task.isActivity(resource) ? scheduledAt
          : !started ? null : startedAt != null ? startedAt : scheduledAt;
      return from == null ? null : from.plusSeconds(timeoutSeconds);
    }
  }
}
