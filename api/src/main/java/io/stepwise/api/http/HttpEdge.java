package io.stepwise.api.http;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.AttributeKey;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.settings.ParserSettings;
import org.apache.pekko.http.javadsl.settings.ServerSettings;

/**
 * Binds the API's route. The binding is released through CoordinatedShutdown: the port is
 * unbound in {@code service-unbind} and in-flight requests get {@code hardDeadline} to finish.
 */
public final class HttpEdge {
  public static final Duration DEFAULT_HARD_DEADLINE = Duration.ofSeconds(10);
  private static final Duration IDLE_MARGIN = Duration.ofSeconds(20);

  private HttpEdge() {}

  /** Binds {@code route} on host:port (port 0 picks a free one: read it from the binding). */
  public static CompletionStage<ServerBinding> bind(
      ClassicActorSystemProvider system, String host, int port, Route route) {
    return bind(system, host, port, route, DEFAULT_HARD_DEADLINE);
  }

  public static CompletionStage<ServerBinding> bind(
      ClassicActorSystemProvider system,
      String host,
      int port,
      Route route,
      Duration hardDeadline) {
    Duration longest =
        route instanceof EdgeRoute edge ? edge.longestRequestTimeout() : Duration.ZERO;
    Flow<HttpRequest, HttpResponse, NotUsed> routeFlow = route.flow(system);
    // Materialized once per connection: each request carries a stage that completes when the
    // connection's request side ends (the client closed it), so a long poll can give up.
    Flow<HttpRequest, HttpResponse, ?> perConnection = Flow.fromMaterializer((mat, attributes) -> {
      CompletableFuture<Void> gone = new CompletableFuture<>();
      Gone attribute = new Gone(gone);
      return Flow.of(HttpRequest.class)
          .watchTermination((notUsed, done) -> {
            done.whenComplete((d, e) -> gone.complete(null));
            return notUsed;
          })
          .map(r -> r.addAttribute(CONNECTION_GONE, attribute))
          .via(routeFlow);
    });
    return Http.get(system)
        .newServerAt(host, port)
        .withSettings(serverSettings(system, longest))
        .bindFlow(perConnection)
        .thenApply(binding -> binding.addToCoordinatedShutdown(hardDeadline, system));
  }

  /** Completes when the connection a request came on closes. */
  public record Gone(CompletionStage<Void> stage) {}

  /** The request attribute that carries its connection's {@link Gone}. */
  public static final AttributeKey<Gone> CONNECTION_GONE = AttributeKey.create("stepwise-connection-gone", Gone.class);

  /** The configured server settings, with the AWS JSON media types registered for parsing. */
  public static ServerSettings serverSettings(ClassicActorSystemProvider system) {
    return serverSettings(system, Duration.ZERO);
  }

  /**
   * As {@link #serverSettings(ClassicActorSystemProvider)}, with the idle timeout raised past
   * {@code longestRequestTimeout} if need be: a connection waiting for a long answer (a
   * StartSyncExecution) sends nothing, and the idle timeout would close it before the answer.
   */
  public static ServerSettings serverSettings(
      ClassicActorSystemProvider system, Duration longestRequestTimeout) {
    // Headers stay raw: the edge reads them by name, and parsing AWS's SigV4 Authorization header
    // into Pekko's model fails on every request, at the cost of an error trace each time (this
    // alone took StartSyncExecution from about 4,800 to 7,800 requests/s here).
    ParserSettings parser =
        ParserSettings.forServer(system)
            .withModeledHeaderParsing(false)
            .withCustomMediaTypes(
                AwsMediaTypes.AMZ_JSON_1_0_MEDIA_TYPE, AwsMediaTypes.AMZ_JSON_1_1_MEDIA_TYPE);
    ServerSettings settings =
        ServerSettings.create(system.classicSystem()).withParserSettings(parser);
    scala.concurrent.duration.Duration idle = settings.getTimeouts().idleTimeout();
    Duration needed = longestRequestTimeout.plus(IDLE_MARGIN);
    if (idle.isFinite() && idle.toMillis() < needed.toMillis()) {
      settings =
          settings.withTimeouts(
              settings
                  .getTimeouts()
                  .withIdleTimeout(
                      scala.concurrent.duration.Duration.fromNanos(needed.toNanos())));
    }
    return settings;
  }

  /** The port a binding listens on. */
  public static int port(ServerBinding binding) {
    return binding.localAddress().getPort();
  }
}
