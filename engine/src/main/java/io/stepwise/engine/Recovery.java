package io.stepwise.engine;

import io.stepwise.engine.activity.ActivityEntity;
import io.stepwise.engine.statemachine.StateMachineEntity;
import io.stepwise.persistence.journal.JournalStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * At startup, wakes the state machines and activities (few, and they tell the key selector which
 * key their executions' events go under, and fill the local view and the listing). Executions are
 * not woken: they recover on demand — a request, a due row of the wake-up index — so start-up
 * time does not grow with the executions stored. The ids are read by key prefix, never by
 * scanning every persistence id.
 */
final class Recovery {
  private static final int PARALLELISM = 16;

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final Duration timeout;
  private final JournalStore store;
  private final Executor io;

  Recovery(ActorSystem<?> system, ClusterSharding sharding, Duration timeout, JournalStore store, Executor io) {
    this.system = system;
    this.sharding = sharding;
    this.timeout = timeout;
    this.store = store;
    this.io = io;
  }

  CompletionStage<Integer> run() {
    AtomicInteger woken = new AtomicInteger();
    return CompletableFuture.supplyAsync(() -> {
      List<String> ids = new ArrayList<>(store.persistenceIdsOfType(StateMachineEntity.ENTITY_KEY.name() + "|"));
      ids.addAll(store.persistenceIdsOfType(ActivityEntity.ENTITY_KEY.name() + "|"));
      return ids;
    }, io).thenCompose(ids -> Source.from(ids)
        .mapAsyncUnordered(PARALLELISM,
            id -> Asks.plain(wake(id), system.executionContext()).handle((done, failure) -> {
              // One entity that cannot recover must not keep every other one from serving.
              if (failure != null) system.log().warn("Could not recover {}: {}", id, failure.toString());
              else woken.incrementAndGet();
              return done;
            }))
        .runWith(Sink.ignore(), system))
        .thenApply(done -> woken.get());
  }

  private CompletionStage<?> wake(String persistenceId) {
    int bar = persistenceId.indexOf('|');
    String type = persistenceId.substring(0, bar);
    String entityId = persistenceId.substring(bar + 1);
    if (type.equals(StateMachineEntity.ENTITY_KEY.name())) {
      return sharding.entityRefFor(StateMachineEntity.ENTITY_KEY, entityId)
          .ask((ActorRef<StateMachineEntity.Reply> r) -> new StateMachineEntity.Wake(r), timeout);
    }
    return sharding.entityRefFor(ActivityEntity.ENTITY_KEY, entityId).ask(ActivityEntity.Describe::new, timeout);
  }
}
