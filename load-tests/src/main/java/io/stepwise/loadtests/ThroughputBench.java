package io.stepwise.loadtests;

import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.StateMachineType;
import software.amazon.awssdk.services.sfn.model.SyncExecutionStatus;

/**
 * Drives a running Stepwise server with N concurrent AWS SDK clients and reports
 * StartSyncExecution/s (Express) and Standard executions completed/s (start, then poll
 * DescribeExecution until it ends). Every execution's status is checked; a failed one aborts the run.
 *
 * <p>Usage: ThroughputBench ENDPOINT [DEFINITION] [INPUT] [clients=32] [seconds=20]
 * (DEFINITION and INPUT default to load-tests/workloads/pass-choice-6.*)
 */
public final class ThroughputBench {
  public static void main(String[] args) throws Exception {
    URI endpoint = URI.create(args[0]);
    String definition = Files.readString(Workloads.arg(args, 1, Workloads.DEFINITION));
    String input = Files.readString(Workloads.arg(args, 2, Workloads.INPUT)).strip();
    int clients = args.length > 3 ? Integer.parseInt(args[3]) : 32;
    int seconds = args.length > 4 ? Integer.parseInt(args[4]) : 20;

    SfnClient sfn = client(endpoint, clients);
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String express = sfn.createStateMachine(b -> b.name("bench-express-" + suffix).definition(definition)
        .roleArn("arn:aws:iam::123456789012:role/bench").type(StateMachineType.EXPRESS)).stateMachineArn();
    String standard = sfn.createStateMachine(b -> b.name("bench-standard-" + suffix).definition(definition)
        .roleArn("arn:aws:iam::123456789012:role/bench").type(StateMachineType.STANDARD)).stateMachineArn();

    // Warm-up so the JIT and caches are not measured.
    run(clients, 3, () -> sync(sfn, express, input));
    double syncRate = run(clients, seconds, () -> sync(sfn, express, input));
    System.out.printf("StartSyncExecution (EXPRESS): %.0f executions/s with %d clients%n", syncRate, clients);

    run(clients, 3, () -> standard(sfn, standard, input));
    double stdRate = run(clients, seconds, () -> standard(sfn, standard, input));
    System.out.printf("Standard executions completed: %.0f executions/s with %d clients%n", stdRate, clients);
    sfn.close();
  }

  private static void sync(SfnClient sfn, String machine, String input) {
    var r = sfn.startSyncExecution(b -> b.stateMachineArn(machine).input(input));
    if (r.status() != SyncExecutionStatus.SUCCEEDED) throw new IllegalStateException("execution " + r.status() + ": " + r.error());
  }

  static void standard(SfnClient sfn, String machine, String input) {
    String arn = sfn.startExecution(b -> b.stateMachineArn(machine).input(input)).executionArn();
    while (true) {
      ExecutionStatus s = sfn.describeExecution(b -> b.executionArn(arn)).status();
      if (s == ExecutionStatus.SUCCEEDED) return;
      if (s != ExecutionStatus.RUNNING) throw new IllegalStateException("execution " + s + ": " + arn);
      Thread.onSpinWait();
    }
  }

  /** Runs {@code task} in a loop on {@code clients} threads for {@code seconds}; returns completions per second. */
  static double run(int clients, int seconds, Runnable task) throws InterruptedException {
    AtomicLong done = new AtomicLong();
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < clients; i++) {
      Thread t = new Thread(() -> {
        try {
          while (System.nanoTime() < end) {
            task.run();
            done.incrementAndGet();
          }
        } catch (Throwable e) {
          synchronized (failures) {
            failures.add(e);
          }
        }
      });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) t.join();
    if (!failures.isEmpty()) throw new IllegalStateException("bench failed", failures.get(0));
    return done.get() / ((System.nanoTime() - start) / 1e9);
  }

  static SfnClient client(URI endpoint, int connections) {
    return client(endpoint, connections, java.time.Duration.ofSeconds(30));
  }

  /** {@code socketTimeout}: GetActivityTask long-polls 60 s, so its workers wait longer (AWS advises 65 s). */
  static SfnClient client(URI endpoint, int connections, java.time.Duration socketTimeout) {
    return SfnClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(ApacheHttpClient.builder().maxConnections(connections * 2).socketTimeout(socketTimeout).build())
        .overrideConfiguration(c -> c.putAdvancedOption(SdkAdvancedClientOption.DISABLE_HOST_PREFIX_INJECTION, true))
        .build();
  }
}
