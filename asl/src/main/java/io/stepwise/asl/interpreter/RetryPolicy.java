package io.stepwise.asl.interpreter;

import io.stepwise.asl.model.Retrier;
import java.util.List;

/**
 * Retry arithmetic and error matching. The delay before retry number {@code attempt + 1} is
 * {@code IntervalSeconds * BackoffRate^attempt}, capped by {@code MaxDelaySeconds}; with
 * {@code JitterStrategy: FULL} it is scaled by {@code jitter} in [0, 1). asl draws no random
 * numbers itself: the interpreter passes a value derived deterministically from the execution
 * (so a replay waits the same), and tests pass their own.
 */
public final class RetryPolicy {
  private RetryPolicy() {}

  public static long delayMillis(Retrier r, int attempt, double jitter) {
    double seconds = r.intervalSeconds() * Math.pow(r.backoffRate(), attempt);
    if (r.maxDelaySeconds() != null) seconds = Math.min(seconds, r.maxDelaySeconds());
    if (r.jitterFull()) seconds = seconds * jitter;
    return Math.round(seconds * 1000);
  }

  /** States.Runtime and States.DataLimitExceeded are terminal: no retrier applies to them. */
  public static boolean retriable(String error) {
    return !"States.Runtime".equals(error) && !"States.DataLimitExceeded".equals(error);
  }

  /**
   * Whether {@code errorEquals} names {@code error}, with AWS's wildcards. {@code States.Timeout}
   * names a heartbeat timeout too: it is "reported when a Task state runs longer than the
   * TimeoutSeconds value or failed to send a heartbeat for a period longer than the HeartbeatSeconds
   * value" (the developer guide), and a Catch on it took both before AWS added
   * {@code States.HeartbeatTimeout} for heartbeats alone (aws-cdk#16084, by the Step Functions team).
   * A failure with no error name (a Fail state without {@code Error}) is taken by States.ALL only.
   */
  public static boolean matches(List<String> errorEquals, String error) {
    // a Fail state may give no Error (it is optional): only States.ALL, "any error name", takes that
    if (error == null) return errorEquals.contains("States.ALL");
    for (String e : errorEquals) {
      if (e.equals(error)) return true;
      if (e.equals("States.Timeout") && error.equals("States.HeartbeatTimeout")) return true;
      if (e.equals("States.ALL") && !error.equals("States.Runtime") && !error.equals("States.DataLimitExceeded")) return true;
      if (e.equals("States.TaskFailed") && !error.equals("States.Timeout") && !error.equals("States.Runtime")
          && !error.equals("States.DataLimitExceeded") && !error.startsWith("States.") ) return true;
    }
    return false;
  }
}
