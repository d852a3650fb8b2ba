package io.stepwise.api.http;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The HTTP edge: {@code GET /health}, and {@code POST /} for every AWS JSON service, with
 * SigV4 verified before anything else and every failure answered in the AWS error shape.
 * Holds no business logic: operations do the work.
 */
public final class AwsJsonRoutes {
  public static final long DEFAULT_MAX_REQUEST_BYTES = 8L * 1024 * 1024;
  private static final HttpResponse HEALTHY =
      HttpResponse.create()
          .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, "{\"status\":\"UP\"}"));

  private final Map<String, AwsJsonService> services;
  private final SigV4Verifier verifier;
  private final AwsJsonDispatcher dispatcher;
  private final AwsErrors errors;
  private final RequestBodies bodies;
  private final Map<ContentType, RejectionHandler> rejectionHandlers = new ConcurrentHashMap<>();

  public AwsJsonRoutes(List<AwsJsonService> services, SigV4Verifier verifier) {
    this(services, verifier, defaultMapper(), DEFAULT_MAX_REQUEST_BYTES);
  }

  public AwsJsonRoutes(
      List<AwsJsonService> services,
      SigV4Verifier verifier,
      ObjectMapper mapper,
      long maxRequestBytes) {
    Map<String, AwsJsonService> byPrefix = new LinkedHashMap<>();
    for (AwsJsonService service : services) {
      if (byPrefix.put(service.targetPrefix(), service) != null) {
        throw new IllegalArgumentException("duplicate target prefix " + service.targetPrefix());
      }
    }
    this.services = Map.copyOf(byPrefix);
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    this.dispatcher = new AwsJsonDispatcher(this.services, mapper);
    this.errors = new AwsErrors(mapper);
    if (maxRequestBytes <= 0) {
      throw new IllegalArgumentException("maxRequestBytes must be positive");
    }
    this.bodies = new RequestBodies(maxRequestBytes);
  }

  /** A mapper that rejects trailing garbage after the JSON value, as a strict parser should. */
  public static ObjectMapper defaultMapper() {
    return JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
  }

  public Route route() {
    return concat(path("health", () -> get(() -> complete(HEALTHY))), awsRoute());
  }

  /** Every AWS response carries a request id; every failure is answered in the AWS shape. */
  private Route awsRoute() {
    return extractRequest(
        request -> {
          String requestId = UUID.randomUUID().toString();
          RawHeader requestIdHeader = RawHeader.create(AwsErrors.REQUEST_ID_HEADER, requestId);
          ContentType errorType = errorContentType(request);
          Route handled =
              handleExceptions(
                  errors.exceptionHandler(requestId, errorType),
                  () ->
                      handleRejections(
                          rejectionHandlers.computeIfAbsent(errorType, errors::rejectionHandler),
                          () -> authenticated(request, signed -> dispatch(request, signed))));
          return withRequestTimeoutResponse(
              timedOut -> errors.requestTimeout(errorType).addHeader(requestIdHeader),
              () -> respondWithHeader(requestIdHeader, () -> handled));
        });
  }

  /** Reads the whole body (bounded), verifies the signature, then hands on caller and body. */
  private Route authenticated(HttpRequest request, Function<Signed, Route> inner) {
    return bodies.read(
        body -> {
          Caller caller =
              verifier.verify(PekkoSignableRequest.of(request, request.entity(), body));
          return inner.apply(new Signed(caller, body));
        });
  }

  private Route dispatch(HttpRequest request, Signed signed) {
    return pathSingleSlash(
        () ->
            post(
                () -> {
                  String target =
                      request.getHeader("X-Amz-Target").map(HttpHeader::value).orElse(null);
                  AwsJsonDispatcher.Call call = dispatcher.resolve(target);
                  return onSuccess(
                      call.invoke(signed.caller(), signed.body()),
                      result -> complete(call.response(result)));
                }));
  }

  /** Errors follow the content type of the service the target names; JSON 1.0 otherwise. */
  private ContentType errorContentType(HttpRequest request) {
    return request
        .getHeader("X-Amz-Target")
        .map(HttpHeader::value)
        .map(t -> t.indexOf('.') < 0 ? t : t.substring(0, t.indexOf('.')))
        .map(services::get)
        .map(AwsJsonService::pekkoContentType)
        .orElse(AwsMediaTypes.AMZ_JSON_1_0_CONTENT_TYPE);
  }

  private record Signed(Caller caller, byte[] body) {}
}
