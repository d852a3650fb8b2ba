package io.stepwise.engine.mock;

import io.stepwise.asl.interpreter.Effect;
import io.stepwise.asl.interpreter.Signal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mock configuration a server runs with ({@code --mock-config}, {@code SFN_MOCK_CONFIG}), read
 * again whenever the file changes. A file that breaks a rule is refused at start (the server does
 * not start); a change that breaks one is logged with its line and the configuration in use stays.
 * Executions read the configuration in use when a task is invoked.
 */
public final class Mocks implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Mocks.class);

  /** No mock configuration: no test case exists and no task is mocked. */
  public static final Mocks NONE = new Mocks(null, null, MockConfig.EMPTY, null);

  private final Path file;
  private volatile MockConfig config;
  private volatile String seen;
  private final ScheduledExecutorService watcher;

  private Mocks(Path file, String seen, MockConfig config, Duration every) {
    this.file = file;
    this.config = config;
    this.seen = seen;
    if (file == null) {
      this.watcher = null;
    } else {
      this.watcher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stepwise-mock-config");
        t.setDaemon(true);
        return t;
      });
      watcher.scheduleWithFixedDelay(this::reloadIfChanged, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Reads {@code file} and checks it every {@code every} for a change.
   *
   * @throws MockConfig.Invalid if the file breaks a rule (the message names the line)
   * @throws UncheckedIOException if it cannot be read
   */
  public static Mocks load(Path file, Duration every) {
    // stamped before it is read: a change made while it is read is read again at the first check
    String seen = stamp(file);
    return new Mocks(file, seen, read(file), every);
  }

  /** The file in use, if any. */
  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }

  public MockConfig current() {
    return config;
  }

  /**
   * How {@code task} is answered in {@code testCase} of the machine named {@code machineName}: a
   * success with the mocked {@code Return}, a failure with the mocked {@code Throw}, or null when
   * the test case does not mock the task's state.
   */
  public Signal answer(String machineName, String testCase, Effect.ScheduleTask task) {
    return config.response(machineName, testCase, task.stateName(), task.invocation())
        .map(r -> r.fails() ? (Signal) new Signal.TaskFailed(task.id(), r.error(), r.cause())
            : new Signal.TaskSucceeded(task.id(), r.result()))
        .orElse(null);
  }

  /** Reads the file again if it changed since it was last read; keeps the configuration in use if it breaks a rule. */
  public void reloadIfChanged() {
    if (file == null) return;
    String now = stamp(file);
    if (now == null || now.equals(seen)) return;
    try {
      config = read(file);
      seen = now;
      log.info("Mock configuration {} read again", file);
    } catch (MockConfig.Invalid e) {
      seen = now; // reported once; the next change is read again
      log.error("Mock configuration {} changed but is not used, the one read before stays: {}", file, e.getMessage());
    } catch (UncheckedIOException e) {
      // not marked seen: read again at the next check
      log.warn("Mock configuration {} changed but could not be read yet: {}", file, e.getMessage());
    }
  }

  private static MockConfig read(Path file) {
    try {
      return MockConfig.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the mock configuration " + file + ": " + e, e);
    }
  }

  /** When and how big the file last was: a change of either is a change. */
  private static String stamp(Path file) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return a.lastModifiedTime().toMillis() + "/" + a.size() + "/" + a.fileKey();
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public void close() {
    if (watcher != null) watcher.shutdownNow();
  }
}
