package io.stepwise.engine.catalog;

import io.stepwise.engine.ServiceError;
import io.stepwise.persistence.index.IndexOp;
import io.stepwise.persistence.index.ResourceIndex;
import io.stepwise.persistence.index.ResourceIndex.Kind;
import io.stepwise.persistence.journal.BatchOp;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The listing of state machines and activities, in the order AWS lists them, persisted in the
 * {@link ResourceIndex} (written through the group commit, read on the I/O executor). It holds
 * only the metadata AWS shows in listings, sealed, so a machine whose own key is disabled is
 * still listed. Entities keep it current after each persisted change, and reconcile their row
 * when they recover (a crash between an event and its row). Executions, which are many, are
 * listed from the {@code ExecutionIndex}.
 */
public final class Catalog {
  private final Consumer<BatchOp> committer;
  private final ResourceIndex index;
  private final Executor io;

  public Catalog(Consumer<BatchOp> committer, ResourceIndex index, Executor io) {
    this.committer = committer;
    this.index = index;
    this.io = io;
  }

  public void putActivity(ActivitySummary s) {
    committer.accept(index.put(new IndexOp(), Kind.ACTIVITY, entry(s)));
  }

  public void removeActivity(String activityArn) {
    committer.accept(ResourceIndex.delete(new IndexOp(), Kind.ACTIVITY, activityArn));
  }

  /** After recovery: writes the activity's row if it is missing or differs (null: the activity does not exist). */
  public void reconcileActivity(String activityArn, ActivitySummary s) {
    reconcile(Kind.ACTIVITY, activityArn, s == null ? null : entry(s));
  }

  /** Activities in ARN order within one account/region prefix. */
  public CompletionStage<Page<ActivitySummary>> listActivities(String arnPrefix, int maxResults, String nextToken) {
    return page(Kind.ACTIVITY, arnPrefix, maxResults, nextToken,
        e -> new ActivitySummary(e.arn(), e.name(), instant(e.creationMicros())));
  }

  public void putStateMachine(StateMachineSummary s) {
    committer.accept(index.put(new IndexOp(), Kind.STATE_MACHINE, entry(s)));
  }

  public void removeStateMachine(String stateMachineArn) {
    committer.accept(ResourceIndex.delete(new IndexOp(), Kind.STATE_MACHINE, stateMachineArn));
  }

  /** After recovery: writes the machine's row if it is missing or differs (null: the machine does not exist). */
  public void reconcileStateMachine(String stateMachineArn, StateMachineSummary s) {
    reconcile(Kind.STATE_MACHINE, stateMachineArn, s == null ? null : entry(s));
  }

  /** State machines in ARN order within one account/region prefix. */
  public CompletionStage<Page<StateMachineSummary>> listStateMachines(String arnPrefix, int maxResults,
      String nextToken) {
    return page(Kind.STATE_MACHINE, arnPrefix, maxResults, nextToken,
        e -> new StateMachineSummary(e.arn(), e.name(), e.type(), instant(e.creationMicros())));
  }

  private void reconcile(Kind kind, String arn, ResourceIndex.Entry wanted) {
    CompletableFuture.runAsync(() -> {
      Optional<ResourceIndex.Entry> stored = index.get(kind, arn);
      if (wanted == null && stored.isPresent()) committer.accept(ResourceIndex.delete(new IndexOp(), kind, arn));
      if (wanted != null && !stored.equals(Optional.of(wanted))) committer.accept(index.put(new IndexOp(), kind, wanted));
    }, io);
  }

  private <T> CompletionStage<Page<T>> page(Kind kind, String arnPrefix, int maxResults, String nextToken,
      java.util.function.Function<ResourceIndex.Entry, T> summary) {
    String after;
    try {
      after = nextToken == null ? null : decode(nextToken, arnPrefix);
    } catch (ServiceError e) {
      return CompletableFuture.failedFuture(e);
    }
    return CompletableFuture.supplyAsync(() -> {
      ResourceIndex.Page page = index.page(kind, arnPrefix, after, maxResults);
      List<T> items = new ArrayList<>(page.entries().size());
      for (ResourceIndex.Entry e : page.entries()) items.add(summary.apply(e));
      return new Page<>(items, page.lastArn() == null ? null : encode(page.lastArn()));
    }, io);
  }

  private static ResourceIndex.Entry entry(StateMachineSummary s) {
    return new ResourceIndex.Entry(s.stateMachineArn(), s.name(), s.type(), micros(s.creationDate()));
  }

  private static ResourceIndex.Entry entry(ActivitySummary s) {
    return new ResourceIndex.Entry(s.activityArn(), s.name(), null, micros(s.creationDate()));
  }

  private static long micros(Instant i) {
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
  }

  private static Instant instant(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000);
  }

  private static String encode(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** The ARN a token continues after; a token of another listing (or none of ours) is invalid. */
  private static String decode(String token, String arnPrefix) {
    String arn;
    try {
      arn = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalidToken();
    }
    if (!arn.startsWith(arnPrefix)) throw invalidToken();
    return arn;
  }

  private static ServiceError invalidToken() {
    return new ServiceError("InvalidToken", "Invalid Token: 'Invalid token'");
  }
}
