package io.stepwise.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.GetActivityTaskResponse;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

/**
 * Activity workers across a {@code kill -9}: 1,000 tasks for 4 worker threads; the server is
 * killed with SIGKILL once about a third are done. Workers keep the tokens they could not answer
 * and answer them to the restarted server (tokens outlive the process); a task that was started
 * but whose answer to the poll died with the process times out and its Retry schedules it again.
 * Every execution must succeed with its own job as output, with exactly one ActivitySucceeded, and
 * no job's answer may be acknowledged twice.
 */
class ActivityKillNineIT {
  private static final int TASKS = 1_000;
  private static final String DEFINITION = """
      {"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": "%s", "TimeoutSeconds": 20,
        "Retry": [{"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 1, "MaxAttempts": 10}], "End": true}}}
      """;

  @TempDir Path dataDir;

  @Test
  void killNine_midWork_everyTaskCompletesOnce() throws Exception {
    Path config = Files.writeString(dataDir.resolveSibling(dataDir.getFileName() + ".conf"),
        "stepwise.engine.activity-poll-wait = 2s\n");
    Path data = dataDir.resolve("data");
    List<ForkedServer> servers = new ArrayList<>();
    Map<String, AtomicInteger> completions = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<GetActivityTaskResponse> unanswered = new ConcurrentLinkedQueue<>();
    AtomicInteger ambiguous = new AtomicInteger();
    String activity;
    String machine;
    try {
      ForkedServer first = ForkedServer.start(data, "--config", config.toString());
      servers.add(first);
      try (SfnClient sfn = first.sfn()) {
        activity = sfn.createActivity(b -> b.name("crash-workers")).activityArn();
        String definition = DEFINITION.formatted(activity);
        machine = sfn.createStateMachine(b -> b.name("crash-work").definition(definition).roleArn(Definitions.ROLE))
            .stateMachineArn();
        ExecutorService starters = Executors.newFixedThreadPool(8);
        for (int i = 0; i < TASKS; i++) {
          int job = i;
          starters.submit(() -> sfn.startExecution(b -> b.stateMachineArn(machine).name("job-" + job)
              .input("{\"job\": " + job + "}")));
        }
        starters.shutdown();
        assertThat(starters.awaitTermination(5, TimeUnit.MINUTES)).isTrue();
        AtomicInteger done = new AtomicInteger();
        AtomicBoolean killed = new AtomicBoolean();
        runWorkers(sfn, activity, completions, unanswered, done, killed, () -> {
          if (done.get() >= TASKS / 3 && killed.compareAndSet(false, true)) {
            first.kill9();
          }
          return killed.get();
        });
        System.out.printf("killed after %d tasks completed; %d answers kept for the next server%n", done.get(),
            unanswered.size());
      }

      ForkedServer second = ForkedServer.start(data, "--config", config.toString());
      servers.add(second);
      try (SfnClient sfn = second.sfn()) {
        // Tokens outlive the process: the answers the dead server could not take are given again.
        for (GetActivityTaskResponse t : unanswered) {
          try {
            sfn.sendTaskSuccess(b -> b.taskToken(t.taskToken()).output(t.input()));
            completions.computeIfAbsent(t.input(), k -> new AtomicInteger()).incrementAndGet();
          } catch (TaskTimedOutException e) {
            // Closed already: either the dead server made this answer durable (its reply was lost),
            // or the attempt timed out and its Retry scheduled the task again. The histories below
            // tell which; this count only holds answers that were acknowledged.
            ambiguous.incrementAndGet();
          }
        }
        AtomicInteger done = new AtomicInteger();
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        runWorkers(sfn, activity, completions, unanswered, done, new AtomicBoolean(), () ->
            System.nanoTime() > deadline || succeeded(sfn, machine) >= TASKS);
        assertThat(succeeded(sfn, machine)).isEqualTo(TASKS);
        for (int job = 0; job < TASKS; job++) {
          String arn = machine.replace(":stateMachine:", ":execution:") + ":job-" + job;
          var d = sfn.describeExecution(b -> b.executionArn(arn));
          assertThat(d.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
          assertThat(d.output()).isEqualTo("{\"job\":" + job + "}");
          List<HistoryEvent> events = ExecutionApiTest.history(sfn, arn);
          assertThat(events).filteredOn(e -> e.typeAsString().equals("ActivitySucceeded")).hasSize(1);
        }
      }
      // Every execution has exactly one ActivitySucceeded (checked above); no job was acknowledged
      // twice; and every job but those whose answer's fate the kill hid was acknowledged once.
      assertThat(completions.values()).allSatisfy(n -> assertThat(n.get()).as("completed once").isEqualTo(1));
      assertThat(completions.size()).isBetween(TASKS - ambiguous.get(), TASKS);
    } finally {
      for (ForkedServer s : servers) s.stop();
    }
  }

  private interface Stop {
    boolean now() throws Exception;
  }

  /** 4 workers loop GetActivityTask then SendTaskSuccess (output: the task's input) until {@code stop}. */
  private static void runWorkers(SfnClient sfn, String activity, Map<String, AtomicInteger> completions,
      ConcurrentLinkedQueue<GetActivityTaskResponse> unanswered, AtomicInteger done, AtomicBoolean dead, Stop stop)
      throws Exception {
    ExecutorService workers = Executors.newFixedThreadPool(4);
    List<java.util.concurrent.Future<?>> running = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      String name = "worker-" + w;
      running.add(workers.submit(() -> {
        while (!stop.now()) {
          GetActivityTaskResponse task;
          try {
            task = sfn.getActivityTask(b -> b.activityArn(activity).workerName(name));
          } catch (RuntimeException e) {
            if (dead.get()) return null; // the server is gone
            throw e;
          }
          if (task.taskToken() == null) continue;
          try {
            sfn.sendTaskSuccess(b -> b.taskToken(task.taskToken()).output(task.input()));
            completions.computeIfAbsent(task.input(), k -> new AtomicInteger()).incrementAndGet();
            done.incrementAndGet();
          } catch (TaskTimedOutException e) {
            // This attempt ran past its TimeoutSeconds from its start: its Retry schedules it again.
          } catch (RuntimeException e) {
            if (!dead.get()) throw e;
            unanswered.add(task); // the server died: answer it to the next one
            return null;
          }
        }
        return null;
      }));
    }
    workers.shutdown();
    for (var f : running) f.get(6, TimeUnit.MINUTES);
  }

  private static int succeeded(SfnClient sfn, String machine) {
    int n = 0;
    for (var page : sfn.listExecutionsPaginator(b -> b.stateMachineArn(machine).statusFilter(ExecutionStatus.SUCCEEDED)
        .maxResults(1000))) {
      n += page.executions().size();
    }
    return n;
  }
}
