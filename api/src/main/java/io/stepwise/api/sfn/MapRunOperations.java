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
 * DescribeMapRun, ListMapRuns and UpdateMapRun. Map Runs are what a Distributed Map starts, and
 * no execution starts one yet: every Map Run ARN is unknown (ResourceNotFound once it is valid),
 * and an execution lists none (ExecutionDoesNotExist if it does not exist), as AWS answers then.
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
    throw notFound(mapRunArn(req));
  }

  private CompletionStage<JsonNode> update(Caller caller, ObjectNode req) {
    String arn = mapRunArn(req);
    nonNegativeInt(req, "maxConcurrency", "maxConcurrency");
    nonNegativeInt(req, "toleratedFailureCount", "toleratedFailureCount");
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
    throw notFound(arn);
  }


  private CompletionStage<JsonNode> list(Caller caller, ObjectNode req) {
    String arn = requiredString(req, "executionArn");
    maxResults(req, 100);
    String token = nextToken(req);
    Arns.requireExecution(arn);
    if (token != null) throw new ServiceError("InvalidToken", "Invalid Token: 'Invalid token'"); // none was issued
    return engine.describeExecution(arn).thenApply(execution -> {
      ObjectNode n = F.objectNode();
      n.putArray("mapRuns");
      return n;
    });
  }
}
