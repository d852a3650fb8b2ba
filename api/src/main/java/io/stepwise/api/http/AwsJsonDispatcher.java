package io.stepwise.api.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * The AWS JSON protocol without HTTP: {@code X-Amz-Target} to operation, body bytes to a JSON
 * object (parsed once, here, rather than by an unmarshaller, so that any content type is
 * accepted as AWS does), operation result to response bytes (written once).
 */
final class AwsJsonDispatcher {
  private final Map<String, AwsJsonService> services;
  private final Map<String, Call> calls = new HashMap<>();
  private final ObjectMapper mapper;

  AwsJsonDispatcher(Map<String, AwsJsonService> services, ObjectMapper mapper) {
    this.services = services;
    this.mapper = mapper;
    // Every valid target resolved up front: a request costs one map lookup.
    for (AwsJsonService service : services.values()) {
      service.operations().forEach((action, operation) ->
          calls.put(service.targetPrefix() + '.' + action,
              new Call(service.pekkoContentType(), operation,
                  service.requestTimeouts().get(action))));
    }
  }

  /** What an {@code X-Amz-Target} names: an operation, or nothing (answered after SigV4). */
  sealed interface Target permits Call, Unknown {
    /** The content type of the service the target names; errors are written in it too. */
    ContentType contentType();
  }

  /** An operation, with the request timeout it gets when it has its own. */
  record Call(ContentType contentType, Operation operation, Duration requestTimeout)
      implements Target {}

  record Unknown(ContentType contentType, String message) implements Target {
    AwsServiceException error() {
      return new AwsServiceException("UnknownOperationException", message);
    }
  }

  Target target(String header) {
    Call call = header == null ? null : calls.get(header);
    if (call != null) {
      return call;
    }
    if (header == null || header.isBlank()) {
      return new Unknown(
          AwsMediaTypes.AMZ_JSON_1_0_CONTENT_TYPE, "Missing required header: X-Amz-Target");
    }
    int dot = header.indexOf('.');
    AwsJsonService service = services.get(dot < 0 ? header : header.substring(0, dot));
    return new Unknown(
        service == null ? AwsMediaTypes.AMZ_JSON_1_0_CONTENT_TYPE : service.pekkoContentType(),
        "Operation " + header + " is not supported.");
  }

  /** Parses the body and runs the operation; every failure ends up in the returned stage. */
  CompletionStage<JsonNode> invoke(Call call, Caller caller, byte[] body) {
    try {
      CompletionStage<JsonNode> stage = call.operation().handle(caller, parse(body));
      if (stage == null) {
        throw new IllegalStateException("operation returned no stage");
      }
      return stage;
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  HttpResponse response(Call call, JsonNode result, HttpHeader requestId) {
    byte[] bytes;
    try {
      bytes = mapper.writeValueAsBytes(result == null ? mapper.createObjectNode() : result);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the response", e);
    }
    return HttpResponse.create()
        .addHeader(requestId)
        .withEntity(HttpEntities.create(call.contentType(), bytes));
  }

  /** An empty body counts as {@code {}}; anything but one JSON object is SerializationException. */
  ObjectNode parse(byte[] body) {
    if (isBlank(body)) {
      return mapper.createObjectNode();
    }
    JsonNode node;
    try {
      node = mapper.readTree(body);
    } catch (JacksonException e) {
      throw new AwsServiceException(
          "SerializationException", "Malformed request body: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new AwsServiceException("SerializationException", "Malformed request body");
    }
    if (!(node instanceof ObjectNode object)) {
      throw new AwsServiceException(
          "SerializationException",
          "Expected a JSON object as the request body but got " + node.getNodeType());
    }
    String invalid = invalidUnicode(object, "");
    if (invalid != null) {
      throw new AwsServiceException("ValidationException", "1 validation error detected: Value at '" + invalid
          + "' failed to satisfy constraint: Member must contain only valid Unicode characters (no unpaired surrogate)");
    }
    return object;
  }

  /**
   * Where the request holds text that is not Unicode (a {@code \ud800} escape without its pair, which
   * JSON's syntax lets through), as AWS's member path; null if nowhere. Nothing downstream could
   * store or answer such a name, so it is refused here, at once.
   */
  static String invalidUnicode(JsonNode node, String path) {
    if (node.isTextual()) return validUnicode(node.textValue()) ? null : path;
    if (node.isObject()) {
      var fields = node.fields();
      while (fields.hasNext()) {
        var f = fields.next();
        String at = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
        if (!validUnicode(f.getKey())) return at;
        String bad = invalidUnicode(f.getValue(), at);
        if (bad != null) return bad;
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        String bad = invalidUnicode(node.get(i), path + "." + (i + 1) + ".member");
        if (bad != null) return bad;
      }
    }
    return null;
  }

  private static boolean validUnicode(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!Character.isSurrogate(c)) continue;
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else {
        return false;
      }
    }
    return true;
  }

  private static boolean isBlank(byte[] body) {
    for (byte b : body) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }
}
