package io.stepwise.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletionStage;

/**
 * One AWS JSON action, e.g. {@code StartExecution}. It receives the parsed request object and
 * completes with the response object; client errors are reported by failing (or throwing) with
 * an {@link AwsServiceException}. Any other failure is answered as a 500, so it must mean a bug.
 */
@FunctionalInterface
public interface Operation {
  CompletionStage<JsonNode> handle(Caller caller, ObjectNode request);
}
