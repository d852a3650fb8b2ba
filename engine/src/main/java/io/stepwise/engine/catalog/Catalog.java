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
    this(committer, index, io, java.time.Clock.systemUTC());
  }

  /** {@code clock} tells when this catalog began (see {@link #startedMicros}). */
  public Catalog(Consumer<BatchOp> committer, ResourceIndex index, Executor io, java.time.Clock clock) {
    this.committer = committer;
    this.index = index;
    this.io = io;
    this.startedMicros = micros(clock.instant());
  }

  /**
   * When this catalog began: a row a crash left without its event was written before it. Rows
   * written since are only ever removed by their own delete, so reconciling never takes the row
   * of a create that raced the entity's recovery (its creation date is taken before the entity
   * recovers, so "created before the reconcile" could not tell it from a stale row, and a
   * listing lost a machine just created).
   */
  private final long startedMicros;

  private static final System.Logger LOG = System.getLogger(Catalog.class.getName());

  public void putActivity(ActivitySummary s) {
    committer.accept(index.put(new IndexOp(), Kind.ACTIVITY, entry(s)));
  }

  /** Removes the row of the activity created at {@code creationDate}, in commit order (before what is submitted next). */
  public void removeActivity(String activityArn, Instant creationDate) {
    committer.accept(index.delete(new IndexOp(), Kind.ACTIVITY, activityArn, micros(creationDate)));
  }

  /**
   * Removes every row of the activity created by {@code deletedAt} (not that of an activity
   * created again since): finding them reads the index, so this is done on the I/O executor,
   * after this call returns.
   */
  public void removeActivityCreatedBy(String activityArn, Instant deletedAt) {
    removeAll(Kind.ACTIVITY, activityArn, deletedAt);
  }

  private void removeAll(Kind kind, String arn, Instant deletedAt) {
    long by = micros(deletedAt);
    CompletableFuture.runAsync(() -> committer.accept(index.deleteAll(new IndexOp(), kind, arn, by)), io)
        .exceptionally(e -> {
          LOG.log(System.Logger.Level.WARNING, "Could not remove the listing row of " + arn + ": " + e);
          return null;
        });
  }

  /** After recovery: writes the activity's row if it is missing or differs (null: the activity does not exist). */
  public void reconcileActivity(String activityArn, ActivitySummary s) {
    reconcile(Kind.ACTIVITY, activityArn, s == null ? null : entry(s));
  }

  /** Activities of one account/region prefix, newest first. */
  public CompletionStage<Page<ActivitySummary>> listActivities(String arnPrefix, int maxResults, String nextToken) {
    return page(Kind.ACTIVITY, arnPrefix, maxResults, nextToken,
        e -> new ActivitySummary(e.arn(), e.name(), instant(e.creationMicros())));
  }

  public void putStateMachine(StateMachineSummary s) {
    committer.accept(index.put(new IndexOp(), Kind.STATE_MACHINE, entry(s)));
  }

  /** Removes the row of the machine created at {@code creationDate}, in commit order (before what is submitted next). */
  public void removeStateMachine(String stateMachineArn, Instant creationDate) {
    committer.accept(index.delete(new IndexOp(), Kind.STATE_MACHINE, stateMachineArn, micros(creationDate)));
  }

  /**
   * Removes every row of the machine created by {@code deletedAt} (not that of a machine created
   * again since): finding them reads the index, so this is done on the I/O executor, after this
   * call returns.
   */
  public void removeStateMachineCreatedBy(String stateMachineArn, Instant deletedAt) {
    removeAll(Kind.STATE_MACHINE, stateMachineArn, deletedAt);
  }

  /** After recovery: writes the machine's row if it is missing or differs (null: the machine does not exist). */
  public void reconcileStateMachine(String stateMachineArn, StateMachineSummary s) {
    reconcile(Kind.STATE_MACHINE, stateMachineArn, s == null ? null : entry(s));
  }

  /** State machines of one account/region prefix, newest first. */
  public CompletionStage<Page<StateMachineSummary>> listStateMachines(String arnPrefix, int maxResults,
      String nextToken) {
    return page(Kind.STATE_MACHINE, arnPrefix, maxResults, nextToken,
        e -> new StateMachineSummary(e.arn(), e.name(), e.type(), instant(e.creationMicros())));
  }

  /**
   * Makes the rows of {@code arn} what they should be: only {@code wanted}'s (none if null). Only
   * rows from before this catalog began are taken (see {@link #startedMicros}).
   */
  private void reconcile(Kind kind, String arn, ResourceIndex.Entry wanted) {
    long asOf = startedMicros - 1;
    CompletableFuture.runAsync(() -> {
      IndexOp op = new IndexOp();
      boolean found = false;
      for (long created : index.creations(kind, arn)) {
        if (wanted != null && created == wanted.creationMicros()) found = true;
        else if (created <= asOf) index.delete(op, kind, arn, created);
      }
      if (wanted != null && (!found || !index.get(kind, arn).equals(Optional.of(wanted)))) index.put(op, kind, wanted);
      if (!op.isEmpty()) committer.accept(op);
    }, io).exceptionally(e -> {
      LOG.log(System.Logger.Level.WARNING, "Could not reconcile the listing row of " + arn + ": " + e);
      return null;
    });
  }

  private <T> CompletionStage<Page<T>> page(Kind kind, String arnPrefix, int maxResults, String nextToken,
      java.util.function.Function<ResourceIndex.Entry, T> summary) {
    ResourceIndex.Position after;
    try {
      after = nextToken == null ? null : decode(nextToken, arnPrefix);
    } catch (ServiceError e) {
      return CompletableFuture.failedFuture(e);
    }
    return CompletableFuture.supplyAsync(() -> {
      ResourceIndex.Page page = index.page(kind, arnPrefix, after, maxResults);
      List<T> items = new ArrayList<>(page.entries().size());
      for (ResourceIndex.Entry e : page.entries()) items.add(summary.apply(e));
      return new Page<>(items, page.last() == null ? null : encode(page.last()));
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

  /** A page token: the creation time and ARN of the entry the next page continues after. */
  private static String encode(ResourceIndex.Position p) {
    String s = p.creationMicros() + "|" + p.arn();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** The entry a token continues after; a token of another listing (or none of ours) is invalid. */
  private static ResourceIndex.Position decode(String token, String arnPrefix) {
    String s;
    try {
      s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalidToken();
    }
    int bar = s.indexOf('|');
    if (bar <= 0) throw invalidToken();
    long micros;
    try {
      micros = Long.parseLong(s.substring(0, bar));
    } catch (NumberFormatException e) {
      throw invalidToken();
    }
    String arn = s.substring(bar + 1);
    if (!arn.startsWith(arnPrefix)) throw invalidToken();
    return new ResourceIndex.Position(arn, micros);
  }

  private static ServiceError invalidToken() {
    return new ServiceError("InvalidToken", "Invalid Token: 'Invalid token'");
  }
}
