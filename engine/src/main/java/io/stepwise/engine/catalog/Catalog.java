package io.stepwise.engine.catalog;

import io.stepwise.engine.ServiceError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The listing of state machines and activities, in the order AWS lists them. It holds no
 * payloads, only the metadata AWS shows in listings. Entities keep it current as they persist (and
 * re-register when they recover at startup; there are few of them). Executions, which are many,
 * are listed from the persisted {@code ExecutionIndex} instead. All methods are thread-safe and non-blocking.
 */
public final class Catalog {
  private final ConcurrentSkipListMap<String, StateMachineSummary> machines = new ConcurrentSkipListMap<>();
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
