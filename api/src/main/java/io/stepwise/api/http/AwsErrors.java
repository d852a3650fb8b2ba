package io.stepwise.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Allow;
import org.apache.pekko.http.javadsl.model.headers.Connection;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.http.scaladsl.model.IllegalRequestException;

/**
 * The one place that writes AWS error responses: {@code {"__type": code, "message": msg, ...}}
 * with the service's content type and {@code x-amzn-ErrorType}, which the AWS SDKs read to pick
 * the modeled exception class, for every way a request can fail.
 */
public final class AwsErrors {
  public static final String REQUEST_ID_HEADER = "x-amzn-RequestId";
  public static final String ERROR_TYPE_HEADER = "x-amzn-ErrorType";
  static final String INTERNAL_FAILURE_MESSAGE =
      "The request processing has failed because of an unknown error, exception or failure.";

  private final ObjectMapper mapper;

  public AwsErrors(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** The response for an AWS error in the given content type. */
  public HttpResponse response(AwsServiceException error, ContentType contentType) {
    ObjectNode body = mapper.createObjectNode();
    body.put("__type", error.code());
    if (error.getMessage() != null) {
      body.put("message", error.getMessage());
    }
    for (Map.Entry<String, Object> field : error.extraFields().entrySet()) {
      if (!body.has(field.getKey())) {
        body.set(field.getKey(), mapper.valueToTree(field.getValue()));
      }
    }
    byte[] bytes;
    try {
      bytes = mapper.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write an error body", e);
    }
    return HttpResponse.create()
        .withStatus(error.status())
        .addHeader(RawHeader.create(ERROR_TYPE_HEADER, error.code()))
        .withEntity(HttpEntities.create(contentType, bytes));
  }

  /**
   * What a client gets when its request outlives {@code pekko.http.server.request-timeout}: a
   * retryable 503, as AWS answers when it cannot serve a request in time. Pekko closes the
   * connection after it (the late answer would otherwise hold up every later request on it), so
   * the response says so: a client that pooled the connection would send its next request into
   * the closing socket and get no answer at all.
   */
  public HttpResponse requestTimeout(ContentType contentType) {
    return response(
            new AwsServiceException(
                "ServiceUnavailable",
                503,
                "The request has failed due to a temporary failure of the server."),
            contentType)
        .addHeader(Connection.create("close"));
  }

  /**
   * The answer to whatever a request failed with. A CompletionException from an operation's
   * stage is unwrapped first; anything that is not an AWS error is our bug: logged, and answered
   * with a generic 500 that leaks no internals.
   */
  public HttpResponse failure(
      Throwable thrown, ContentType contentType, String requestId, LoggingAdapter log) {
    Throwable t = unwrap(thrown);
    AwsServiceException known = translate(t);
    if (known != null) {
      return response(known, contentType);
    }
    log.error(t, "Internal failure answering request {}", requestId);
    return response(
        new AwsServiceException("InternalFailure", 500, INTERNAL_FAILURE_MESSAGE), contentType);
  }

  /**
   * A path other than {@code /}: Pekko's own 404 text, in the AWS shape, so SDKs and the CLI
   * show a readable error instead of failing to parse it.
   */
  public HttpResponse notFound(ContentType contentType) {
    return response(
        new AwsServiceException(
            "UnknownOperationException", 404, "The requested resource could not be found."),
        contentType);
  }

  /** A method other than the one allowed: Pekko's own 405 text and Allow header, AWS shape. */
  public HttpResponse methodNotAllowed(HttpMethod allowed, ContentType contentType) {
    return response(
            new AwsServiceException(
                "UnknownOperationException",
                405,
                "HTTP method not allowed, supported methods: " + allowed.name()),
            contentType)
        .addHeader(Allow.create(allowed));
  }

  static AwsServiceException tooLarge(String detail) {
    return new AwsServiceException(
        "RequestEntityTooLargeException",
        StatusCodes.PAYLOAD_TOO_LARGE.intValue(),
        "Request entity too large: " + detail);
  }

  private static Throwable unwrap(Throwable t) {
    Throwable current = t;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  private static AwsServiceException translate(Throwable t) {
    if (t instanceof AwsServiceException aws) {
      return aws;
    }
    if (t instanceof EntityStreamSizeException size) {
      return tooLarge("the body exceeds the limit of " + size.limit() + " bytes");
    }
    if (t instanceof IllegalRequestException bad) {
      return new AwsServiceException(
          "SerializationException", bad.status().intValue(), bad.info().summary());
    }
    return null;
  }
}
