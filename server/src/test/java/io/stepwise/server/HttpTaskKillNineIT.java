package io.stepwise.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * HTTP Tasks whose calls are under way when the server JVM is killed with {@code kill -9}: after
 * the restart every call is made again and every execution ends once, with one TaskSucceeded.
 */
class HttpTaskKillNineIT {
  private static final int EXECUTIONS = 50;
  @TempDir Path dir;

  @Test
  void killNine_withCallsUnderWay_eachIsMadeAgainAndEachExecutionEndsOnce() throws Exception {
    CountDownLatch hold = new CountDownLatch(1);
    Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.setExecutor(Executors.newCachedThreadPool());
    http.createContext("/job", ex -> {
      String job = ex.getRequestURI().getQuery();
      calls.computeIfAbsent(job, k -> new AtomicInteger()).incrementAndGet();
      try {
        hold.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      byte[] b = ("{\"" + job.replace("=", "\":") + "}").getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    http.start();
    Path config = Files.writeString(dir.resolve("stepwise.conf"),
        "stepwise.engine.http-connections = [{ connection = \"jobs\" }]\n");
    Path data = dir.resolve("data");
    String machine;
    try {
      try (ForkedServer first = ForkedServer.start(data, "--config", config.toString()); SfnClient sfn = first.sfn()) {
        machine = sfn.createStateMachine(b -> b.name("calls").roleArn(Definitions.ROLE).definition("""
            {"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::http:invoke",
              "Parameters": {"ApiEndpoint": "http://127.0.0.1:%d/job", "Method": "GET",
                "Authentication": {"ConnectionArn": "arn:aws:events:us-east-1:123456789012:connection/jobs/1"},
                "QueryParameters": {"n.$": "$.n"}},
              "OutputPath": "$.ResponseBody", "End": true}}}
            """.formatted(http.getAddress().getPort()))).stateMachineArn();
        for (int i = 0; i < EXECUTIONS; i++) {
          int n = i;
          sfn.startExecution(b -> b.stateMachineArn(machine).name("job-" + n).input("{\"n\": " + n + "}"));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (calls.size() < EXECUTIONS && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(calls).hasSize(EXECUTIONS);
        first.kill9();
      }
      hold.countDown(); // the answers to the first calls find no server
      try (ForkedServer second = ForkedServer.start(data, "--config", config.toString()); SfnClient sfn = second.sfn()) {
        for (int i = 0; i < EXECUTIONS; i++) {
          String arn = machine.replace(":stateMachine:", ":execution:") + ":job-" + i;
          DescribeExecutionResponse d = ExecutionApiTest.awaitEnd(sfn, arn);
          assertThat(d.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
          assertThat(d.output()).isEqualTo("{\"n\":" + i + "}");
          var events = ExecutionApiTest.history(sfn, arn);
          assertThat(HistoryInvariants.problems(events)).isEmpty();
          assertThat(events.stream().filter(e -> e.typeAsString().equals("TaskSucceeded"))).hasSize(1);
        }
        assertThat(calls.values()).allSatisfy(c -> assertThat(c.get()).isEqualTo(2));
        second.stop();
      }
    } finally {
      hold.countDown();
      http.stop(0);
    }
  }
}
