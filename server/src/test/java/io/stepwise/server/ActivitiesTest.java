package io.stepwise.server;

import static io.stepwise.server.ExecutionApiTest.awaitEnd;
import static io.stepwise.server.ExecutionApiTest.history;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ActivityDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.GetActivityTaskResponse;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.InvalidOutputException;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

/**
 * Activities with real workers (the SDK's GetActivityTask and SendTask*): a Task on an activity
 * waits for a worker, which gets its input and a token; its answer goes on with the execution.
 * Each task reaches exactly one worker, queued tasks survive a restart, TimeoutSeconds (counted
 * from a worker's start) fails the task with States.Timeout, and tokens cannot be forged.
 */
class ActivitiesTest {
  @TempDir Path dir;
  /** Polls answer with no task after 2 s here (60 s by default, as AWS). */
  private static final Map<String, Object> QUICK_POLLS = Map.of("stepwise.engine.activity-poll-wait", "2s");

  private static String machine(SfnClient sfn, String name, String activityArn, String extra) {
    String definition = """
        {"StartAt": "Work", "States": {
          "Work": {"Type": "Task", "Resource": "%s", "Parameters": {"job.$": "$.job"}%s,
                   "Catch": [{"ErrorEquals": ["Bad"], "ResultPath": "$.caught", "Next": "Caught"}], "End": true},
          "Caught": {"Type": "Pass", "End": true}}}
        """.formatted(activityArn, extra);
    return sfn.createStateMachine(b -> b.name(name).definition(definition).roleArn(Definitions.ROLE)).stateMachineArn();
  }

  private static GetActivityTaskResponse poll(SfnClient sfn, String activity, String worker) {
    return sfn.getActivityTask(b -> b.activityArn(activity).workerName(worker));
  }

  @Test
  void aWorker_takesTheTask_andItsAnswerGoesOnWithTheExecution() throws Exception {
    try (TestServer server = TestServer.start(dir, QUICK_POLLS); SfnClient sfn = server.sfn()) {
      String activity = sfn.createActivity(b -> b.name("worker")).activityArn();
      String machine = machine(sfn, "work", activity, "");
      assertThat(poll(sfn, activity, "idle").taskToken()).as("no task yet: answered empty").isNull();

      String exec = sfn.startExecution(b -> b.stateMachineArn(machine).input("{\"job\": 7}")).executionArn();
      GetActivityTaskResponse task = poll(sfn, activity, "w1");
      assertThat(task.input()).isEqualTo("{\"job\":7}");
      assertThat(poll(sfn, activity, "w2").taskToken()).as("each task goes to one worker").isNull();
      sfn.sendTaskHeartbeat(b -> b.taskToken(task.taskToken()));
      assertThatThrownBy(() -> sfn.sendTaskSuccess(b -> b.taskToken(task.taskToken()).output("not json")))
          .isInstanceOf(InvalidOutputException.class);
      sfn.sendTaskSuccess(b -> b.taskToken(task.taskToken()).output("{\"done\": true}"));
      DescribeExecutionResponse done = awaitEnd(sfn, exec);
      assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(done.output()).isEqualTo("{\"done\":true}");
      List<HistoryEvent> events = history(sfn, exec);
      assertThat(events).extracting(HistoryEvent::typeAsString).containsExactly("ExecutionStarted",
          "TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivitySucceeded", "TaskStateExited",
          "ExecutionSucceeded");
      assertThat(events.get(2).activityScheduledEventDetails().resource()).isEqualTo(activity);
      assertThat(events.get(3).activityStartedEventDetails().workerName()).isEqualTo("w1");
      assertThat(events.get(4).activitySucceededEventDetails().output()).isEqualTo("{\"done\":true}");

      // The task is closed: its token answers TaskTimedOut, as AWS's does.
      assertThatThrownBy(() -> sfn.sendTaskSuccess(b -> b.taskToken(task.taskToken()).output("{}")))
          .isInstanceOf(TaskTimedOutException.class);
      assertThatThrownBy(() -> sfn.sendTaskHeartbeat(b -> b.taskToken(task.taskToken())))
          .isInstanceOf(TaskTimedOutException.class);
    }
  }

  @Test
  void aFailure_goesToTheStatesCatch_andTokensCannotBeForged() throws Exception {
    try (TestServer server = TestServer.start(dir, QUICK_POLLS); SfnClient sfn = server.sfn()) {
      String activity = sfn.createActivity(b -> b.name("worker")).activityArn();
      String machine = machine(sfn, "work", activity, "");
      String exec = sfn.startExecution(b -> b.stateMachineArn(machine).input("{\"job\": 1}")).executionArn();
      GetActivityTaskResponse task = poll(sfn, activity, "w");
      String raw = new String(Base64.getUrlDecoder().decode(task.taskToken()), StandardCharsets.UTF_8);
      String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(
          raw.replace(exec, exec + "x").getBytes(StandardCharsets.UTF_8));
      assertThatThrownBy(() -> sfn.sendTaskSuccess(b -> b.taskToken(forged).output("{}")))
          .isInstanceOf(InvalidTokenException.class);
      assertThatThrownBy(() -> sfn.sendTaskSuccess(b -> b.taskToken("garbage!").output("{}")))
          .isInstanceOf(InvalidTokenException.class);

      sfn.sendTaskFailure(b -> b.taskToken(task.taskToken()).error("Bad").cause("it broke"));
      DescribeExecutionResponse done = awaitEnd(sfn, exec);
      assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(done.output()).contains("\"caught\":{\"Error\":\"Bad\",\"Cause\":\"it broke\"}");
      assertThat(history(sfn, exec)).extracting(HistoryEvent::typeAsString).contains("ActivityFailed");

      assertThatThrownBy(() -> poll(sfn, "arn:aws:states:us-east-1:123456789012:activity:nobody", "w"))
          .isInstanceOf(ActivityDoesNotExistException.class);
    }
  }

  /**
   * An activity's TimeoutSeconds count from when a worker takes the task: "The count begins after the
   * task has been started, for example, when ActivityStarted or LambdaFunctionStarted are logged"
   * (the developer guide's Task state page). A task no worker takes waits; a taken one fails with
   * States.Timeout.
   */
  @Test
  void timeoutSeconds_countFromTheWorkersStart_andFailTheTaskWithStatesTimeout() throws Exception {
    TestClock clock = new TestClock();
    try (TestServer server = TestServer.start(dir, clock, QUICK_POLLS); SfnClient sfn = server.sfn()) {
      String activity = sfn.createActivity(b -> b.name("slow")).activityArn();
      String machine = machine(sfn, "slow", activity, ", \"TimeoutSeconds\": 30");
      String exec = sfn.startExecution(b -> b.stateMachineArn(machine).input("{\"job\": 2}")).executionArn();
      clock.advance(Duration.ofSeconds(45));
      Thread.sleep(1_500); // the scheduler looks at least once a second: nothing may fall due here
      assertThat(sfn.describeExecution(b -> b.executionArn(exec)).status()).as("an untaken task waits").isEqualTo(ExecutionStatus.RUNNING);
      GetActivityTaskResponse task = poll(sfn, activity, "w");
      assertThat(task.taskToken()).isNotNull();
      clock.advance(Duration.ofSeconds(25));
      Thread.sleep(1_500);
      assertThat(sfn.describeExecution(b -> b.executionArn(exec)).status()).as("25 s after the start").isEqualTo(ExecutionStatus.RUNNING);
      clock.advance(Duration.ofSeconds(6));
      DescribeExecutionResponse done = awaitEnd(sfn, exec);
      assertThat(done.status()).isEqualTo(ExecutionStatus.FAILED);
      assertThat(done.error()).isEqualTo("States.Timeout");
      assertThat(history(sfn, exec)).extracting(HistoryEvent::typeAsString).containsExactly("ExecutionStarted",
          "TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivityTimedOut", "ExecutionFailed");
      assertThatThrownBy(() -> sfn.sendTaskSuccess(b -> b.taskToken(task.taskToken()).output("{}")))
          .as("the timed-out task takes no answer").isInstanceOf(TaskTimedOutException.class);
    }
  }

  @Test
  void heartbeatSeconds_countFromTheStartAndEachHeartbeat_andFailTheTaskWhenMissed() throws Exception {
    TestClock clock = new TestClock();
    try (TestServer server = TestServer.start(dir, clock, QUICK_POLLS); SfnClient sfn = server.sfn()) {
      String activity = sfn.createActivity(b -> b.name("beating")).activityArn();
      String machine = machine(sfn, "beating", activity, ", \"TimeoutSeconds\": 1000, \"HeartbeatSeconds\": 10");
      String exec = sfn.startExecution(b -> b.stateMachineArn(machine).input("{\"job\": 3}")).executionArn();
      clock.advance(Duration.ofSeconds(30)); // before a worker takes it, neither count
      GetActivityTaskResponse task = poll(sfn, activity, "w");
      assertThat(task.taskToken()).isNotNull();
      for (int beat = 0; beat < 3; beat++) {
        clock.advance(Duration.ofSeconds(8));
        sfn.sendTaskHeartbeat(b -> b.taskToken(task.taskToken()));
      }
      Thread.sleep(1_500); // the scheduler looks at least once a second: nothing may fall due here
      assertThat(sfn.describeExecution(b -> b.executionArn(exec)).status()).isEqualTo(ExecutionStatus.RUNNING);
      clock.advance(Duration.ofSeconds(11));
      DescribeExecutionResponse done = awaitEnd(sfn, exec);
      assertThat(done.status()).isEqualTo(ExecutionStatus.FAILED);
      assertThat(done.error()).isEqualTo("States.HeartbeatTimeout");
      List<HistoryEvent> events = history(sfn, exec);
      assertThat(events).extracting(HistoryEvent::typeAsString).containsExactly("ExecutionStarted",
          "TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivityTimedOut", "ExecutionFailed");
      assertThat(events.get(4).activityTimedOutEventDetails().error()).isEqualTo("States.HeartbeatTimeout");
    }
  }

  @Test
  void queuedTasks_surviveARestart_andEachReachesExactlyOneOfFourWorkers() throws Exception {
    int n = 60;
    String activity;
    List<String> executions = new ArrayList<>();
    try (TestServer server = TestServer.start(dir, QUICK_POLLS); SfnClient sfn = server.sfn()) {
      activity = sfn.createActivity(b -> b.name("pool")).activityArn();
      String machine = machine(sfn, "pool", activity, "");
      for (int i = 0; i < n; i++) {
        int job = i;
        executions.add(sfn.startExecution(b -> b.stateMachineArn(machine).input("{\"job\": " + job + "}"))
            .executionArn());
      }
    }
    try (TestServer server = TestServer.start(dir, QUICK_POLLS); SfnClient sfn = server.sfn()) {
      Set<String> seen = ConcurrentHashMap.newKeySet();
      AtomicInteger duplicates = new AtomicInteger();
      ExecutorService workers = Executors.newFixedThreadPool(4);
      List<Future<?>> running = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        String name = "worker-" + w;
        running.add(workers.submit(() -> {
          int empty = 0;
          while (empty < 2) {
            GetActivityTaskResponse t = poll(sfn, activity, name);
            if (t.taskToken() == null) {
              empty++;
              continue;
            }
            if (!seen.add(t.input())) duplicates.incrementAndGet();
            sfn.sendTaskSuccess(b -> b.taskToken(t.taskToken()).output(t.input()));
          }
          return null;
        }));
      }
      for (Future<?> f : running) f.get(120, TimeUnit.SECONDS);
      workers.shutdown();
      assertThat(duplicates).hasValue(0);
      assertThat(seen).hasSize(n);
      for (String exec : executions) {
        DescribeExecutionResponse d = awaitEnd(sfn, exec);
        assertThat(d.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(history(sfn, exec)).filteredOn(e -> e.typeAsString().equals("ActivityStarted")).hasSize(1);
      }
    }
  }

  /**
   * A poll whose client has gone (it gave up and closed its connection) takes no task: the task
   * queued afterwards goes to the next poll, as AWS never hands a task to a closed request.
   */
  @Test
  void aPollWhoseClientLeft_takesNoTask() throws Exception {
    try (TestServer server = TestServer.start(dir, Map.of("stepwise.engine.activity-poll-wait", "10s"));
        SfnClient sfn = server.sfn();
        SfnClient impatient = SfnClient.builder()
            .endpointOverride(server.endpoint())
            .region(software.amazon.awssdk.regions.Region.US_EAST_1)
            .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("test", "test")))
            .httpClient(software.amazon.awssdk.http.apache.ApacheHttpClient.create())
            .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofMillis(600)).retryStrategy(r -> r.maxAttempts(1)))
            .build()) {
      String activity = sfn.createActivity(b -> b.name("left")).activityArn();
      String machine = machine(sfn, "left-behind", activity, "");
      assertThatThrownBy(() -> poll(impatient, activity, "gone"))
          .isInstanceOf(software.amazon.awssdk.core.exception.ApiCallTimeoutException.class);
      Thread.sleep(300); // the closed connection reaches the server
      String exec = sfn.startExecution(b -> b.stateMachineArn(machine).input("{\"job\": 1}")).executionArn();
      long asked = System.nanoTime();
      GetActivityTaskResponse task = poll(sfn, activity, "here");
      assertThat(task.taskToken()).as("the task went to the poll that is still there").isNotNull();
      assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(5));
      sfn.sendTaskSuccess(b -> b.taskToken(task.taskToken()).output("{}"));
      assertThat(awaitEnd(sfn, exec).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    }
  }
}
