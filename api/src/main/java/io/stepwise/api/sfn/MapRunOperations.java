package io.stepwise.api.sfn;

import static io.stepwise.api.sfn.Fields.*;
import static io.stepwise.api.sfn.Shapes.F;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.api.http.Caller;
import io.stepwise.api.http.Operation;
import io.stepwise.engine.Arns;
import io.stepwise.engine.ServiceError;
import io.stepwise.engine.StepFunctionsEngine;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * DescribeMapRun, ListMapRuns and UpdateMapRun: the records of the Map Runs Distributed Maps start
 * (ResourceNotFound for a valid ARN no run has; ExecutionDoesNotExist for an unknown execution).
 * UpdateMapRun changes a running run's MaxConcurrency and tolerated failures at once.
 */
final class MapRunOperations {
  private final StepFunctionsEngine engine;

  private MapRunOperations(StepFunctionsEngine engine) {
    this.engine = engine;
  }

  static Map<String, Operation> operations(StepFunctionsEngine engine) {
    MapRunOperations api = new MapRunOperations(engine);
    Map<String, Operation> ops = new LinkedHashMap<>();
    ops.put("DescribeMapRun", api::describe);
    ops.put("ListMapRuns", api::list);
    ops.put("UpdateMapRun", api::update);
    return ops;
  }

  /** {@code arn:aws:states:region:account:mapRun:machine/label:id}, or InvalidArn. */
  private static String mapRunArn(ObjectNode req) {
    return requireMapRunArn(maxLength(requiredString(req, "mapRunArn"), "mapRunArn", 2000, false));
  }

  /** {@code arn} if it is a Map Run's ARN, else InvalidArn. */
  static String requireMapRunArn(String arn) {
    Arns.Parsed p = Arns.parse(arn);
    int slash = p == null ? -1 : p.rest().indexOf('/');
    if (p == null || !p.resourceType().equals("mapRun") || slash < 1 || p.rest().indexOf(':', slash) < 0) {
      throw ServiceError.invalidArn(arn);
    }
    return arn;
  }

  static ServiceError notFound(String arn) {
    return new ServiceError("ResourceNotFound", "Resource not found: '" + arn + "'");
  }

  private CompletionStage<JsonNode> describe(Caller caller, ObjectNode req) {
    return engine.describeMapRun(mapRunArn(req)).thenApply(MapRunOperations::described);
  }

  /** A record as DescribeMapRun answers it: dates as AWS timestamps. */
  private static ObjectNode described(ObjectNode record) {
    ObjectNode n = record.deepCopy();
    n.put("startDate", Shapes.time(java.time.Instant.ofEpochMilli(record.get("startDate").asLong())));
    if (record.has("stopDate")) n.put("stopDate", Shapes.time(java.time.Instant.ofEpochMilli(record.get("stopDate").asLong())));
    if (record.has("redriveDate")) {
      n.put("redriveDate", Shapes.time(java.time.Instant.ofEpochMilli(record.get("redriveDate").asLong())));
    }
    return n;
  }

  private CompletionStage<JsonNode> update(Caller caller, ObjectNode req) {
    String arn = mapRunArn(req);
    Integer max = nonNegativeInt(req, "maxConcurrency", "maxConcurrency");
    Integer count = nonNegativeInt(req, "toleratedFailureCount", "toleratedFailureCount");
    JsonNode pct = req.get("toleratedFailurePercentage");
    if (pct != null && !pct.isNull()) {
      if (!pct.isNumber()) {
        throw new ServiceError("SerializationException",
            "Unexpected value type for member 'toleratedFailurePercentage': expected a number");
      }
      if (pct.doubleValue() < 0 || pct.doubleValue() > 100) {
        throw ServiceError.validation("1 validation error detected: Value '" + pct.asText()
            + "' at 'toleratedFailurePercentage' failed to satisfy constraint: Member must have value between 0 and 100");
      }
    }
    Double percentage = pct == null || pct.isNull() ? null : pct.doubleValue();
    return engine.updateMapRun(arn, max, count == null ? null : count.doubleValue(), percentage)
        .thenApply(v -> F.objectNode());
  }

  private CompletionStage<JsonNode> list(Caller caller, ObjectNode req) {
    String arn = requiredString(req, "executionArn");
    int max = maxResults(req, 100);
    String token = nextToken(req);
    Arns.requireExecution(arn);
    int from;
    try {
      from = token == null ? 0 : Integer.parseInt(new String(java.util.Base64.getUrlDecoder().decode(token),
          java.nio.charset.StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new ServiceError("InvalidToken", "Invalid Token: '" + token + "'");
    }
    return engine.listMapRuns(arn).thenApply(runs -> {
      ObjectNode n = F.objectNode();
      var items = n.putArray("mapRuns");
      int end = Math.min(runs.size(), from + (max == 0 ? 100 : max));
      for (int i = Math.max(0, from); i < end; i++) {
        ObjectNode r = described(runs.get(i));
        ObjectNode item = items.addObject();
        item.put("executionArn", arn);
        item.put("mapRunArn", r.get("mapRunArn").asText());
        item.put("stateMachineArn", r.get("stateMachineArn").asText());
        item.set("startDate", r.get("startDate"));
        if (r.has("stopDate")) item.set("stopDate", r.get("stopDate"));
      }
      if (end < runs.size()) {
        n.put("nextToken", java.util.Base64.getUrlEncoder().withoutPadding()
            .encodeToString(String.valueOf(end).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      }
      return n;
    });
  }
}
