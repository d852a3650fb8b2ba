package io.stepwise.engine.integration;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * AWS's optimized integrations, as the developer guide lists them ("Integrating optimized services
 * with Step Functions" and each service's page): for each service of a resource
 * {@code arn:aws:states:::<service>:<action>}, the actions it has and the integration patterns
 * each supports (request-response, {@code .sync}, {@code .sync:2}, {@code .waitForTaskToken}).
 * A definition that names another action of one of these services, or a pattern its action does
 * not support, is refused when it is created ({@code glue:startJobRun.sync:2} and {@code
 * dynamodb:putItem.waitForTaskToken} were, users met it). A service not listed here (Bedrock
 * AgentCore's {@code bedrockagentcore}, whose actions the guide lists only in part) is left to run
 * time: AWS may have added it since.
 */
final class OptimizedCatalog {
  private OptimizedCatalog() {}

  static final String RESPONSE = "";
  static final String SYNC = ".sync";
  static final String SYNC_2 = ".sync:2";
  static final String CALLBACK = ".waitForTaskToken";

  private static final Map<String, Map<String, Set<String>>> SERVICES = new HashMap<>();

  private static void service(String service, Set<String> patterns, String... actions) {
    Map<String, Set<String>> s = SERVICES.computeIfAbsent(service, k -> new HashMap<>());
    for (String a : actions) s.put(a, patterns);
  }

  static {
    Set<String> response = Set.of(RESPONSE);
    Set<String> sync = Set.of(RESPONSE, SYNC);
    Set<String> callback = Set.of(RESPONSE, CALLBACK);
    Set<String> all = Set.of(RESPONSE, SYNC, CALLBACK);
    service("lambda", callback, "invoke");
    service("sqs", callback, "sendMessage");
    service("sns", callback, "publish");
    service("events", callback, "putEvents");
    service("apigateway", callback, "invoke");
    service("dynamodb", response, "getItem", "putItem", "updateItem", "deleteItem");
    service("http", response, "invoke");
    service("states", Set.of(RESPONSE, SYNC, SYNC_2, CALLBACK), "startExecution");
    service("ecs", all, "runTask");
    service("batch", sync, "submitJob");
    service("glue", sync, "startJobRun");
    service("databrew", sync, "startJobRun");
    service("mediaconvert", sync, "createJob");
    service("athena", sync, "startQueryExecution");
    service("athena", response, "stopQueryExecution", "getQueryExecution", "getQueryResults");
    service("codebuild", sync, "startBuild", "startBuildBatch", "retryBuildBatch");
    service("codebuild", response, "stopBuild", "stopBuildBatch", "batchDeleteBuilds", "batchGetReports", "deleteBuildBatch");
    // where the overview table grants a pattern the service's page does not mention or denies
    // (Bedrock's and EKS's callback), the definition is taken: a refusal AWS might not make costs more
    service("bedrock", callback, "invokeModel");
    service("bedrock", all, "createModelCustomizationJob");
    service("eks", all, "createCluster", "deleteCluster", "createFargateProfile", "deleteFargateProfile", "createNodegroup",
        "deleteNodegroup", "runJob");
    service("eks", callback, "call");
    service("elasticmapreduce", sync, "createCluster", "terminateCluster", "addStep");
    service("elasticmapreduce", response, "setClusterTerminationProtection", "cancelStep", "modifyInstanceFleetByName",
        "modifyInstanceGroupByName");
    service("emr-containers", response, "createVirtualCluster");
    service("emr-containers", sync, "deleteVirtualCluster", "startJobRun");
    service("emr-serverless", sync, "createApplication", "startApplication", "stopApplication", "deleteApplication",
        "startJobRun", "cancelJobRun");
    service("sagemaker", sync, "createTrainingJob", "createTransformJob", "createProcessingJob",
        "createHyperParameterTuningJob", "createLabelingJob");
    service("sagemaker", response, "createModel", "createEndpoint", "createEndpointConfig", "updateEndpoint");
  }

  /**
   * Whether AWS has {@code action} with {@code pattern} ({@code ""} for request-response) on the
   * optimized integration {@code service}; null when the service is not one this catalog lists.
   */
  static Boolean supports(String service, String action, String pattern) {
    Map<String, Set<String>> s = SERVICES.get(service);
    if (s == null) return null;
    Set<String> patterns = s.get(action);
    return patterns != null && patterns.contains(pattern == null ? RESPONSE : pattern);
  }
}
