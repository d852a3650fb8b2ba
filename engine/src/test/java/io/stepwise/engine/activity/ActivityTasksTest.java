package io.stepwise.engine.activity;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.persistence.index.ActivityQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Handing queued activity tasks to polls: none is left waiting while a poll could take it. */
class ActivityTasksTest {
  private static final String ACTIVITY = "arn:aws:states:us-east-1:123456789012:activity:a";

  private static ActivityQueue.Task task(int n) {
    return new ActivityQueue.Task(ACTIVITY, Instant.ofEpochSecond(1_000 + n),
        "arn:aws:states:us-east-1:123456789012:execution:m:e" + n, "t");
  }

  @Test
  void aTaskQueuedWhileTheFirstPollReadsTheQueue_goesToAPoll() throws Exception {
    // The queue's read sees what was durable when it began (as a LevelDB iterator does); a task
    // becomes durable, and is announced, after that and before the read is over.
    List<ActivityQueue.Task> durable = new CopyOnWriteArrayList<>(List.of(task(1)));
    ActivityQueue.Task late = task(2);
    ActivityTasks[] tasks = new ActivityTasks[1];
    ActivityTasks.QueueReader reader = (arn, max) -> {
      List<ActivityQueue.Task> seen = new ArrayList<>(durable);
      durable.add(late);
      tasks[0].queued(late);
      return seen;
    };
    List<ActivityQueue.Task> started = new CopyOnWriteArrayList<>();
    tasks[0] = new ActivityTasks(reader, (t, worker) -> {
      started.add(t);
      return CompletableFuture.completedFuture("{}");
    }, Runnable::run);

    Optional<ActivityTasks.Handout> first = tasks[0].poll(ACTIVITY, "w", Duration.ofSeconds(2))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    Optional<ActivityTasks.Handout> second = tasks[0].poll(ACTIVITY, "w", Duration.ofSeconds(2))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);

    assertThat(first).map(ActivityTasks.Handout::task).contains(task(1));
    assertThat(second).map(ActivityTasks.Handout::task).contains(late);
    assertThat(started).containsExactly(task(1), late);
  }

  @Test
  void aPollWithNothingQueued_isAnsweredEmptyWhenItsTimeIsUp_andATaskQueuedWhileItWaitsReachesIt() throws Exception {
    List<ActivityQueue.Task> none = List.of();
    ActivityTasks tasks = new ActivityTasks((arn, max) -> none, (t, worker) -> CompletableFuture.completedFuture("{}"),
        Runnable::run);
    long before = System.nanoTime();
    assertThat(tasks.poll(ACTIVITY, "w", Duration.ofMillis(300)).toCompletableFuture().get(5, TimeUnit.SECONDS))
        .isEmpty();
    assertThat(System.nanoTime() - before).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));

    CompletableFuture<Optional<ActivityTasks.Handout>> waiting =
        tasks.poll(ACTIVITY, "w", Duration.ofSeconds(5)).toCompletableFuture();
    assertThat(waiting).isNotDone();
    tasks.queued(task(3));
    assertThat(waiting.get(5, TimeUnit.SECONDS)).map(ActivityTasks.Handout::task).contains(task(3));
  }

  @Test
  void aPollWhoseTimeRunsOutWhileItsTaskStarts_getsTheTask() throws Exception {
    CompletableFuture<String> start = new CompletableFuture<>();
    ActivityTasks tasks = new ActivityTasks((arn, max) -> List.of(task(1)), (t, worker) -> start, Runnable::run);
    CompletableFuture<Optional<ActivityTasks.Handout>> answer =
        tasks.poll(ACTIVITY, "w", Duration.ofMillis(200)).toCompletableFuture();
    Thread.sleep(600);
    assertThat(answer).as("answered while its task was being started").isNotDone();
    start.complete("{\"n\":1}");
    assertThat(answer.get(5, TimeUnit.SECONDS)).map(ActivityTasks.Handout::input).contains("{\"n\":1}");
  }

  @Test
  void aPollWhoseTimeRunsOutWhileATaskTurnsOutGone_isAnsweredEmpty_andTheNextTaskWaitsForTheNextPoll()
      throws Exception {
    CompletableFuture<String> gone = new CompletableFuture<>();
    List<ActivityQueue.Task> asked = new CopyOnWriteArrayList<>();
    ActivityTasks tasks = new ActivityTasks((arn, max) -> List.of(task(1), task(2)), (t, worker) -> {
      asked.add(t);
      return t.equals(task(1)) ? gone : CompletableFuture.completedFuture("{}");
    }, Runnable::run);
    CompletableFuture<Optional<ActivityTasks.Handout>> answer =
        tasks.poll(ACTIVITY, "w", Duration.ofMillis(200)).toCompletableFuture();
    Thread.sleep(600);
    gone.complete(null); // the execution no longer waited for task 1
    assertThat(answer.get(5, TimeUnit.SECONDS)).isEmpty();
    assertThat(asked).containsExactly(task(1));
    assertThat(tasks.poll(ACTIVITY, "w", Duration.ofSeconds(2)).toCompletableFuture().get(5, TimeUnit.SECONDS))
        .map(ActivityTasks.Handout::task).contains(task(2));
  }

  @Test
  void aStartThatEndsAsThePollsTimeRunsOut_neverLeavesTheStartedTaskWithNoWorker() throws Exception {
    // The poll's timer and the start's answer race on two threads, many times over.
    java.util.concurrent.ExecutorService racers = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      int emptyAfterAStart = 0;
      for (int i = 0; i < 20_000; i++) {
        java.util.concurrent.atomic.AtomicReference<Runnable> timer = new java.util.concurrent.atomic.AtomicReference<>();
        CompletableFuture<String> start = new CompletableFuture<>();
        // the poll's timer (ActivityTasks' own runnable; the queue's read comes wrapped by
        // CompletableFuture) is held, to be run by a racer
        java.util.concurrent.Executor io = r -> {
          if (!r.getClass().getName().startsWith(ActivityTasks.class.getName()) || !timer.compareAndSet(null, r)) r.run();
        };
        ActivityTasks tasks = new ActivityTasks((arn, max) -> List.of(task(1)), (t, worker) -> start, io);
        CompletableFuture<Optional<ActivityTasks.Handout>> answer =
            tasks.poll(ACTIVITY, "w", Duration.ofNanos(1)).toCompletableFuture();
        while (timer.get() == null) Thread.onSpinWait();
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        var a = racers.submit(() -> {
          go.await();
          return start.complete("{}");
        });
        var b = racers.submit(() -> {
          go.await();
          timer.get().run();
          return true;
        });
        go.countDown();
        a.get(5, TimeUnit.SECONDS);
        b.get(5, TimeUnit.SECONDS);
        if (answer.get(5, TimeUnit.SECONDS).isEmpty()) emptyAfterAStart++;
      }
      assertThat(emptyAfterAStart).as("polls answered empty although their task was started for them").isZero();
    } finally {
      racers.shutdownNow();
    }
  }

  @Test
  void aTaskWhoseStartFailed_goesToAPollThatPassedItByMeanwhile() throws Exception {
    CompletableFuture<String> firstStart = new CompletableFuture<>();
    java.util.concurrent.atomic.AtomicInteger starts = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.ExecutorService io = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      ActivityTasks tasks = new ActivityTasks((arn, max) -> List.of(task(1)),
          (t, worker) -> starts.incrementAndGet() == 1 ? firstStart : CompletableFuture.completedFuture("{}"), io);
      CompletableFuture<Optional<ActivityTasks.Handout>> a = tasks.poll(ACTIVITY, "a", Duration.ofSeconds(30)).toCompletableFuture();
      while (starts.get() == 0) Thread.sleep(5);
      // b finds the only task being started for a, and waits
      CompletableFuture<Optional<ActivityTasks.Handout>> b = tasks.poll(ACTIVITY, "b", Duration.ofSeconds(30)).toCompletableFuture();
      Thread.sleep(100);
      firstStart.completeExceptionally(new IllegalStateException("the execution's entity did not answer"));
      assertThat(a).failsWithin(Duration.ofSeconds(5));
      assertThat(b.get(5, TimeUnit.SECONDS)).map(ActivityTasks.Handout::task).contains(task(1));
    } finally {
      io.shutdownNow();
    }
  }
}
