package io.stepwise.api.http;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
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
    return Http.get(system)
        .newServerAt(host, port)
        .withSettings(serverSettings(system, longest))
        .bind(route)
        .thenApply(binding -> binding.addToCoordinatedShutdown(hardDeadline, system));
  }

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
