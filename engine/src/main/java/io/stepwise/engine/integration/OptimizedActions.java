package io.stepwise.engine.integration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Optional;

/**
 * Optimized integrations whose actions wrap their service's with shapes of their own, as AWS's
 * tables of them say.
 *
 * <p>Amazon EMR ({@code arn:aws:states:::elasticmapreduce:<action>}, "Optimized Amazon EMR APIs"):
 * {@code createCluster} is RunJobFlow answering {@code ClusterId} for {@code JobFlowId};
 * {@code setClusterTerminationProtection} and {@code terminateCluster} take one {@code ClusterId}
 * where EMR takes {@code JobFlowIds}; {@code addStep} takes one {@code Step} and answers one
 * {@code StepId}; {@code cancelStep} takes one {@code StepId} and answers one
 * {@code CancelStepsInfo}; {@code modifyInstanceGroupByName} and {@code modifyInstanceFleetByName}
 * name the group or fleet, whose id the integration looks up (ListInstanceGroups,
 * ListInstanceFleets) before it modifies it.
 *
 * <p>EMR Serverless ({@code arn:aws:states:::emr-serverless:<action>}): {@code startApplication},
 * {@code stopApplication} and {@code deleteApplication} answer {@code ApplicationId}, where the
 * service answers nothing. MediaConvert's {@code createJob} adds the tag
 * {@code ManagedByService: AWSStepFunctions} to the job, as AWS's does. Other parameters go to
 * the service as given.
 */
final class OptimizedActions {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private OptimizedActions() {}

  /**
   * An instance group or fleet named rather than identified: {@code list} (an EMR operation)
   * lists the cluster's in {@code listed}; the one whose Name is the parameter {@code name} gives
   * its Id as {@code idField} of the parameter {@code object}.
   */
  record ByName(String list, String listed, String name, String object, String idField) {}

  /**
   * An action: the service's operation it calls ({@code runJobFlow}), how the task's parameters
   * become that operation's (given the looked-up id, for a {@link ByName} action), how the
   * service's answer becomes the task's (given the task's parameters).
   */
  record Action(String operation, java.util.function.BiFunction<JsonNode, String, JsonNode> request,
      java.util.function.BiFunction<JsonNode, JsonNode, JsonNode> response, ByName byName) {}

  /** Answers with the application the task's parameters name. */
  private static JsonNode application(JsonNode p, JsonNode out) {
    return NODES.objectNode().set("ApplicationId", required(p.path("ApplicationId"), "ApplicationId", "the task's parameters"));
  }

  /** MediaConvert's jobs carry the tag by which Step Functions' role may read and cancel them. */
  private static JsonNode managedByStepFunctions(JsonNode p) {
    ObjectNode o = p.isObject() ? ((ObjectNode) p).deepCopy() : NODES.objectNode();
    ObjectNode tags = o.path("Tags").isObject() ? (ObjectNode) o.get("Tags") : o.putObject("Tags");
    tags.put("ManagedByService", "AWSStepFunctions");
    return o;
  }

  private static final Map<String, Action> ACTIONS = Map.ofEntries(
      Map.entry("mediaconvert:createJob", new Action("createJob", (p, id) -> managedByStepFunctions(p), (p, out) -> out, null)),
      Map.entry("emr-serverless:startApplication", new Action("startApplication", (p, id) -> p, OptimizedActions::application, null)),
      Map.entry("emr-serverless:stopApplication", new Action("stopApplication", (p, id) -> p, OptimizedActions::application, null)),
      Map.entry("emr-serverless:deleteApplication", new Action("deleteApplication", (p, id) -> p, OptimizedActions::application, null)),
      Map.entry("elasticmapreduce:createCluster", new Action("runJobFlow", (p, id) -> p,
          (p, out) -> NODES.objectNode().set("ClusterId", required(out.path("JobFlowId"), "JobFlowId", "RunJobFlow")), null)),
      Map.entry("elasticmapreduce:setClusterTerminationProtection", new Action("setTerminationProtection",
          (p, id) -> clusterAsList(p), (p, out) -> out, null)),
      Map.entry("elasticmapreduce:terminateCluster", new Action("terminateJobFlows", (p, id) -> clusterAsList(p),
          (p, out) -> out, null)),
      Map.entry("elasticmapreduce:addStep", new Action("addJobFlowSteps", (p, id) -> {
        ObjectNode o = without(p, "ClusterId", "Step");
        if (p.has("ClusterId")) o.set("JobFlowId", p.get("ClusterId"));
        if (p.has("Step")) o.putArray("Steps").add(p.get("Step"));
        return o;
      }, (p, out) -> NODES.objectNode().set("StepId", required(out.path("StepIds").path(0), "StepIds", "AddJobFlowSteps")), null)),
      Map.entry("elasticmapreduce:cancelStep", new Action("cancelSteps", (p, id) -> {
        ObjectNode o = without(p, "StepId");
        if (p.has("StepId")) o.putArray("StepIds").add(p.get("StepId"));
        return o;
      }, (p, out) -> NODES.objectNode().set("CancelStepsInfo",
          required(out.path("CancelStepsInfoList").path(0), "CancelStepsInfoList", "CancelSteps")), null)),
      Map.entry("elasticmapreduce:modifyInstanceGroupByName", new Action("modifyInstanceGroups", (p, id) -> {
        ObjectNode o = without(p, "InstanceGroupName", "InstanceGroup");
        o.putArray("InstanceGroups").add(named(p.path("InstanceGroup"), "InstanceGroupName", "InstanceGroupId", id));
        return o;
      }, (p, out) -> out, new ByName("listInstanceGroups", "InstanceGroups", "InstanceGroupName", "InstanceGroup",
          "InstanceGroupId"))),
      Map.entry("elasticmapreduce:modifyInstanceFleetByName", new Action("modifyInstanceFleet", (p, id) -> {
        ObjectNode o = without(p, "InstanceFleetName", "InstanceFleet");
        o.set("InstanceFleet", named(p.path("InstanceFleet"), "InstanceFleetName", "InstanceFleetId", id));
        return o;
      }, (p, out) -> out, new ByName("listInstanceFleets", "InstanceFleets", "InstanceFleetName", "InstanceFleet",
          "InstanceFleetId"))));

  /** The action the optimized integration of {@code service} names {@code action}, if it is one of its own. */
  static Optional<Action> of(String service, String action) {
    return Optional.ofNullable(ACTIONS.get(service + ":" + action));
  }

  /**
   * The name a {@link ByName} action's parameters give the group or fleet: the parameter itself
   * (as AWS's examples place it) or, as its table describes, a field of the object to modify.
   */
  static String nameIn(JsonNode parameters, ByName byName) {
    JsonNode n = parameters.has(byName.name()) ? parameters.get(byName.name()) : parameters.path(byName.object()).path(byName.name());
    return n.isValueNode() ? n.asText() : null;
  }

  /** {@code value}, which {@code where} must have (the task fails with States.Runtime if not). */
  private static JsonNode required(JsonNode value, String field, String where) {
    if (value.isMissingNode() || value.isNull()) {
      throw new IllegalStateException((where.startsWith("the ") ? "The task's parameters have" : "The answer to " + where + " has")
          + " no " + field);
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
