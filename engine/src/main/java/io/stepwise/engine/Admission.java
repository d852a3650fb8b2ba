package io.stepwise.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Bounds the requests waiting on one entity. An entity stashes what arrives while it writes; a
 * caller that would push one entity past {@code maxPerEntity} waiting requests gets AWS's
 * ThrottlingException at once instead of a full stash crashing the entity.
 */
final class Admission {
  private final int maxPerEntity;
  private final ConcurrentHashMap<String, AtomicInteger> waiting = new ConcurrentHashMap<>();

  Admission(int maxPerEntity) {
    this.maxPerEntity = maxPerEntity;
  }

  <T> CompletionStage<T> admit(String entityId, Supplier<CompletionStage<T>> request) {
    AtomicInteger n = waiting.computeIfAbsent(entityId, k -> new AtomicInteger());
    if (n.incrementAndGet() > maxPerEntity) {
      release(entityId, n);
      return CompletableFuture.failedFuture(new ServiceError("ThrottlingException", 400, "Rate exceeded", java.util.Map.of()));
    }
    CompletionStage<T> stage;
    try {
      stage = request.get();
    } catch (RuntimeException e) {
      release(entityId, n);
      throw e;
    }
    return stage.whenComplete((v, f) -> release(entityId, n));
  }

  private void release(String entityId, AtomicInteger n) {
    if (n.decrementAndGet() == 0) waiting.remove(entityId, n);
  }
}
