package io.stepwise.engine.catalog;

import io.stepwise.engine.ServiceError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Predicate;

/**
 * The listing index: which state machines exist and which executions each one has, in the order
 * AWS lists them. It holds no payloads, only the metadata AWS shows in listings. Entities keep it
 * current as they persist (and re-register when they recover at startup), so listings never scan
 * the journal. All methods are thread-safe and non-blocking.
 */
public final class Catalog {
  /** Executions are listed newest first; ties broken by ARN so keys are unique. */
  private record ExecKey(long startMicros, String arn) {}

  private static final Comparator<ExecKey> NEWEST_FIRST =
      Comparator.comparingLong(ExecKey::startMicros).reversed().thenComparing(ExecKey::arn);

  private final ConcurrentSkipListMap<String, StateMachineSummary> machines = new ConcurrentSkipListMap<>();
  private final Map<String, NavigableMap<ExecKey, ExecutionSummary>> executions = new ConcurrentHashMap<>();
  private final ConcurrentSkipListMap<String, ActivitySummary> activities = new ConcurrentSkipListMap<>();

  public void putActivity(ActivitySummary summary) {
    activities.put(summary.activityArn(), summary);
  }

  public void removeActivity(String activityArn) {
    activities.remove(activityArn);
  }

  /** Activities in ARN order within one account/region prefix. */
  public Page<ActivitySummary> listActivities(String arnPrefix, int maxResults, String nextToken) {
    return byArn(activities, ActivitySummary::activityArn, arnPrefix, maxResults, nextToken);
  }

  public void putStateMachine(StateMachineSummary summary) {
    machines.put(summary.stateMachineArn(), summary);
  }

  public void removeStateMachine(String stateMachineArn) {
    machines.remove(stateMachineArn);
  }

  public void putExecution(ExecutionSummary summary) {
    ExecKey key = new ExecKey(micros(summary), summary.executionArn());
    executions
        .computeIfAbsent(summary.stateMachineArn(), k -> new ConcurrentSkipListMap<>(NEWEST_FIRST))
        .put(key, summary);
  }

  /** State machines in ARN order, optionally restricted to one account/region prefix. */
  public Page<StateMachineSummary> listStateMachines(String arnPrefix, int maxResults, String nextToken) {
    return byArn(machines, StateMachineSummary::stateMachineArn, arnPrefix, maxResults, nextToken);
  }

  private static <T> Page<T> byArn(ConcurrentSkipListMap<String, T> index, java.util.function.Function<T, String> arnOf,
      String arnPrefix, int maxResults, String nextToken) {
    String after = nextToken == null ? null : decode(nextToken);
    NavigableMap<String, T> view = after == null ? index.tailMap(arnPrefix, true) : index.tailMap(after, false);
    List<T> items = new ArrayList<>(Math.min(maxResults, 64));
    for (T s : view.values()) {
      if (!arnOf.apply(s).startsWith(arnPrefix)) break;
      if (items.size() == maxResults) {
        return new Page<>(items, encode(arnOf.apply(items.get(items.size() - 1))));
      }
      items.add(s);
    }
    return new Page<>(items, null);
  }

  /** Executions of one state machine, newest first, optionally only those with {@code status}. */
  public Page<ExecutionSummary> listExecutions(String stateMachineArn, String status, int maxResults, String nextToken) {
    NavigableMap<ExecKey, ExecutionSummary> all = executions.getOrDefault(stateMachineArn, new ConcurrentSkipListMap<>(NEWEST_FIRST));
    NavigableMap<ExecKey, ExecutionSummary> view = all;
    if (nextToken != null) {
      String[] parts = decode(nextToken).split("\n", 2);
      if (parts.length != 2) throw invalidToken();
      try {
        view = all.tailMap(new ExecKey(Long.parseLong(parts[0]), parts[1]), false);
      } catch (NumberFormatException e) {
        throw invalidToken();
      }
    }
    Predicate<ExecutionSummary> keep = status == null ? s -> true : s -> s.status().equals(status);
    List<ExecutionSummary> items = new ArrayList<>(Math.min(maxResults, 64));
    for (var e : view.entrySet()) {
      if (!keep.test(e.getValue())) continue;
      if (items.size() == maxResults) {
        ExecutionSummary last = items.get(items.size() - 1);
        return new Page<>(items, encode(micros(last) + "\n" + last.executionArn()));
      }
      items.add(e.getValue());
    }
    return new Page<>(items, null);
  }

  private static long micros(ExecutionSummary s) {
    return s.startDate().getEpochSecond() * 1_000_000L + s.startDate().getNano() / 1_000;
  }

  private static String encode(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String token) {
    try {
      return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalidToken();
    }
  }

  private static ServiceError invalidToken() {
    return new ServiceError("InvalidToken", "Invalid Token: 'Invalid token'");
  }
}
