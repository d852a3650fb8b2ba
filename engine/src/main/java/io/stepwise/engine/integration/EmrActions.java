package io.stepwise.engine.integration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The optimized Amazon EMR integration's own actions ({@code arn:aws:states:::elasticmapreduce:<action>}),
 * which wrap EMR's API with shapes of their own, as AWS's "Optimized Amazon EMR APIs" list them:
 * {@code createCluster} is RunJobFlow answering {@code ClusterId} for {@code JobFlowId};
 * {@code setClusterTerminationProtection} and {@code terminateCluster} take one {@code ClusterId}
 * where EMR takes {@code JobFlowIds}; {@code addStep} takes one {@code Step} and answers one
 * {@code StepId}; {@code cancelStep} takes one {@code StepId} and answers one
 * {@code CancelStepsInfo}; {@code modifyInstanceGroupByName} and {@code modifyInstanceFleetByName}
 * name the group or fleet, whose id the integration looks up (ListInstanceGroups,
 * ListInstanceFleets) before it modifies it. Other parameters go to EMR as given.
 */
final class EmrActions {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private EmrActions() {}

  /**
   * An instance group or fleet named rather than identified: {@code list} (an EMR operation)
   * lists the cluster's in {@code listed}; the one whose Name is the parameter {@code name} gives
   * its Id as {@code idField} of the parameter {@code object}.
   */
  record ByName(String list, String listed, String name, String object, String idField) {}

  /**
   * An action: the EMR operation it calls ({@code runJobFlow}), how the task's parameters become
   * that operation's (given the looked-up id, for a {@link ByName} action), how EMR's answer
   * becomes the task's.
   */
  record Action(String operation, java.util.function.BiFunction<JsonNode, String, JsonNode> request,
      UnaryOperator<JsonNode> response, ByName byName) {}

  private static final Map<String, Action> ACTIONS = Map.of(
      "createCluster", new Action("runJobFlow", (p, id) -> p,
          out -> NODES.objectNode().set("ClusterId", required(out.path("JobFlowId"), "JobFlowId", "RunJobFlow")), null),
      "setClusterTerminationProtection", new Action("setTerminationProtection",
          (p, id) -> clusterAsList(p), out -> out, null),
      "terminateCluster", new Action("terminateJobFlows", (p, id) -> clusterAsList(p), out -> out, null),
      "addStep", new Action("addJobFlowSteps", (p, id) -> {
        ObjectNode o = without(p, "ClusterId", "Step");
        if (p.has("ClusterId")) o.set("JobFlowId", p.get("ClusterId"));
        if (p.has("Step")) o.putArray("Steps").add(p.get("Step"));
        return o;
      }, out -> NODES.objectNode().set("StepId", required(out.path("StepIds").path(0), "StepIds", "AddJobFlowSteps")), null),
      "cancelStep", new Action("cancelSteps", (p, id) -> {
        ObjectNode o = without(p, "StepId");
        if (p.has("StepId")) o.putArray("StepIds").add(p.get("StepId"));
        return o;
      }, out -> NODES.objectNode().set("CancelStepsInfo",
          required(out.path("CancelStepsInfoList").path(0), "CancelStepsInfoList", "CancelSteps")), null),
      "modifyInstanceGroupByName", new Action("modifyInstanceGroups", (p, id) -> {
        ObjectNode o = without(p, "InstanceGroupName", "InstanceGroup");
        o.putArray("InstanceGroups").add(named(p.path("InstanceGroup"), "InstanceGroupName", "InstanceGroupId", id));
        return o;
      }, out -> out, new ByName("listInstanceGroups", "InstanceGroups", "InstanceGroupName", "InstanceGroup", "InstanceGroupId")),
      "modifyInstanceFleetByName", new Action("modifyInstanceFleet", (p, id) -> {
        ObjectNode o = without(p, "InstanceFleetName", "InstanceFleet");
        o.set("InstanceFleet", named(p.path("InstanceFleet"), "InstanceFleetName", "InstanceFleetId", id));
        return o;
      }, out -> out, new ByName("listInstanceFleets", "InstanceFleets", "InstanceFleetName", "InstanceFleet", "InstanceFleetId")));

  /** The action the optimized integration names {@code action}, if it is one of its own. */
  static Optional<Action> of(String action) {
    return Optional.ofNullable(ACTIONS.get(action));
  }

  /**
   * The name a {@link ByName} action's parameters give the group or fleet: the parameter itself
   * (as AWS's examples place it) or, as its table describes, a field of the object to modify.
   */
  static String nameIn(JsonNode parameters, ByName byName) {
    JsonNode n = parameters.has(byName.name()) ? parameters.get(byName.name()) : parameters.path(byName.object()).path(byName.name());
    return n.isValueNode() ? n.asText() : null;
  }

  /** {@code value}, which EMR's answer to {@code operation} must have (the task fails with States.Runtime if not). */
  private static JsonNode required(JsonNode value, String field, String operation) {
    if (value.isMissingNode() || value.isNull()) {
      throw new IllegalStateException("EMR's answer to " + operation + " has no " + field);
    }
    return value;
  }

  private static JsonNode clusterAsList(JsonNode p) {
    ObjectNode o = without(p, "ClusterId");
    if (p.has("ClusterId")) o.putArray("JobFlowIds").add(p.get("ClusterId"));
    return o;
  }

  private static ObjectNode without(JsonNode p, String... names) {
    ObjectNode o = p.isObject() ? ((ObjectNode) p).deepCopy() : NODES.objectNode();
    o.remove(java.util.List.of(names));
    return o;
  }

  private static ObjectNode named(JsonNode object, String nameField, String idField, String id) {
    ObjectNode o = NODES.objectNode().put(idField, id);
    if (object.isObject()) o.setAll(without(object, nameField, idField));
    return o;
  }
}
