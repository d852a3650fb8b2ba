package io.stepwise.engine.execution;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Who may change an execution now: its entity, or {@link DirectWaker}, which steps an execution
 * straight from its journal while no entity of it can be running. An execution is the entity's
 * while a request to it is outstanding or an incarnation of it is alive (from its setup to its
 * {@code PostStop}); otherwise a direct step may claim it, and requests wait for that step to end.
 * Known executions only are held: an entry goes once nothing holds it.
 *
 * <p>The journal backs this up: an append that does not follow on the journal's last event is
 * refused, so a late message that started an entity during a direct step (a request that had
 * already timed out) can make that entity read stale state, but never write over a step.
 */
public final class ExecutionGate {
  private static final class Entry {
    int requests;
    int incarnations;
    CompletableFuture<Void> direct;

    boolean free() {
      return requests == 0 && incarnations == 0 && direct == null;
    }
  }

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  /** Sends a request to the execution's entity now, or once a direct step of it has ended. */
  public <T> CompletionStage<T> toEntity(String executionArn, Supplier<CompletionStage<T>> request) {
    @SuppressWarnings("unchecked")
    CompletableFuture<Void>[] busy = new CompletableFuture[1];
    entries.compute(executionArn, (k, e) -> {
      Entry entry = e != null ? e : new Entry();
      if (entry.direct != null) busy[0] = entry.direct;
      else entry.requests++;
      return entry;
    });
    if (busy[0] != null) return busy[0].thenCompose(v -> toEntity(executionArn, request));
    CompletionStage<T> answer;
    try {
      answer = request.get();
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    return answer.whenComplete((v, err) -> update(executionArn, e -> e.requests--));
  }

  /** An incarnation of the entity starts (before it recovers). */
  void entityStarted(String executionArn) {
    entries.compute(executionArn, (k, e) -> {
      Entry entry = e != null ? e : new Entry();
      entry.incarnations++;
      return entry;
    });
  }

  /** An incarnation of the entity stopped. */
  void entityStopped(String executionArn) {
    update(executionArn, e -> e.incarnations--);
  }

  /** Claims the execution for a direct step: true if nothing else holds it; then {@link #release} it. */
  boolean claim(String executionArn) {
    boolean[] claimed = new boolean[1];
    entries.compute(executionArn, (k, e) -> {
      if (e != null) return e;
      Entry entry = new Entry();
      entry.direct = new CompletableFuture<>();
      claimed[0] = true;
      return entry;
    });
    return claimed[0];
  }

  /** Ends a direct step: requests that waited for it go on. */
  void release(String executionArn) {
    @SuppressWarnings("unchecked")
    CompletableFuture<Void>[] waiting = new CompletableFuture[1];
    update(executionArn, e -> {
      waiting[0] = e.direct;
      e.direct = null;
    });
    if (waiting[0] != null) waiting[0].complete(null);
  }

  /** How many executions are held (for tests). */
  int size() {
    return entries.size();
  }

  private void update(String executionArn, java.util.function.Consumer<Entry> change) {
    entries.computeIfPresent(executionArn, (k, e) -> {
      change.accept(e);
      return e.free() ? null : e;
    });
  }
}
