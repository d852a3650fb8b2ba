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
import io.stepwise.engine.statemachine.Versions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** PublishStateMachineVersion, ListStateMachineVersions and DeleteStateMachineVersion, as AWS defines them. */
final class VersionOperations {
  private final StepFunctionsEngine engine;

  private VersionOperations(StepFunctionsEngine engine) {
    this.engine = engine;
  }

  static Map<String, Operation> operations(StepFunctionsEngine engine) {
    VersionOperations api = new VersionOperations(engine);
    Map<String, Operation> ops = new LinkedHashMap<>();
    ops.put("PublishStateMachineVersion", api::publish);
    ops.put("ListStateMachineVersions", api::list);
    ops.put("DeleteStateMachineVersion", api::delete);
    return ops;
  }

  private CompletionStage<JsonNode> publish(Caller caller, ObjectNode req) {
    String arn = requiredString(req, "stateMachineArn");
    String revisionId = optionalString(req, "revisionId");
    String description = maxLength(optionalString(req, "description"), "description", 256, true);
    Arns.requireStateMachine(arn);
    return engine.publishStateMachineVersion(arn, revisionId, description).thenApply(v -> {
      ObjectNode n = F.objectNode();
      n.put("creationDate", time(v.creationDate()));
      n.put("stateMachineVersionArn", v.stateMachineArn());
      return n;
    });
  }

  /** Newest first, paginated; a token names the last version of the previous page, for this machine only. */
  private CompletionStage<JsonNode> list(Caller caller, ObjectNode req) {
    String arn = requiredString(req, "stateMachineArn");
    int max = maxResults(req, 100);
    String token = nextToken(req);
    Arns.requireStateMachine(arn);
    int after = token == null ? Integer.MAX_VALUE : afterOf(token, arn);
    return engine.listStateMachineVersions(arn).thenApply(versions -> {
      ArrayNode items = F.arrayNode();
      List<Versions.Version> page = versions.stream().filter(v -> v.number() < after).limit(max + 1L).toList();
      for (int i = 0; i < Math.min(max, page.size()); i++) {
        items.addObject().put("stateMachineVersionArn", page.get(i).record().stateMachineArn())
            .put("creationDate", time(page.get(i).record().creationDate()));
      }
      ObjectNode n = F.objectNode();
      n.set("stateMachineVersions", items);
      if (page.size() > max) n.put("nextToken", tokenOf(arn, page.get(max - 1).number()));
      return n;
    });
  }

  private CompletionStage<JsonNode> delete(Caller caller, ObjectNode req) {
    String arn = requiredString(req, "stateMachineVersionArn");
    var version = Arns.version(arn).orElseThrow(() -> ServiceError.invalidArn(arn));
    return engine.deleteStateMachineVersion(version).thenApply(v -> F.objectNode());
  }

  private static String tokenOf(String machineArn, int number) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString((machineArn + "#" + number).getBytes(StandardCharsets.UTF_8));
  }

  private static int afterOf(String token, String machineArn) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      if (!raw.startsWith(machineArn + "#")) throw new IllegalArgumentException();
      return Integer.parseInt(raw.substring(machineArn.length() + 1));
    } catch (IllegalArgumentException e) {
      throw new ServiceError("InvalidToken", "Invalid Token: 'Invalid token'");
    }
  }
}
