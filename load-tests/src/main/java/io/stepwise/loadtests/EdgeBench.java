package io.stepwise.loadtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.management.OperatingSystemMXBean;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import io.stepwise.api.http.AwsJsonRoutes;
import io.stepwise.api.http.AwsJsonService;
import io.stepwise.api.http.AwsMediaTypes;
import io.stepwise.api.http.Caller;
import io.stepwise.api.http.CredentialStore;
import io.stepwise.api.http.HttpEdge;
import io.stepwise.api.http.SigV4Verifier;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.Host;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.japi.function.Function;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * The HTTP edge alone, without an engine: SigV4 verification, X-Amz-Target routing, JSON parse
 * and response write around a trivial StartSyncExecution. First in process (the route's handler
 * function called on one thread with a pre-signed request), then over real HTTP on loopback with
 * raw keep-alive sockets, so that the client costs as little of the shared CPU as possible.
 * A signature stays valid for 15 minutes, so one signed request is replayed throughout.
 * CPU time per request is printed beside the rates: on a shared machine it varies far less.
 *
 * <p>Usage: EdgeBench [seconds=10] [connections=16]
 */
public final class EdgeBench {
  private static final String TARGET = "AWSStepFunctions.StartSyncExecution";
  private static final byte[] BODY = ("{\"stateMachineArn\":\"arn:aws:states:us-east-1:123456789012:"
      + "stateMachine:bench\",\"input\":\"{\\\"orderId\\\":\\\"o-1\\\",\\\"items\\\":[1,2,3],"
      + "\\\"total\\\":42.5}\"}").getBytes(StandardCharsets.UTF_8);

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int connections = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "edge-bench",
        ConfigFactory.parseString("pekko.loglevel = ERROR").withFallback(ConfigFactory.load()));
    try {
      AwsJsonRoutes routes = new AwsJsonRoutes(
          List.of(AwsJsonService.stepFunctions(Map.of("StartSyncExecution", EdgeBench::startSync))),
          new SigV4Verifier(CredentialStore.defaults(), Clock.systemUTC()));
      int port = HttpEdge.bind(system, "127.0.0.1", 0, routes.route())
          .thenApply(HttpEdge::port).toCompletableFuture().get(30, TimeUnit.SECONDS);
      Map<String, List<String>> signed = sign(port);

      Function<HttpRequest, CompletionStage<HttpResponse>> handler = routes.route().handler(system);
      HttpRequest request = pekkoRequest(port, signed);
      inProcess(handler, request, 3);
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long cpu = threads.getCurrentThreadCpuTime();
      long wall = System.nanoTime();
      long done = inProcess(handler, request, seconds);
      double rate = done / ((System.nanoTime() - wall) / 1e9);
      double cpuMicros = (threads.getCurrentThreadCpuTime() - cpu) / 1e3 / done;
      System.out.printf("in process, 1 thread: %.0f requests/s, %.1f us/request (%.1f us CPU)%n",
          rate, 1e6 / rate, cpuMicros);

      byte[] wire = wireRequest(port, signed);
      ThreadLocal<Connection> conn = ThreadLocal.withInitial(() -> Connection.open(port));
      ThroughputBench.run(connections, 3, () -> conn.get().exchange(wire));
      OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      // Each client thread's CPU time, first and last seen: the server's is the rest.
      Map<Thread, long[]> clientCpu = new ConcurrentHashMap<>();
      long processCpu = os.getProcessCpuTime();
      long start = System.nanoTime();
      double httpRate = ThroughputBench.run(connections, seconds, () -> {
        long now = threads.getCurrentThreadCpuTime();
        clientCpu.computeIfAbsent(Thread.currentThread(), t -> new long[] {now, now})[1] = now;
        conn.get().exchange(wire);
      });
      double requests = httpRate * (System.nanoTime() - start) / 1e9;
      double total = (os.getProcessCpuTime() - processCpu) / 1e3 / requests;
      double client = clientCpu.values().stream().mapToLong(c -> c[1] - c[0]).sum() / 1e3 / requests;
      System.out.printf("HTTP on loopback, %d keep-alive connections: %.0f requests/s,"
          + " %.1f us CPU per request in the server (%.1f in the client)%n",
          connections, httpRate, total - client, client);
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** Calls the handler in a loop on this thread for {@code seconds}; returns how many times. */
  private static long inProcess(
      Function<HttpRequest, CompletionStage<HttpResponse>> handler, HttpRequest request, int seconds)
      throws Exception {
    long start = System.nanoTime();
    long end = start + Duration.ofSeconds(seconds).toNanos();
    long done = 0;
    while (System.nanoTime() < end) {
      for (int i = 0; i < 100; i++) {
        HttpResponse response = handler.apply(request).toCompletableFuture().join();
        if (response.status().intValue() != 200
            || ((HttpEntity.Strict) response.entity()).getData().isEmpty()) {
          throw new IllegalStateException("unexpected response " + response);
        }
      }
      done += 100;
    }
    return done;
  }

  /** A StartSyncExecution answer of the real shape, built without an engine. */
  private static CompletionStage<JsonNode> startSync(Caller caller, ObjectNode request) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("executionArn", "arn:aws:states:us-east-1:123456789012:express:bench:x:y");
    n.put("stateMachineArn", request.path("stateMachineArn").asText());
    n.put("name", "x");
    n.put("startDate", 1700000000.125);
    n.put("stopDate", 1700000000.126);
    n.put("status", "SUCCEEDED");
    n.put("input", request.path("input").asText());
    n.putObject("inputDetails").put("included", true);
    n.put("output", request.path("input").asText());
    n.putObject("outputDetails").put("included", true);
    n.putObject("billingDetails").put("billedMemoryUsedInMB", 64)
        .put("billedDurationInMilliseconds", 100);
    return CompletableFuture.completedFuture(n);
  }

  /** The headers the AWS SDK's own signer adds, for a request to 127.0.0.1:port. */
  private static Map<String, List<String>> sign(int port) {
    SdkHttpRequest unsigned = SdkHttpRequest.builder()
        .method(SdkHttpMethod.POST)
        .uri(URI.create("http://127.0.0.1:" + port + "/"))
        .putHeader("Content-Type", AwsMediaTypes.AMZ_JSON_1_0)
        .putHeader("X-Amz-Target", TARGET)
        .build();
    return AwsV4HttpSigner.create()
        .sign(r -> r.identity(AwsCredentialsIdentity.create("test", "test"))
            .request(unsigned)
            .payload(ContentStreamProvider.fromByteArray(BODY))
            .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "states")
            .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1"))
        .request()
        .headers();
  }

  private static boolean carriedElsewhere(String name) {
    return name.equalsIgnoreCase("host") || name.equalsIgnoreCase("content-type")
        || name.equalsIgnoreCase("content-length");
  }

  /** The request as Pekko's server would hand it to the route (minus Timeout-Access). */
  private static HttpRequest pekkoRequest(int port, Map<String, List<String>> signed) {
    List<HttpHeader> headers = new ArrayList<>();
    headers.add(Host.create("127.0.0.1", port));
    headers.add(RawHeader.create("Raw-Request-URI", "/"));
    signed.forEach((name, values) -> {
      if (!carriedElsewhere(name)) values.forEach(v -> headers.add(RawHeader.create(name, v)));
    });
    return HttpRequest.POST("/")
        .withHeaders(headers)
        .withEntity(HttpEntities.create(AwsMediaTypes.AMZ_JSON_1_0_CONTENT_TYPE, BODY));
  }

  private static byte[] wireRequest(int port, Map<String, List<String>> signed) {
    StringBuilder head = new StringBuilder("POST / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n");
    head.append("Content-Type: ").append(AwsMediaTypes.AMZ_JSON_1_0).append("\r\n");
    signed.forEach((name, values) -> {
      if (!carriedElsewhere(name)) values.forEach(v -> head.append(name).append(": ").append(v).append("\r\n"));
    });
    head.append("Content-Length: ").append(BODY.length).append("\r\n\r\n");
    byte[] h = head.toString().getBytes(StandardCharsets.US_ASCII);
    byte[] wire = new byte[h.length + BODY.length];
    System.arraycopy(h, 0, wire, 0, h.length);
    System.arraycopy(BODY, 0, wire, h.length, BODY.length);
    return wire;
  }

  /** One keep-alive HTTP/1.1 connection: write a request, read one response (Content-Length framed). */
  private record Connection(OutputStream out, InputStream in) {
    static Connection open(int port) {
      try {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(30_000);
        return new Connection(socket.getOutputStream(), new BufferedInputStream(socket.getInputStream()));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    void exchange(byte[] request) {
      try {
        out.write(request);
        out.flush();
        String status = line();
        if (!status.startsWith("HTTP/1.1 200")) throw new IllegalStateException(status);
        int length = -1;
        for (String h = line(); !h.isEmpty(); h = line()) {
          if (h.regionMatches(true, 0, "content-length:", 0, 15)) length = Integer.parseInt(h.substring(15).strip());
        }
        if (length < 0) throw new IllegalStateException("no Content-Length");
        if (in.readNBytes(length).length != length) throw new IllegalStateException("short body");
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    private String line() throws IOException {
      StringBuilder sb = new StringBuilder();
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) throw new IOException("connection closed");
        if (c != '\r') sb.append((char) c);
      }
      return sb.toString();
    }
  }
}
