package io.stepwise.loadtests;

import io.stepwise.loadtests.http.AwsJsonRequests;
import io.stepwise.loadtests.http.BlockingClient;
import io.stepwise.loadtests.http.HttpResponseParser;
import io.stepwise.loadtests.http.Json;
import io.stepwise.loadtests.http.LatencyHistogram;
import io.stepwise.loadtests.http.LoadDriver;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * N StartExecution calls with unique names on a STANDARD machine from every connection, then
 * ListExecutions (SUCCEEDED, 1000 a page) until all that started are seen succeeded. Completed/s
 * is N over the time from the first start to the end of the listing that saw the last one.
 */
final class StandardPhase {
  record Result(int requested, long started, double startSeconds, double startsPerSecond, long startP99Micros,
      long succeeded, double completeSeconds, double completedPerSecond, long listCalls, ErrorTally errors,
      double cpuPercent) {}

  private static final int SAMPLE = 20;

  private StandardPhase() {}

  static Result run(LoadOptions o, SfnEndpoint endpoint, LoadDriver driver, BlockingClient control,
      String machineArn, String input, String expectedOutput) throws IOException, InterruptedException {
    Starts starts = new Starts(endpoint.requests(), machineArn, input, o.executions());
    CpuClock cpu = CpuClock.start();
    long first = System.nanoTime();
    driver.run(starts, first + o.awaitTimeoutSeconds() * 1_000_000_000L);
    long started = starts.latencies.count();
    double startSeconds = (System.nanoTime() - first) / 1e9;

    // SUCCEEDED is final, so names seen in any listing stay counted; a page that shifts while
    // executions complete only delays the count to the next listing.
    Set<String> succeeded = new HashSet<>();
    long listCalls = 0;
    long giveUpAt = first + o.awaitTimeoutSeconds() * 1_000_000_000L;
    long done;
    while (true) {
      listCalls += list(control, machineArn, "SUCCEEDED", succeeded);
      done = System.nanoTime();
      if (succeeded.size() >= started || done > giveUpAt) {
        break;
      }
      Thread.sleep(50);
    }
    double completeSeconds = (done - first) / 1e9;
    ErrorTally errors = starts.errors;
    if (succeeded.size() < started) {
      Set<String> failed = new HashSet<>();
      for (String status : List.of("FAILED", "TIMED_OUT", "ABORTED")) {
        list(control, machineArn, status, failed);
      }
      errors.add("not succeeded after " + o.awaitTimeoutSeconds() + " s",
          (started - succeeded.size()) + " executions, of which " + failed.size() + " failed, timed out or aborted");
    }
    verifySample(control, machineArn, starts.namePrefix, (int) Math.min(started, SAMPLE), expectedOutput, errors);
    double cpuPercent = cpu.percentOfOneCore();
    return new Result(o.executions(), started, startSeconds, started / startSeconds,
        starts.latencies.percentileMicros(99), succeeded.size(), completeSeconds,
        succeeded.size() / completeSeconds, listCalls, errors, cpuPercent);
  }

  /** Adds the names of every execution of {@code machineArn} with {@code status}; returns calls made. */
  @SuppressWarnings("unchecked")
  private static int list(BlockingClient control, String machineArn, String status, Set<String> into)
      throws IOException {
    String token = null;
    int calls = 0;
    do {
      String body = "{\"stateMachineArn\":" + Json.quote(machineArn) + ",\"statusFilter\":\"" + status
          + "\",\"maxResults\":1000" + (token == null ? "" : ",\"nextToken\":" + Json.quote(token)) + "}";
      Map<String, Object> page = Json.parseObject(control.callOk("ListExecutions", body));
      calls++;
      for (Object e : (List<Object>) page.getOrDefault("executions", List.of())) {
        into.add((String) ((Map<String, Object>) e).get("name"));
      }
      token = (String) page.get("nextToken");
    } while (token != null);
    return calls;
  }

  /** DescribeExecution on the first few: SUCCEEDED with the output the Express runs gave. */
  private static void verifySample(BlockingClient control, String machineArn, String namePrefix, int n,
      String expectedOutput, ErrorTally errors) throws IOException {
    String executionPrefix = machineArn.replace(":stateMachine:", ":execution:") + ":" + namePrefix;
    String expected = expectedOutput;
    for (int i = 0; i < n; i++) {
      HttpResponseParser.Response r = control.call("DescribeExecution",
          "{\"executionArn\":" + Json.quote(executionPrefix + i) + "}");
      if (r.status() != 200) {
        errors.addHttp(r.status(), r.bodyText());
        continue;
      }
      Map<String, Object> d = Json.parseObject(r.bodyText());
      if (expected == null) {
        expected = (String) d.get("output");
      }
      if (!"SUCCEEDED".equals(d.get("status")) || expected == null || !expected.equals(d.get("output"))) {
        errors.add("described execution not SUCCEEDED with the expected output", r.bodyText());
      }
    }
  }

  /** Sends StartExecution number 0..n-1 on whichever connection is free. */
  private static final class Starts implements LoadDriver.Workload {
    final AwsJsonRequests requests;
    final String head;
    final String tail;
    final String namePrefix = "x" + Long.toString(System.nanoTime() % 1_000_000, 36) + "-";
    final int n;
    final LatencyHistogram latencies = new LatencyHistogram();
    final ErrorTally errors = new ErrorTally();
    int sent;

    Starts(AwsJsonRequests requests, String machineArn, String input, int n) {
      this.requests = requests;
      this.head = "{\"stateMachineArn\":" + Json.quote(machineArn) + ",\"name\":\"";
      this.tail = "\",\"input\":" + Json.quote(input) + "}";
      this.n = n;
    }

    @Override
    public byte[] next() {
      return sent < n ? requests.encode("StartExecution", head + namePrefix + sent++ + tail) : null;
    }

    @Override
    public void onResponse(HttpResponseParser.Response response, long latencyNanos) {
      String body = response.bodyText();
      if (response.status() != 200) {
        errors.addHttp(response.status(), body);
      } else if (!body.contains("\"executionArn\"")) {
        errors.add("no executionArn", body);
      } else {
        latencies.recordNanos(latencyNanos);
      }
    }

    @Override
    public void onFailure(Exception e) {
      errors.add("io " + e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
    }
  }
}
