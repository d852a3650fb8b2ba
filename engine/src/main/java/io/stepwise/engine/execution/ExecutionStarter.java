package io.stepwise.engine.execution;

import io.stepwise.asl.CompiledDefinition;
import io.stepwise.asl.interpreter.Step;
import io.stepwise.persistence.index.ActivityQueue;
import io.stepwise.persistence.index.IndexOp;
import io.stepwise.persistence.index.WakeUpIndex.WakeUp;
import io.stepwise.persistence.journal.AppendWrite;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.persistence.typed.PersistenceId;

/**
 * Starts Standard executions without starting their entities: the interpreter runs on the
 * caller's thread up to the first wait (every pure state, and tasks answered at once), and the
 * execution's first events, its wake-up rows and its listing row go to the journal as one write
 * in the group commit. An execution that ends right away never occupies an actor; one that waits
 * is woken by the wake-up scheduler when its first deadline falls due. If the name is taken,
 * the existing execution's entity answers (AWS's idempotent restart, or ExecutionAlreadyExists).
 */
public final class ExecutionStarter {
  private final ExecutionStore store;
  private final EffectDriver driver;
  private final Clock clock;

  public ExecutionStarter(ExecutionStore store, EffectDriver driver, Clock clock) {
    this.store = store;
    this.driver = driver;
    this.clock = clock;
  }

  /**
   * Starts {@code info} (its start date is the clock's now) of {@code def}; when the name is
   * taken, {@code existing} answers from the execution's entity.
   */
  public CompletionStage<ExecutionView> start(ExecutionInfo info, CompiledDefinition def,
      Function<ExecutionInfo, CompletionStage<ExecutionView>> existing) {
    Step step = driver.start(def, info, ExecutionEntity.parseInput(info.input()), clock::instant);
    ExecutionEntity.Stepped stepped = HistoryLimit.apply(0, ExecutionEntity.stepped(step, clock.instant()),
        clock.instant());
    List<WakeUp> rows = stepped.result() != null ? List.of() : ExecutionStore.rows(info, def, step.position());
    List<ActivityQueue.Task> queued =
        stepped.result() != null ? List.of() : ExecutionStore.queuedTasks(info, step.position());
    IndexOp index = ExecutionStore.queueAll(ExecutionStore.putAll(new IndexOp(), rows), queued);
    store.listing().put(index, ExecutionStore.listingRow(info, stepped.result()), null);
    String pid = PersistenceId.of(ExecutionEntity.ENTITY_KEY.name(), info.executionArn()).id();
    // After sequence number 0: written only if the id has no events yet.
    // a Map Run's child runs a definition no machine revision holds: its journal keeps it
    ExecutionInfo journaled = info.mapRunArn() != null ? info : info.withoutDefinition();
    AppendWrite write = new AppendWrite(pid, 0, List.of(new ExecutionEntity.Started(journaled), stepped),
        ExecutionStore.directWriter(), index);
    if (!queued.isEmpty()) store.submitAll(ExecutionStore.taskInputs(step.position(), queued));
    store.submit(write);
    return write.done().thenCompose(outcome -> {
      if (outcome == AppendWrite.Outcome.CONFLICT) return existing.apply(info);
      store.scheduled(rows);
      store.queued(queued);
      return CompletableFuture.completedFuture(new ExecutionView(info, stepped.result()));
    });
  }
}
