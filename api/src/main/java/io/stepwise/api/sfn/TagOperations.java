package io.stepwise.api.sfn;

import static io.stepwise.api.sfn.Fields.*;
import static io.stepwise.api.sfn.Shapes.F;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.api.http.Caller;
import io.stepwise.api.http.Operation;
import io.stepwise.engine.StepFunctionsEngine;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** TagResource, UntagResource and ListTagsForResource on state machines and activities, as AWS defines them. */
final class TagOperations {
  private final StepFunctionsEngine engine;

  private TagOperations(StepFunctionsEngine engine) {
    this.engine = engine;
  }

  static Map<String, Operation> operations(StepFunctionsEngine engine) {
    TagOperations api = new TagOperations(engine);
    Map<String, Operation> ops = new LinkedHashMap<>();
    ops.put("TagResource", api::tagResource);
    ops.put("UntagResource", api::untagResource);
    ops.put("ListTagsForResource", api::listTagsForResource);
    return ops;
  }

  private static String resourceArn(ObjectNode req) {
    return maxLength(requiredString(req, "resourceArn"), "resourceArn", 256, false);
  }

  private CompletionStage<JsonNode> tagResource(Caller caller, ObjectNode req) {
    String arn = resourceArn(req);
    if (req.get("tags") == null || req.get("tags").isNull()) {
      throw io.stepwise.engine.ServiceError.validation(
          "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null");
    }
    return engine.tagResource(arn, tags(req, "tags")).thenApply(t -> F.objectNode());
  }

  private CompletionStage<JsonNode> untagResource(Caller caller, ObjectNode req) {
    String arn = resourceArn(req);
    return engine.untagResource(arn, tagKeys(req, "tagKeys")).thenApply(t -> F.objectNode());
  }

  private CompletionStage<JsonNode> listTagsForResource(Caller caller, ObjectNode req) {
    return engine.listTagsForResource(resourceArn(req)).thenApply(tags -> {
      ArrayNode items = F.arrayNode();
      tags.forEach((k, v) -> items.addObject().put("key", k).put("value", v));
      ObjectNode n = F.objectNode();
      n.set("tags", items);
      return n;
    });
  }
}
