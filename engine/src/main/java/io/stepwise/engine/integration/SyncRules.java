package io.stepwise.engine.integration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * How each optimized integration's {@code .sync} waits for the job its call started (AWS's "Run a
 * Job" pattern), by {@code service:action}: the call that describes the job, the statuses that end
 * it, how a task cut off stops it, what the task answers.
 */
final class SyncRules {
  private SyncRules() {}

  /**
   * How an optimized integration's {@code .sync} waits for the job it started: the call that
   * describes it (made with the start's parameters and answer), where the description holds the
   * job and its status, which statuses end it well or badly, how a task cut off stops it (none: it
   * is left to run, as AWS leaves an EMR cluster). The task answers with the job, or with the
   * start's own answer ({@code startAnswers}: EMR's actions answer as their request-response forms
   * do); a job that ends badly fails it with {@code States.TaskFailed}, the job as cause.
   */
  record Rule(String describe, java.util.function.BiFunction<JsonNode, JsonNode, JsonNode> parameters,
      java.util.function.Function<JsonNode, JsonNode> job, String status, java.util.Set<String> succeeded,
      java.util.Set<String> failed, String stop, java.util.function.BiFunction<JsonNode, JsonNode, JsonNode> stopParameters,
      boolean startAnswers) {
    /** A rule whose task answers with the job. */
    Rule(String describe, java.util.function.BiFunction<JsonNode, JsonNode, JsonNode> parameters,
        java.util.function.Function<JsonNode, JsonNode> job, String status, java.util.Set<String> succeeded,
        java.util.Set<String> failed, String stop, java.util.function.BiFunction<JsonNode, JsonNode, JsonNode> stopParameters) {
      this(describe, parameters, job, status, succeeded, failed, stop, stopParameters, false);
    }
  }

  /**
   * SageMaker's jobs of one kind ({@code TrainingJob}): created by {@code create<Kind>}, described
   * by name, ended by {@code <Kind>Status} Completed (or Failed, Stopped), stopped by name; the
   * task answers with the description.
   */
  private static Map.Entry<String, Rule> sageMaker(String kind) {
    String name = kind + "Name";
    return Map.entry("sagemaker:create" + kind, new Rule("describe" + kind,
        (p, started) -> object().put(name, p.path(name).asText()), d -> d, kind + "Status",
        java.util.Set.of("Completed"), java.util.Set.of("Failed", "Stopped"), "stop" + kind,
        (p, started) -> object().put(name, p.path(name).asText())));
  }

  /** A status that stands for "the description found nothing": the job of a deletion is then done. */
  static final String GONE = "(gone)";

  /**
   * An EMR Serverless application's own .sync: described by its id (the task's parameters, else
   * the start's answer) until {@code state}; the task answers as its request-response form.
   */
  private static Rule emrServerlessApplication(String state) {
    return new Rule("getApplication", (p, started) -> object().put("ApplicationId",
        p.has("ApplicationId") ? p.path("ApplicationId").asText() : started.path("ApplicationId").asText()),
        d -> d.path("Application"), "State", java.util.Set.of(state),
        state.equals("TERMINATED") ? java.util.Set.of() : java.util.Set.of("TERMINATED"), null, null, true);
  }

  /** An EKS Fargate profile, described by its cluster and name. */
  private static ObjectNode fargateProfile(JsonNode p, JsonNode started) {
    return object().put("ClusterName", p.path("ClusterName").asText()).put("FargateProfileName", p.path("FargateProfileName").asText());
  }

  /** An EMR cluster, described by its id (from the task's parameters, else the start's answer). */
  private static ObjectNode emrCluster(JsonNode p, JsonNode started) {
    return object().put("ClusterId", p.has("ClusterId") ? p.path("ClusterId").asText() : started.path("ClusterId").asText());
  }

  /** The reason a cut-off task's job is stopped with, as Step Functions gives it. */
  private static final String ABORTED = "Task was aborted by Step Functions";

  private static ObjectNode object() {
    return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
  }

  private static final Map<String, Rule> SYNC = Map.ofEntries(
      Map.entry("glue:startJobRun", new Rule("getJobRun",
          (p, started) -> object().put("JobName", p.path("JobName").asText()).put("RunId", started.path("JobRunId").asText()),
          d -> d.path("JobRun"), "JobRunState", java.util.Set.of("SUCCEEDED"),
          java.util.Set.of("FAILED", "STOPPED", "TIMEOUT", "ERROR", "EXPIRED"), "batchStopJobRun",
          (p, started) -> { ObjectNode o = object().put("JobName", p.path("JobName").asText());
            o.putArray("JobRunIds").add(started.path("JobRunId").asText()); return o; })),
      Map.entry("batch:submitJob", new Rule("describeJobs",
          (p, started) -> { ObjectNode o = object(); o.putArray("Jobs").add(started.path("JobId").asText()); return o; },
          d -> d.path("Jobs").path(0), "Status", java.util.Set.of("SUCCEEDED"), java.util.Set.of("FAILED"), "terminateJob",
          (p, started) -> object().put("JobId", started.path("JobId").asText()).put("Reason", ABORTED))),
      Map.entry("athena:startQueryExecution", new Rule("getQueryExecution",
          (p, started) -> object().put("QueryExecutionId", started.path("QueryExecutionId").asText()),
          d -> d, "QueryExecution.Status.State", java.util.Set.of("SUCCEEDED"), java.util.Set.of("FAILED", "CANCELLED"),
          "stopQueryExecution", (p, started) -> object().put("QueryExecutionId", started.path("QueryExecutionId").asText()))),
      Map.entry("codebuild:startBuild", new Rule("batchGetBuilds",
          (p, started) -> { ObjectNode o = object(); o.putArray("Ids").add(started.path("Build").path("Id").asText()); return o; },
          d -> d.path("Builds").path(0), "BuildStatus", java.util.Set.of("SUCCEEDED"),
          java.util.Set.of("FAILED", "FAULT", "TIMED_OUT", "STOPPED"), "stopBuild",
          (p, started) -> object().put("Id", started.path("Build").path("Id").asText()))),
      Map.entry("codebuild:startBuildBatch", new Rule("batchGetBuildBatches",
          (p, started) -> { ObjectNode o = object(); o.putArray("Ids").add(started.path("BuildBatch").path("Id").asText()); return o; },
          d -> d.path("BuildBatches").path(0), "BuildBatchStatus", java.util.Set.of("SUCCEEDED"),
          java.util.Set.of("FAILED", "FAULT", "TIMED_OUT", "STOPPED"), "stopBuildBatch",
          (p, started) -> object().put("Id", started.path("BuildBatch").path("Id").asText()))),
      Map.entry("ecs:runTask", new Rule("describeTasks",
          (p, started) -> {
            ObjectNode o = object();
            if (p.has("Cluster")) o.put("Cluster", p.get("Cluster").asText());
            var tasks = o.putArray("Tasks");
            started.path("Tasks").forEach(t -> tasks.add(t.path("TaskArn").asText()));
            return o;
          },
          d -> d, "Tasks.0.LastStatus", java.util.Set.of("STOPPED"), java.util.Set.of(), "stopTask",
          (p, started) -> {
            var all = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
            for (JsonNode t : started.path("Tasks")) {
              ObjectNode o = all.addObject().put("Task", t.path("TaskArn").asText()).put("Reason", ABORTED);
              if (p.has("Cluster")) o.put("Cluster", p.get("Cluster").asText());
            }
            return all;
          })),
      sageMaker("TrainingJob"), sageMaker("TransformJob"), sageMaker("ProcessingJob"),
      sageMaker("HyperParameterTuningJob"), sageMaker("LabelingJob"),
      Map.entry("bedrock:createModelCustomizationJob", new Rule("getModelCustomizationJob",
          (p, started) -> object().put("JobIdentifier", started.path("JobArn").asText()), d -> d, "Status",
          java.util.Set.of("Completed"), java.util.Set.of("Failed", "Stopped"), "stopModelCustomizationJob",
          (p, started) -> object().put("JobIdentifier", started.path("JobArn").asText()))),
      Map.entry("databrew:startJobRun", new Rule("describeJobRun",
          (p, started) -> object().put("Name", p.path("Name").asText()).put("RunId", started.path("RunId").asText()), d -> d,
          "State", java.util.Set.of("SUCCEEDED"), java.util.Set.of("FAILED", "STOPPED", "TIMEOUT"), "stopJobRun",
          (p, started) -> object().put("Name", p.path("Name").asText()).put("RunId", started.path("RunId").asText()))),
      Map.entry("mediaconvert:createJob", new Rule("getJob",
          (p, started) -> object().put("Id", started.path("Job").path("Id").asText()), d -> d.path("Job"), "Status",
          java.util.Set.of("COMPLETE"), java.util.Set.of("ERROR", "CANCELED"), "cancelJob",
          (p, started) -> object().put("Id", started.path("Job").path("Id").asText()))),
      Map.entry("emr-serverless:startJobRun", new Rule("getJobRun",
          (p, started) -> object().put("ApplicationId", p.path("ApplicationId").asText()).put("JobRunId", started.path("JobRunId").asText()),
          d -> d.path("JobRun"), "State", java.util.Set.of("SUCCESS"), java.util.Set.of("FAILED", "CANCELLED"), "cancelJobRun",
          (p, started) -> object().put("ApplicationId", p.path("ApplicationId").asText()).put("JobRunId", started.path("JobRunId").asText()),
          true)),
      // EMR Serverless's .sync actions answer as their request-response forms (AWS: "waits for ...")
      Map.entry("emr-serverless:createApplication", emrServerlessApplication("CREATED")),
      Map.entry("emr-containers:startJobRun", new Rule("describeJobRun",
          (p, started) -> object().put("VirtualClusterId", p.path("VirtualClusterId").asText()).put("Id", started.path("Id").asText()),
          d -> d.path("JobRun"), "State", java.util.Set.of("COMPLETED"), java.util.Set.of("FAILED", "CANCELLED"), "cancelJobRun",
          (p, started) -> object().put("VirtualClusterId", p.path("VirtualClusterId").asText()).put("Id", started.path("Id").asText()))),
      Map.entry("emr-serverless:startApplication", emrServerlessApplication("STARTED")),
      Map.entry("emr-serverless:stopApplication", emrServerlessApplication("STOPPED")),
      Map.entry("emr-serverless:deleteApplication", emrServerlessApplication("TERMINATED")),
      // a run that ended otherwise before the cancel reached it is never CANCELLED
      Map.entry("emr-serverless:cancelJobRun", new Rule("getJobRun",
          (p, started) -> object().put("ApplicationId", p.path("ApplicationId").asText()).put("JobRunId", p.path("JobRunId").asText()),
          d -> d.path("JobRun"), "State", java.util.Set.of("CANCELLED"), java.util.Set.of("SUCCESS", "FAILED"), null, null, true)),
      Map.entry("emr-containers:deleteVirtualCluster", new Rule("describeVirtualCluster",
          (p, started) -> object().put("Id", p.path("Id").asText()), d -> d.path("VirtualCluster"), "State",
          java.util.Set.of("TERMINATED"), java.util.Set.of(), null, null, true)),
      // deletions wait until the resource is gone (its description answers ResourceNotFoundException)
      Map.entry("eks:deleteCluster", new Rule("describeCluster",
          (p, started) -> object().put("Name", p.path("Name").asText()), d -> d.path("Cluster"), "Status",
          java.util.Set.of(GONE), java.util.Set.of("FAILED"), null, null, true)),
      Map.entry("eks:deleteNodegroup", new Rule("describeNodegroup",
          (p, started) -> object().put("ClusterName", p.path("ClusterName").asText()).put("NodegroupName", p.path("NodegroupName").asText()),
          d -> d.path("Nodegroup"), "Status", java.util.Set.of(GONE), java.util.Set.of("DELETE_FAILED"), null, null, true)),
      Map.entry("eks:createFargateProfile", new Rule("describeFargateProfile", SyncRules::fargateProfile,
          d -> d.path("FargateProfile"), "Status", java.util.Set.of("ACTIVE"), java.util.Set.of("CREATE_FAILED"), null, null)),
      Map.entry("eks:deleteFargateProfile", new Rule("describeFargateProfile", SyncRules::fargateProfile,
          d -> d.path("FargateProfile"), "Status", java.util.Set.of(GONE), java.util.Set.of("DELETE_FAILED"), null, null, true)),
      // as of EMR clusters, AWS does not delete an EKS cluster it waited for
      Map.entry("eks:createCluster", new Rule("describeCluster",
          (p, started) -> object().put("Name", p.path("Name").asText()), d -> d.path("Cluster"), "Status",
          java.util.Set.of("ACTIVE"), java.util.Set.of("FAILED"), null, null)),
      Map.entry("eks:createNodegroup", new Rule("describeNodegroup",
          (p, started) -> object().put("ClusterName", p.path("ClusterName").asText()).put("NodegroupName", p.path("NodegroupName").asText()),
          d -> d.path("Nodegroup"), "Status", java.util.Set.of("ACTIVE"), java.util.Set.of("CREATE_FAILED"), null, null)),
      // AWS's EMR table: createCluster.sync waits for WAITING, terminateCluster.sync for the
      // cluster to terminate, addStep.sync for the step to complete, each answering as its
      // request-response form; a step cut off is cancelled, a cluster is never terminated for the
      // task ("Step Functions does not terminate an Amazon EMR cluster automatically")
      Map.entry("elasticmapreduce:createCluster", new Rule("describeCluster", SyncRules::emrCluster,
          d -> d.path("Cluster"), "Status.State", java.util.Set.of("WAITING"),
          java.util.Set.of("TERMINATED", "TERMINATED_WITH_ERRORS"), null, null, true)),
      Map.entry("elasticmapreduce:terminateCluster", new Rule("describeCluster", SyncRules::emrCluster,
          d -> d.path("Cluster"), "Status.State", java.util.Set.of("TERMINATED", "TERMINATED_WITH_ERRORS"),
          java.util.Set.of(), null, null, true)),
      Map.entry("elasticmapreduce:addStep", new Rule("describeStep",
          (p, started) -> emrCluster(p, started).put("StepId", started.path("StepId").asText()),
          d -> d.path("Step"), "Status.State", java.util.Set.of("COMPLETED"),
          java.util.Set.of("FAILED", "CANCELLED", "INTERRUPTED"), "cancelSteps",
          (p, started) -> { ObjectNode o = emrCluster(p, started); o.putArray("StepIds").add(started.path("StepId").asText());
            return o; }, true)));

  /** The rule of {@code service}'s {@code action}, or null if Stepwise does not wait for it. */
  static Rule of(String service, String action) {
    return SYNC.get(service + ":" + action);
  }

  /** The {@code service:action}s waited for, in order (for the error that names them). */
  static java.util.SortedSet<String> names() {
    return new java.util.TreeSet<>(SYNC.keySet());
  }
}
