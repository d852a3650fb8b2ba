package io.stepwise.api.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.event.Logging;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.javadsl.TimeoutAccess;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.Materializer;

/**
 * The HTTP edge: {@code GET /health}, and {@code POST /} for every AWS JSON service, with
 * SigV4 verified before anything else and every failure answered in the AWS error shape.
 * Holds no business logic: operations do the work.
 *
 * <p>It is on the path of every request, so it is a plain function built once, not a routing
 * tree: per request it reads the body, verifies, parses the JSON once, runs the operation and
 * writes the result once; an operation that completes at once is answered on the same thread.
 */
public final class AwsJsonRoutes {
  public static final long DEFAULT_MAX_REQUEST_BYTES = 8L * 1024 * 1024;
  // completedStage: shared by every health check, so no caller may complete or obtrude it.
  private static final CompletionStage<HttpResponse> HEALTHY =
      CompletableFuture.completedStage(
          HttpResponse.create()
              .withEntity(
                  HttpEntities.create(ContentTypes.APPLICATION_JSON, "{\"status\":\"UP\"}")));

  private final SigV4Verifier verifier;
  private final AwsJsonDispatcher dispatcher;
  private final AwsErrors errors;
  private final RequestBodies bodies;
  private final RequestIds requestIds = new RequestIds();
  private final Duration longestRequestTimeout;
  private volatile Supplier<Optional<String>> health = Optional::empty;

  public AwsJsonRoutes(List<AwsJsonService> services, SigV4Verifier verifier) {
    this(services, verifier, defaultMapper(), DEFAULT_MAX_REQUEST_BYTES);
  }

  public AwsJsonRoutes(
      List<AwsJsonService> services,
      SigV4Verifier verifier,
      ObjectMapper mapper,
      long maxRequestBytes) {
    Map<String, AwsJsonService> byPrefix = new LinkedHashMap<>();
    Duration longest = Duration.ZERO;
    for (AwsJsonService service : services) {
      if (byPrefix.put(service.targetPrefix(), service) != null) {
        throw new IllegalArgumentException("duplicate target prefix " + service.targetPrefix());
      }
      for (Duration timeout : service.requestTimeouts().values()) {
        longest = timeout.compareTo(longest) > 0 ? timeout : longest;
      }
    }
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    this.dispatcher = new AwsJsonDispatcher(Map.copyOf(byPrefix), mapper);
    this.errors = new AwsErrors(mapper);
    if (maxRequestBytes <= 0) {
      throw new IllegalArgumentException("maxRequestBytes must be positive");
    }
    this.bodies = new RequestBodies(maxRequestBytes);
    this.longestRequestTimeout = longest;
  }

  /**
   * What {@code GET /health} reports: UP while {@code check} finds no problem, else 503 with the
   * reason (e.g. a journal that can no longer write), so a supervisor sees the server is broken.
   */
  public AwsJsonRoutes healthCheck(Supplier<Optional<String>> check) {
    this.health = Objects.requireNonNull(check);
    return this;
  }

  /** A mapper that rejects trailing garbage after the JSON value, as a strict parser should. */
  public static ObjectMapper defaultMapper() {
    return JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
  }

  /** The edge as a route; binding it ({@link HttpEdge#bind}) uses {@link #handler} directly. */
  public Route route() {
    return new EdgeRoute(this);
  }

  /** The edge as a request handler for {@code system}, which supplies the log and materializer. */
  public Function<HttpRequest, CompletionStage<HttpResponse>> handler(
      ClassicActorSystemProvider system) {
    Materializer materializer = Materializer.matFromSystem(system);
    LoggingAdapter log = Logging.getLogger(system.classicSystem(), AwsJsonRoutes.class);
    return request -> handle(request, materializer, log);
  }

  /** The longest per-action request timeout: connections must stay open that long. */
  Duration longestRequestTimeout() {
    return longestRequestTimeout;
  }

  CompletionStage<HttpResponse> handle(
      HttpRequest request, Materializer materializer, LoggingAdapter log) {
    if (request.method().equals(HttpMethods.GET) && request.getUri().path().equals("/health")) {
      Optional<String> problem = health.get();
      return problem.isEmpty() ? HEALTHY : CompletableFuture.completedStage(unhealthy(problem.get()));
    }
    return new Exchange(request, log).run(materializer);
  }

  private HttpResponse unhealthy(String reason) {
    com.fasterxml.jackson.databind.node.ObjectNode body = AwsJsonRoutes.defaultMapper().createObjectNode();
    body.put("status", "DOWN");
    body.put("reason", reason);
    return HttpResponse.create()
        .withStatus(StatusCodes.SERVICE_UNAVAILABLE)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body.toString()));
  }

  /** One AWS request: its id, its target, and the steps from body to response. */
  private final class Exchange {
    private final HttpRequest request;
    private final LoggingAdapter log;
    private final String requestId = requestIds.next();
    private final RawHeader requestIdHeader =
        RawHeader.create(AwsErrors.REQUEST_ID_HEADER, requestId);
    private final AwsJsonDispatcher.Target target;
    private final Optional<TimeoutAccess> timeout;

    Exchange(HttpRequest request, LoggingAdapter log) {
      this.request = request;
      this.log = log;
      this.target =
          dispatcher.target(request.getHeader("X-Amz-Target").map(h -> h.value()).orElse(null));
      // Absent when the server has no request timeout (or in process, without a server).
      this.timeout =
          request
              .getHeader(org.apache.pekko.http.javadsl.model.headers.TimeoutAccess.class)
              .map(h -> h.timeoutAccess());
    }

    CompletionStage<HttpResponse> run(Materializer materializer) {
      timeout.ifPresent(t -> t.updateHandler(this::timedOut));
      try {
        RequestEntity entity = request.entity();
        if (entity instanceof HttpEntity.Strict strict) {
          return respond(bodies.strict(strict));
        }
        return bodies
            .read(entity, materializer)
            .thenCompose(this::respond)
            .exceptionally(this::failed);
      } catch (RuntimeException e) {
        return CompletableFuture.completedFuture(failed(e));
      }
    }

    /** SigV4 first, then path, method and target, as the routes before this one checked them. */
    private CompletionStage<HttpResponse> respond(byte[] body) {
      try {
        Caller caller = verifier.verify(PekkoSignableRequest.of(request, request.entity(), body))
            .on(request.getAttribute(HttpEdge.CONNECTION_GONE).map(HttpEdge.Gone::stage).orElse(Caller.NEVER_GONE))
            .traced(request.getHeader("X-Amzn-Trace-Id").map(h -> h.value()).orElse(null));
        if (!request.getUri().path().equals("/")) {
          return answered(errors.notFound(target.contentType()));
        }
        if (!request.method().equals(HttpMethods.POST)) {
          return answered(errors.methodNotAllowed(HttpMethods.POST, target.contentType()));
        }
        if (target instanceof AwsJsonDispatcher.Unknown unknown) {
          throw unknown.error();
        }
        AwsJsonDispatcher.Call call = (AwsJsonDispatcher.Call) target;
        if (call.requestTimeout() != null) {
          // Relative to the request's start, like the server's own timeout.
          timeout.ifPresent(t -> t.updateTimeout(call.requestTimeout()));
        }
        return dispatcher.invoke(call, caller, body).handle((result, failure) -> {
          if (failure != null) {
            return failed(failure);
          }
          try {
            return dispatcher.response(call, result, requestIdHeader);
          } catch (RuntimeException e) {
            return failed(e);
          }
        });
      } catch (RuntimeException e) {
        return CompletableFuture.completedFuture(failed(e));
      }
    }

    private CompletionStage<HttpResponse> answered(HttpResponse response) {
      return CompletableFuture.completedFuture(response.addHeader(requestIdHeader));
    }

    private HttpResponse failed(Throwable thrown) {
      return errors
          .failure(thrown, target.contentType(), requestId, log)
          .addHeader(requestIdHeader);
    }

    /** What the client gets when the request outlives its timeout: AWS's 503, with its id. */
    private HttpResponse timedOut(HttpRequest timedOut) {
      return errors.requestTimeout(target.contentType()).addHeader(requestIdHeader);
    }
  }
}
