package io.stepwise.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * A Stepwise server in a JVM of its own ({@code Main serve} on the test classpath), so a test can
 * kill it for real: {@link #kill9()} is a SIGKILL, no shutdown hook runs and nothing is flushed.
 * Its stdout and stderr go to {@link #log()}, which {@link #logText()} reads for failure messages.
 */
final class ForkedServer implements AutoCloseable {
  private static final Pattern SERVING = Pattern.compile("serving on http://([^:]+):(\\d+)");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final AtomicInteger STARTED = new AtomicInteger();

  private final Process process;
  private final Path log;
  private final int port;
  private Duration startup;

  private ForkedServer(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** Starts {@code serve --port 0 --data-dir dataDir extraArgs...} and returns once GET /health answers 200. */
  static ForkedServer start(Path dataDir, String... extraArgs) throws IOException, InterruptedException {
    return start(List.of(), dataDir, extraArgs);
  }

  /**
   * The same with every file the server writes limited to {@code kilobytes} ({@code ulimit -f}), as
   * a full disk or a quota would stop it: past the limit its writes fail (the JVM ignores SIGXFSZ).
   */
  static ForkedServer startWithFileSizeLimit(long kilobytes, Path dataDir, String... extraArgs)
      throws IOException, InterruptedException {
    return start(List.of("bash", "-c", "ulimit -f " + kilobytes + " && exec \"$@\"", "bash"), dataDir, extraArgs);
  }

  private static ForkedServer start(List<String> prefix, Path dataDir, String... extraArgs)
      throws IOException, InterruptedException {
    Path log = newLogFile();
    List<String> command = new ArrayList<>(prefix);
    command.addAll(List.of(javaExecutable(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "serve", "--port", "0", "--data-dir", dataDir.toString()));
    command.addAll(List.of(extraArgs));
    Process process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
        .start();
    long began = System.nanoTime();
    try {
      int port = awaitPort(process, log);
      ForkedServer server = new ForkedServer(process, log, port);
      server.awaitHealthy();
      server.startup = Duration.ofNanos(System.nanoTime() - began);
      return server;
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      throw e;
    }
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  /** The exit status once the process has ended within {@code timeout}, else null. */
  Integer awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
  }

  /** From forking the JVM to the first healthy answer (recovery included, if the server recovers before it serves). */
  Duration startup() {
    return startup;
  }

  Path log() {
    return log;
  }

  /** The server's output so far, for assertion messages. */
  String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** An SDK client as users build one (host-prefix injection off), with no retries: a test sees every answer. */
  SfnClient sfn() {
    return SfnClient.builder()
        .endpointOverride(endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        // Longer than the server's own request timeout, so every answer, slow or not, is the server's.
        .httpClient(ApacheHttpClient.builder().maxConnections(64).socketTimeout(Duration.ofSeconds(120)).build())
        .overrideConfiguration(c -> c
            .putAdvancedOption(SdkAdvancedClientOption.DISABLE_HOST_PREFIX_INJECTION, true)
            .retryStrategy(r -> r.maxAttempts(1)))
        .build();
  }

  /** SIGKILL (what {@code destroyForcibly} sends on Linux), then waits until the process is gone. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("server pid " + process.pid() + " still alive 30 s after SIGKILL");
    }
    if (process.exitValue() != 128 + 9) {
      throw new AssertionError("server pid " + process.pid() + " exited with " + process.exitValue()
          + ", not by SIGKILL (137); log:\n" + logText());
    }
    if (ProcessHandle.of(process.pid()).map(ProcessHandle::isAlive).orElse(false)) {
      throw new AssertionError("server pid " + process.pid() + " is still alive after SIGKILL");
    }
  }

  /** A graceful stop (SIGTERM runs the shutdown hook); SIGKILL if it takes longer than 30 s. */
  void stop() throws InterruptedException {
    if (!process.isAlive()) return;
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  private void awaitHealthy() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest health = HttpRequest.newBuilder(endpoint().resolve("/health")).timeout(Duration.ofSeconds(5)).GET().build();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      try {
        if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return;
      } catch (IOException notYet) {
        // not listening yet
      }
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("server on port " + port + " never became healthy; log:\n" + logText());
      }
      Thread.sleep(100);
    }
  }

  private static int awaitPort(Process process, Path log) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      String text = Files.readString(log, StandardCharsets.UTF_8);
      Matcher m = SERVING.matcher(text);
      if (m.find()) return Integer.parseInt(m.group(2));
      if (!process.isAlive()) {
        throw new IllegalStateException("server exited with " + process.exitValue() + " before serving; log:\n" + text);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("server not serving after " + START_TIMEOUT + "; log:\n" + text);
      }
      Thread.sleep(50);
    }
  }

  private static String javaExecutable() {
    return ProcessHandle.current().info().command()
        .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /** Under target/ (kept after the build for a look at a failure), else in the temporary directory. */
  private static Path newLogFile() throws IOException {
    String name = "forked-server-" + ProcessHandle.current().pid() + "-" + STARTED.incrementAndGet() + ".log";
    Path target = Path.of("target");
    if (Files.isDirectory(target)) {
      Path file = Files.createDirectories(target.resolve("forked-servers")).resolve(name);
      return Files.write(file, new byte[0]);
    }
    return Files.createTempFile(name.replace(".log", "-"), ".log");
  }
}
