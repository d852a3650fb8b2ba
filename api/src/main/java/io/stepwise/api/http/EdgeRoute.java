package io.stepwise.api.http;

import static org.apache.pekko.http.javadsl.server.Directives.extractLog;
import static org.apache.pekko.http.javadsl.server.Directives.extractMaterializer;
import static org.apache.pekko.http.javadsl.server.Directives.handle;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.server.RequestContext;
import org.apache.pekko.http.scaladsl.server.RouteResult;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import scala.Function1;
import scala.concurrent.Future;

/**
 * {@link AwsJsonRoutes} as a {@link Route}. Binding a route asks it for its {@link #handler},
 * and this one answers with the edge's own function, so a bound edge runs no routing DSL per
 * request. Composed with other routes it is an ordinary route around the same function.
 */
final class EdgeRoute implements Route {
  private final AwsJsonRoutes routes;
  private final Route composable;

  EdgeRoute(AwsJsonRoutes routes) {
    this.routes = routes;
    this.composable =
        extractMaterializer(
            mat -> extractLog(log -> handle(request -> routes.handle(request, mat, log))));
  }

  Duration longestRequestTimeout() {
    return routes.longestRequestTimeout();
  }

  @Override
  public Function<HttpRequest, CompletionStage<HttpResponse>> handler(
      ClassicActorSystemProvider system) {
    return routes.handler(system);
  }

  @Override
  public Function1<RequestContext, Future<RouteResult>> delegate() {
    return composable.delegate();
  }

  @Override
  public Flow<HttpRequest, HttpResponse, NotUsed> flow(ActorSystem system, Materializer mat) {
    return composable.flow(system, mat);
  }

  @Override
  public Route seal() {
    return composable.seal();
  }

  @Override
  public Route seal(RejectionHandler rejectionHandler, ExceptionHandler exceptionHandler) {
    return composable.seal(rejectionHandler, exceptionHandler);
  }

  @Override
  public Route orElse(Route alternative) {
    return composable.orElse(alternative);
  }
}
