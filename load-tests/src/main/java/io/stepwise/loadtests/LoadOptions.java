package io.stepwise.loadtests;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * HttpLoad's options: {@code --name value} (or {@code --name=value}) on the command line, else
 * the system property {@code httpload.name}, else the default below.
 */
record LoadOptions(
    URI endpoint,
    int connections,
    int durationSeconds,
    int warmupSeconds,
    int executions,
    int awaitTimeoutSeconds,
    Path workload,
    Path input,
    String accessKey,
    String secretKey,
    String region,
    String phase,
    int activityTasks,
    boolean json) {

  /** Name, default, help: the single list that both parsing and --help read. */
  private static final String[][] OPTIONS = {
    {"endpoint", "http://127.0.0.1:8083", "Step Functions endpoint (http only)"},
    {"connections", "64", "keep-alive connections, one request in flight on each"},
    {"duration", "10", "seconds of measured StartSyncExecution load"},
    {"warmup", "3", "seconds of unmeasured StartSyncExecution load first (JIT, caches)"},
    {"executions", "20000", "Standard executions to start and await (alias -n)"},
    {"timeout", "300", "seconds to wait for the Standard executions to succeed"},
    {"workload", Workloads.DEFINITION, "state machine definition"},
    {"input", Workloads.INPUT, "execution input"},
    {"access-key", "test", "SigV4 access key id"},
    {"secret-key", "test", "SigV4 secret access key"},
    {"region", "us-east-1", "SigV4 region"},
    {"phase", "both", "sync | standard | both | activity (the activity round trip; not part of both)"},
    {"activity-tasks", "1", "activity tasks each execution runs one after another (1: a Task and its end)"},
    {"json", "false", "also print one JSON line with every figure"},
  };

  static String help() {
    StringBuilder sb = new StringBuilder("""
        HttpLoad: StartSyncExecution/s (EXPRESS) and Standard executions completed/s over raw
        HTTP/1.1 keep-alive connections, signed with SigV4, from one NIO thread.
        usage: HttpLoad [--name value]...   (or -Dhttpload.name=value)
        """);
    for (String[] o : OPTIONS) {
      sb.append(String.format("  --%-12s %s (default %s)%n", o[0], o[2], o[1]));
    }
    return sb.toString();
  }

  /** Parses {@code args}; null when the caller asked for --help. */
  static LoadOptions parse(String[] args) {
    Map<String, String> v = new LinkedHashMap<>();
    for (String[] o : OPTIONS) {
      v.put(o[0], System.getProperty("httpload." + o[0], o[1]));
    }
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        return null;
      }
      String name;
      String value;
      if (a.equals("-n")) {
        name = "executions";
        value = arg(args, ++i, a);
      } else if (a.startsWith("--") && a.contains("=")) {
        name = a.substring(2, a.indexOf('='));
        value = a.substring(a.indexOf('=') + 1);
      } else if (a.equals("--json")) {
        name = "json";
        value = "true";
      } else if (a.startsWith("--")) {
        name = a.substring(2);
        value = arg(args, ++i, a);
      } else {
        throw new IllegalArgumentException("unexpected argument " + a + " (see --help)");
      }
      if (!v.containsKey(name)) {
        throw new IllegalArgumentException("unknown option --" + name + " (see --help)");
      }
      v.put(name, value);
    }
    String phase = v.get("phase");
    if (!phase.matches("sync|standard|both|activity")) {
      throw new IllegalArgumentException("--phase is sync, standard, both or activity, not " + phase);
    }
    URI endpoint = URI.create(v.get("endpoint"));
    if (!"http".equals(endpoint.getScheme())) {
      throw new IllegalArgumentException("--endpoint must be http://host:port");
    }
    return new LoadOptions(endpoint, Integer.parseInt(v.get("connections")),
        Integer.parseInt(v.get("duration")), Integer.parseInt(v.get("warmup")),
        Integer.parseInt(v.get("executions")), Integer.parseInt(v.get("timeout")),
        Workloads.resolve(v.get("workload")), Workloads.resolve(v.get("input")), v.get("access-key"),
        v.get("secret-key"), v.get("region"), phase, Integer.parseInt(v.get("activity-tasks")),
        Boolean.parseBoolean(v.get("json")));
  }

  boolean runs(String p) {
    return phase.equals(p) || (phase.equals("both") && !p.equals("activity"));
  }

  private static String arg(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }
}
