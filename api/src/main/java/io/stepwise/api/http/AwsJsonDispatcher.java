package io.stepwise.api.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * The AWS JSON protocol without HTTP: {@code X-Amz-Target} to operation, body bytes to a JSON
 * object, operation result to a response. The body is parsed here rather than by an
 * unmarshaller so that any content type is accepted, as AWS does.
 */
final class AwsJsonDispatcher {
  private final Map<String, AwsJsonService> services;
  private final ObjectMapper mapper;

  AwsJsonDispatcher(Map<String, AwsJsonService> services, ObjectMapper mapper) {
    this.services = services;
    this.mapper = mapper;
  }

  /** An operation resolved from a target, ready to run. */
  final class Call {
    private final AwsJsonService service;
    private final Operation operation;

    private Call(AwsJsonService service, Operation operation) {
      this.service = service;
      this.operation = operation;
    }

    /** Parses the body and runs the operation; every failure ends up in the returned stage. */
    CompletionStage<JsonNode> invoke(Caller caller, byte[] body) {
      try {
        CompletionStage<JsonNode> stage = operation.handle(caller, parse(body));
        if (stage == null) {
          throw new IllegalStateException("operation returned no stage");
        }
        return stage;
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }

    HttpResponse response(JsonNode result) {
      byte[] bytes;
      try {
        bytes = mapper.writeValueAsBytes(result == null ? mapper.createObjectNode() : result);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot write the response", e);
      }
      return HttpResponse.create()
          .withEntity(HttpEntities.create(service.pekkoContentType(), bytes));
    }
  }

  Call resolve(String target) {
    if (target == null || target.isBlank()) {
      throw unknownOperation("Missing required header: X-Amz-Target");
    }
    int dot = target.indexOf('.');
    AwsJsonService service = dot < 0 ? null : services.get(target.substring(0, dot));
    Operation operation =
        service == null ? null : service.operations().get(target.substring(dot + 1));
    if (operation == null) {
      throw unknownOperation("Operation " + target + " is not supported.");
    }
    return new Call(service, operation);
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
    return object;
  }

  private static boolean isBlank(byte[] body) {
    for (byte b : body) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }

  private static AwsServiceException unknownOperation(String message) {
    return new AwsServiceException("UnknownOperationException", message);
  }
}
