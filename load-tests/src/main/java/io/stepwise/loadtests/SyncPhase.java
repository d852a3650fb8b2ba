package io.stepwise.loadtests;

import io.stepwise.loadtests.http.AwsJsonRequests;
import io.stepwise.loadtests.http.HttpResponseParser;
import io.stepwise.loadtests.http.Json;
import io.stepwise.loadtests.http.LatencyHistogram;
import io.stepwise.loadtests.http.LoadDriver;
import java.io.IOException;
import java.util.Map;

/**
 * StartSyncExecution on an EXPRESS machine from every connection for a fixed time. Every
 * response is checked: HTTP 200, status SUCCEEDED, and the output equal to the first one's.
 */
final class SyncPhase {
  record Result(long executions, double seconds, double perSecond, long p50Micros, long p90Micros,
      long p99Micros, long maxMicros, ErrorTally errors, String expectedOutput, double cpuPercent) {}

  private SyncPhase() {}

  static Result run(LoadOptions o, SfnEndpoint endpoint, LoadDriver driver, String machineArn, String input)
      throws IOException {
    AwsJsonRequests requests = endpoint.requests();
    AwsJsonRequests.Repeated call = requests.repeated("StartSyncExecution",
        "{\"stateMachineArn\":" + Json.quote(machineArn) + ",\"input\":" + Json.quote(input) + "}");
    Load warmup = new Load(call, null, System.nanoTime() + o.warmupSeconds() * 1_000_000_000L);
    driver.run(warmup, warmup.stopAt + 60_000_000_000L);

    CpuClock cpu = CpuClock.start();
    long start = System.nanoTime();
    Load load = new Load(call, warmup.expectedOutput, start + o.durationSeconds() * 1_000_000_000L);
    driver.run(load, load.stopAt + 60_000_000_000L);
    double seconds = (System.nanoTime() - start) / 1e9;
    LatencyHistogram h = load.latencies;
    if (warmup.errors.total() > 0) {
      load.errors.add("warm-up errors", warmup.errors.describe().strip());
    }
    return new Result(h.count(), seconds, h.count() / seconds, h.percentileMicros(50), h.percentileMicros(90),
        h.percentileMicros(99), h.maxMicros(), load.errors, load.expectedOutput, cpu.percentOfOneCore());
  }

  /** One run of the load: sends until {@code stopAt}, records latency of the good responses. */
  private static final class Load implements LoadDriver.Workload {
    final AwsJsonRequests.Repeated call;
    final long stopAt;
    final LatencyHistogram latencies = new LatencyHistogram();
    final ErrorTally errors = new ErrorTally();
    String expectedOutput;

    Load(AwsJsonRequests.Repeated call, String expectedOutput, long stopAt) {
      this.call = call;
      this.expectedOutput = expectedOutput;
      this.stopAt = stopAt;
    }

    @Override
    public byte[] next() {
      return System.nanoTime() < stopAt ? call.bytes() : null;
    }

    @Override
    public void onResponse(HttpResponseParser.Response response, long latencyNanos) {
      String body = response.bodyText();
      if (response.status() != 200) {
        errors.addHttp(response.status(), body);
        return;
      }
      Map<String, Object> r;
      try {
        r = Json.parseObject(body);
      } catch (IllegalArgumentException e) {
        errors.add("unparseable body", body);
        return;
      }
      if (!"SUCCEEDED".equals(r.get("status"))) {
        errors.add("status " + r.get("status"), body);
        return;
      }
      Object output = r.get("output");
      if (expectedOutput == null && output instanceof String s) {
        expectedOutput = s; // The first success defines what every later one must answer.
      }
      if (!(output instanceof String) || !output.equals(expectedOutput)) {
        errors.add("output differs from the first", body);
        return;
      }
      latencies.recordNanos(latencyNanos);
    }

    @Override
    public void onFailure(Exception e) {
      errors.add("io " + e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
    }
  }
}
