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
import io.stepwise.engine.catalog.Page;
import io.stepwise.engine.kms.EncryptionConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** CreateActivity, DescribeActivity, DeleteActivity and ListActivities, as AWS defines them. */
final class ActivityOperations {
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
}
