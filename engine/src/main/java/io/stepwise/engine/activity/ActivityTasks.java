package io.stepwise.engine.activity;

import io.stepwise.persistence.index.ActivityQueue;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Hands activity tasks to workers' GetActivityTask polls. A poll takes the oldest pending task of
 * the activity (from its persisted queue); taking it means its execution records {@code
 * ActivityStarted} (the execution's entity starts a task once), so each task goes to exactly one
 * worker, and the queue survives restarts. A poll that finds nothing waits (in memory) until a task is queued for its
 * activity or its time is up, then answers with no task. A poll whose time runs out while a task is
 * being started for it gets that task: a task recorded as started for a poll that had already
 * answered would reach no worker and wait, lost, for its timeout (forever without one).
 */
public final class ActivityTasks {
  /** Starts a queued task for a worker; completes with the task's input, or null if it was no longer waiting. */
  @FunctionalInterface
  public interface Starter {
    CompletionStage<String> start(ActivityQueue.Task task, String workerName);
  }

  /** A task a worker took: its execution, task and input. */
  public record Handout(ActivityQueue.Task task, String input) {}

  /**
   * A worker's poll. {@code gone} completes when the worker's connection closed: the poll is over
   * then. Its time running out ends it empty, unless a task is being started for it: a started
   * task is recorded as the worker's ({@code ActivityStarted}), so that start answers the poll,
   * with the task or, if the task was no longer waiting, empty.
   */
  private static final class Poll {
    final String activityArn;
    final String workerName;
    final CompletableFuture<Optional<Handout>> answer = new CompletableFuture<>();
    final CompletableFuture<?> gone;
    private boolean starting;
    private boolean expired;

    Poll(String activityArn, String workerName, CompletableFuture<?> gone) {
      this.activityArn = activityArn;
      this.workerName = workerName;
      this.gone = gone;
    }

    /** Over (answered, timed out, or its worker left); a poll whose worker left is answered empty now. */
    boolean over() {
      if (gone.isDone()) answer.complete(Optional.empty());
      return answer.isDone();
    }

    /** Its time is up: answered empty now, or by the start under way. */
    synchronized void expire() {
      if (starting) expired = true;
      else answer.complete(Optional.empty());
    }

    /** A task is about to be started for it: false if it is over (then nothing is started). */
    synchronized boolean beginStart() {
      if (over()) return false;
      starting = true;
      return true;
    }

    /** The start is over; true if its time ran out meanwhile. */
    synchronized boolean endStart() {
      starting = false;
      return expired;
    }
  }

  /**
   * The tasks of one activity no worker took yet, oldest first: read from the persisted queue once
   * (on the first poll after a start), then kept current as tasks are queued and taken, so a poll
   * does not scan the queue's deleted rows again and again.
   */
  private static final class Pending {
    final ConcurrentSkipListSet<ActivityQueue.Task> tasks = new ConcurrentSkipListSet<>();
    final CompletableFuture<Void> loaded = new CompletableFuture<>();
  }

  /** Reads an activity's persisted queue, oldest first ({@link ActivityQueue#oldest}); blocking. */
  @FunctionalInterface
  public interface QueueReader {
    java.util.List<ActivityQueue.Task> oldest(String activityArn, int max);
  }

  private final QueueReader queue;
  private final Starter starter;
  private final Executor io;
  private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ConcurrentLinkedQueue<Poll>> waiting = new ConcurrentHashMap<>();
  /** Tasks a poll is starting now: other polls pass them by rather than queue up behind the same one. */
  private final Set<ActivityQueue.Task> starting = ConcurrentHashMap.newKeySet();

  public ActivityTasks(ActivityQueue queue, Starter starter, Executor io) {
    this(queue::oldest, starter, io);
  }

  public ActivityTasks(QueueReader queue, Starter starter, Executor io) {
    this.queue = queue;
    this.starter = starter;
    this.io = io;
  }

  /** A task of {@code activityArn} for the worker, or empty once {@code wait} has passed without one. */
  public CompletionStage<Optional<Handout>> poll(String activityArn, String workerName, Duration wait) {
    return poll(activityArn, workerName, wait, new CompletableFuture<>());
  }

  /**
   * As {@link #poll(String, String, Duration)}; when {@code gone} completes (the worker's
   * connection closed) the poll ends empty and takes no task from then on.
   */
  public CompletionStage<Optional<Handout>> poll(String activityArn, String workerName, Duration wait,
      CompletionStage<?> gone) {
    // The connection's stage is only looked at, never given a callback: a worker polling in a loop on
    // one keep-alive connection would pile one up per poll until the connection closed.
    Poll poll = new Poll(activityArn, workerName, gone.toCompletableFuture());
    CompletableFuture.delayedExecutor(wait.toMillis(), TimeUnit.MILLISECONDS, io).execute(poll::expire);
    poll.answer.whenComplete((v, e) -> {
      ConcurrentLinkedQueue<Poll> q = waiting.get(activityArn);
      if (q != null) q.remove(poll);
    });
    take(poll);
    return poll.answer;
  }

  /** A task became durable in the queue: it is pending, and a waiting poll of its activity tries to take it. */
  public void queued(ActivityQueue.Task task) {
    Pending p = pending.get(task.activityArn());
    if (p != null) p.tasks.add(task);
    wakeOne(task.activityArn());
  }

  /** A waiting poll of the activity looks for a task again. */
  private void wakeOne(String activityArn) {
    ConcurrentLinkedQueue<Poll> q = waiting.get(activityArn);
    if (q == null) return;
    for (Poll poll = q.poll(); poll != null; poll = q.poll()) {
      if (!poll.over()) {
        take(poll);
        return;
      }
    }
  }

  /**
   * The activity's pending tasks, read from its queue by the first poll. The set is in the map
   * before the read begins: a task that becomes durable after the read's snapshot is added to it
   * by {@link #queued} (a set built inside {@code computeIfAbsent} would be invisible to
   * {@code queued} until built, and such a task would wait for no poll until a restart).
   */
  private Pending pendingOf(String activityArn) {
    Pending known = pending.get(activityArn);
    if (known != null) return known;
    Pending p = new Pending();
    known = pending.putIfAbsent(activityArn, p);
    if (known != null) return known;
    CompletableFuture.runAsync(() -> p.tasks.addAll(queue.oldest(activityArn, Integer.MAX_VALUE)), io)
        .whenComplete((v, e) -> {
          if (e != null) {
            pending.remove(activityArn, p); // read again by the next poll
            p.loaded.completeExceptionally(e);
          } else {
            p.loaded.complete(null);
          }
        });
    return p;
  }

  private void take(Poll poll) {
    Pending p = pendingOf(poll.activityArn);
    p.loaded.thenCompose(v -> takeFirst(poll, p, null)).whenComplete((taken, failure) -> {
      if (failure != null) {
        poll.answer.completeExceptionally(failure);
      } else if (!taken) {
        // Nothing to take: wait for a task. One queued (or given up by another poll) between the look
        // and the waiting is not missed: a waiting poll looks again, later, from the executor.
        waiting.computeIfAbsent(poll.activityArn, a -> new ConcurrentLinkedQueue<>()).add(poll);
        if (p.tasks.stream().anyMatch(t -> !starting.contains(t))) io.execute(() -> wakeOne(poll.activityArn));
      }
    });
  }

  /** A task no longer being started by a poll, and still pending: a waiting poll that passed it by looks again. */
  private void release(ActivityQueue.Task task, String activityArn) {
    starting.remove(task);
    io.execute(() -> wakeOne(activityArn));
  }

  /** Tries the pending tasks after {@code after} in order; true once one was taken (or the poll is over). */
  private CompletionStage<Boolean> takeFirst(Poll poll, Pending p, ActivityQueue.Task after) {
    if (poll.over()) return CompletableFuture.completedFuture(true);
    ActivityQueue.Task task = after == null ? (p.tasks.isEmpty() ? null : p.tasks.first()) : p.tasks.higher(after);
    while (task != null && !starting.add(task)) task = p.tasks.higher(task);
    if (task == null) return CompletableFuture.completedFuture(false);
    ActivityQueue.Task tried = task;
    if (!poll.beginStart()) {
      release(tried, poll.activityArn);
      return CompletableFuture.completedFuture(true);
    }
    CompletionStage<String> started;
    try {
      started = starter.start(tried, poll.workerName);
    } catch (RuntimeException e) {
      started = CompletableFuture.failedFuture(e);
    }
    return started.handle((input, failure) -> {
      if (failure != null) {
        release(tried, poll.activityArn); // still pending: a poll that passed it by looks again
        if (poll.endStart()) poll.answer.complete(Optional.empty()); // its time ran out: empty, as any poll's
        return CompletableFuture.<Boolean>failedFuture(failure);
      }
      starting.remove(tried);
      p.tasks.remove(tried); // started, or no longer waiting: not pending either way
      if (input != null) {
        // Started for this worker: answered with the task even if its time ran out meanwhile (its
        // request is still open); only a worker that left does not get it. Answered before the
        // start is marked over, so that its timer cannot answer it empty in between.
        poll.answer.complete(Optional.of(new Handout(tried, input)));
        poll.endStart();
        return CompletableFuture.completedFuture(true);
      }
      boolean expired = poll.endStart();
      if (expired) {
        poll.answer.complete(Optional.empty());
        return CompletableFuture.completedFuture(true);
      }
      return takeFirst(poll, p, tried);
    }).thenCompose(next -> next);
  }
}
