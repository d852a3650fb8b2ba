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
    boolean direct;
    /** Requests that came during a direct step, in order: they are sent in that order after it. */
    final java.util.ArrayDeque<Runnable> queued = new java.util.ArrayDeque<>();

    boolean free() {
      return requests == 0 && incarnations == 0 && !direct;
    }
  }

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  /**
   * Sends a request to the execution's entity now, or once a direct step of it has ended; requests
   * that waited for one are sent in the order they came (the entity sees them in that order).
   */
  public <T> CompletionStage<T> toEntity(String executionArn, Supplier<CompletionStage<T>> request) {
    CompletableFuture<T> answer = new CompletableFuture<>();
    Runnable send = () -> send(executionArn, request, answer);
    boolean[] now = new boolean[1];
    entries.compute(executionArn, (k, e) -> {
      Entry entry = e != null ? e : new Entry();
      if (entry.direct) {
        entry.queued.add(send);
      } else {
        entry.requests++;
        now[0] = true;
      }
      return entry;
    });
    if (now[0]) send.run();
    return answer;
  }

  /** Sends a request counted in {@code requests}; the count drops when it is answered. */
  private <T> void send(String executionArn, Supplier<CompletionStage<T>> request, CompletableFuture<T> answer) {
    CompletionStage<T> sent;
    try {
      sent = request.get();
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete((v, err) -> {
      update(executionArn, e -> e.requests--);
      if (err != null) answer.completeExceptionally(err);
      else answer.complete(v);
    });
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
      entry.direct = true;
      claimed[0] = true;
      return entry;
    });
    return claimed[0];
  }

  /** Ends a direct step: requests that waited for it are sent, in the order they came. */
  void release(String executionArn) {
    releaseWith(executionArn, null);
  }

  /**
   * Ends a direct step that handed its work to the entity: {@code request} is sent first, before
   * the requests that came during the step, so the entity sees them all in the order they came.
   */
  <T> CompletionStage<T> releaseTo(String executionArn, Supplier<CompletionStage<T>> request) {
    CompletableFuture<T> answer = new CompletableFuture<>();
    releaseWith(executionArn, () -> send(executionArn, request, answer));
    return answer;
  }

  private void releaseWith(String executionArn, Runnable first) {
    java.util.List<Runnable> waiting = new java.util.ArrayList<>();
    if (first != null) waiting.add(first);
    update(executionArn, e -> {
      e.direct = false;
      waiting.addAll(e.queued);
      e.requests += waiting.size();
      e.queued.clear();
    });
    waiting.forEach(Runnable::run);
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
