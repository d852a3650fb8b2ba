package io.stepwise.loadtests.gatling;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import io.stepwise.loadtests.http.SigV4Signer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * Gatling load on a running Stepwise, every request SigV4-signed: StartSyncExecution on an Express
 * machine ({@code sync}), Standard start-and-complete ({@code standard}: StartExecution, then
 * DescribeExecution until it ends), activity workers ({@code activity}: start an execution whose
 * Task is an activity, GetActivityTask, SendTaskSuccess) or all three at once ({@code mixed}).
 *
 * <p>System properties: {@code endpoint} (http://127.0.0.1:8083), {@code scenario} (mixed),
 * {@code users} (concurrent users per scenario, 8), {@code duration} (seconds, 30),
 * {@code p99} (ms the 99th percentile must stay under, 1000), {@code accessKey}/{@code secretKey}
 * (test/test), {@code region} (us-east-1). The run fails if any request fails or p99 is over.
 */
public class StepwiseSimulation extends Simulation {
  static final String ENDPOINT = System.getProperty("endpoint", "http://127.0.0.1:8083");
  static final String SCENARIO = System.getProperty("scenario", "mixed");
  static final int USERS = Integer.getInteger("users", 8);
  static final Duration DURATION = Duration.ofSeconds(Integer.getInteger("duration", 30));
  static final int P99 = Integer.getInteger("p99", 1000);
  static final String ACCESS_KEY = System.getProperty("accessKey", "test");
  static final String SECRET_KEY = System.getProperty("secretKey", "test");
  static final String REGION = System.getProperty("region", "us-east-1");
  static final String ROLE = "arn:aws:iam::123456789012:role/gatling";

  static final String PASS = "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Result\":{\"ok\":true},"
      + "\"ResultPath\":\"$.result\",\"Next\":\"B\"},\"B\":{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$.n\","
      + "\"NumericGreaterThan\":0,\"Next\":\"C\"}],\"Default\":\"C\"},\"C\":{\"Type\":\"Pass\",\"End\":true}}}";

  final String suffix = UUID.randomUUID().toString().substring(0, 8);
  String expressArn;
  String standardArn;
  String activityMachineArn;
  String activityArn;

  /** Each Netty thread signs with its own signer (JCA instances are not thread-safe). */
  static final ThreadLocal<SigV4Signer> SIGNERS = ThreadLocal.withInitial(() -> {
    URI u = URI.create(ENDPOINT);
    String host = u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
    return new SigV4Signer(ACCESS_KEY, SECRET_KEY, REGION, "states", host);
  });

  final HttpProtocolBuilder protocol = http.baseUrl(ENDPOINT)
      .contentTypeHeader(SigV4Signer.CONTENT_TYPE)
      .sign(request -> {
        byte[] body = request.getBody() == null ? new byte[0] : request.getBody().getBytes();
        String target = request.getHeaders().get("X-Amz-Target");
        SigV4Signer.Signature s = SIGNERS.get().sign(target, body, System.currentTimeMillis() / 1000);
        request.getHeaders().set("X-Amz-Date", s.amzDate());
        request.getHeaders().set("X-Amz-Content-Sha256", s.payloadHash());
        request.getHeaders().set("Authorization", s.authorization());
        return request;
      });

  static HttpRequestActionBuilder call(String name, String action, String body) {
    return http(name).post("/").header("X-Amz-Target", "AWSStepFunctions." + action)
        .body(StringBody(body)).check(status().is(200));
  }

  final ChainBuilder sync = io.gatling.javaapi.core.CoreDsl.exec(
      call("StartSyncExecution", "StartSyncExecution", "{\"stateMachineArn\":\"#{expressArn}\",\"input\":\"{\\\"n\\\":1}\"}")
          .check(jsonPath("$.status").is("SUCCEEDED")));

  final ChainBuilder standard = io.gatling.javaapi.core.CoreDsl
      .exec(call("StartExecution", "StartExecution", "{\"stateMachineArn\":\"#{standardArn}\",\"input\":\"{\\\"n\\\":1}\"}")
          .check(jsonPath("$.executionArn").saveAs("executionArn")))
      .exitHereIfFailed()
      .exec(session -> session.set("status", "RUNNING"))
      // a failed request ends the user (no endless polling); an execution that did not succeed fails its request
      .asLongAs(session -> session.getString("status").equals("RUNNING"), "polls", true).on(
          io.gatling.javaapi.core.CoreDsl.pause(Duration.ofMillis(20))
              .exec(call("DescribeExecution", "DescribeExecution", "{\"executionArn\":\"#{executionArn}\"}")
                  .check(jsonPath("$.status").in("RUNNING", "SUCCEEDED").saveAs("status")))
              .exitHereIfFailed());

  final ChainBuilder activity = io.gatling.javaapi.core.CoreDsl
      .exec(call("StartExecution (activity)", "StartExecution", "{\"stateMachineArn\":\"#{activityMachineArn}\"}"))
      .exitHereIfFailed()
      .exec(session -> session.set("token", ""))
      .asLongAs(session -> session.getString("token").isEmpty() && session.getInt("polls") < 100, "polls", true).on(
          io.gatling.javaapi.core.CoreDsl.exec(
              call("GetActivityTask", "GetActivityTask", "{\"activityArn\":\"#{activityArn}\",\"workerName\":\"gatling\"}")
                  .check(jsonPath("$.taskToken").optional().saveAs("token")))
              .exitHereIfFailed())
      .exitHereIf(session -> session.getString("token").isEmpty())
      .exec(session -> session.contains("token") ? session : session.set("token", ""))
      .exec(call("SendTaskSuccess", "SendTaskSuccess", "{\"taskToken\":\"#{token}\",\"output\":\"{\\\"done\\\":true}\"}"));

  public StepwiseSimulation() {
    ScenarioBuilder syncScn = scenario("StartSyncExecution (Express)").exec(session -> session.set("expressArn", expressArn))
        .exec(sync);
    ScenarioBuilder standardScn = scenario("Standard start and complete")
        .exec(session -> session.set("standardArn", standardArn)).exec(standard);
    ScenarioBuilder activityScn = scenario("Activity workers")
        .exec(session -> session.set("activityMachineArn", activityMachineArn).set("activityArn", activityArn))
        .exec(activity);
    List<PopulationBuilder> populations = new ArrayList<>();
    if (SCENARIO.equals("sync") || SCENARIO.equals("mixed")) populations.add(syncScn.injectClosed(constantConcurrentUsers(USERS).during(DURATION)));
    if (SCENARIO.equals("standard") || SCENARIO.equals("mixed")) populations.add(standardScn.injectClosed(constantConcurrentUsers(USERS).during(DURATION)));
    if (SCENARIO.equals("activity") || SCENARIO.equals("mixed")) populations.add(activityScn.injectClosed(constantConcurrentUsers(USERS).during(DURATION)));
    if (populations.isEmpty()) throw new IllegalArgumentException("scenario is sync, standard, activity or mixed, not " + SCENARIO);
    setUp(populations).protocols(protocol)
        .assertions(global().failedRequests().count().is(0L), global().responseTime().percentile(99.0).lt(P99));
  }

  /** The machines and the activity the scenarios run, made with the AWS SDK before the load starts. */
  @Override
  public void before() {
    try (SfnClient sfn = SfnClient.builder().endpointOverride(URI.create(ENDPOINT)).region(Region.of(REGION))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .httpClient(ApacheHttpClient.create())
        .overrideConfiguration(c -> c.putAdvancedOption(SdkAdvancedClientOption.DISABLE_HOST_PREFIX_INJECTION, true))
        .build()) {
      expressArn = sfn.createStateMachine(b -> b.name("gatling-express-" + suffix).roleArn(ROLE).definition(PASS)
          .type("EXPRESS")).stateMachineArn();
      standardArn = sfn.createStateMachine(b -> b.name("gatling-standard-" + suffix).roleArn(ROLE).definition(PASS))
          .stateMachineArn();
      activityArn = sfn.createActivity(b -> b.name("gatling-worker-" + suffix)).activityArn();
      activityMachineArn = sfn.createStateMachine(b -> b.name("gatling-activity-" + suffix).roleArn(ROLE).definition(
          "{\"StartAt\":\"Work\",\"States\":{\"Work\":{\"Type\":\"Task\",\"Resource\":\"" + activityArn
              + "\",\"TimeoutSeconds\":300,\"End\":true}}}")).stateMachineArn();
    }
    System.out.println("Gatling on " + ENDPOINT + ": scenario " + SCENARIO + ", " + USERS + " users each, "
        + DURATION.toSeconds() + " s, p99 under " + P99 + " ms");
  }
}
