package io.stepwise.server;

import static io.stepwise.server.ExecutionApiTest.awaitEnd;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Optimized and {@code aws-sdk:} integrations forwarded to a local server the test starts, which
 * answers as SQS and DynamoDB (JSON protocol), SNS (Query) and Batch and Lambda (REST-JSON) do.
 * Every request's signature is checked with the AWS SDK's own SigV4 signer.
 */
class AwsServicesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  private HttpServer aws;
  /** What each request was: its protocol's action, its body as the server read it. */
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<String> badSignatures = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>();
  private final Map<String, java.util.concurrent.atomic.AtomicInteger> describedTimes = new java.util.concurrent.ConcurrentHashMap<>();
  /** The S3-like server's objects, by bucket/key. */
  private final Map<String, String> objects = new java.util.concurrent.ConcurrentSkipListMap<>();
  /** Objects whose bytes are not text (a Parquet file, a gzipped one). */
  private final Map<String, byte[]> binaries = new java.util.concurrent.ConcurrentHashMap<>();
  /** The service each request was signed for, after its path. */
  private final List<String> signedFor = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startAws() throws IOException {
    aws = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    aws.setExecutor(Executors.newCachedThreadPool());
    aws.createContext("/", this::serve);
    aws.start();
  }

  @AfterEach
  void stopAws() {
    aws.stop(0);
  }

  private String endpoint() {
    return "http://127.0.0.1:" + aws.getAddress().getPort();
  }

  private void serve(HttpExchange ex) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    try {
      checkSignature(ex, body);
      String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
      String type = String.valueOf(ex.getRequestHeaders().getFirst("Content-Type"));
      if (target != null) {
        json(ex, target, JSON.readTree(body));
      } else if (type.startsWith("application/x-www-form-urlencoded")) {
        query(ex, form(new String(body, StandardCharsets.UTF_8)));
      } else {
        rest(ex, body);
      }
    } catch (RuntimeException e) {
      reply(ex, 500, "application/json", Map.of(), "{\"message\":\"" + e + "\"}");
    }
  }

  /** Signs the request again with the AWS SDK's signer, at the time it says it was signed, and compares. */
  private void checkSignature(HttpExchange ex, byte[] body) {
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    String date = ex.getRequestHeaders().getFirst("X-Amz-Date");
    if (auth == null || date == null) {
      badSignatures.add("unsigned " + ex.getRequestURI());
      return;
    }
    String scope = auth.substring(auth.indexOf("Credential=") + 11, auth.indexOf(','));
    String[] parts = scope.split("/");
    signedFor.add(ex.getRequestURI().getRawPath() + " " + parts[3]);
    String signedHeaders = auth.substring(auth.indexOf("SignedHeaders=") + 14, auth.indexOf(", Signature="));
    SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(ex.getRequestMethod()))
        .uri(URI.create(endpoint() + ex.getRequestURI().toString()));
    for (String h : signedHeaders.split(";")) {
      if (!h.equals("host") && !h.equals("x-amz-date")) request.putHeader(h, ex.getRequestHeaders().getFirst(h));
    }
    Instant at = Instant.from(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssX").parse(date));
    SdkHttpRequest signed = AwsV4HttpSigner.create().sign(r -> r
        .identity(AwsCredentialsIdentity.create("test", "test"))
        .request(request.build())
        .payload(ContentStreamProvider.fromByteArray(body))
        .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, parts[3])
        .putProperty(AwsV4HttpSigner.REGION_NAME, parts[2])
        .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, !parts[3].equals("s3"))
        .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, !parts[3].equals("s3"))
        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC))).request();
    String expected = signed.firstMatchingHeader("Authorization").orElse("");
    if (!expected.equals(auth)) badSignatures.add(ex.getRequestURI() + ": got " + auth + ", the SDK signs " + expected);
  }

  private void json(HttpExchange ex, String target, JsonNode req) throws IOException {
    seen.add(target + " " + req);
    String sqsError = "{\"__type\":\"com.amazonaws.sqs#QueueDoesNotExist\",\"message\":\"The specified queue does not exist.\"}";
    switch (target) {
      case "AmazonSQS.SendMessage" -> {
        if (!req.path("QueueUrl").asText().endsWith("/orders")) {
          reply(ex, 400, "application/x-amz-json-1.0", Map.of("x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender"), sqsError);
          return;
        }
        queue.add(req.get("MessageBody").asText());
        reply(ex, 200, "application/x-amz-json-1.0", Map.of(), "{\"MessageId\":\"m-" + queue.size() + "\",\"MD5OfMessageBody\":\"abc\"}");
      }
      case "AmazonSQS.ReceiveMessage" -> {
        StringBuilder msgs = new StringBuilder();
        for (String m; (m = queue.poll()) != null; ) {
          msgs.append(msgs.length() == 0 ? "" : ",").append("{\"MessageId\":\"x\",\"ReceiptHandle\":\"r\",\"Body\":")
              .append(JSON.writeValueAsString(m)).append(",\"Attributes\":{\"SentTimestamp\":\"1\"}}");
        }
        reply(ex, 200, "application/x-amz-json-1.0", Map.of(), "{\"Messages\":[" + msgs + "]}");
      }
      case "DynamoDB_20120810.GetItem" -> {
        if (req.path("ConsistentRead").asBoolean()) {
          reply(ex, 400, "application/x-amz-json-1.0", Map.of(),
              "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException\",\"message\":\"Requested resource not found\"}");
          return;
        }
        ObjectNode item = JSON.createObjectNode();
        item.set("Item", JSON.createObjectNode().set("id", req.get("Key").get("id")));
        ((ObjectNode) item.get("Item")).putObject("camelName").put("S", "kept");
        reply(ex, 200, "application/x-amz-json-1.0", Map.of(), JSON.writeValueAsString(item));
      }
      case "AmazonEC2ContainerServiceV20141113.DescribeClusters" -> reply(ex, 200, "application/x-amz-json-1.1", Map.of(),
          "{\"clusters\":[{\"clusterName\":" + req.get("clusters").get(0) + ",\"runningTasksCount\":2,"
              + "\"tags\":[{\"key\":\"team\",\"value\":\"a\"}]}],\"failures\":[]}");
      case "AWSGlue.StartJobRun" -> {
        if (req.get("JobName").asText().equals("slow-start")) {
          try {
            Thread.sleep(3_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        reply(ex, 200, "application/x-amz-json-1.1", Map.of(), "{\"JobRunId\":\"jr-" + req.get("JobName").asText() + "\"}");
      }
      case "AWSGlue.GetJobRun" -> {
        String job = req.get("JobName").asText();
        int polls = describedTimes.computeIfAbsent(job, k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
        String state = polls < 3 || job.equals("endless") ? "RUNNING" : job.equals("broken") ? "FAILED" : "SUCCEEDED";
        reply(ex, 200, "application/x-amz-json-1.1", Map.of(), "{\"JobRun\":{\"Id\":\"" + req.get("RunId").asText()
            + "\",\"JobName\":\"" + job + "\",\"JobRunState\":\"" + state + "\",\"Attempt\":0}}");
      }
      case "AWSGlue.BatchStopJobRun" -> reply(ex, 200, "application/x-amz-json-1.1", Map.of(), "{}");
      case "ElasticMapReduce.RunJobFlow" -> reply(ex, 200, "application/x-amz-json-1.1", Map.of(), req.get("Name").asText().equals("noid")
          ? "{\"ClusterArn\":\"arn:aws:elasticmapreduce:us-east-1:123456789012:cluster/j-noid\"}" :
          "{\"JobFlowId\":\"j-" + req.get("Name").asText() + "\",\"ClusterArn\":\"arn:aws:elasticmapreduce:us-east-1:123456789012:cluster/j-"
              + req.get("Name").asText() + "\"}");
      case "ElasticMapReduce.DescribeCluster" -> {
        // STARTING, then WAITING (a doomed one ends with errors, an endless one never starts);
        // once asked to terminate, TERMINATING, then TERMINATED
        String id = req.get("ClusterId").asText();
        boolean ending = seen.stream().anyMatch(r -> r.startsWith("ElasticMapReduce.TerminateJobFlows") && r.contains(id));
        int n = polls(id + (ending ? "/ending" : ""));
        String state = ending ? (n < 2 ? "TERMINATING" : "TERMINATED") : id.equals("j-endless") || n < 2 ? "STARTING"
            : id.equals("j-doomed") ? "TERMINATED_WITH_ERRORS" : "WAITING";
        reply(ex, 200, "application/x-amz-json-1.1", Map.of(), "{\"Cluster\":{\"Id\":\"" + id + "\",\"Status\":{\"State\":\""
            + state + "\"}}}");
      }
      case "ElasticMapReduce.SetTerminationProtection", "ElasticMapReduce.TerminateJobFlows",
          "ElasticMapReduce.ModifyInstanceGroups", "ElasticMapReduce.ModifyInstanceFleet",
          "SageMaker.StopTrainingJob" -> reply(ex, 200, "application/x-amz-json-1.1", Map.of(), "{}");
      case "ElasticMapReduce.AddJobFlowSteps" -> reply(ex, 200, "application/x-amz-json-1.1", Map.of(),
          "{\"StepIds\":[\"s-" + req.get("Steps").get(0).get("Name").asText() + "\"]}");
      case "ElasticMapReduce.DescribeStep" -> {
        String step = req.get("StepId").asText();
        int n = polls(step);
        String state = step.equals("s-endless") || n < 2 ? "RUNNING" : step.equals("s-fails") ? "FAILED" : "COMPLETED";
        reply(ex, 200, "application/x-amz-json-1.1", Map.of(), "{\"Step\":{\"Id\":\"" + step + "\",\"Status\":{\"State\":\""
            + state + "\"}}}");
      }
      case "ElasticMapReduce.CancelSteps" -> reply(ex, 200, "application/x-amz-json-1.1", Map.of(),
          "{\"CancelStepsInfoList\":[{\"StepId\":" + req.get("StepIds").get(0) + ",\"Status\":\"SUBMITTED\"}]}");
      case "ElasticMapReduce.ListInstanceGroups" -> reply(ex, 200, "application/x-amz-json-1.1", Map.of(), req.has("Marker")
          ? "{\"InstanceGroups\":[{\"Id\":\"ig-2\",\"Name\":\"MyCoreGroup\"}]}"
          : "{\"InstanceGroups\":[{\"Id\":\"ig-1\",\"Name\":\"Master\"}],\"Marker\":\"page-2\"}");
      case "ElasticMapReduce.ListInstanceFleets" -> reply(ex, 200, "application/x-amz-json-1.1", Map.of(),
          "{\"InstanceFleets\":[{\"Id\":\"if-1\",\"Name\":\"MyCoreFleet\"}]}");
      case "CodeBuild_20161006.StartBuildBatch" -> reply(ex, 200, "application/x-amz-json-1.1", Map.of(),
          "{\"buildBatch\":{\"id\":\"" + req.get("projectName").asText() + ":b1\",\"buildBatchStatus\":\"IN_PROGRESS\"}}");
      case "CodeBuild_20161006.BatchGetBuildBatches" -> {
        String id = req.get("ids").get(0).asText();
        if (id.startsWith("ghost")) {
          reply(ex, 200, "application/x-amz-json-1.1", Map.of(), "{\"buildBatches\":[],\"buildBatchesNotFound\":[\"" + id + "\"]}");
          return;
        }
        String status = polls(id) < 2 ? "IN_PROGRESS" : id.startsWith("broken") ? "FAILED" : "SUCCEEDED";
        reply(ex, 200, "application/x-amz-json-1.1", Map.of(), "{\"buildBatches\":[{\"id\":\"" + id
            + "\",\"buildBatchStatus\":\"" + status + "\"}],\"buildBatchesNotFound\":[]}");
      }
      case "SageMaker.CreateTrainingJob", "SageMaker.CreateProcessingJob" -> {
        String kind = target.substring("SageMaker.Create".length());
        reply(ex, 200, "application/x-amz-json-1.1", Map.of(), "{\"" + kind + "Arn\":\"arn:aws:sagemaker:us-east-1:123456789012:job/"
            + req.get(kind + "Name").asText() + "\"}");
      }
      case "SageMaker.DescribeTrainingJob", "SageMaker.DescribeProcessingJob" -> {
        String kind = target.substring("SageMaker.Describe".length());
        String job = req.get(kind + "Name").asText();
        int n = polls(kind + "/" + job);
        String status = job.equals("endless") || n < 2 ? "InProgress" : job.equals("bad") ? "Failed" : "Completed";
        reply(ex, 200, "application/x-amz-json-1.1", Map.of(), "{\"" + kind + "Name\":\"" + job + "\",\"" + kind + "Status\":\""
            + status + "\"" + (status.equals("Failed") ? ",\"FailureReason\":\"AlgorithmError: out of memory\"" : "")
            + ",\"ModelArtifacts\":{\"S3ModelArtifacts\":\"s3://models/" + job + "/model.tar.gz\"}}");
      }
      default -> reply(ex, 400, "application/x-amz-json-1.0", Map.of(), "{\"__type\":\"UnknownOperationException\"}");
    }
  }

  /**
   * EKS clusters and node groups, MediaConvert jobs, DataBrew job runs and EMR on EKS job runs:
   * created, then described as under way once and done (ACTIVE, COMPLETE, SUCCEEDED, COMPLETED) after.
   */
  private boolean jobRoute(HttpExchange ex, String path, byte[] body) throws IOException {
    if (path.equals("/clusters/old") || path.equals("/virtualclusters/vc-9")) { // deletions under way
      boolean eks = path.startsWith("/clusters/");
      if (ex.getRequestMethod().equals("DELETE")) {
        reply(ex, 200, "application/json", Map.of(), eks ? "{\"cluster\":{\"name\":\"old\",\"status\":\"DELETING\"}}" : "{\"id\":\"vc-9\"}");
      } else if (polls(path) < 2) {
        reply(ex, 200, "application/json", Map.of(), eks ? "{\"cluster\":{\"name\":\"old\",\"status\":\"DELETING\"}}"
            : "{\"virtualCluster\":{\"id\":\"vc-9\",\"state\":\"TERMINATING\"}}");
      } else if (eks) {
        reply(ex, 404, "application/json", Map.of("x-amzn-ErrorType", "ResourceNotFoundException"), "{\"message\":\"No cluster found for name: old.\"}");
      } else {
        reply(ex, 200, "application/json", Map.of(), "{\"virtualCluster\":{\"id\":\"vc-9\",\"state\":\"TERMINATED\"}}");
      }
      return true;
    }
    boolean post = ex.getRequestMethod().equals("POST");
    String last = path.substring(path.lastIndexOf('/') + 1);
    boolean done = !post && polls(path) >= 2;
    String answer;
    if (path.equals("/clusters") && post) {
      answer = "{\"cluster\":{\"name\":" + JSON.readTree(body).get("name") + ",\"status\":\"CREATING\"}}";
    } else if (path.matches("/clusters/[^/]+/node-groups") && post) {
      answer = "{\"nodegroup\":{\"nodegroupName\":" + JSON.readTree(body).get("nodegroupName") + ",\"status\":\"CREATING\"}}";
    } else if (path.matches("/clusters/[^/]+/fargate-profiles") && post) {
      answer = "{\"fargateProfile\":{\"fargateProfileName\":" + JSON.readTree(body).get("fargateProfileName") + ",\"status\":\"CREATING\"}}";
    } else if (path.matches("/clusters/[^/]+/fargate-profiles/[^/]+")) {
      answer = "{\"fargateProfile\":{\"fargateProfileName\":\"" + last + "\",\"status\":\"" + (done ? "ACTIVE" : "CREATING") + "\"}}";
    } else if (path.matches("/clusters/[^/]+/node-groups/[^/]+")) {
      answer = "{\"nodegroup\":{\"nodegroupName\":\"" + last + "\",\"status\":\"" + (done ? "ACTIVE" : "CREATING") + "\"}}";
    } else if (path.matches("/clusters/[^/]+")) {
      answer = "{\"cluster\":{\"name\":\"" + last + "\",\"status\":\"" + (done ? "ACTIVE" : "CREATING") + "\"}}";
    } else if (path.equals("/2017-08-29/jobs") && post) {
      answer = "{\"job\":{\"id\":\"mc-1\",\"status\":\"SUBMITTED\"}}";
    } else if (path.startsWith("/2017-08-29/jobs/")) {
      answer = "{\"job\":{\"id\":\"" + last + "\",\"status\":\"" + (done ? "COMPLETE" : "PROGRESSING") + "\"}}";
    } else if (path.matches("/jobs/[^/]+/startJobRun") && post) {
      answer = "{\"runId\":\"db-1\"}";
    } else if (path.matches("/jobs/[^/]+/jobRun/[^/]+")) {
      answer = "{\"runId\":\"" + last + "\",\"state\":\"" + (done ? "SUCCEEDED" : "RUNNING") + "\",\"outputs\":[{\"location\":{\"bucket\":\"out\"}}]}";
    } else if (path.matches("/virtualclusters/[^/]+/jobruns") && post) {
      answer = "{\"id\":\"ec-1\",\"virtualClusterId\":\"vc-1\"}";
    } else if (path.matches("/virtualclusters/[^/]+/jobruns/[^/]+")) {
      answer = "{\"jobRun\":{\"id\":\"" + last + "\",\"virtualClusterId\":\"vc-1\",\"state\":\"" + (done ? "COMPLETED" : "RUNNING") + "\"}}";
    } else {
      return false;
    }
    reply(ex, post && path.startsWith("/2017-08-29/") ? 201 : 200, "application/json", Map.of(), answer);
    return true;
  }

  /** How often the fake service has been asked about {@code what}, this time included. */
  private int polls(String what) {
    return describedTimes.computeIfAbsent(what, k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
  }

  /** The body of the last request sent as {@code target}. */
  private JsonNode lastRequest(String target) throws IOException {
    String last = null;
    for (String r : seen) if (r.startsWith(target + " ")) last = r;
    assertThat(last).as("a request " + target).isNotNull();
    return JSON.readTree(last.substring(target.length() + 1));
  }

  private long requests(String target) {
    return seen.stream().filter(r -> r.startsWith(target + " ")).count();
  }

  private void query(HttpExchange ex, Map<String, String> form) throws IOException {
    seen.add("query " + form);
    if ("DescribeInstances".equals(form.get("Action"))) { // EC2: its own protocol
      if ("i-missing".equals(form.get("InstanceId.1"))) {
        reply(ex, 400, "text/xml", Map.of(), "<Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code>"
            + "<Message>The instance ID 'i-missing' does not exist</Message></Error></Errors><RequestID>ec2-9</RequestID></Response>");
        return;
      }
      reply(ex, 200, "text/xml", Map.of(), "<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
          + "<requestId>ec2-1</requestId><reservationSet><item><reservationId>r-1</reservationId><instancesSet>"
          + "<item><instanceId>i-1</instanceId><instanceState><code>16</code><name>running</name></instanceState></item>"
          + "<item><instanceId>i-2</instanceId><instanceState><code>80</code><name>stopped</name></instanceState></item>"
          + "</instancesSet></item></reservationSet></DescribeInstancesResponse>");
      return;
    }
    if (!form.get("TopicArn").endsWith(":alerts")) {
      reply(ex, 404, "text/xml", Map.of(), "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error><Type>Sender</Type>"
          + "<Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>q-9</RequestId></ErrorResponse>");
      return;
    }
    reply(ex, 200, "text/xml", Map.of(), "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult>"
        + "<MessageId>sns-1</MessageId></PublishResult><ResponseMetadata><RequestId>q-1</RequestId></ResponseMetadata></PublishResponse>");
  }

  private void rest(HttpExchange ex, byte[] body) throws IOException {
    String path = ex.getRequestURI().getRawPath();
    seen.add(ex.getRequestMethod() + " " + ex.getRequestURI() + " " + new String(body, StandardCharsets.UTF_8));
    if (path.startsWith("/objects")) {
      s3(ex, path.substring(1), body);
      return;
    }
    if (path.equals("/applications/app-1/start") || path.equals("/applications/app-1") && !ex.getRequestMethod().equals("GET")) {
      reply(ex, 200, "application/json", Map.of(), ""); // EMR Serverless answers nothing
    } else if (path.equals("/applications/app-1")) {
      boolean deleting = seen.stream().anyMatch(r -> r.startsWith("DELETE /applications/app-1 "));
      int n = polls(path + (deleting ? "/deleting" : ""));
      String state = deleting ? (n < 2 ? "STOPPED" : "TERMINATED") : n < 2 ? "STARTING" : "STARTED";
      reply(ex, 200, "application/json", Map.of(), "{\"application\":{\"applicationId\":\"app-1\",\"state\":\"" + state + "\"}}");
    } else if (path.startsWith("/applications/app-1/jobruns")) { // EMR Serverless
      if (ex.getRequestMethod().equals("POST")) {
        String name = JSON.readTree(body).path("name").asText();
        reply(ex, 200, "application/json", Map.of(), "{\"applicationId\":\"app-1\",\"jobRunId\":\"jr-" + name
            + "\",\"arn\":\"arn:aws:emr-serverless:us-east-1:123456789012:/applications/app-1/jobruns/jr-" + name + "\"}");
        return;
      }
      String run = path.substring(path.lastIndexOf('/') + 1);
      if (ex.getRequestMethod().equals("DELETE")) {
        reply(ex, 200, "application/json", Map.of(), "{\"applicationId\":\"app-1\",\"jobRunId\":\"" + run + "\"}");
        return;
      }
      String state = run.equals("jr-endless") || polls(run) < 2 ? "RUNNING" : run.equals("jr-broken") ? "FAILED" : "SUCCESS";
      reply(ex, 200, "application/json", Map.of(), "{\"jobRun\":{\"applicationId\":\"app-1\",\"jobRunId\":\"" + run
          + "\",\"state\":\"" + state + "\",\"stateDetails\":\"\"}}");
    } else if (path.startsWith("/model-customization-jobs")) { // Bedrock's control plane
      if (path.equals("/model-customization-jobs") && JSON.readTree(body).path("jobName").asText().equals("denied")) {
        reply(ex, 400, "application/json", Map.of("x-amzn-ErrorType", "ValidationException"), "{\"message\":\"bad hyperparameters\"}");
        return;
      }
      if (path.equals("/model-customization-jobs")) {
        reply(ex, 200, "application/json", Map.of(), "{\"jobArn\":\"arn:aws:bedrock:us-east-1:123456789012:model-customization-job/"
            + JSON.readTree(body).path("jobName").asText() + "\"}");
        return;
      }
      String arn = URLDecoder.decode(path.substring("/model-customization-jobs/".length()), StandardCharsets.UTF_8);
      String status = polls(arn) < 2 ? "InProgress" : "Completed";
      reply(ex, 200, "application/json", Map.of(), "{\"jobArn\":\"" + arn + "\",\"status\":\"" + status
          + "\",\"outputModelArn\":\"arn:aws:bedrock:us-east-1:123456789012:custom-model/tuned\"}");
    } else if (jobRoute(ex, path, body)) {
      return;
    } else if (path.equals("/v1/submitjob")) {
      JsonNode req = JSON.readTree(body);
      reply(ex, 200, "application/json", Map.of(), "{\"jobArn\":\"arn:aws:batch:us-east-1:123456789012:job/j1\",\"jobName\":"
          + req.get("jobName") + ",\"jobId\":\"j1\"}");
    } else if (path.startsWith("/2015-03-31/functions/")) {
      reply(ex, 200, "application/json", Map.of(), "{\"Configuration\":{\"FunctionName\":\"f\",\"Version\":\""
          + ex.getRequestURI().getQuery().replace("Qualifier=", "") + "\"}}");
    } else {
      reply(ex, 404, "application/json", Map.of("x-amzn-ErrorType", "NotFound"), "{\"message\":\"no route\"}");
    }
  }

  /** Where the server under test keeps what it downloads, once known; what was in it at each GET. */
  private volatile Path scratchWhileReading;
  private final List<String> inScratch = new CopyOnWriteArrayList<>();

  /** Bucket "objects", path-style: PUT and GET of an object, ListObjectsV2, NoSuchKey. */
  private void s3(HttpExchange ex, String path, byte[] body) throws IOException {
    String key = URLDecoder.decode(path.substring(Math.min(path.length(), "objects/".length())), StandardCharsets.UTF_8);
    if (scratchWhileReading != null && ex.getRequestMethod().equals("GET") && java.nio.file.Files.isDirectory(scratchWhileReading)) {
      try (var files = java.nio.file.Files.list(scratchWhileReading)) {
        files.forEach(f -> inScratch.add(f.getFileName().toString()));
      }
    }
    String query = ex.getRequestURI().getRawQuery();
    if (ex.getRequestMethod().equals("PUT")) {
      objects.put(key, new String(body, StandardCharsets.UTF_8));
      reply(ex, 200, "application/xml", Map.of("ETag", "\"e1\""), "");
    } else if (query != null && query.contains("list-type=2")) {
      String prefix = query.contains("prefix=") ? URLDecoder.decode(query.replaceAll(".*prefix=([^&]*).*", "$1"), StandardCharsets.UTF_8) : "";
      StringBuilder x = new StringBuilder("<?xml version=\"1.0\"?><ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
          + "<Name>objects</Name><Prefix>" + prefix + "</Prefix>");
      int n = 0;
      for (var e : objects.entrySet()) {
        if (!e.getKey().startsWith(prefix)) continue;
        n++;
        x.append("<Contents><Key>").append(e.getKey()).append("</Key><Size>").append(e.getValue().length())
            .append("</Size><LastModified>2024-01-01T00:00:00.000Z</LastModified></Contents>");
      }
      x.append("<KeyCount>").append(n).append("</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>");
      reply(ex, 200, "application/xml", Map.of(), x.toString());
    } else if (binaries.containsKey(key)) {
      byte[] b = binaries.get(key);
      ex.getResponseHeaders().add("Content-Type", "application/octet-stream");
      ex.sendResponseHeaders(200, b.length);
      ex.getResponseBody().write(b);
      ex.close();
    } else if (objects.containsKey(key)) {
      reply(ex, 200, "text/plain", Map.of("ETag", "\"e1\"", "Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT",
          "x-amz-meta-owner", "me"), objects.get(key));
    } else {
      reply(ex, 404, "application/xml", Map.of(), "<?xml version=\"1.0\"?><Error><Code>NoSuchKey</Code>"
          + "<Message>The specified key does not exist.</Message><RequestId>s3-1</RequestId></Error>");
    }
  }

  private static Map<String, String> form(String body) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  private static void reply(HttpExchange ex, int status, String type, Map<String, String> headers, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
    ex.getResponseHeaders().add("Content-Type", type);
    ex.getResponseHeaders().add("x-amzn-RequestId", "req-7");
    ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
    if (b.length > 0) ex.getResponseBody().write(b);
    ex.close();
  }

  private static DescribeExecutionResponse run(SfnClient sfn, String name, String task, String input) throws Exception {
    String machine = sfn.createStateMachine(b -> b.name(name).roleArn(Definitions.ROLE).definition(
        "{\"StartAt\": \"T\", \"States\": {\"T\": " + task + "}}")).stateMachineArn();
    return awaitEnd(sfn, sfn.startExecution(b -> b.stateMachineArn(machine).input(input)).executionArn());
  }

  private static JsonNode output(DescribeExecutionResponse d) throws IOException {
    assertThat(d.status()).as(d.error() + ": " + d.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
    return JSON.readTree(d.output());
  }

  @Test
  void jsonServices_forwardedSigned_withAwsNamesAndShapes() throws Exception {
    try (TestServer server = TestServer.start(dir, Map.of("stepwise.engine.endpoints.default", endpoint()));
        SfnClient sfn = server.sfn()) {
      // optimized SQS: a JSON MessageBody is sent as its text; the SDK's metadata is added
      JsonNode sent = output(run(sfn, "send", """
          {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
           "Parameters": {"QueueUrl": "http://sqs/123456789012/orders", "MessageBody": {"order.$": "$.order"}}, "End": true}""",
          "{\"order\": 7}"));
      assertThat(sent.get("MessageId").asText()).isEqualTo("m-1");
      assertThat(sent.get("SdkResponseMetadata").get("RequestId").asText()).isEqualTo("req-7");
      assertThat(sent.get("SdkHttpMetadata").get("HttpStatusCode").asInt()).isEqualTo(200);
      assertThat(queue.peek()).isEqualTo("{\"order\":7}");

      // aws-sdk: the answer as the service gives it, without the SDK's metadata
      JsonNode received = output(run(sfn, "receive", """
          {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sqs:receiveMessage",
           "Parameters": {"QueueUrl": "http://sqs/123456789012/orders", "MaxNumberOfMessages": 10}, "End": true}""", "{}"));
      assertThat(received.get("Messages").get(0).get("Body").asText()).isEqualTo("{\"order\":7}");
      assertThat(received.has("SdkHttpMetadata")).isFalse();

      // a service whose members are camelCase on the wire: Pascal case in the task, both ways
      JsonNode clusters = output(run(sfn, "ecs", """
          {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:ecs:describeClusters",
           "Parameters": {"Clusters": ["blue"]}, "End": true}""", "{}"));
      assertThat(clusters).isEqualTo(JSON.readTree("""
          {"Clusters": [{"ClusterName": "blue", "RunningTasksCount": 2, "Tags": [{"Key": "team", "Value": "a"}]}], "Failures": []}"""));
      assertThat(seen).anyMatch(s -> s.equals("AmazonEC2ContainerServiceV20141113.DescribeClusters {\"clusters\":[\"blue\"]}"));

      // a map's keys are data: an item's attribute names stay as they are
      JsonNode item = output(run(sfn, "get", """
          {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem",
           "Parameters": {"TableName": "t", "Key": {"id": {"S.$": "$.id"}}}, "End": true}""", "{\"id\": \"k1\"}"));
      assertThat(item.get("Item")).isEqualTo(JSON.readTree("{\"id\": {\"S\": \"k1\"}, \"camelName\": {\"S\": \"kept\"}}"));

      // errors: optimized and aws-sdk name the service differently; a query-compatible code is the shape's
      DescribeExecutionResponse noQueue = run(sfn, "no-queue", """
          {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
           "Parameters": {"QueueUrl": "http://sqs/123456789012/none", "MessageBody": "x"}, "End": true}""", "{}");
      assertThat(noQueue.error()).isEqualTo("SQS.QueueDoesNotExistException");
      assertThat(noQueue.cause()).contains("The specified queue does not exist.", "Status Code: 400",
          "Error Code: AWS.SimpleQueueService.NonExistentQueue", "Request ID: req-7");
      DescribeExecutionResponse noTable = run(sfn, "no-table", """
          {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:dynamodb:getItem",
           "Parameters": {"TableName": "t", "Key": {"id": {"S": "1"}}, "ConsistentRead": true},
           "Catch": [{"ErrorEquals": ["DynamoDb.ResourceNotFoundException"], "Next": "Caught"}], "End": true},
           "Caught": {"Type": "Pass", "End": true}""", "{}");
      JsonNode caught = output(noTable);
      assertThat(caught.get("Error").asText()).isEqualTo("DynamoDb.ResourceNotFoundException");
      assertThat(caught.get("Cause").asText()).isEqualTo(
          "Requested resource not found (Service: DynamoDb, Status Code: 400, Request ID: req-7)");

      // a parameter the action does not have, named by a path (so not refused at creation), or a
      // list given other than an array: the state fails before the task is scheduled, nothing is sent
      int before = seen.size();
      DescribeExecutionResponse unknown = run(sfn, "unknown-field", """
          {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sqs:sendMessage",
           "Parameters": {"QueueUrl": "q", "MessageBody": "x", "Colour.$": "$.colour"}, "End": true}""", "{\"colour\": \"red\"}");
      assertThat(unknown.error()).isEqualTo("States.Runtime");
      assertThat(unknown.cause()).isEqualTo("An error occurred while executing the state 'T' (entered at the event id #2). "
          + "The Parameters '{\"QueueUrl\":\"q\",\"MessageBody\":\"x\",\"Colour\":\"red\"}' could not be used to start the Task: "
          + "[The field \"Colour\" is not supported by Step Functions]");
      assertThat(sfn.getExecutionHistory(b -> b.executionArn(unknown.executionArn())).events())
          .extracting(e -> e.typeAsString()).containsExactly("ExecutionStarted", "TaskStateEntered", "ExecutionFailed");
      DescribeExecutionResponse jsonataUnknown = run(sfn, "jsonata-unknown", """
          {"Type": "Task", "QueryLanguage": "JSONata", "Resource": "arn:aws:states:::aws-sdk:sqs:sendMessage",
           "Arguments": {"QueueUrl": "q", "MessageBody": "x", "Colour": "{% $states.input.colour %}"}, "End": true}""",
          "{\"colour\": \"red\"}");
      assertThat(jsonataUnknown.cause()).endsWith("The Parameters '{\"QueueUrl\":\"q\",\"MessageBody\":\"x\",\"Colour\":\"red\"}' "
          + "could not be used to start the Task: [The field \"Colour\" is not supported by Step Functions]");
      DescribeExecutionResponse notAList = run(sfn, "not-a-list", """
          {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:ecs:describeClusters",
           "Parameters": {"Clusters.$": "$.name"}, "End": true}""", "{\"name\": \"blue\"}");
      assertThat(notAList.cause()).endsWith(
          "could not be used to start the Task: [The value of the field 'Clusters' has an invalid format]");
      assertThat(seen).hasSize(before);
      assertThat(signedFor).contains("/ sqs", "/ ecs", "/ dynamodb");
      assertThat(badSignatures).isEmpty();
    }
  }

  @Test
  void waitForTaskToken_sendsTheToken_recordsTheSubmission_andWaitsForIt() throws Exception {
    try (TestServer server = TestServer.start(dir, Map.of("stepwise.engine.endpoints.sqs", endpoint()));
        SfnClient sfn = server.sfn()) {
      String machine = sfn.createStateMachine(b -> b.name("callback").roleArn(Definitions.ROLE).definition("""
          {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
           "Parameters": {"QueueUrl": "http://sqs/123456789012/orders", "MessageBody": {"token.$": "$$.Task.Token"}},
           "End": true}}}""")).stateMachineArn();
      String execution = sfn.startExecution(b -> b.stateMachineArn(machine)).executionArn();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (queue.isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);
      String token = JSON.readTree(queue.poll()).get("token").asText();
      while (ExecutionApiTest.history(sfn, execution).stream().noneMatch(e -> e.typeAsString().equals("TaskSubmitted"))
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      sfn.sendTaskSuccess(b -> b.taskToken(token).output("{\"done\": true}"));
      DescribeExecutionResponse d = awaitEnd(sfn, execution);
      assertThat(d.output()).isEqualTo("{\"done\":true}");
      var events = ExecutionApiTest.history(sfn, execution);
      var types = events.stream().map(e -> e.typeAsString()).toList();
      assertThat(types).containsSubsequence("TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded");
      var submitted = events.get(types.indexOf("TaskSubmitted")).taskSubmittedEventDetails();
      assertThat(submitted.resourceType()).isEqualTo("sqs");
      assertThat(submitted.resource()).isEqualTo("sendMessage.waitForTaskToken");
      assertThat(JSON.readTree(submitted.output()).get("MessageId").asText()).isEqualTo("m-1");
      assertThat(badSignatures).isEmpty();
    }
  }

  @Test
  void sync_waitsForTheJobItStarted_andAnswersWithIt() throws Exception {
    try (TestServer server = TestServer.start(dir, Map.of("stepwise.engine.endpoints.default", endpoint()));
        SfnClient sfn = server.sfn()) {
      DescribeExecutionResponse d = run(sfn, "glue", """
          {"Type": "Task", "Resource": "arn:aws:states:::glue:startJobRun.sync",
           "Parameters": {"JobName": "nightly"}, "End": true}""", "{}");
      JsonNode job = output(d);
      assertThat(job.get("JobRunState").asText()).isEqualTo("SUCCEEDED");
      assertThat(job.get("Id").asText()).isEqualTo("jr-nightly");
      assertThat(describedTimes.get("nightly").get()).isEqualTo(3);
      var events = ExecutionApiTest.history(sfn, d.executionArn());
      var types = events.stream().map(e -> e.typeAsString()).toList();
      assertThat(types).containsSubsequence("TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded");
      assertThat(JSON.readTree(events.get(types.indexOf("TaskSubmitted")).taskSubmittedEventDetails().output())
          .get("JobRunId").asText()).isEqualTo("jr-nightly");
      DescribeExecutionResponse broken = run(sfn, "glue-broken", """
          {"Type": "Task", "Resource": "arn:aws:states:::glue:startJobRun.sync",
           "Parameters": {"JobName": "broken"}, "End": true}""", "{}");
      assertThat(broken.error()).isEqualTo("States.TaskFailed");
      assertThat(JSON.readTree(broken.cause()).get("JobRunState").asText()).isEqualTo("FAILED");
      // a task cut off (its TimeoutSeconds) stops the job it waited for
      DescribeExecutionResponse endless = run(sfn, "glue-endless", """
          {"Type": "Task", "Resource": "arn:aws:states:::glue:startJobRun.sync", "TimeoutSeconds": 2,
           "Parameters": {"JobName": "endless"}, "End": true}""", "{}");
      assertThat(endless.error()).isEqualTo("States.Timeout");
      long until = System.nanoTime() + 10_000_000_000L;
      while (seen.stream().noneMatch(s -> s.startsWith("AWSGlue.BatchStopJobRun")) && System.nanoTime() < until) Thread.sleep(20);
      assertThat(seen).contains("AWSGlue.BatchStopJobRun {\"JobName\":\"endless\",\"JobRunIds\":[\"jr-endless\"]}");
      // cut off while its start is still being made: the job is stopped once the start answers
      DescribeExecutionResponse slow = run(sfn, "glue-slow-start", """
          {"Type": "Task", "Resource": "arn:aws:states:::glue:startJobRun.sync", "TimeoutSeconds": 1,
           "Parameters": {"JobName": "slow-start"}, "End": true}""", "{}");
      assertThat(slow.error()).isEqualTo("States.Timeout");
      until = System.nanoTime() + 10_000_000_000L;
      while (seen.stream().noneMatch(s -> s.contains("jr-slow-start")) && System.nanoTime() < until) Thread.sleep(20);
      assertThat(seen).contains("AWSGlue.BatchStopJobRun {\"JobName\":\"slow-start\",\"JobRunIds\":[\"jr-slow-start\"]}");
      assertThat(seen).noneMatch(s -> s.startsWith("AWSGlue.GetJobRun {\"JobName\":\"slow-start\""));
      // CodeBuild's batches: waited for by BatchGetBuildBatches (camelCase on the wire)
      JsonNode batch = output(run(sfn, "build-batch", """
          {"Type": "Task", "Resource": "arn:aws:states:::codebuild:startBuildBatch.sync",
           "Parameters": {"ProjectName": "site"}, "End": true}""", "{}"));
      assertThat(batch.get("BuildBatchStatus").asText()).isEqualTo("SUCCEEDED");
      assertThat(batch.get("Id").asText()).isEqualTo("site:b1");
      assertThat(describedTimes.get("site:b1").get()).isEqualTo(2);
      DescribeExecutionResponse brokenBatch = run(sfn, "build-batch-broken", """
          {"Type": "Task", "Resource": "arn:aws:states:::codebuild:startBuildBatch.sync",
           "Parameters": {"ProjectName": "broken"}, "End": true}""", "{}");
      assertThat(brokenBatch.error()).isEqualTo("States.TaskFailed");
      assertThat(JSON.readTree(brokenBatch.cause()).get("BuildBatchStatus").asText()).isEqualTo("FAILED");
      // a job its description does not show (not found): given up after a few polls, not waited for forever
      DescribeExecutionResponse ghost = run(sfn, "build-batch-ghost", """
          {"Type": "Task", "Resource": "arn:aws:states:::codebuild:startBuildBatch.sync",
           "Parameters": {"ProjectName": "ghost"}, "End": true}""", "{}");
      assertThat(ghost.error()).isEqualTo("States.Runtime");
      assertThat(ghost.cause()).contains("cannot be found", "batchGetBuildBatches", "ghost:b1");
      // a .sync AWS does not offer for the action is refused when the machine is created, as AWS refuses it
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> run(sfn, "sync-unknown", """
          {"Type": "Task", "Resource": "arn:aws:states:::emr-containers:createVirtualCluster.sync", "Parameters": {}, "End": true}""", "{}"))
          .isInstanceOf(software.amazon.awssdk.services.sfn.model.InvalidDefinitionException.class)
          .hasMessageContaining("The resource provided arn:aws:states:::emr-containers:createVirtualCluster.sync is not recognized.");
      assertThat(badSignatures).isEmpty();
    }
  }

  /**
   * The optimized EMR integration's own actions (AWS's "Optimized Amazon EMR APIs") become EMR's:
   * one ClusterId for JobFlowIds, one Step for Steps, instance groups and fleets named and looked
   * up; their answers are reshaped (ClusterId, StepId, CancelStepsInfo); .sync waits for WAITING,
   * for the step to complete, for the cluster to terminate, answering as the start did.
   */
  @Test
  void emrActions_wrapEmrsApi_andSyncWaitsForClustersAndSteps() throws Exception {
    try (TestServer server = TestServer.start(dir, Map.of("stepwise.engine.endpoints.default", endpoint()));
        SfnClient sfn = server.sfn()) {
      String machine = sfn.createStateMachine(b -> b.name("emr").roleArn(Definitions.ROLE).definition("""
          {"StartAt": "Create", "States": {
            "Create": {"Type": "Task", "Resource": "arn:aws:states:::elasticmapreduce:createCluster.sync",
              "Parameters": {"Name": "etl", "ReleaseLabel": "emr-7.0.0", "Instances": {"KeepJobFlowAliveWhenNoSteps": true}},
              "ResultPath": "$.cluster", "Next": "Protect"},
            "Protect": {"Type": "Task", "Resource": "arn:aws:states:::elasticmapreduce:setClusterTerminationProtection",
              "Parameters": {"ClusterId.$": "$.cluster.ClusterId", "TerminationProtected": true}, "ResultPath": null, "Next": "Step"},
            "Step": {"Type": "Task", "Resource": "arn:aws:states:::elasticmapreduce:addStep.sync",
              "Parameters": {"ClusterId.$": "$.cluster.ClusterId", "Step": {"Name": "count", "ActionOnFailure": "CONTINUE",
                "HadoopJarStep": {"Jar": "command-runner.jar", "Args": ["spark-submit", "count.py"]}}},
              "ResultPath": "$.step", "Next": "Cancel"},
            "Cancel": {"Type": "Task", "Resource": "arn:aws:states:::elasticmapreduce:cancelStep",
              "Parameters": {"ClusterId.$": "$.cluster.ClusterId", "StepId.$": "$.step.StepId"}, "ResultPath": "$.cancel", "Next": "Group"},
            "Group": {"Type": "Task", "Resource": "arn:aws:states:::elasticmapreduce:modifyInstanceGroupByName",
              "Parameters": {"ClusterId.$": "$.cluster.ClusterId", "InstanceGroupName": "MyCoreGroup", "InstanceGroup": {"InstanceCount": 8}},
              "ResultPath": null, "Next": "Fleet"},
            "Fleet": {"Type": "Task", "Resource": "arn:aws:states:::elasticmapreduce:modifyInstanceFleetByName",
              "Parameters": {"ClusterId.$": "$.cluster.ClusterId", "InstanceFleetName": "MyCoreFleet",
                "InstanceFleet": {"TargetOnDemandCapacity": 8, "TargetSpotCapacity": 0}}, "ResultPath": null, "Next": "Terminate"},
            "Terminate": {"Type": "Task", "Resource": "arn:aws:states:::elasticmapreduce:terminateCluster.sync",
              "Parameters": {"ClusterId.$": "$.cluster.ClusterId"}, "ResultPath": "$.terminated", "End": true}}}""")).stateMachineArn();
      JsonNode out = output(awaitEnd(sfn, sfn.startExecution(b -> b.stateMachineArn(machine).input("{}")).executionArn()));

      // createCluster: RunJobFlow with the parameters as given, answered with ClusterId (and the SDK's metadata)
      assertThat(lastRequest("ElasticMapReduce.RunJobFlow").get("ReleaseLabel").asText()).isEqualTo("emr-7.0.0");
      assertThat(out.get("cluster").get("ClusterId").asText()).isEqualTo("j-etl");
      assertThat(out.get("cluster").has("JobFlowId")).isFalse();
      assertThat(out.get("cluster").get("SdkHttpMetadata").get("HttpStatusCode").asInt()).isEqualTo(200);
      assertThat(describedTimes.get("j-etl").get()).as("described until WAITING").isEqualTo(2);
      JsonNode protect = lastRequest("ElasticMapReduce.SetTerminationProtection");
      assertThat(protect.get("JobFlowIds")).hasSize(1).first().extracting(JsonNode::asText).isEqualTo("j-etl");
      assertThat(protect.get("TerminationProtected").asBoolean()).isTrue();
      assertThat(protect.has("ClusterId")).isFalse();
      // addStep: one Step sent as Steps under JobFlowId, answered with one StepId once it completed
      JsonNode add = lastRequest("ElasticMapReduce.AddJobFlowSteps");
      assertThat(add.get("JobFlowId").asText()).isEqualTo("j-etl");
      assertThat(add.get("Steps").get(0).get("HadoopJarStep").get("Args").get(1).asText()).isEqualTo("count.py");
      assertThat(out.get("step").get("StepId").asText()).isEqualTo("s-count");
      assertThat(describedTimes.get("s-count").get()).isEqualTo(2);
      assertThat(lastRequest("ElasticMapReduce.DescribeStep").get("ClusterId").asText()).isEqualTo("j-etl");
      // cancelStep: one StepId sent as StepIds, one CancelStepsInfo back
      assertThat(lastRequest("ElasticMapReduce.CancelSteps").get("StepIds").get(0).asText()).isEqualTo("s-count");
      assertThat(out.get("cancel").get("CancelStepsInfo").get("Status").asText()).isEqualTo("SUBMITTED");
      // ...ByName: the group's id found on the listing's second page, the fleet's on its first
      assertThat(requests("ElasticMapReduce.ListInstanceGroups")).isEqualTo(2);
      JsonNode groups = lastRequest("ElasticMapReduce.ModifyInstanceGroups");
      assertThat(groups.get("ClusterId").asText()).isEqualTo("j-etl");
      assertThat(groups.get("InstanceGroups")).hasSize(1);
      assertThat(groups.get("InstanceGroups").get(0).get("InstanceGroupId").asText()).isEqualTo("ig-2");
      assertThat(groups.get("InstanceGroups").get(0).get("InstanceCount").asInt()).isEqualTo(8);
      assertThat(groups.has("InstanceGroupName")).isFalse();
      JsonNode fleet = lastRequest("ElasticMapReduce.ModifyInstanceFleet").get("InstanceFleet");
      assertThat(fleet.get("InstanceFleetId").asText()).isEqualTo("if-1");
      assertThat(fleet.get("TargetOnDemandCapacity").asInt()).isEqualTo(8);
      assertThat(fleet.has("InstanceFleetName")).isFalse();
      // terminateCluster.sync: waited through TERMINATING
      assertThat(lastRequest("ElasticMapReduce.TerminateJobFlows").get("JobFlowIds").get(0).asText()).isEqualTo("j-etl");
      assertThat(describedTimes.get("j-etl/ending").get()).isEqualTo(2);
      assertThat(out.get("terminated").get("SdkHttpMetadata").get("HttpStatusCode").asInt()).isEqualTo(200);

      // a cluster that terminates instead of WAITING, a step that fails: States.TaskFailed, what was described as cause
      DescribeExecutionResponse doomed = run(sfn, "emr-doomed", """
          {"Type": "Task", "Resource": "arn:aws:states:::elasticmapreduce:createCluster.sync",
           "Parameters": {"Name": "doomed", "Instances": {"KeepJobFlowAliveWhenNoSteps": true}}, "End": true}""", "{}");
      assertThat(doomed.error()).isEqualTo("States.TaskFailed");
      assertThat(JSON.readTree(doomed.cause()).get("Status").get("State").asText()).isEqualTo("TERMINATED_WITH_ERRORS");
      DescribeExecutionResponse fails = run(sfn, "emr-step-fails", """
          {"Type": "Task", "Resource": "arn:aws:states:::elasticmapreduce:addStep.sync",
           "Parameters": {"ClusterId": "j-etl", "Step": {"Name": "fails"}}, "End": true}""", "{}");
      assertThat(fails.error()).isEqualTo("States.TaskFailed");
      assertThat(JSON.readTree(fails.cause()).get("Status").get("State").asText()).isEqualTo("FAILED");
      // cut off: a step is cancelled; a cluster is left running
      DescribeExecutionResponse endless = run(sfn, "emr-step-endless", """
          {"Type": "Task", "Resource": "arn:aws:states:::elasticmapreduce:addStep.sync", "TimeoutSeconds": 1,
           "Parameters": {"ClusterId": "j-etl", "Step": {"Name": "endless"}}, "End": true}""", "{}");
      assertThat(endless.error()).isEqualTo("States.Timeout");
      long until = System.nanoTime() + 10_000_000_000L;
      while (seen.stream().noneMatch(r -> r.startsWith("ElasticMapReduce.CancelSteps") && r.contains("s-endless"))
          && System.nanoTime() < until) Thread.sleep(20);
      JsonNode cancel = lastRequest("ElasticMapReduce.CancelSteps");
      assertThat(cancel.get("StepIds").get(0).asText()).isEqualTo("s-endless");
      assertThat(cancel.get("ClusterId").asText()).isEqualTo("j-etl");
      DescribeExecutionResponse starting = run(sfn, "emr-endless", """
          {"Type": "Task", "Resource": "arn:aws:states:::elasticmapreduce:createCluster.sync", "TimeoutSeconds": 1,
           "Parameters": {"Name": "endless", "Instances": {"KeepJobFlowAliveWhenNoSteps": true}}, "End": true}""", "{}");
      assertThat(starting.error()).isEqualTo("States.Timeout");
      Thread.sleep(500);
      assertThat(seen).noneMatch(r -> r.startsWith("ElasticMapReduce.TerminateJobFlows") && r.contains("j-endless"));
      // an answer without what the integration reshapes it from
      DescribeExecutionResponse noId = run(sfn, "emr-no-id", """
          {"Type": "Task", "Resource": "arn:aws:states:::elasticmapreduce:createCluster",
           "Parameters": {"Name": "noid", "Instances": {"KeepJobFlowAliveWhenNoSteps": true}}, "End": true}""", "{}");
      assertThat(noId.error()).isEqualTo("States.Runtime");
      assertThat(noId.cause()).contains("RunJobFlow", "JobFlowId");
      // a group no listing page names
      DescribeExecutionResponse unknownGroup = run(sfn, "emr-no-group", """
          {"Type": "Task", "Resource": "arn:aws:states:::elasticmapreduce:modifyInstanceGroupByName",
           "Parameters": {"ClusterId": "j-etl", "InstanceGroupName": "Nope", "InstanceGroup": {"InstanceCount": 2}}, "End": true}""", "{}");
      assertThat(unknownGroup.error()).isEqualTo("ElasticMapReduce.InvalidRequestException");
      assertThat(unknownGroup.cause()).contains("j-etl", "'Nope'");
      assertThat(badSignatures).isEmpty();
    }
  }

  /**
   * SageMaker's jobs (training, transform, processing, tuning, labeling): .sync describes the job
   * by name until Completed and answers with the description; Failed or Stopped fail the task; a
   * task cut off stops its job.
   */
  @Test
  void sageMakerJobs_sync_answerWithTheDescribedJob() throws Exception {
    try (TestServer server = TestServer.start(dir, Map.of("stepwise.engine.endpoints.default", endpoint()));
        SfnClient sfn = server.sfn()) {
      JsonNode trained = output(run(sfn, "train", """
          {"Type": "Task", "Resource": "arn:aws:states:::sagemaker:createTrainingJob.sync",
           "Parameters": {"TrainingJobName.$": "$.name", "RoleArn": "arn:aws:iam::123456789012:role/sm"}, "End": true}""",
          "{\"name\": \"model-a\"}"));
      assertThat(trained.get("TrainingJobStatus").asText()).isEqualTo("Completed");
      assertThat(trained.get("ModelArtifacts").get("S3ModelArtifacts").asText()).isEqualTo("s3://models/model-a/model.tar.gz");
      assertThat(lastRequest("SageMaker.DescribeTrainingJob").get("TrainingJobName").asText()).isEqualTo("model-a");
      JsonNode processed = output(run(sfn, "process", """
          {"Type": "Task", "Resource": "arn:aws:states:::sagemaker:createProcessingJob.sync",
           "Parameters": {"ProcessingJobName": "prep"}, "End": true}""", "{}"));
      assertThat(processed.get("ProcessingJobStatus").asText()).isEqualTo("Completed");

      DescribeExecutionResponse bad = run(sfn, "train-bad", """
          {"Type": "Task", "Resource": "arn:aws:states:::sagemaker:createTrainingJob.sync",
           "Parameters": {"TrainingJobName": "bad"}, "End": true}""", "{}");
      assertThat(bad.error()).isEqualTo("States.TaskFailed");
      assertThat(JSON.readTree(bad.cause()).get("FailureReason").asText()).isEqualTo("AlgorithmError: out of memory");
      DescribeExecutionResponse endless = run(sfn, "train-endless", """
          {"Type": "Task", "Resource": "arn:aws:states:::sagemaker:createTrainingJob.sync", "TimeoutSeconds": 1,
           "Parameters": {"TrainingJobName": "endless"}, "End": true}""", "{}");
      assertThat(endless.error()).isEqualTo("States.Timeout");
      long until = System.nanoTime() + 10_000_000_000L;
      while (requests("SageMaker.StopTrainingJob") == 0 && System.nanoTime() < until) Thread.sleep(20);
      assertThat(lastRequest("SageMaker.StopTrainingJob").get("TrainingJobName").asText()).isEqualTo("endless");
      assertThat(badSignatures).isEmpty();
    }
  }

  /**
   * .sync on services whose calls are REST-JSON: EMR Serverless job runs (GetJobRun until SUCCESS,
   * CancelJobRun when cut off) and Bedrock's model customization jobs, whose optimized
   * integration calls Bedrock's control plane though its invokeModel calls the runtime.
   */
  @Test
  void restJsonJobs_sync_emrServerlessAndBedrockCustomization() throws Exception {
    try (TestServer server = TestServer.start(dir, Map.of("stepwise.engine.endpoints.default", endpoint()));
        SfnClient sfn = server.sfn()) {
      String job = """
          {"Type": "Task", "Resource": "arn:aws:states:::emr-serverless:startJobRun.sync", %s
           "Parameters": {"ApplicationId": "app-1", "Name": "%s", "ExecutionRoleArn": "arn:aws:iam::123456789012:role/emr",
             "JobDriver": {"SparkSubmit": {"EntryPoint": "s3://code/count.py"}}}, "End": true}""";
      // answered as StartJobRun answers, once the run reached SUCCESS
      JsonNode run = output(run(sfn, "serverless", job.formatted("", "nightly"), "{}"));
      assertThat(run.get("JobRunId").asText()).isEqualTo("jr-nightly");
      assertThat(run.get("ApplicationId").asText()).isEqualTo("app-1");
      assertThat(describedTimes.get("jr-nightly").get()).isEqualTo(2);
      assertThat(seen).anyMatch(r -> r.startsWith("POST /applications/app-1/jobruns ") && r.contains("\"entryPoint\":\"s3://code/count.py\""));
      DescribeExecutionResponse broken = run(sfn, "serverless-broken", job.formatted("", "broken"), "{}");
      assertThat(broken.error()).isEqualTo("States.TaskFailed");
      assertThat(JSON.readTree(broken.cause()).get("State").asText()).isEqualTo("FAILED");
      DescribeExecutionResponse endless = run(sfn, "serverless-endless", job.formatted("\"TimeoutSeconds\": 1,", "endless"), "{}");
      assertThat(endless.error()).isEqualTo("States.Timeout");
      long until = System.nanoTime() + 10_000_000_000L;
      while (!seen.contains("DELETE /applications/app-1/jobruns/jr-endless ") && System.nanoTime() < until) Thread.sleep(20);
      assertThat(seen).contains("DELETE /applications/app-1/jobruns/jr-endless ");

      JsonNode tuned = output(run(sfn, "customize", """
          {"Type": "Task", "Resource": "arn:aws:states:::bedrock:createModelCustomizationJob.sync",
           "Parameters": {"JobName": "tune-1", "CustomModelName": "tuned", "RoleArn": "arn:aws:iam::123456789012:role/b",
             "BaseModelIdentifier": "amazon.titan-text-express-v1", "TrainingDataConfig": {"S3Uri": "s3://data/train.jsonl"},
             "OutputDataConfig": {"S3Uri": "s3://data/out/"}, "HyperParameters": {"epochCount": "1"}}, "End": true}""", "{}"));
      assertThat(tuned.get("Status").asText()).isEqualTo("Completed");
      assertThat(tuned.get("OutputModelArn").asText()).endsWith(":custom-model/tuned");
      assertThat(seen).anyMatch(r -> r.startsWith("POST /model-customization-jobs ") && r.contains("\"jobName\":\"tune-1\""));
      assertThat(signedFor).contains("/model-customization-jobs bedrock");
      // its errors are named after the control plane's API, not the runtime's
      DescribeExecutionResponse denied = run(sfn, "customize-denied", """
          {"Type": "Task", "Resource": "arn:aws:states:::bedrock:createModelCustomizationJob",
           "Parameters": {"JobName": "denied", "CustomModelName": "tuned", "RoleArn": "arn:aws:iam::123456789012:role/b",
             "BaseModelIdentifier": "amazon.titan-text-express-v1", "TrainingDataConfig": {"S3Uri": "s3://data/train.jsonl"},
             "OutputDataConfig": {"S3Uri": "s3://data/out/"}, "HyperParameters": {}}, "End": true}""", "{}");
      assertThat(denied.error()).isEqualTo("Bedrock.ValidationException");
      assertThat(denied.cause()).contains("bad hyperparameters", "Service: AmazonBedrock;");

      // the others: each waited for by its describing call, answered with the job as described
      Map<String, String> jobs = new LinkedHashMap<>();
      jobs.put("eks:createCluster.sync\", \"Parameters\": {\"Name\": \"c1\", \"RoleArn\": \"arn:aws:iam::123456789012:role/e\","
          + " \"ResourcesVpcConfig\": {}}", "GET /clusters/c1 ");
      jobs.put("eks:createNodegroup.sync\", \"Parameters\": {\"ClusterName\": \"c1\", \"NodegroupName\": \"ng\","
          + " \"NodeRole\": \"arn:aws:iam::123456789012:role/n\", \"Subnets\": [\"s-1\"]}", "GET /clusters/c1/node-groups/ng ");
      jobs.put("eks:createFargateProfile.sync\", \"Parameters\": {\"ClusterName\": \"c1\", \"FargateProfileName\": \"fp\","
          + " \"PodExecutionRoleArn\": \"arn:aws:iam::123456789012:role/f\"}", "GET /clusters/c1/fargate-profiles/fp ");
      jobs.put("mediaconvert:createJob.sync\", \"Parameters\": {\"Role\": \"arn:aws:iam::123456789012:role/m\", \"Settings\": {}}",
          "GET /2017-08-29/jobs/mc-1 ");
      jobs.put("databrew:startJobRun.sync\", \"Parameters\": {\"Name\": \"clean\"}", "GET /jobs/clean/jobRun/db-1 ");
      jobs.put("emr-containers:startJobRun.sync\", \"Parameters\": {\"VirtualClusterId\": \"vc-1\", \"ExecutionRoleArn\":"
          + " \"arn:aws:iam::123456789012:role/x\", \"ReleaseLabel\": \"emr-7.0.0-latest\", \"JobDriver\": {}}",
          "GET /virtualclusters/vc-1/jobruns/ec-1 ");
      Map<String, String> statuses = Map.of("eks:createCluster.sync", "ACTIVE", "eks:createNodegroup.sync", "ACTIVE",
          "eks:createFargateProfile.sync", "ACTIVE",
          "mediaconvert:createJob.sync", "COMPLETE", "databrew:startJobRun.sync", "SUCCEEDED", "emr-containers:startJobRun.sync", "COMPLETED");
      int n = 0;
      for (var e : jobs.entrySet()) {
        String resource = e.getKey().substring(0, e.getKey().indexOf('"'));
        JsonNode described = output(run(sfn, "job-" + n++, "{\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::" + e.getKey()
            + ", \"End\": true}", "{}"));
        assertThat(seen).as(resource).contains(e.getValue());
        String status = described.has("Status") ? described.get("Status").asText() : described.path("State").asText();
        assertThat(status).as(resource + " answered " + described).isEqualTo(statuses.get(resource));
      }
      // MediaConvert's job carries the tag Step Functions' role is allowed to read it by
      assertThat(seen).anyMatch(r -> r.startsWith("POST /2017-08-29/jobs ") && r.contains("\"ManagedByService\":\"AWSStepFunctions\""));
      // EMR Serverless's application actions answer the application's id (the service answers nothing) and wait for its state
      JsonNode started = output(run(sfn, "app-start", """
          {"Type": "Task", "Resource": "arn:aws:states:::emr-serverless:startApplication.sync",
           "Parameters": {"ApplicationId": "app-1"}, "End": true}""", "{}"));
      assertThat(started.get("ApplicationId").asText()).isEqualTo("app-1");
      assertThat(describedTimes.get("/applications/app-1").get()).isEqualTo(2);
      JsonNode deleted = output(run(sfn, "app-delete", """
          {"Type": "Task", "Resource": "arn:aws:states:::emr-serverless:deleteApplication.sync",
           "Parameters": {"ApplicationId": "app-1"}, "End": true}""", "{}"));
      assertThat(deleted.get("ApplicationId").asText()).isEqualTo("app-1");
      assertThat(describedTimes.get("/applications/app-1/deleting").get()).isEqualTo(2);
      // deletions: EKS's until the cluster is gone (ResourceNotFoundException), EMR on EKS's until TERMINATED
      JsonNode gone = output(run(sfn, "eks-delete", """
          {"Type": "Task", "Resource": "arn:aws:states:::eks:deleteCluster.sync", "Parameters": {"Name": "old"}, "End": true}""", "{}"));
      assertThat(gone.get("Cluster").get("Status").asText()).isEqualTo("DELETING");
      assertThat(describedTimes.get("/clusters/old").get()).isEqualTo(2);
      output(run(sfn, "vc-delete", """
          {"Type": "Task", "Resource": "arn:aws:states:::emr-containers:deleteVirtualCluster.sync", "Parameters": {"Id": "vc-9"},
           "End": true}""", "{}"));
      assertThat(describedTimes.get("/virtualclusters/vc-9").get()).isEqualTo(2);
      assertThat(badSignatures).isEmpty();
    }
  }

  @Test
  void queryAndRestJsonServices() throws Exception {
    try (TestServer server = TestServer.start(dir, Map.of("stepwise.engine.endpoints.default", endpoint()));
        SfnClient sfn = server.sfn()) {
      // EC2 speaks its own protocol: lists as Name.N under their query names, the answer unwrapped, items as <item>
      JsonNode instances = output(run(sfn, "ec2", """
          {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:ec2:describeInstances",
           "Parameters": {"InstanceIds": ["i-1", "i-2"], "Filters": [{"Name": "instance-state-name", "Values": ["running", "stopped"]}],
             "DryRun": false}, "End": true}""", "{}"));
      assertThat(seen).anyMatch(r -> r.startsWith("query {Action=DescribeInstances, Version=2016-11-15, ")
          && r.contains("InstanceId.1=i-1, InstanceId.2=i-2") && r.contains("Filter.1.Name=instance-state-name")
          && r.contains("Filter.1.Value.1=running, Filter.1.Value.2=stopped") && r.contains("DryRun=false"));
      JsonNode found = instances.get("Reservations").get(0).get("Instances");
      assertThat(found).hasSize(2);
      assertThat(found.get(1).get("InstanceId").asText()).isEqualTo("i-2");
      assertThat(found.get(1).get("State").get("Name").asText()).isEqualTo("stopped");
      assertThat(found.get(1).get("State").get("Code").asInt()).isEqualTo(80);
      DescribeExecutionResponse missing = run(sfn, "ec2-missing", """
          {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:ec2:describeInstances",
           "Parameters": {"InstanceIds": ["i-missing"]}, "End": true}""", "{}");
      assertThat(missing.error()).isEqualTo("Ec2.Ec2Exception");
      assertThat(missing.cause()).contains("The instance ID 'i-missing' does not exist", "Status Code: 400");
      // SNS speaks Query: members flattened into a form, the XML answer read by its shape
      JsonNode published = output(run(sfn, "publish", """
          {"Type": "Task", "Resource": "arn:aws:states:::sns:publish",
           "Parameters": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:alerts", "Message": {"level": "high"},
                          "MessageAttributes": {"kind": {"DataType": "String", "StringValue": "alarm"}}}, "End": true}""", "{}"));
      assertThat(published.get("MessageId").asText()).isEqualTo("sns-1");
      assertThat(published.has("SdkHttpMetadata")).isTrue();
      assertThat(seen).anyMatch(s -> s.startsWith("query {Action=Publish, Version=2010-03-31,")
          && s.contains("Message={\"level\":\"high\"}") && s.contains("MessageAttributes.entry.1.Name=kind")
          && s.contains("MessageAttributes.entry.1.Value.DataType=String")
          && s.contains("MessageAttributes.entry.1.Value.StringValue=alarm"));
      DescribeExecutionResponse noTopic = run(sfn, "no-topic", """
          {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sns:publish",
           "Parameters": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:none", "Message": "m"}, "End": true}""", "{}");
      assertThat(noTopic.error()).isEqualTo("Sns.NotFoundException");
      assertThat(noTopic.cause()).contains("Topic does not exist", "Status Code: 404");

      // Batch speaks REST-JSON: the URI of the operation, camelCase members in the body
      JsonNode job = output(run(sfn, "submit", """
          {"Type": "Task", "Resource": "arn:aws:states:::batch:submitJob",
           "Parameters": {"JobName": "nightly", "JobQueue": "q", "JobDefinition": "d",
                          "ContainerOverrides": {"Environment": [{"Name": "MODE", "Value": "full"}]}}, "End": true}""", "{}"));
      assertThat(job.get("JobId").asText()).isEqualTo("j1");
      assertThat(job.get("JobName").asText()).isEqualTo("nightly");
      assertThat(seen).anyMatch(s -> s.startsWith("POST /v1/submitjob {") && s.contains("\"jobName\":\"nightly\"")
          && s.contains("\"containerOverrides\":{\"environment\":[{\"name\":\"MODE\",\"value\":\"full\"}]}"));
      // a URI label and a query-string member, on a GET without a body
      JsonNode function = output(run(sfn, "get-function", """
          {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:lambda:getFunction",
           "Parameters": {"FunctionName": "my fn", "Qualifier": "3"}, "End": true}""", "{}"));
      assertThat(function.get("Configuration").get("Version").asText()).isEqualTo("3");
      assertThat(seen).contains("GET /2015-03-31/functions/my%20fn?Qualifier=3 ");
      // characters a path keeps as they are (@) and runs of spaces in a header are signed as AWS signs them
      DescribeExecutionResponse post = run(sfn, "post", """
          {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:apigatewaymanagementapi:postToConnection",
           "Parameters": {"ConnectionId": "c=1", "Data": "hi"}, "End": true}""", "{}");
      assertThat(post.error()).isEqualTo("ApiGatewayManagementApi.ApiGatewayManagementApiException");
      assertThat(seen).contains("POST /@connections/c%3D1 hi");
      output(run(sfn, "spaces", """
          {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:lambda:invoke",
           "Parameters": {"FunctionName": "f", "Qualifier": "1", "ClientContext": "a  b"}, "End": true}""", "{}"));
      assertThat(signedFor).contains("/ sns", "/v1/submitjob batch", "/2015-03-31/functions/my%20fn lambda",
          "/@connections/c%3D1 execute-api");
      assertThat(badSignatures).isEmpty();
    }
  }

  @Test
  void s3SpeaksRestXml_objectsGoInAndOut_listingsAreReadByShape_andErrorsAreNamed() throws Exception {
    // what a killed server left in the data directory's scratch directory goes at the next start
    Path scratch = io.stepwise.engine.maprun.Scratch.of(dir);
    java.nio.file.Files.createDirectories(scratch.resolve("stepwise-results1/out"));
    java.nio.file.Files.writeString(scratch.resolve("stepwise-results1/out/SUCCEEDED_0.json"), "[]");
    java.nio.file.Files.writeString(scratch.resolve("stepwise-items2.jsonl"), "{}");
    try (TestServer server = TestServer.start(dir, Map.of("stepwise.engine.endpoints.s3", endpoint()));
        SfnClient sfn = server.sfn()) {
      try (var left = java.nio.file.Files.list(scratch)) {
        assertThat(left).isEmpty();
      }
      scratchWhileReading = scratch;
      JsonNode put = output(run(sfn, "put", """
          {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:putObject",
           "Parameters": {"Bucket": "objects", "Key": "dir/a b.json", "Body": {"hello": "world"}, "ContentType": "application/json",
             "Metadata": {"owner": "me"}}, "End": true}""", "{}"));
      assertThat(put.get("ETag").asText()).isEqualTo("\"e1\"");
      assertThat(objects).containsEntry("dir/a b.json", "{\"hello\":\"world\"}");
      assertThat(seen).anyMatch(s -> s.startsWith("PUT /objects/dir/a%20b.json "));
      JsonNode got = output(run(sfn, "get", """
          {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
           "Parameters": {"Bucket": "objects", "Key": "dir/a b.json"}, "End": true}""", "{}"));
      assertThat(got.get("Body").asText()).isEqualTo("{\"hello\":\"world\"}");
      assertThat(got.get("Metadata").get("owner").asText()).isEqualTo("me");
      assertThat(got.get("LastModified").asText()).isEqualTo("Mon, 01 Jan 2024 00:00:00 GMT");
      JsonNode listed = output(run(sfn, "list", """
          {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:listObjectsV2",
           "Parameters": {"Bucket": "objects", "Prefix": "dir/"}, "End": true}""", "{}"));
      assertThat(listed.get("KeyCount").asInt()).isEqualTo(1);
      assertThat(listed.get("IsTruncated").asBoolean()).isFalse();
      assertThat(listed.get("Contents").get(0).get("Key").asText()).isEqualTo("dir/a b.json");
      assertThat(listed.get("Contents").get(0).get("Size").asInt()).isEqualTo(17);
      DescribeExecutionResponse missing = run(sfn, "missing", """
          {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
           "Parameters": {"Bucket": "objects", "Key": "nope"}, "End": true}""", "{}");
      assertThat(missing.error()).isEqualTo("S3.NoSuchKeyException");
      assertThat(missing.cause()).contains("The specified key does not exist.", "Status Code: 404", "Request ID: req-7");
      assertThat(signedFor).contains("/objects/dir/a%20b.json s3");

      // a Distributed Map reads its items from S3 and writes its results there, a bucket having no directory
      objects.put("in/items.jsonl", "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n");
      JsonNode map = output(run(sfn, "map-over-s3", """
          {"Type": "Map", "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSONL"},
             "Parameters": {"Bucket": "objects", "Key": "in/items.jsonl"}},
           "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
             "StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"twice.$": "States.MathAdd($.n, $.n)"}, "End": true}}},
           "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "objects", "Prefix": "out"},
             "WriterConfig": {"OutputType": "JSONL", "Transformation": "COMPACT"}}, "End": true}""", "{}"));
      String manifestKey = map.get("ResultWriterDetails").get("Key").asText();
      assertThat(manifestKey).startsWith("out/").endsWith("/manifest.json");
      JsonNode manifest = JSON.readTree(objects.get(manifestKey));
      String results = manifest.get("ResultFiles").get("SUCCEEDED").get(0).get("Key").asText();
      assertThat(objects.get(results).lines().toList())
          .containsExactlyInAnyOrder("{\"twice\":2}", "{\"twice\":4}", "{\"twice\":6}");
      // the object was read once, though the run goes over its items twice (to count them first)
      assertThat(seen.stream().filter(s -> s.startsWith("GET /objects/in/items.jsonl "))).hasSize(1);
      JsonNode listing = output(run(sfn, "map-over-listing", """
          {"Type": "Map", "ItemReader": {"Resource": "arn:aws:states:::s3:listObjectsV2",
             "Parameters": {"Bucket": "objects", "Prefix": "in/"}},
           "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
             "StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"key.$": "$.Key", "size.$": "$.Size"}, "End": true}}},
           "End": true}""", "{}"));
      assertThat(listing).isEqualTo(JSON.readTree("[{\"key\": \"in/items.jsonl\", \"size\": 24}]"));

      // objects are streamed to disk, bytes as they are: a Parquet object, a gzipped one, and an
      // Athena manifest whose data files are read through S3 too
      try (var in = getClass().getResourceAsStream("/parquet/types-snappy.parquet")) {
        binaries.put("data/rows.parquet", in.readAllBytes());
      }
      var gz = new java.io.ByteArrayOutputStream();
      try (var z = new java.util.zip.GZIPOutputStream(gz)) {
        z.write("{\"n\":7}\n{\"n\":8}\n".getBytes(StandardCharsets.UTF_8));
      }
      binaries.put("data/more.jsonl.gz", gz.toByteArray());
      objects.put("data/athena/manifest.csv", "s3://objects/data/a.jsonl\ns3://objects/data/b.jsonl\n");
      objects.put("data/a.jsonl", "{\"n\":1}\n");
      objects.put("data/b.jsonl", "{\"n\":2}\n{\"n\":3}\n");
      String reader = """
          {"Type": "Map", "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": %s,
             "Parameters": {"Bucket": "objects", "Key": "%s"}},
           "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
             "StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"n.$": "%s"}, "End": true}}}, "End": true}""";
      assertThat(output(run(sfn, "parquet-over-s3", reader.formatted("{\"InputType\": \"PARQUET\"}", "data/rows.parquet", "$.id"), "{}")))
          .isEqualTo(JSON.readTree("[{\"n\":0},{\"n\":1},{\"n\":2},{\"n\":3},{\"n\":4},{\"n\":5}]"));
      assertThat(output(run(sfn, "gz-over-s3", reader.formatted("{\"InputType\": \"JSONL\"}", "data/more.jsonl.gz", "$.n"), "{}")))
          .isEqualTo(JSON.readTree("[{\"n\":7},{\"n\":8}]"));
      assertThat(output(run(sfn, "athena-over-s3", reader.formatted(
          "{\"ManifestType\": \"ATHENA_DATA\", \"InputType\": \"JSONL\"}", "data/athena/manifest.csv", "$.n"), "{}")))
          .isEqualTo(JSON.readTree("[{\"n\":1},{\"n\":2},{\"n\":3}]"));
      DescribeExecutionResponse absent = run(sfn, "absent-over-s3",
          reader.formatted("{\"InputType\": \"PARQUET\"}", "data/none.parquet", "$.id"), "{}");
      assertThat(absent.error()).isEqualTo("States.ItemReaderFailed");
      assertThat(absent.cause()).contains("NoSuchKey");
      // objects were downloaded into the scratch directory, and deleted once read
      assertThat(inScratch).anyMatch(name -> name.startsWith("stepwise-items"));
      try (var left = java.nio.file.Files.list(scratch)) {
        assertThat(left).isEmpty();
      }
      assertThat(badSignatures).isEmpty();
    }
    assertThat(scratch).as("removed, empty, when the server stops").doesNotExist();
  }

  @Test
  void withoutAnEndpoint_aServiceTaskFails_namingTheKey_andUnknownServicesAndActionsAreNamed() throws Exception {
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      DescribeExecutionResponse d = run(sfn, "nowhere", """
          {"Type": "Task", "Resource": "arn:aws:states:::events:putEvents",
           "Parameters": {"Entries": [{"Detail": {"a": 1}, "DetailType": "t", "Source": "s"}]}, "End": true}""", "{}");
      assertThat(d.error()).isEqualTo("States.Runtime");
      assertThat(d.cause()).contains("stepwise.engine.endpoints.eventbridge", "stepwise.engine.endpoints.default");
      // an action the service does not have is refused when the machine is created, as AWS refuses it
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> run(sfn, "no-action", """
          {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:fly", "End": true}""", "{}"))
          .isInstanceOf(software.amazon.awssdk.services.sfn.model.InvalidDefinitionException.class)
          .hasMessageContaining("The resource provided arn:aws:states:::aws-sdk:s3:fly is not recognized.");
      DescribeExecutionResponse service = run(sfn, "no-service", """
          {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:nosuchservice:go", "End": true}""", "{}");
      assertThat(service.cause()).contains("'nosuchservice'");
      assertThat(seen).isEmpty();
    }
  }
}
