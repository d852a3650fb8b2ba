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
import io.stepwise.engine.Arns.AliasRef;
import io.stepwise.engine.statemachine.Alias;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * CreateStateMachineAlias, DescribeStateMachineAlias, UpdateStateMachineAlias,
 * DeleteStateMachineAlias and ListStateMachineAliases, as AWS defines them.
 */
final class AliasOperations {
  private final StepFunctionsEngine engine;

  private AliasOperations(StepFunctionsEngine engine) {
    this.engine = engine;
  }

  static Map<String, Operation> operations(StepFunctionsEngine engine) {
    AliasOperations api = new AliasOperations(engine);
    Map<String, Operation> ops = new LinkedHashMap<>();
    ops.put("CreateStateMachineAlias", api::create);
    ops.put("DescribeStateMachineAlias", api::describe);
    ops.put("UpdateStateMachineAlias", api::update);
    ops.put("DeleteStateMachineAlias", api::delete);
    ops.put("ListStateMachineAliases", api::list);
    return ops;
  }

  private CompletionStage<JsonNode> create(Caller caller, ObjectNode req) {
    String name = requiredString(req, "name");
    String description = maxLength(optionalString(req, "description"), "description", 256, true);
    List<Alias.Route> routing = routing(req, true);
    if (!Arns.isValidAliasName(name)) {
      throw ServiceError.validation("1 validation error detected: Value '" + name + "' at 'name' failed to satisfy "
          + "constraint: Member must satisfy regular expression pattern: ^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$");
    }
    String machineArn = machineOf(routing.get(0).stateMachineVersionArn());
    Alias.checkRouting(machineArn, routing);
    AliasRef ref = new AliasRef(machineArn, name);
    return engine.saveStateMachineAlias(ref, description, routing, true).thenApply(a -> {
      ObjectNode n = F.objectNode();
      n.put("stateMachineAliasArn", Alias.arn(machineArn, a.name()));
      n.put("creationDate", time(a.creationDate()));
      return n;
    });
  }

  private CompletionStage<JsonNode> describe(Caller caller, ObjectNode req) {
    String arn = requiredString(req, "stateMachineAliasArn");
    AliasRef ref = aliasRef(arn);
    return engine.describeStateMachineAlias(ref).thenApply(a -> {
      ObjectNode n = F.objectNode();
      n.put("stateMachineAliasArn", arn);
      n.put("name", a.name());
      if (a.description() != null) n.put("description", a.description());
      ArrayNode routes = n.putArray("routingConfiguration");
      for (Alias.Route r : a.routing()) {
        routes.addObject().put("stateMachineVersionArn", r.stateMachineVersionArn()).put("weight", r.weight());
      }
      n.put("creationDate", time(a.creationDate()));
      n.put("updateDate", time(a.updateDate()));
      return n;
    });
  }

  private CompletionStage<JsonNode> update(Caller caller, ObjectNode req) {
    String arn = requiredString(req, "stateMachineAliasArn");
    String description = maxLength(optionalString(req, "description"), "description", 256, true);
    List<Alias.Route> routing = routing(req, false);
    AliasRef ref = aliasRef(arn);
    if (description == null && routing == null) {
      throw new ServiceError("MissingRequiredParameter",
          "Either the description or the RoutingConfiguration must be specified");
    }
    if (routing != null) Alias.checkRouting(ref.machineArn(), routing);
    return engine.saveStateMachineAlias(ref, description, routing, false).thenApply(a -> {
      ObjectNode n = F.objectNode();
      n.put("updateDate", time(a.updateDate()));
      return n;
    });
  }

  private CompletionStage<JsonNode> delete(Caller caller, ObjectNode req) {
    AliasRef ref = aliasRef(requiredString(req, "stateMachineAliasArn"));
    return engine.deleteStateMachineAlias(ref).thenApply(v -> F.objectNode());
  }

  /**
   * ListStateMachineAliases as the API Reference has it: "sorted by time, with the most recently
   * created aliases listed first" (the name breaks a tie), and a version ARN lists the aliases that
   * route to that version. The token carries the last alias's place in that order.
   */
  private CompletionStage<JsonNode> list(Caller caller, ObjectNode req) {
    String listedArn = requiredString(req, "stateMachineArn");
    int max = maxResults(req, 100);
    String token = nextToken(req);
    java.util.Optional<Arns.VersionRef> version = Arns.version(listedArn);
    String machineArn = version.map(Arns.VersionRef::machineArn).orElse(listedArn);
    Arns.requireStateMachine(machineArn);
    Place after = token == null ? null : afterOf(token, listedArn);
    java.util.Comparator<Alias> newestFirst = java.util.Comparator.comparing(Alias::creationDate).reversed()
        .thenComparing(Alias::name);
    return engine.listStateMachineAliases(machineArn).thenApply(aliases -> {
      List<Alias> page = aliases.stream()
          .filter(a -> version.isEmpty() || a.routing().stream().anyMatch(r -> r.stateMachineVersionArn().equals(listedArn)))
          .sorted(newestFirst)
          .filter(a -> after == null || after.isBefore(a))
          .limit(max + 1L).toList();
      ArrayNode items = F.arrayNode();
      for (int i = 0; i < Math.min(max, page.size()); i++) {
        items.addObject().put("stateMachineAliasArn", Alias.arn(machineArn, page.get(i).name()))
            .put("creationDate", time(page.get(i).creationDate()));
      }
      ObjectNode n = F.objectNode();
      n.set("stateMachineAliases", items);
      if (page.size() > max) n.put("nextToken", tokenOf(listedArn, page.get(max - 1)));
      return n;
    });
  }

  /** Where a page ended: its last alias's creation date and name. */
  private record Place(java.time.Instant created, String name) {
    /** Whether {@code a} comes after this place, newest first and names in order. */
    boolean isBefore(Alias a) {
      int c = a.creationDate().compareTo(created);
      return c < 0 || (c == 0 && a.name().compareTo(name) > 0);
    }
  }

  /** The request's routingConfiguration: required on create, absent (null) allowed on update. */
  private static List<Alias.Route> routing(ObjectNode req, boolean required) {
    JsonNode v = req.get("routingConfiguration");
    if (v == null || v.isNull()) {
      if (!required) return null;
      throw ServiceError.validation("1 validation error detected: Value null at 'routingConfiguration' failed to "
          + "satisfy constraint: Member must not be null");
    }
    if (!v.isArray()) {
      throw new ServiceError("SerializationException",
          "Unexpected value type for member 'routingConfiguration': expected a list");
    }
    List<Alias.Route> out = new ArrayList<>();
    for (JsonNode r : v) {
      if (!r.isObject()) {
        throw new ServiceError("SerializationException",
            "Unexpected value type for member 'routingConfiguration': expected a list of structures");
      }
      String version = requiredString((ObjectNode) r, "stateMachineVersionArn");
      JsonNode w = r.get("weight");
      if (w == null || w.isNull()) {
        throw ServiceError.validation("1 validation error detected: Value null at 'routingConfiguration.member.weight' "
            + "failed to satisfy constraint: Member must not be null");
      }
      if (!w.isIntegralNumber() || !w.canConvertToInt()) {
        throw new ServiceError("SerializationException", "Unexpected value type for member 'weight': expected an integer");
      }
      if (Arns.version(version).isEmpty()) throw ServiceError.invalidArn(version);
      out.add(new Alias.Route(version, w.intValue()));
    }
    if (out.isEmpty()) Alias.checkRouting("", out); // AWS's "one or two routes"
    return out;
  }

  private static String machineOf(String versionArn) {
    return Arns.version(versionArn).orElseThrow(() -> ServiceError.invalidArn(versionArn)).machineArn();
  }

  private static AliasRef aliasRef(String arn) {
    return Arns.alias(arn).orElseThrow(() -> ServiceError.invalidArn(arn));
  }

  private static String tokenOf(String listedArn, Alias last) {
    String raw = listedArn + "#" + last.creationDate() + "#" + last.name();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  private static Place afterOf(String token, String listedArn) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      if (!raw.startsWith(listedArn + "#")) throw new IllegalArgumentException();
      String rest = raw.substring(listedArn.length() + 1);
      int hash = rest.indexOf('#');
      if (hash < 0) throw new IllegalArgumentException();
      return new Place(java.time.Instant.parse(rest.substring(0, hash)), rest.substring(hash + 1));
    } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
      throw new ServiceError("InvalidToken", "Invalid Token: 'Invalid token'");
    }
  }
}
