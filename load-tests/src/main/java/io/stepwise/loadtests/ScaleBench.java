package io.stepwise.loadtests;

import io.stepwise.loadtests.http.AwsJsonRequests;
import io.stepwise.loadtests.http.BlockingClient;
import io.stepwise.loadtests.http.HttpResponseParser;
import io.stepwise.loadtests.http.Json;
import io.stepwise.loadtests.http.LoadDriver;
import io.stepwise.loadtests.http.SigV4Signer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The engine at scale, on a server JVM it forks and kills itself:
 * <ol>
 *   <li>{@code parked}: N Standard executions parked in an hour-long Wait on a server with
 *       {@code -Xmx2g}: start rate, heap after a full GC, RSS, disk; then {@code kill -9} and a
 *       restart on the same data: time from JVM start to the first answer.
 *   <li>{@code due}: M executions waiting 20 s, {@code kill -9} right after the starts, a restart
 *       once every deadline has passed: how fast the due timers fire (all M to SUCCEEDED).
 *   <li>{@code virtual}: V executions each waiting one day on {@code --clock virtual}: time until
 *       all have succeeded.
 * </ol>
 * Usage: {@code ScaleBench [--jar server/target/stepwise-all.jar] [--parked N] [--due M]
 * [--virtual V] [--connections 64]}; a count of 0 skips its scenario.
 */
public final class ScaleBench {
  private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

  private final Path jar;
  private final int connections;

  private ScaleBench(Path jar, int connections) {
    this.jar = jar;
    this.connections = connections;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> o = new java.util.HashMap<>(Map.of("jar", "server/target/stepwise-all.jar",
        "parked", "1000000", "due", "100000", "virtual", "100000", "connections", "64"));
    for (int i = 0; i + 1 < args.length; i += 2) o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    ScaleBench bench = new ScaleBench(Path.of(o.get("jar")), Integer.parseInt(o.get("connections")));
    int parked = Integer.parseInt(o.get("parked"));
    int due = Integer.parseInt(o.get("due"));
    int virtual = Integer.parseInt(o.get("virtual"));
    if (parked > 0) bench.parked(parked);
    if (due > 0) bench.due(due);
    if (virtual > 0) bench.virtual(virtual);
  }

  private void parked(int n) throws Exception {
    Path data = Files.createTempDirectory("stepwise-parked");
    Server s = Server.start(jar, data, List.of());
    String arn = s.createMachine("parked", wait(3600));
    double rate = s.startAll(arn, n, connections);
    s.jcmd("GC.run");
    long heapKb = s.heapUsedKb();
    System.out.printf(Locale.ROOT, "[parked] %d executions waiting 1 h: started at %.0f/s; heap after GC %.1f MiB,"
        + " RSS %.1f MiB, disk %.1f MiB%n", n, rate, heapKb / 1024.0, s.rssKb() / 1024.0, sizeOf(data) / 1048576.0);
    s.kill9();
    Server again = Server.start(jar, data, List.of());
    System.out.printf(Locale.ROOT, "[parked] restart with %d stored: JVM start to first answer %.2f s%n", n,
        again.startSeconds);
    long running = again.count(arn, "RUNNING", 2);
    System.out.printf(Locale.ROOT, "[parked] after the restart: %s still RUNNING (listing answers)%n",
        running > 1 ? "many" : String.valueOf(running));
    again.stop();
    deleteTree(data);
  }

  private void due(int n) throws Exception {
    Path data = Files.createTempDirectory("stepwise-due");
    Server s = Server.start(jar, data, List.of());
    int waitSeconds = 20;
    String arn = s.createMachine("due", wait(waitSeconds));
    long t0 = System.nanoTime();
    double rate = s.startAll(arn, n, connections);
    s.kill9();
    long lastDeadline = t0 + TimeUnit.SECONDS.toNanos(waitSeconds) + (System.nanoTime() - t0);
    long sleep = lastDeadline - System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    if (sleep > 0) Thread.sleep(TimeUnit.NANOSECONDS.toMillis(sleep));
    long restart = System.nanoTime();
    Server again = Server.start(jar, data, List.of());
    long ready = System.nanoTime();
    again.awaitNoneRunning(arn, 600);
    long done = System.nanoTime();
    long succeeded = again.count(arn, "SUCCEEDED", n + 1);
    System.out.printf(Locale.ROOT, "[due] %d executions started at %.0f/s, killed, all due at restart: %d SUCCEEDED;"
        + " all fired %.2f s after the JVM started (%.0f/s), %.2f s after its first answer (%.0f/s)%n", n, rate,
        succeeded, (done - restart) / 1e9, n / ((done - restart) / 1e9), (done - ready) / 1e9,
        n / ((done - ready) / 1e9));
    again.stop();
    deleteTree(data);
  }

  private void virtual(int n) throws Exception {
    Path data = Files.createTempDirectory("stepwise-virtual");
    Server s = Server.start(jar, data, List.of("--clock", "virtual"));
    String arn = s.createMachine("day", wait(86_400));
    long t0 = System.nanoTime();
    double rate = s.startAll(arn, n, connections);
    s.awaitNoneRunning(arn, 600);
    long done = System.nanoTime();
    long succeeded = s.count(arn, "SUCCEEDED", n + 1);
    System.out.printf(Locale.ROOT, "[virtual] %d executions waiting 1 day each (started at %.0f/s): %d SUCCEEDED"
        + " %.2f s after the first start%n", n, rate, succeeded, (done - t0) / 1e9);
    s.stop();
    deleteTree(data);
  }

  private static String wait(int seconds) {
    return "{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Wait\",\"Seconds\":" + seconds
        + ",\"Next\":\"P\"},\"P\":{\"Type\":\"Pass\",\"Result\":\"woke\",\"End\":true}}}";
  }

  /** A forked server JVM. */
  private static final class Server {
    final Process process;
    final int port;
    final double startSeconds;
    final BlockingClient control;
    final AwsJsonRequests requests;

    private Server(Process process, int port, double startSeconds) {
      this.process = process;
      this.port = port;
      this.startSeconds = startSeconds;
      this.requests = new AwsJsonRequests(new SigV4Signer("test", "test", "us-east-1", "states",
          "127.0.0.1:" + port), "AWSStepFunctions");
      this.control = new BlockingClient(new InetSocketAddress("127.0.0.1", port), requests);
    }

    static Server start(Path jar, Path data, List<String> extra) throws Exception {
      int port;
      try (ServerSocket free = new ServerSocket(0)) {
        port = free.getLocalPort();
      }
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx2g"));
      // The class-data archive ./stepwise records beside the jar, as ./stepwise starts the server.
      Path archive = jar.resolveSibling("stepwise.jsa");
      if (Files.isRegularFile(archive) && Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) >= 0) {
        cmd.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off"));
      }
      // Extra options for the server JVM, e.g. a profiler agent: SERVER_JAVA_OPTS="-javaagent:...".
      String extraJvm = System.getenv("SERVER_JAVA_OPTS");
      if (extraJvm != null && !extraJvm.isBlank()) cmd.addAll(List.of(extraJvm.trim().split("\\s+")));
      cmd.addAll(List.of("-jar", jar.toString(), "serve", "--port", String.valueOf(port), "--data-dir", data.toString()));
      cmd.addAll(extra);
      long t0 = System.nanoTime();
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(data.resolveSibling(data.getFileName() + ".log").toFile()).start();
      AwsJsonRequests req = new AwsJsonRequests(new SigV4Signer("test", "test", "us-east-1", "states",
          "127.0.0.1:" + port), "AWSStepFunctions");
      while (true) {
        if (!p.isAlive()) throw new IllegalStateException("server exited; see its log beside " + data);
        try (BlockingClient c = new BlockingClient(new InetSocketAddress("127.0.0.1", port), req)) {
          if (c.call("ListStateMachines", "{}").status() == 200) break;
        } catch (IOException notYet) {
          Thread.sleep(20);
        }
      }
      Path log = data.resolveSibling(data.getFileName() + ".log");
      try (var lines = Files.lines(log)) {
        lines.filter(l -> l.contains("Started in")).findFirst()
            .ifPresent(l -> System.out.println("  server: " + l.substring(l.indexOf("Started in"))));
      } catch (IOException | java.io.UncheckedIOException ignored) {
        // the log is only for the reader
      }
      return new Server(p, port, (System.nanoTime() - t0) / 1e9);
    }

    String createMachine(String name, String definition) throws IOException {
      return SfnEndpoint.createStateMachine(control, name, definition, "STANDARD");
    }

    /** Starts n executions from {@code connections} connections; returns starts per second. */
    double startAll(String machineArn, int n, int connections) throws IOException {
      String head = "{\"stateMachineArn\":" + Json.quote(machineArn) + ",\"name\":\"e";
      int[] sent = {0};
      long[] errors = {0};
      long t0 = System.nanoTime();
      try (LoadDriver driver = new LoadDriver(new InetSocketAddress("127.0.0.1", port), connections)) {
        driver.run(new LoadDriver.Workload() {
          @Override
          public byte[] next() {
            return sent[0] < n ? requests.encode("StartExecution", head + sent[0]++ + "\",\"input\":\"{}\"}") : null;
          }

          @Override
          public void onResponse(HttpResponseParser.Response response, long latencyNanos) {
            if (response.status() != 200) errors[0]++;
          }

          @Override
          public void onFailure(Exception e) {
            errors[0]++;
          }
        }, System.nanoTime() + TimeUnit.HOURS.toNanos(2));
      }
      if (errors[0] > 0) System.out.println("  start errors: " + errors[0]);
      return n / ((System.nanoTime() - t0) / 1e9);
    }

    /** Executions with {@code status}, counted by pages of 1000 up to {@code atMost}. */
    @SuppressWarnings("unchecked")
    long count(String machineArn, String status, long atMost) throws IOException {
      long n = 0;
      String token = null;
      do {
        String body = "{\"stateMachineArn\":" + Json.quote(machineArn) + ",\"statusFilter\":\"" + status
            + "\",\"maxResults\":" + Math.min(1000, Math.max(1, atMost - n)) + (token == null ? "" : ",\"nextToken\":" + Json.quote(token)) + "}";
        Map<String, Object> page = Json.parseObject(control.callOk("ListExecutions", body));
        n += ((List<Object>) page.getOrDefault("executions", List.of())).size();
        token = (String) page.get("nextToken");
      } while (token != null && n < atMost);
      return n;
    }

    void awaitNoneRunning(String machineArn, int seconds) throws Exception {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (count(machineArn, "RUNNING", 1) > 0) {
        if (System.nanoTime() > until) throw new IllegalStateException("executions still RUNNING after " + seconds + " s");
        Thread.sleep(100);
      }
    }

    String jcmd(String command) throws Exception {
      Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
          String.valueOf(process.pid()), command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      p.waitFor();
      return out;
    }

    long heapUsedKb() throws Exception {
      Matcher m = HEAP_USED.matcher(jcmd("GC.heap_info"));
      return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    long rssKb() throws IOException {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
        if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", ""));
      }
      return -1;
    }

    void kill9() throws InterruptedException {
      control.close();
      process.destroyForcibly();
      process.waitFor();
    }

    void stop() throws InterruptedException {
      control.close();
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    }
  }

  private static long sizeOf(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
    Files.deleteIfExists(dir.resolveSibling(dir.getFileName() + ".log"));
  }
}
