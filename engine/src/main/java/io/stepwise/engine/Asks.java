package io.stepwise.engine;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.japi.function.Function;

/**
 * Asks an entity and hands the reply on as a plain {@link CompletableFuture}. Pekko's javadsl ask
 * returns Scala's CompletableFuture wrapper, which runs every dependent stage ({@code thenApply},
 * ...) through the JDK's default async executor; on a machine with fewer than three cores that
 * executor starts a new thread per stage, which cost ~10 ms a request here.
 */
public final class Asks {
  private Asks() {}

  public static <C, R> CompletionStage<R> ask(EntityRef<C> entity, Function<ActorRef<R>, C> message,
      Duration timeout, Executor executor) {
    return plain(entity.ask(message, timeout), executor);
  }

  /** The same outcome, completed on {@code executor}, with ordinary (synchronous) dependents. */
  public static <T> CompletionStage<T> plain(CompletionStage<T> stage, Executor executor) {
    CompletableFuture<T> out = new CompletableFuture<>();
    stage.whenCompleteAsync((value, failure) -> {
      if (failure != null) out.completeExceptionally(failure);
      else out.complete(value);
    }, executor);
    return out;
  }
}
