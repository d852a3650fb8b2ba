package io.stepwise.engine.activity;

import io.stepwise.persistence.index.ActivityQueue;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Hands activity tasks to workers' GetActivityTask polls. A poll takes the oldest task in the
 * activity's persisted queue; taking it means its execution records {@code ActivityStarted} (the
 * execution's entity starts a task once), so each task goes to exactly one worker, and the queue
 * survives restarts. A poll that finds nothing waits (in memory) until a task is queued for its
 * activity or its time is up, then answers with no task.
 */
public final class ActivityTasks {
  /** How many queued tasks a poll reads at a time. */
  private static final int SCAN = 16;

  /** Starts a queued task for a worker; completes with the task's input, or null if it was no longer waiting. */
  @FunctionalInterface
  public interface Starter {
    CompletionStage<String> start(ActivityQueue.Task task, String workerName);
  }

  /** A task a worker took: its execution, task and input. */
  public record Handout(ActivityQueue.Task task, String input) {}

  private record Poll(String activityArn, String workerName, CompletableFuture<Optional<Handout>> answer) {}

  private final ActivityQueue queue;
  private final Starter starter;
  private final Executor io;
  private final ConcurrentHashMap<String, ConcurrentLinkedQueue<Poll>> waiting = new ConcurrentHashMap<>();

  public ActivityTasks(ActivityQueue queue, Starter starter, Executor io) {
    this.queue = queue;
    this.starter = starter;
    this.io = io;
  }

  /** A task of {@code activityArn} for the worker, or empty once {@code wait} has passed without one. */
  public CompletionStage<Optional<Handout>> poll(String activityArn, String workerName, Duration wait) {
    Poll poll = new Poll(activityArn, workerName, new CompletableFuture<>());
    CompletableFuture.delayedExecutor(wait.toMillis(), TimeUnit.MILLISECONDS, io)
        .execute(() -> poll.answer().complete(Optional.empty()));
    poll.answer().whenComplete((v, e) -> {
      ConcurrentLinkedQueue<Poll> q = waiting.get(activityArn);
      if (q != null) q.remove(poll);
    });
    take(poll);
    return poll.answer();
  }

  /** A task became durable in the queue: a waiting poll of its activity tries to take it. */
  public void queued(ActivityQueue.Task task) {
    ConcurrentLinkedQueue<Poll> q = waiting.get(task.activityArn());
    if (q == null) return;
    for (Poll p = q.poll(); p != null; p = q.poll()) {
      if (!p.answer().isDone()) {
        take(p);
        return;
      }
    }
  }

  private void take(Poll poll) {
    CompletableFuture.supplyAsync(() -> queue.oldest(poll.activityArn(), SCAN), io)
        .thenCompose(tasks -> takeFirst(poll, tasks, 0))
        .whenCompleteAsync((taken, failure) -> {
          if (failure != null) {
            poll.answer().completeExceptionally(failure);
          } else if (!taken) {
            // Nothing to take: wait for a task; one queued meanwhile is looked for once more.
            waiting.computeIfAbsent(poll.activityArn(), a -> new ConcurrentLinkedQueue<>()).add(poll);
            List<ActivityQueue.Task> meanwhile = queue.oldest(poll.activityArn(), 1);
            if (!meanwhile.isEmpty()) queued(meanwhile.get(0));
          }
        }, io);
  }

  /** Tries the tasks in order; true once one was taken (or the poll is over). */
  private CompletionStage<Boolean> takeFirst(Poll poll, List<ActivityQueue.Task> tasks, int i) {
    if (poll.answer().isDone()) return CompletableFuture.completedFuture(true);
    if (i >= tasks.size()) {
      // Every task read was taken by other polls meanwhile: read the queue again if it was full.
      if (tasks.size() < SCAN) return CompletableFuture.completedFuture(false);
      return CompletableFuture.supplyAsync(() -> queue.oldest(poll.activityArn(), SCAN), io)
          .thenCompose(more -> more.equals(tasks) ? CompletableFuture.completedFuture(false) : takeFirst(poll, more, 0));
    }
    ActivityQueue.Task task = tasks.get(i);
    return starter.start(task, poll.workerName()).thenCompose(input -> {
      if (input == null) return takeFirst(poll, tasks, i + 1);
      // If the poll's time ran out while the task started, it reached no worker: it times out as on AWS.
      poll.answer().complete(Optional.of(new Handout(task, input)));
      return CompletableFuture.completedFuture(true);
    });
  }
}
