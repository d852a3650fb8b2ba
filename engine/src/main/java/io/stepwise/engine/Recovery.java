package io.stepwise.engine;

import io.stepwise.engine.activity.ActivityEntity;
import io.stepwise.engine.execution.ExecutionEntity;
import io.stepwise.engine.statemachine.StateMachineEntity;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentPersistenceIdsQuery;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * At startup, wakes every entity the journal holds: each one recovers, registers itself in the
 * catalog, and a Standard execution that was running when the process died re-arms its timers and
 * carries on. Bounded parallelism keeps the journal busy without flooding it.
 */
final class Recovery {
  private static final int PARALLELISM = 16;

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final Duration timeout;

  Recovery(ActorSystem<?> system, ClusterSharding sharding, Duration timeout) {
    this.system = system;
    this.sharding = sharding;
    this.timeout = timeout;
  }

  CompletionStage<Integer> run() {
    CurrentPersistenceIdsQuery journal = PersistenceQuery.get(system)
        .getReadJournalFor(CurrentPersistenceIdsQuery.class, "stepwise.query");
    AtomicInteger woken = new AtomicInteger();
    // State machines and activities first: they tell the key selector which key their executions'
    // events go under, before any resumed execution writes.
    return wakeAll(journal, woken, true).thenCompose(d -> wakeAll(journal, woken, false)).thenApply(done -> woken.get());
  }

  private CompletionStage<?> wakeAll(CurrentPersistenceIdsQuery journal, AtomicInteger woken, boolean owners) {
    String executions = ExecutionEntity.ENTITY_KEY.name() + "|";
    return journal.currentPersistenceIds()
        .filter(id -> owners != id.startsWith(executions))
        .mapAsyncUnordered(PARALLELISM,
            id -> Asks.plain(wake(id), system.executionContext()).handle((done, failure) -> {
              // One entity that cannot recover must not keep every other one from serving.
              if (failure != null) system.log().warn("Could not recover {}: {}", id, failure.toString());
              else woken.incrementAndGet();
              return done;
            }))
        .runWith(Sink.ignore(), system);
  }

  private CompletionStage<?> wake(String persistenceId) {
    int bar = persistenceId.indexOf('|');
    String type = bar < 0 ? "" : persistenceId.substring(0, bar);
    String entityId = persistenceId.substring(bar + 1);
    if (type.equals(StateMachineEntity.ENTITY_KEY.name())) {
      return sharding.entityRefFor(StateMachineEntity.ENTITY_KEY, entityId)
          .ask((ActorRef<StateMachineEntity.Reply> r) -> new StateMachineEntity.Wake(r), timeout);
    }
    if (type.equals(ActivityEntity.ENTITY_KEY.name())) {
      return sharding.entityRefFor(ActivityEntity.ENTITY_KEY, entityId).ask(ActivityEntity.Describe::new, timeout);
    }
    if (type.equals(ExecutionEntity.ENTITY_KEY.name())) {
      return sharding.entityRefFor(ExecutionEntity.ENTITY_KEY, entityId).ask(ExecutionEntity.Describe::new, timeout);
    }
    return java.util.concurrent.CompletableFuture.completedFuture(null);
  }
}
