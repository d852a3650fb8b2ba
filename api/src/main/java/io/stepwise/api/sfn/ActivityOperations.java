package io.stepwise.api.sfn;

import static io.stepwise.api.sfn.Fields.*;
import static io.stepwise.api.sfn.Shapes.F;
import static io.stepwise.api.sfn.Shapes.time;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.api.http.Caller;
import io.stepwise.api.http.Operation;
import io.stepwise.engine.Arns;
import io.stepwise.engine.ServiceError;
import io.stepwise.engine.StepFunctionsEngine;
import io.stepwise.engine.activity.ActivityRecord;
import io.stepwise.engine.catalog.ActivitySummary;
import io.stepwise.engine.kms.EncryptionConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * CreateActivity, DescribeActivity, DeleteActivity, ListActivities, and the workers' actions
 * (GetActivityTask, SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat), as AWS defines them.
 */
final class ActivityOperations {
  private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();

  private final StepFunctionsEngine engine;
  private final String region;

  private ActivityOperations(StepFunctionsEngine engine, String region) {
    this.engine = engine;
    this.region = region;
  }

  static Map<String, Operation> operations(StepFunctionsEngine engine, String region) {
    ActivityOperations api = new ActivityOperations(engine, region);
    Map<String, Operation> ops = new LinkedHashMap<>();
    ops.put("CreateActivity", api::createActivity);
    ops.put("DescribeActivity", api::describeActivity);
    ops.put("DeleteActivity", api::deleteActivity);
    ops.put("ListActivities", api::listActivities);
    ops.put("GetActivityTask", api::getActivityTask);
    ops.put("SendTaskSuccess", api::sendTaskSuccess);
    ops.put("SendTaskFailure", api::sendTaskFailure);
    ops.put("SendTaskHeartbeat", api::sendTaskHeartbeat);
    return ops;
  }

  private CompletionStage<JsonNode> createActivity(Caller caller, ObjectNode req) {
    String name = requiredString(req, "name");
    Map<String, String> tags = tags(req, "tags");
    if (!Arns.isValidName(name)) throw new ServiceError("InvalidName", "Invalid Name: '" + name + "'");
    EncryptionConfig encryption = StepFunctionsApi.encryption(engine, caller, req);
    String arn = Arns.activity(region, caller.accountId(), name);
    return engine.createActivity(new ActivityRecord(arn, name, engine.clock().instant(), encryption), tags).thenApply(a -> {
      ObjectNode n = F.objectNode();
      n.put("activityArn", a.activityArn());
      n.put("creationDate", time(a.creationDate()));
      return n;
    });
  }

  private CompletionStage<JsonNode> describeActivity(Caller caller, ObjectNode req) {
    String arn = requiredString(req, "activityArn");
    Arns.requireActivity(arn);
    return engine.describeActivity(arn).thenApply(Shapes::describeActivity);
  }

  private CompletionStage<JsonNode> deleteActivity(Caller caller, ObjectNode req) {
    String arn = requiredString(req, "activityArn");
    Arns.requireActivity(arn);
    return engine.deleteActivity(arn).thenApply(v -> F.objectNode());
  }

  private CompletionStage<JsonNode> listActivities(Caller caller, ObjectNode req) {
    int max = maxResults(req, 100);
    return engine.listActivities(region, caller.accountId(), max, nextToken(req)).thenApply(page -> {
      ArrayNode items = F.arrayNode();
      for (ActivitySummary s : page.items()) {
        items.addObject().put("activityArn", s.activityArn()).put("name", s.name())
            .put("creationDate", time(s.creationDate()));
      }
      ObjectNode n = F.objectNode();
      n.set("activities", items);
      if (page.nextToken() != null) n.put("nextToken", page.nextToken());
      return n;
    });
  }

  private CompletionStage<JsonNode> getActivityTask(Caller caller, ObjectNode req) {
    String arn = requiredString(req, "activityArn");
    maxLength(arn, "activityArn", 256, false);
    String worker = maxLength(optionalString(req, "workerName"), "workerName", 80, false);
    Arns.requireActivity(arn);
    // A worker needs kms:Decrypt on the activity's customer-managed key, as AWS requires.
    return engine.getActivityTask(arn, worker, a -> engine.encryption().checkDecrypt(a.encryptionConfiguration(),
        caller.accountId(), StepFunctionsApi.principal(caller)), caller.gone()).thenApply(task -> {
      ObjectNode n = F.objectNode();
      task.ifPresent(t -> n.put("taskToken", t.taskToken()).put("input", t.input()));
      return n;
    });
  }

  /** The request's task token, which must be of one of the caller's own executions. */
  private String taskToken(Caller caller, ObjectNode req) {
    String token = maxLength(requiredString(req, "taskToken"), "taskToken", 2048, false);
    if (token.isEmpty()) {
      throw ServiceError.validation("1 validation error detected: Value '' at 'taskToken' failed to satisfy constraint: "
          + "Member must have length greater than or equal to 1");
    }
    if (engine.taskTokenAccount(token).filter(a -> !a.equals(caller.accountId())).isPresent()) {
      throw new ServiceError("InvalidToken", "Invalid Token: 'Invalid token'");
    }
    return token;
  }

  private CompletionStage<JsonNode> sendTaskSuccess(Caller caller, ObjectNode req) {
    String token = taskToken(caller, req);
    String output = requiredString(req, "output");
    Fields.maxBytes(output, "output", StepFunctionsApi.MAX_INPUT);
    String problem = jsonProblem(MAPPER, output);
    if (problem != null) throw new ServiceError("InvalidOutput", "Invalid Output: '" + problem + "'");
    return engine.sendTaskSuccess(token, output).thenApply(v -> F.objectNode());
  }

  private CompletionStage<JsonNode> sendTaskFailure(Caller caller, ObjectNode req) {
    String token = taskToken(caller, req);
    String error = maxLength(optionalString(req, "error"), "error", 256, true);
    String cause = maxLength(optionalString(req, "cause"), "cause", 32_768, true);
    return engine.sendTaskFailure(token, error, cause).thenApply(v -> F.objectNode());
  }

  private CompletionStage<JsonNode> sendTaskHeartbeat(Caller caller, ObjectNode req) {
    return engine.sendTaskHeartbeat(taskToken(caller, req)).thenApply(v -> F.objectNode());
  }
}
