package io.stepwise.loadtests;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.GetActivityTaskResponse;

/**
 * The activity round trip with real SDK workers: Standard executions of a one-Task machine on an
 * activity are started (at most {@code 4 x workers} waiting at a time), and {@code workers}
 * threads loop GetActivityTask then SendTaskSuccess. Reports tasks completed per second and the
 * round trip from StartExecution's answer (the task scheduled) to SendTaskSuccess's answer (the
 * execution goes on), after a warm-up.
 *
 * <p>Usage: ActivityBench ENDPOINT [workers=16] [seconds=20] [warm-up seconds=5] (a server fresh from
 * its start compiles for about a minute under this load: measure it warm)
 */
public final class ActivityBench {
  public static void main(String[] args) throws Exception {
    URI endpoint = URI.create(args[0]);
    int workers = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    int warmUp = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    SfnClient sfn = ThroughputBench.client(endpoint, workers + 4, java.time.Duration.ofSeconds(70));
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String activity = sfn.createActivity(b -> b.name("bench-" + suffix)).activityArn();
    String machine = sfn.createStateMachine(b -> b.name("bench-activity-" + suffix)
        .roleArn("arn:aws:iam::123456789012:role/bench")
        .definition("{\"StartAt\": \"Work\", \"States\": {\"Work\": {\"Type\": \"Task\", \"Resource\": \""
            + activity + "\", \"End\": true}}}")).stateMachineArn();

    Semaphore waiting = new Semaphore(workers * 4);
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicBoolean measuring = new AtomicBoolean(false);
    AtomicLong completed = new AtomicLong();
    ConcurrentLinkedQueue<Long> roundTrips = new ConcurrentLinkedQueue<>();
    List<Throwable> failures = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      threads.add(thread(failures, () -> {
        while (running.get()) {
          waiting.acquire();
          long scheduled = System.nanoTime();
          sfn.startExecution(b -> b.stateMachineArn(machine).input("{\"t\": " + scheduled + "}"));
        }
      }));
    }
    for (int i = 0; i < workers; i++) {
      String worker = "worker-" + i;
      threads.add(thread(failures, () -> {
        while (running.get()) {
          GetActivityTaskResponse task = sfn.getActivityTask(b -> b.activityArn(activity).workerName(worker));
          if (task.taskToken() == null) continue;
          sfn.sendTaskSuccess(b -> b.taskToken(task.taskToken()).output(task.input()));
          long scheduled = Long.parseLong(task.input().replaceAll("[^0-9]", ""));
          if (measuring.get()) {
            completed.incrementAndGet();
            roundTrips.add(System.nanoTime() - scheduled);
          }
          waiting.release();
        }
      }));
    }
    Thread.sleep(warmUp * 1_000L);
    measuring.set(true);
    long start = System.nanoTime();
    Thread.sleep(seconds * 1_000L);
    measuring.set(false);
    double elapsed = (System.nanoTime() - start) / 1e9;
    running.set(false);
    waiting.release(workers * 100);
    for (Thread t : threads) t.join(70_000);
    if (!failures.isEmpty()) throw new IllegalStateException("bench failed", failures.get(0));
    long[] rt = roundTrips.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(rt);
    System.out.printf("Activity round trip with %d workers: %.0f tasks/s; schedule-to-answer p50 %.1f ms, p99 %.1f ms%n",
        workers, completed.get() / elapsed, pct(rt, 0.50), pct(rt, 0.99));
    sfn.close();
  }

  static double pct(long[] sorted, double p) {
    return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) (p * sorted.length))] / 1e6;
  }

  interface Body {
    void run() throws Exception;
  }

  static Thread thread(List<Throwable> failures, Body body) {
    Thread t = new Thread(() -> {
      try {
        body.run();
      } catch (Throwable e) {
        synchronized (failures) {
          failures.add(e);
        }
      }
    });
    t.setDaemon(true);
    t.start();
    return t;
  }
}
