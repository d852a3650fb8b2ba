package io.stepwise.loadtests;

import io.stepwise.loadtests.http.AwsJsonRequests;
import io.stepwise.loadtests.http.BlockingClient;
import io.stepwise.loadtests.http.HttpResponseParser;
import io.stepwise.loadtests.http.Json;
import io.stepwise.loadtests.http.LatencyHistogram;
import io.stepwise.loadtests.http.LoadDriver;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Map;

/**
 * The activity round trip over raw HTTP: every connection is a starter or a worker as the moment
 * needs — SendTaskSuccess for a task a worker holds, StartExecution while fewer tasks wait than
 * there are connections, GetActivityTask otherwise — on a Standard machine of one Task on an
 * activity. Counts the tasks completed (SendTaskSuccess answered 200) per second after a warm-up
 * and the round trip from the StartExecution request (its time is the execution's input) to
 * SendTaskSuccess's answer (the execution goes on). The server's {@code stepwise.engine.activity-poll-wait} should
 * be short (a poll that finds nothing holds its connection that long).
 *
 * <p>With {@code --activity-tasks N} (N > 1) each execution runs N activity tasks one after
 * another (Task, a Pass counting, a Choice looping back), as long-lived workflows do, and as many
 * executions run as there are connections: a task costs GetActivityTask and SendTaskSuccess, not a
 * StartExecution. The round trip is then from one task's SendTaskSuccess request (its time is that
 * task's output, which the next task receives) to the next one's answer.
 */
final class ActivityPhase {
  record Result(long completed, double seconds, double perSecond, long p50Micros, long p99Micros, long started,
      ErrorTally errors, double cpuPercent) {}

  private ActivityPhase() {}

  static Result run(LoadOptions o, SfnEndpoint endpoint, LoadDriver driver, BlockingClient control, String suffix)
      throws IOException {
    String activity = (String) Json.parseObject(control.callOk("CreateActivity",
        "{\"name\":\"httpload-activity-" + suffix + "\"}")).get("activityArn");
    int perExecution = Math.max(1, o.activityTasks());
    String definition = perExecution == 1
        ? "{\"StartAt\":\"Work\",\"States\":{\"Work\":{\"Type\":\"Task\",\"Resource\":" + Json.quote(activity)
            + ",\"End\":true}}}"
        : "{\"StartAt\":\"Work\",\"States\":{"
            + "\"Work\":{\"Type\":\"Task\",\"Resource\":" + Json.quote(activity)
            + ",\"Parameters\":{\"t.$\":\"$.t\",\"n.$\":\"$.n\"},\"ResultPath\":\"$.t\",\"Next\":\"Count\"},"
            + "\"Count\":{\"Type\":\"Pass\",\"Parameters\":{\"t.$\":\"$.t\",\"n.$\":\"States.MathAdd($.n, 1)\"},\"Next\":\"More\"},"
            + "\"More\":{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$.n\",\"NumericLessThan\":" + perExecution
            + ",\"Next\":\"Work\"}],\"Default\":\"Done\"},\"Done\":{\"Type\":\"Succeed\"}}}";
    String machine = SfnEndpoint.createStateMachine(control, "httpload-activity-" + suffix, definition, "STANDARD");
    Tasks tasks = new Tasks(endpoint.requests(), machine, activity, o.connections(), perExecution);
    long start = System.nanoTime();
    tasks.measureFrom = start + o.warmupSeconds() * 1_000_000_000L;
    tasks.stopAt = tasks.measureFrom + o.durationSeconds() * 1_000_000_000L;
    CpuClock cpu = CpuClock.start();
    driver.run(tasks, tasks.stopAt + o.awaitTimeoutSeconds() * 1_000_000_000L);
    double seconds = o.durationSeconds();
    return new Result(tasks.completed, seconds, tasks.completed / seconds, tasks.roundTrips.percentileMicros(50),
        tasks.roundTrips.percentileMicros(99), tasks.started, tasks.errors, cpu.percentOfOneCore());
  }

  private enum Call { START, POLL }

  /** A task a worker holds: its token, when its round trip began, and whether it is its execution's last. */
  private record Held(String token, long scheduledAt, boolean last) {}

  /** Runs on the driver thread only. */
  private static final class Tasks implements LoadDriver.Workload {
    final AwsJsonRequests requests;
    final String startHead;
    final String pollBody;
    final int connections;
    final int perExecution;
    final ArrayDeque<Held> held = new ArrayDeque<>();
    final LatencyHistogram roundTrips = new LatencyHistogram();
    final ErrorTally errors = new ErrorTally();
    long measureFrom;
    long stopAt;
    long started;
    long ended;
    long taken;
    long completed;
    /** The call {@link #next} just gave: a {@link Call}, or the {@link Held} task it completes. */
    Object last;

    Tasks(AwsJsonRequests requests, String machine, String activity, int connections, int perExecution) {
      this.requests = requests;
      this.startHead = "{\"stateMachineArn\":" + Json.quote(machine) + ",\"input\":\"{\\\"n\\\":0,\\\"t\\\":";
      this.pollBody = "{\"activityArn\":" + Json.quote(activity) + ",\"workerName\":\"httpload\"}";
      this.connections = connections;
      this.perExecution = perExecution;
    }

    @Override
    public byte[] next() {
      long now = System.nanoTime();
      if (!held.isEmpty()) {
        Held h = held.poll();
        last = h;
        // one task: its round trip's start, echoed; a loop: now, which the next task receives
        String output = perExecution == 1 ? "{\\\"t\\\":" + h.scheduledAt() + "}" : Long.toString(now);
        return requests.encode("SendTaskSuccess", "{\"taskToken\":" + Json.quote(h.token())
            + ",\"output\":\"" + output + "\"}");
      }
      if (now > stopAt) return null;
      if (perExecution == 1 ? started - taken < connections : started - ended < connections) {
        last = Call.START;
        started++;
        return requests.encode("StartExecution", startHead + System.nanoTime() + "}\"}");
      }
      last = Call.POLL;
      return requests.encode("GetActivityTask", pollBody);
    }

    @Override
    public Object tag() {
      return last;
    }

    @Override
    public void onResponse(HttpResponseParser.Response response, long latencyNanos) {
      throw new UnsupportedOperationException("tagged");
    }

    @Override
    public void onResponse(Object tag, HttpResponseParser.Response response, long latencyNanos) {
      if (response.status() != 200) {
        errors.addHttp(response.status(), response.bodyText());
        return;
      }
      if (tag == Call.POLL) {
        Map<String, Object> task = Json.parseObject(response.bodyText());
        String token = (String) task.get("taskToken");
        if (token == null) return;
        taken++;
        Map<String, Object> input = Json.parseObject((String) task.get("input"));
        long n = input.get("n") instanceof Number k ? k.longValue() : 0;
        held.add(new Held(token, ((Number) input.get("t")).longValue(), n + 1 >= perExecution));
      } else if (tag instanceof Held h) {
        if (h.last()) ended++;
        long now = System.nanoTime();
        if (now >= measureFrom && now <= stopAt) {
          completed++;
          // from the StartExecution request, or the previous task's SendTaskSuccess (its time is the
          // task's input), to this answer
          roundTrips.recordNanos(now - h.scheduledAt());
        }
      }
    }

    @Override
    public void onFailure(Exception e) {
      errors.add("io " + e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
    }
  }
}
