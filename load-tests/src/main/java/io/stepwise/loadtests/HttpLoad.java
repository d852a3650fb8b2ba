package io.stepwise.loadtests;

import io.stepwise.loadtests.http.BlockingClient;
import io.stepwise.loadtests.http.LoadDriver;
import java.nio.file.Files;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A load generator light enough not to be the limit: StartSyncExecution/s on an EXPRESS machine
 * and Standard executions completed/s, over raw HTTP/1.1 keep-alive connections driven by one
 * NIO thread, every call signed with SigV4. The JS SDK client tops out near 2,000 requests/s on
 * a small machine; this one must drive 10,000/s and more with a fraction of a core.
 * {@code --help} lists the options.
 */
public final class HttpLoad {
  private HttpLoad() {}

  public static void main(String[] args) throws Exception {
    LoadOptions o;
    try {
      o = LoadOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("HttpLoad: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (o == null) {
      System.out.print(LoadOptions.help());
      return;
    }
    CpuClock.start(); // loads the management classes now, not inside a measured window
    String definition = Files.readString(o.workload());
    String input = Files.readString(o.input()).strip();
    SfnEndpoint endpoint = SfnEndpoint.of(o);
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    SyncPhase.Result sync = null;
    StandardPhase.Result standard = null;
    ActivityPhase.Result activity = null;
    try (BlockingClient control = endpoint.control();
        LoadDriver driver = new LoadDriver(endpoint.address(), o.connections())) {
      if (o.runs("sync")) {
        String arn = SfnEndpoint.createStateMachine(control, "httpload-express-" + suffix, definition, "EXPRESS");
        sync = SyncPhase.run(o, endpoint, driver, arn, input);
        printSync(o, sync);
      }
      if (o.runs("standard")) {
        String arn = SfnEndpoint.createStateMachine(control, "httpload-standard-" + suffix, definition, "STANDARD");
        System.out.println("Standard state machine: " + arn);
        standard = StandardPhase.run(o, endpoint, driver, control, arn, input,
            sync == null ? null : sync.expectedOutput());
        printStandard(o, standard);
      }
      if (o.runs("activity")) {
        activity = ActivityPhase.run(o, endpoint, driver, control, suffix);
        System.out.printf(Locale.ROOT, "Activity round trip, %d connections, %.0f s: %.0f tasks/s (%d completed, %d"
                + " started)%n  start-to-success ms: p50 %.2f  p99 %.2f%n  generator CPU: %.0f%% of one core%n",
            o.connections(), activity.seconds(), activity.perSecond(), activity.completed(), activity.started(),
            activity.p50Micros() / 1e3, activity.p99Micros() / 1e3, activity.cpuPercent());
        System.out.print(activity.errors().describe());
      }
    }
    if (o.json()) {
      System.out.println(json(o, sync, standard, activity));
    }
    long errors = (sync == null ? 0 : sync.errors().total()) + (standard == null ? 0 : standard.errors().total())
        + (activity == null ? 0 : activity.errors().total());
    System.exit(errors == 0 ? 0 : 1);
  }

  private static void printSync(LoadOptions o, SyncPhase.Result r) {
    System.out.printf(Locale.ROOT, "StartSyncExecution (EXPRESS), %d connections, %.1f s: %.0f/s (%d ok, %d errors)%n"
            + "  latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f%n"
            + "  generator CPU: %.0f%% of one core%n",
        o.connections(), r.seconds(), r.perSecond(), r.executions(), r.errors().total(),
        r.p50Micros() / 1e3, r.p90Micros() / 1e3, r.p99Micros() / 1e3, r.maxMicros() / 1e3, r.cpuPercent());
    System.out.print(r.errors().describe());
  }

  private static void printStandard(LoadOptions o, StandardPhase.Result r) {
    System.out.printf(Locale.ROOT, "Standard executions, %d connections: %d started in %.2f s (%.0f starts/s, p99 %.2f ms)%n"
            + "  %d SUCCEEDED after %.2f s: %.0f completed/s (%d ListExecutions calls)%n"
            + "  generator CPU: %.0f%% of one core%n",
        o.connections(), r.started(), r.startSeconds(), r.startsPerSecond(), r.startP99Micros() / 1e3,
        r.succeeded(), r.completeSeconds(), r.completedPerSecond(), r.listCalls(), r.cpuPercent());
    System.out.print(r.errors().describe());
  }

  private static String json(LoadOptions o, SyncPhase.Result s, StandardPhase.Result t, ActivityPhase.Result a) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "{\"endpoint\":\"%s\",\"connections\":%d", o.endpoint(), o.connections()));
    if (s != null) {
      sb.append(String.format(Locale.ROOT, ",\"sync\":{\"executions\":%d,\"seconds\":%.3f,\"perSecond\":%.1f,"
              + "\"p50Ms\":%.3f,\"p90Ms\":%.3f,\"p99Ms\":%.3f,\"maxMs\":%.3f,\"errors\":%d,\"cpuPercent\":%.1f%s}",
          s.executions(), s.seconds(), s.perSecond(), s.p50Micros() / 1e3, s.p90Micros() / 1e3,
          s.p99Micros() / 1e3, s.maxMicros() / 1e3, s.errors().total(), s.cpuPercent(), errorKinds(s.errors())));
    }
    if (t != null) {
      sb.append(String.format(Locale.ROOT, ",\"standard\":{\"requested\":%d,\"started\":%d,\"startSeconds\":%.3f,"
              + "\"startsPerSecond\":%.1f,\"succeeded\":%d,\"completeSeconds\":%.3f,\"completedPerSecond\":%.1f,"
              + "\"errors\":%d,\"cpuPercent\":%.1f%s}",
          t.requested(), t.started(), t.startSeconds(), t.startsPerSecond(), t.succeeded(), t.completeSeconds(),
          t.completedPerSecond(), t.errors().total(), t.cpuPercent(), errorKinds(t.errors())));
    }
    if (a != null) {
      sb.append(String.format(Locale.ROOT, ",\"activity\":{\"completed\":%d,\"started\":%d,\"seconds\":%.3f,"
              + "\"tasksPerSecond\":%.1f,\"p50Ms\":%.3f,\"p99Ms\":%.3f,\"errors\":%d,\"cpuPercent\":%.1f%s}",
          a.completed(), a.started(), a.seconds(), a.perSecond(), a.p50Micros() / 1e3, a.p99Micros() / 1e3,
          a.errors().total(), a.cpuPercent(), errorKinds(a.errors())));
    }
    return sb.append('}').toString();
  }

  private static String errorKinds(ErrorTally errors) {
    StringBuilder sb = new StringBuilder(",\"errorKinds\":{");
    String sep = "";
    for (Map.Entry<String, Long> e : errors.counts().entrySet()) {
      sb.append(sep).append(io.stepwise.loadtests.http.Json.quote(e.getKey())).append(':').append(e.getValue());
      sep = ",";
    }
    return sb.append('}').toString();
  }
}
