package io.stepwise.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.server.CrashWorkload.Planned;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.StateMachineType;

/**
 * Crash safety, black box: 5,000 Standard executions are started through the AWS SDK against a
 * server in its own JVM, which is then killed with SIGKILL while most of them are in a Wait, a
 * retry back-off or before their execution timeout. A new server on the same data directory must
 * finish every execution whose start was acknowledged, in the right terminal state with the right
 * output, with a history that has no gap, no repeated step and exactly one end, and with no timer
 * that fired before its time. A start the kill cut off may or may not exist, but if it does it
 * must be just as sound.
 */
class KillNineRecoveryIT {
  /** {@code -Dcrash.executions=500} for a quick local run. */
  private static final int EXECUTIONS = Integer.getInteger("crash.executions", 5_000);
  private static final int CLIENTS = 32;
  private static final Duration START_PHASE_LIMIT = Duration.ofMinutes(4);
  private static final Duration SETTLE_LIMIT = Duration.ofMinutes(3);
  private static final String EXECUTION_ARN = "arn:aws:states:us-east-1:123456789012:execution:%s:%s";

  @TempDir Path dataDir;

  private final Map<String, Planned> attempted = new ConcurrentHashMap<>();
  private final Map<String, Long> acknowledgedAt = new ConcurrentHashMap<>();
  private final Set<String> unanswered = ConcurrentHashMap.newKeySet();
  private final Map<CrashWorkload, List<String>> referenceTypes = new EnumMap<>(CrashWorkload.class);
  private final List<ForkedServer> servers = new ArrayList<>();

  @Test
  void killNine_midFlight_everyAcknowledgedExecutionFinishesOnceAndCorrectly() throws Exception {
    try {
      run();
    } catch (Throwable t) {
      for (ForkedServer s : servers) System.out.println("==== server log " + s.log() + "\n" + tail(s.logText(), 300));
      throw t;
    } finally {
      for (ForkedServer s : servers) s.stop();
    }
  }

  private void run() throws Exception {
    ForkedServer first = fork();
    System.out.printf("first server healthy in %.1f s (load average %.1f on %d cores)%n", first.startup().toMillis() / 1e3,
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), Runtime.getRuntime().availableProcessors());
    long startPhaseBegan;
    long killedAt;
    try (SfnClient sfn = first.sfn()) {
      for (CrashWorkload kind : CrashWorkload.values()) {
        sfn.createStateMachine(b -> b.name(kind.machineName).definition(kind.definition).roleArn(Definitions.ROLE)
            .type(StateMachineType.STANDARD));
      }
      startPhaseBegan = System.nanoTime();
      killedAt = startUntilKilled(sfn, first);
    }
    double startSeconds = (killedAt - startPhaseBegan) / 1e9;
    System.out.printf("started: %d acknowledged, %d unanswered at the kill, in %.1f s (%.0f starts/s)%n",
        acknowledgedAt.size(), unanswered.size(), startSeconds, acknowledgedAt.size() / startSeconds);
    long inFlight = acknowledgedAt.entrySet().stream()
        .filter(e -> e.getValue() + attempted.get(e.getKey()).duration().toNanos() > killedAt).count();
    System.out.printf("in flight at the kill (by plan): %d of %d%n", inFlight, acknowledgedAt.size());
    assertThat(acknowledgedAt).hasSizeGreaterThanOrEqualTo(EXECUTIONS);
    assertThat(inFlight).as("most executions are mid-flight at the kill").isGreaterThan(acknowledgedAt.size() / 2);

    ForkedServer second = fork();
    long restartedAt = System.nanoTime();
    System.out.printf("restarted: healthy %.1f s after the kill (the new JVM took %.1f s; load average %.1f)%n",
        (restartedAt - killedAt) / 1e9, second.startup().toMillis() / 1e3,
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    try (SfnClient sfn = second.sfn()) {
      Map<String, ExecutionListItem> listed = settle(sfn);
      System.out.printf("settled: every execution ended %.1f s after the restart%n", (System.nanoTime() - restartedAt) / 1e9);
      long verifyBegan = System.nanoTime();
      Map<String, List<String>> problems = verify(sfn, listed);
      System.out.printf("verified %d executions (full history each, DescribeExecution where needed) in %.1f s%n",
          listed.size(), (System.nanoTime() - verifyBegan) / 1e9);
      assertThat(problems).as(() -> report(sfn, problems)).isEmpty();
    }
  }

  private ForkedServer fork() throws Exception {
    ForkedServer server = ForkedServer.start(dataDir);
    servers.add(server);
    return server;
  }

  /**
   * Starts executions from {@link #CLIENTS} threads and kills the server once {@link #EXECUTIONS}
   * starts are acknowledged, while the threads are still starting more. Returns when it was killed.
   */
  private long startUntilKilled(SfnClient sfn, ForkedServer server) throws Exception {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger acknowledged = new AtomicInteger();
    AtomicBoolean killing = new AtomicBoolean();
    CountDownLatch enough = new CountDownLatch(1);
    ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    long began = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    for (int t = 0; t < CLIENTS; t++) {
      pool.submit(() -> {
        while (!killing.get()) {
          int id = next.getAndIncrement();
          Planned p = plan(id, acknowledged.get(), System.nanoTime() - began);
          attempted.put(p.name(), p);
          String machine = machineArn(p.kind());
          try {
            String arn = sfn.startExecution(b -> b.stateMachineArn(machine).name(p.name()).input(p.input()))
                .executionArn();
            acknowledgedAt.put(p.name(), System.nanoTime());
            if (!arn.equals(executionArn(p))) errors.add(p.name() + ": StartExecution answered " + arn);
            if (acknowledged.incrementAndGet() == EXECUTIONS) enough.countDown();
          } catch (SdkException e) {
            unanswered.add(p.name());
            if (!killing.get()) errors.add(p.name() + ": StartExecution failed before the kill: " + e);
          }
        }
        return null;
      });
    }
    boolean reached = enough.await(START_PHASE_LIMIT.toSeconds(), TimeUnit.SECONDS);
    killing.set(true);
    server.kill9();
    long killedAt = System.nanoTime();
    pool.shutdown();
    assertThat(pool.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
    assertThat(errors).as("start errors before the kill").isEmpty();
    assertThat(reached).as("%d starts acknowledged within %s", EXECUTIONS, START_PHASE_LIMIT).isTrue();
    return killedAt;
  }

  /**
   * Waits (60% of the executions) end 2–11 s after the kill, whatever the start rate: each adds
   * the start time it expects is left (from the rate so far, with a margin), so nearly all are
   * still waiting when the kill comes, and their deadlines fall partly while the server is down
   * and partly after it is back.
   */
  private static Planned plan(int id, int acknowledged, long elapsedNanos) {
    double rate = acknowledged >= 200 ? acknowledged / (elapsedNanos / 1e9) : 100;
    int lead = (int) Math.min(120, Math.ceil(1.2 * Math.max(0, EXECUTIONS - acknowledged) / rate));
    CrashWorkload kind = CrashWorkload.of(id);
    boolean waits = kind == CrashWorkload.WAIT || kind == CrashWorkload.WAIT_THEN_FAIL;
    return new Planned(id, kind, waits ? lead + 2 + (id / 20) % 10 : 0);
  }

  /** Lists every machine's executions until nothing we started (and no reference run) is RUNNING. */
  private Map<String, ExecutionListItem> settle(SfnClient sfn) throws Exception {
    Map<CrashWorkload, String> references = new EnumMap<>(CrashWorkload.class);
    for (CrashWorkload kind : CrashWorkload.values()) {
      Planned reference = new Planned(-1, kind, 1);
      references.put(kind, sfn.startExecution(b -> b.stateMachineArn(machineArn(kind)).name(referenceName(kind))
          .input(reference.input())).executionArn());
    }
    long deadline = System.nanoTime() + SETTLE_LIMIT.toNanos();
    for (boolean firstListing = true; ; firstListing = false) {
      Map<String, ExecutionListItem> listed = listAll(sfn);
      List<String> running = new ArrayList<>();
      for (String name : acknowledgedAt.keySet()) {
        ExecutionListItem item = listed.get(name);
        if (item == null || item.status() == ExecutionStatus.RUNNING) running.add(name);
      }
      listed.values().stream().filter(i -> i.status() == ExecutionStatus.RUNNING).map(ExecutionListItem::name)
          .filter(n -> !acknowledgedAt.containsKey(n)).forEach(running::add);
      if (firstListing) System.out.printf("after the restart: %d executions RUNNING%n", running.size());
      if (running.isEmpty()) {
        for (Map.Entry<CrashWorkload, String> r : references.entrySet()) {
          referenceTypes.put(r.getKey(), HistoryInvariants.types(history(sfn, r.getValue())));
        }
        listed.keySet().removeIf(name -> name.startsWith("reference-"));
        return listed;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(running.size() + " executions not ended " + SETTLE_LIMIT + " after the restart, e.g. "
            + running.stream().sorted().limit(20).toList());
      }
      Thread.sleep(1000);
    }
  }

  /** Every machine's executions by name (the test never gives two executions one name). */
  private Map<String, ExecutionListItem> listAll(SfnClient sfn) {
    Map<String, ExecutionListItem> all = new HashMap<>();
    for (CrashWorkload kind : CrashWorkload.values()) {
      sfn.listExecutionsPaginator(b -> b.stateMachineArn(machineArn(kind)).maxResults(1000)).executions()
          .forEach(item -> {
            ExecutionListItem before = all.put(item.name(), item);
            if (before != null) {
              throw new AssertionError("listed twice: " + before + " and " + item);
            }
          });
    }
    return all;
  }

  private Map<String, List<String>> verify(SfnClient sfn, Map<String, ExecutionListItem> listed) throws Exception {
    Map<String, List<String>> problems = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    List<Future<?>> checks = new ArrayList<>();
    for (String name : listed.keySet()) {
      if (!attempted.containsKey(name)) problems.put(name, List.of("listed, but never started"));
    }
    for (Planned p : attempted.values()) {
      boolean acknowledged = acknowledgedAt.containsKey(p.name());
      ExecutionListItem item = listed.get(p.name());
      if (!acknowledged && !unanswered.contains(p.name())) continue; // planned, never sent
      checks.add(pool.submit(() -> {
        List<String> found = check(sfn, p, acknowledged, item);
        if (!found.isEmpty()) problems.put(p.name(), found);
        return null;
      }));
    }
    for (Future<?> c : checks) c.get();
    pool.shutdown();
    return problems;
  }

  /**
   * Everything wrong with one execution, as lines. Its history (which carries input, output and
   * error) is read for every execution; DescribeExecution where the listing cannot answer (a
   * start the kill cut off, an execution missing from the listing) and for one in ten, which
   * must agree with the listing and the history.
   */
  private List<String> check(SfnClient sfn, Planned p, boolean acknowledged, ExecutionListItem item) {
    List<String> problems = new ArrayList<>();
    ExecutionStatus status = item == null ? null : item.status();
    if (item == null || !acknowledged || p.id() % 10 == 0) {
      DescribeExecutionResponse d;
      try {
        d = sfn.describeExecution(b -> b.executionArn(executionArn(p)));
      } catch (ExecutionDoesNotExistException e) {
        if (acknowledged) problems.add("acknowledged, but DescribeExecution says it does not exist");
        if (item != null) problems.add("listed, but DescribeExecution says it does not exist");
        return problems;
      }
      if (item == null) problems.add("exists, but ListExecutions does not show it");
      else if (item.status() != d.status()) problems.add("listed " + item.status() + " but described " + d.status());
      status = d.status();
      if (!p.input().equals(d.input())) problems.add("described input " + d.input() + ", expected " + p.input());
      String described = switch (d.status()) {
        case SUCCEEDED -> d.output();
        case FAILED -> d.error();
        default -> null;
      };
      if (!Objects.equals(described, p.expectedOutput())) {
        problems.add("described output/error " + described + ", expected " + p.expectedOutput());
      }
    }
    if (status != p.kind().status) problems.add("ended " + status + ", expected " + p.kind().status);

    List<HistoryEvent> events = history(sfn, executionArn(p));
    problems.addAll(HistoryInvariants.problems(events));
    List<String> types = HistoryInvariants.types(events);
    if (!types.equals(referenceTypes.get(p.kind()))) {
      problems.add("events " + types + " differ from an uninterrupted run's " + referenceTypes.get(p.kind()));
    }
    p.kind().eventCounts.forEach((type, count) -> {
      long n = types.stream().filter(type::equals).count();
      if (n != count) problems.add(n + " " + type + " events, expected " + count);
    });
    problems.addAll(p.timingProblems(events));
    if (events.isEmpty()) return problems;
    HistoryEvent started = events.get(0);
    if (started.executionStartedEventDetails() == null || !p.input().equals(started.executionStartedEventDetails().input())) {
      problems.add("ExecutionStarted input is not " + p.input());
    }
    HistoryEvent last = events.get(events.size() - 1);
    String ended = switch (last.typeAsString()) {
      case "ExecutionSucceeded" -> last.executionSucceededEventDetails().output();
      case "ExecutionFailed" -> last.executionFailedEventDetails().error();
      default -> null;
    };
    if (!Objects.equals(ended, p.expectedOutput())) {
      problems.add(last.typeAsString() + " carries " + ended + ", expected " + p.expectedOutput());
    }
    return problems;
  }

  private static List<HistoryEvent> history(SfnClient sfn, String executionArn) {
    List<HistoryEvent> all = new ArrayList<>();
    sfn.getExecutionHistoryPaginator(b -> b.executionArn(executionArn).maxResults(1000))
        .forEach(page -> all.addAll(page.events()));
    return all;
  }

  /** The problems of the first executions, each with its history, and how many of each kind failed. */
  private String report(SfnClient sfn, Map<String, List<String>> problems) {
    StringBuilder b = new StringBuilder();
    Map<CrashWorkload, Integer> byKind = new EnumMap<>(CrashWorkload.class);
    problems.keySet().forEach(n -> {
      Planned p = attempted.get(n);
      if (p != null) byKind.merge(p.kind(), 1, Integer::sum);
    });
    b.append(problems.size()).append(" of ").append(attempted.size()).append(" executions are wrong, by kind ")
        .append(byKind).append('\n');
    problems.keySet().stream().sorted().limit(12).forEach(name -> {
      Planned p = attempted.get(name);
      String arn = p == null ? name : executionArn(p);
      b.append(arn).append(acknowledgedAt.containsKey(name) ? " (acknowledged)" : " (start unanswered)").append('\n');
      problems.get(name).forEach(line -> b.append("  ").append(line).append('\n'));
      if (p != null) {
        try {
          b.append(HistoryInvariants.describe(history(sfn, arn)));
        } catch (SdkException e) {
          b.append("    (no history: ").append(e.getMessage()).append(")\n");
        }
      }
    });
    return b.toString();
  }

  /** A run of each kind after the restart, with nothing interrupted: the events every execution of it must have. */
  private static String referenceName(CrashWorkload kind) {
    return "reference-" + kind.machineName;
  }

  private static String machineArn(CrashWorkload kind) {
    return "arn:aws:states:us-east-1:123456789012:stateMachine:" + kind.machineName;
  }

  private static String executionArn(Planned p) {
    return EXECUTION_ARN.formatted(p.kind().machineName, p.name());
  }

  private static String tail(String text, int lines) {
    String[] all = text.split("\n");
    return String.join("\n", Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
  }
}
