package io.stepwise.loadtests;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * {@code .waitForTaskToken} round trips: Standard executions of a one-Task machine on
 * {@code lambda:invoke.waitForTaskToken} are started (at most {@code 4 x clients} waiting at a time);
 * the server forwards each invocation to a Lambda-Invoke-compatible endpoint this bench serves
 * (the server must have {@code stepwise.engine.endpoints.lambda} set to it), which queues the task
 * token; {@code clients} threads take tokens and call SendTaskSuccess. Reports round trips per
 * second and StartExecution-to-SendTaskSuccess latency, after a warm-up.
 *
 * <p>Usage: TaskTokenBench ENDPOINT LAMBDA-PORT [clients=16] [seconds=20]
 */
public final class TaskTokenBench {
  public static void main(String[] args) throws Exception {
    URI endpoint = URI.create(args[0]);
    int lambdaPort = Integer.parseInt(args[1]);
    int clients = args.length > 2 ? Integer.parseInt(args[2]) : 16;
    int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 20;
    LinkedBlockingQueue<String> tokens = new LinkedBlockingQueue<>();
    HttpServer lambda = HttpServer.create(new InetSocketAddress("127.0.0.1", lambdaPort), 256);
    lambda.setExecutor(Executors.newFixedThreadPool(8));
    lambda.createContext("/", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      tokens.add(body);
      ex.sendResponseHeaders(202, -1);
      ex.close();
    });
    lambda.start();
    SfnClient sfn = ThroughputBench.client(endpoint, clients + Integer.getInteger("starters", 4));
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String machine = sfn.createStateMachine(b -> b.name("bench-token-" + suffix)
        .roleArn("arn:aws:iam::123456789012:role/bench")
        .definition("""
            {"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
              "Parameters": {"FunctionName": "bench", "InvocationType": "Event",
                "Payload": {"token.$": "$$.Task.Token", "t.$": "$.t"}}, "End": true}}}""")).stateMachineArn();
    Semaphore waiting = new Semaphore(clients * 4);
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicBoolean measuring = new AtomicBoolean(false);
    AtomicLong completed = new AtomicLong();
    ConcurrentLinkedQueue<Long> roundTrips = new ConcurrentLinkedQueue<>();
    List<Throwable> failures = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    int starters = Integer.getInteger("starters", 4);
    for (int i = 0; i < starters; i++) {
      threads.add(ActivityBench.thread(failures, () -> {
        while (running.get()) {
          if (!waiting.tryAcquire(100, TimeUnit.MILLISECONDS)) continue;
          long started = System.nanoTime();
          sfn.startExecution(b -> b.stateMachineArn(machine).input("{\"t\": " + started + "}"));
        }
      }));
    }
    for (int i = 0; i < clients; i++) {
      threads.add(ActivityBench.thread(failures, () -> {
        while (running.get()) {
          String payload = tokens.poll(100, TimeUnit.MILLISECONDS);
          if (payload == null) continue;
          String token = payload.replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
          long started = Long.parseLong(payload.replaceAll(".*\"t\":([0-9]+).*", "$1"));
          sfn.sendTaskSuccess(b -> b.taskToken(token).output("{\"ok\":true}"));
          if (measuring.get()) {
            completed.incrementAndGet();
            roundTrips.add(System.nanoTime() - started);
          }
          waiting.release();
        }
      }));
    }
    Thread.sleep(5_000); // warm-up
    measuring.set(true);
    long start = System.nanoTime();
    Thread.sleep(seconds * 1_000L);
    measuring.set(false);
    double elapsed = (System.nanoTime() - start) / 1e9;
    running.set(false);
    for (Thread t : threads) t.join(10_000);
    lambda.stop(0);
    if (!failures.isEmpty()) throw new IllegalStateException("bench failed", failures.get(0));
    long[] rt = roundTrips.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(rt);
    System.out.printf(".waitForTaskToken round trips with %d completing clients: %.0f/s; start-to-success p50 %.1f ms, p99 %.1f ms%n",
        clients, completed.get() / elapsed, ActivityBench.pct(rt, 0.50), ActivityBench.pct(rt, 0.99));
    sfn.close();
    System.exit(0);
  }
}
