package io.stepwise.server;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * The executions {@link KillNineRecoveryIT} starts: each kind is one Standard state machine that
 * is in the middle of something a crash must not lose or repeat (a Wait, a retry back-off, an
 * execution timeout), and each knows the terminal state, output and history it must end with.
 */
enum CrashWorkload {
  /** Waits {@code $.wait} seconds, then echoes its id and the wait. */
  WAIT("crash-wait", """
      {"StartAt": "Pause", "States": {
        "Pause": {"Type": "Wait", "SecondsPath": "$.wait", "Next": "Done"},
        "Done": {"Type": "Pass", "Parameters": {"id.$": "$.id", "waited.$": "$.wait"}, "End": true}}}
      """, ExecutionStatus.SUCCEEDED, Map.of("WaitStateEntered", 1, "WaitStateExited", 1, "PassStateEntered", 1)),
  /** Waits {@code $.wait} seconds, then fails with a custom error. */
  WAIT_THEN_FAIL("crash-wait-then-fail", """
      {"StartAt": "Pause", "States": {
        "Pause": {"Type": "Wait", "SecondsPath": "$.wait", "Next": "Give up"},
        "Give up": {"Type": "Fail", "Error": "Planned", "Cause": "this machine fails on purpose"}}}
      """, ExecutionStatus.FAILED, Map.of("WaitStateEntered", 1, "WaitStateExited", 1, "FailStateEntered", 1)),
  /** A branch that always fails, retried after 1 s, 2 s and 4 s, then caught. */
  RETRY_1S_X3("crash-retry-1s-x3", retry(1, 3), ExecutionStatus.SUCCEEDED,
      Map.of("ParallelStateEntered", 1, "ParallelStateStarted", 4, "FailStateEntered", 4, "PassStateEntered", 1)),
  /** The same retried after 2 s and 4 s. */
  RETRY_2S_X2("crash-retry-2s-x2", retry(2, 2), ExecutionStatus.SUCCEEDED,
      Map.of("ParallelStateEntered", 1, "ParallelStateStarted", 3, "FailStateEntered", 3, "PassStateEntered", 1)),
  /** Times out after 3 s in a 10-minute Wait. */
  TIMEOUT_3S("crash-timeout-3s", timeout(3), ExecutionStatus.TIMED_OUT,
      Map.of("WaitStateEntered", 1, "WaitStateExited", 0)),
  /** Times out after 20 s in a 10-minute Wait: its deadline is still ahead at the kill. */
  TIMEOUT_20S("crash-timeout-20s", timeout(20), ExecutionStatus.TIMED_OUT,
      Map.of("WaitStateEntered", 1, "WaitStateExited", 0)),
  /** Succeeds at once: finished long before the kill, it must come back unchanged. */
  PASS("crash-pass", """
      {"StartAt": "Now", "States": {
        "Now": {"Type": "Pass", "Parameters": {"id.$": "$.id", "kind": "pass"}, "End": true}}}
      """, ExecutionStatus.SUCCEEDED, Map.of("PassStateEntered", 1, "PassStateExited", 1));

  /** Which kind execution i is: mostly Waits, interleaved so every kind is in flight at the kill. */
  private static final CrashWorkload[] MIX = {
      WAIT, RETRY_1S_X3, WAIT, TIMEOUT_20S, WAIT, WAIT_THEN_FAIL, RETRY_2S_X2, WAIT, PASS, WAIT,
      TIMEOUT_3S, WAIT, RETRY_1S_X3, WAIT, TIMEOUT_20S, WAIT_THEN_FAIL, WAIT, RETRY_2S_X2, WAIT, WAIT};

  final String machineName;
  final String definition;
  final ExecutionStatus status;
  /** How many events of these types a correct history has (a lost or repeated step changes one). */
  final Map<String, Integer> eventCounts;

  CrashWorkload(String machineName, String definition, ExecutionStatus status, Map<String, Integer> eventCounts) {
    this.machineName = machineName;
    this.definition = definition;
    this.status = status;
    this.eventCounts = eventCounts;
  }

  static CrashWorkload of(int i) {
    return MIX[i % MIX.length];
  }

  /** One execution: its name, its input, and what its end must look like. */
  record Planned(int id, CrashWorkload kind, int waitSeconds) {
    String name() {
      return "x-%05d".formatted(id);
    }

    String input() {
      return "{\"id\":%d,\"wait\":%d}".formatted(id, waitSeconds);
    }

    /** How long it runs when nothing goes wrong. */
    Duration duration() {
      return switch (kind) {
        case WAIT, WAIT_THEN_FAIL -> Duration.ofSeconds(waitSeconds);
        case RETRY_1S_X3 -> Duration.ofSeconds(1 + 2 + 4);
        case RETRY_2S_X2 -> Duration.ofSeconds(2 + 4);
        case TIMEOUT_3S -> Duration.ofSeconds(3);
        case TIMEOUT_20S -> Duration.ofSeconds(20);
        case PASS -> Duration.ZERO;
      };
    }

    /** The output of a SUCCEEDED execution, or the error of a FAILED one; null for TIMED_OUT. */
    String expectedOutput() {
      return switch (kind) {
        case WAIT -> "{\"id\":%d,\"waited\":%d}".formatted(id, waitSeconds);
        case RETRY_1S_X3, RETRY_2S_X2 -> "{\"id\":%d,\"recovered\":\"Flaky\"}".formatted(id);
        case PASS -> "{\"id\":%d,\"kind\":\"pass\"}".formatted(id);
        case WAIT_THEN_FAIL -> "Planned";
        case TIMEOUT_3S, TIMEOUT_20S -> null;
      };
    }

    /**
     * The pauses the history must show, as problems: a timer that a restart re-armed too early
     * (or fired at once) ends a Wait, a back-off or a timeout before its time.
     */
    List<String> timingProblems(List<HistoryEvent> events) {
      List<String> problems = new ArrayList<>();
      switch (kind) {
        case WAIT, WAIT_THEN_FAIL -> atLeast(problems, "Wait", first(events, "WaitStateEntered"),
            first(events, "WaitStateExited"), Duration.ofSeconds(waitSeconds));
        case RETRY_1S_X3, RETRY_2S_X2 -> {
          long interval = kind == RETRY_1S_X3 ? 1 : 2;
          List<Instant> failed = all(events, "FailStateEntered");
          List<Instant> started = all(events, "ParallelStateStarted");
          for (int k = 1; k < started.size() && k <= failed.size(); k++) {
            atLeast(problems, "back-off " + k, failed.get(k - 1), started.get(k),
                Duration.ofSeconds(interval << (k - 1)));
          }
        }
        case TIMEOUT_3S, TIMEOUT_20S -> atLeast(problems, "execution timeout", first(events, "ExecutionStarted"),
            first(events, "ExecutionTimedOut"), duration());
        case PASS -> { }
      }
      return problems;
    }

    private static void atLeast(List<String> problems, String what, Instant from, Instant to, Duration min) {
      if (from == null || to == null) return; // the event counts report the missing event
      Duration took = Duration.between(from, to);
      // Event timestamps have millisecond precision.
      if (took.toMillis() < min.toMillis() - 1) problems.add(what + " lasted " + took.toMillis() + " ms, not " + min);
    }

    private static Instant first(List<HistoryEvent> events, String type) {
      return events.stream().filter(e -> e.typeAsString().equals(type)).map(HistoryEvent::timestamp).findFirst()
          .orElse(null);
    }

    private static List<Instant> all(List<HistoryEvent> events, String type) {
      return events.stream().filter(e -> e.typeAsString().equals(type)).map(HistoryEvent::timestamp).toList();
    }
  }

  private static String retry(int intervalSeconds, int maxAttempts) {
    return """
        {"StartAt": "Flaky", "States": {
          "Flaky": {"Type": "Parallel",
            "Branches": [{"StartAt": "Boom", "States": {"Boom": {"Type": "Fail", "Error": "Flaky", "Cause": "always"}}}],
            "Retry": [{"ErrorEquals": ["Flaky"], "IntervalSeconds": %d, "BackoffRate": 2, "MaxAttempts": %d}],
            "Catch": [{"ErrorEquals": ["Flaky"], "ResultPath": "$.error", "Next": "Recovered"}],
            "Next": "Recovered"},
          "Recovered": {"Type": "Pass", "Parameters": {"id.$": "$.id", "recovered.$": "$.error.Error"}, "End": true}}}
        """.formatted(intervalSeconds, maxAttempts);
  }

  private static String timeout(int seconds) {
    return """
        {"TimeoutSeconds": %d, "StartAt": "Long", "States": {
          "Long": {"Type": "Wait", "Seconds": 600, "End": true}}}
        """.formatted(seconds);
  }
}
