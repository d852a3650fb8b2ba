package io.stepwise.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A real Pekko HTTP server on a free port serving toy operations (defined here, in the tests,
 * not in the product) for both AWS JSON services.
 */
final class ToyServer implements AutoCloseable {
  final ActorSystem<Void> system;
  final int port;

  private ToyServer(ActorSystem<Void> system, int port) {
    this.system = system;
    this.port = port;
  }

  static ToyServer start(String name, SigV4Verifier verifier) throws Exception {
    return start(name, verifier, ConfigFactory.load());
  }

  static ToyServer start(String name, SigV4Verifier verifier, Config config) throws Exception {
    return start(name, verifier, config,
        List.of(AwsJsonService.stepFunctions(operations()), AwsJsonService.kms(operations())));
  }

  static ToyServer start(
      String name, SigV4Verifier verifier, Config config, List<AwsJsonService> services)
      throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), name, config);
    try {
      AwsJsonRoutes routes = new AwsJsonRoutes(services, verifier);
      int port =
          HttpEdge.bind(system, "127.0.0.1", 0, routes.route(), Duration.ofSeconds(1))
              .thenApply(HttpEdge::port)
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      return new ToyServer(system, port);
    } catch (Exception e) {
      system.terminate();
      throw e;
    }
  }

  static ToyServer start(String name) throws Exception {
    return start(name, new SigV4Verifier(CredentialStore.defaults(), Clock.systemUTC()));
  }

  static Map<String, Operation> operations() {
    return Map.of(
        "Echo", ToyServer::echo,
        "DescribeStateMachine", ToyServer::describeStateMachine,
        "Boom", (caller, request) -> {
          throw new IllegalStateException("secret internal detail");
        },
        "BoomAsync", (caller, request) -> CompletableFuture.supplyAsync(() -> {
          throw new IllegalStateException("secret internal detail");
        }),
        "Hang", (caller, request) -> new CompletableFuture<>(),
        "DescribeKey", ToyServer::describeKey);
  }

  private static CompletionStage<JsonNode> echo(Caller caller, ObjectNode request) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.set("request", request);
    out.put("accessKeyId", caller.accessKeyId());
    out.put("accountId", caller.accountId());
    out.put("region", caller.region());
    return CompletableFuture.completedFuture(out);
  }

  /** A fixed Step Functions shape, or a modeled error chosen by the ARN's last segment. */
  private static CompletionStage<JsonNode> describeStateMachine(Caller caller, ObjectNode req) {
    String arn = req.path("stateMachineArn").asText();
    if (!arn.startsWith("arn:")) {
      // fails asynchronously: the stage holds a CompletionException around the AWS error
      return CompletableFuture.supplyAsync(() -> {
        throw new AwsServiceException("InvalidArn", "Invalid Arn: '" + arn + "'");
      });
    }
    String last = arn.substring(arn.lastIndexOf(':') + 1);
    switch (last) {
      case "missing" -> throw new AwsServiceException(
          "StateMachineDoesNotExist", "State Machine Does Not Exist: '" + arn + "'");
      case "labeled" -> throw new AwsServiceException("ValidationException", 400,
          "This API does not support labeled ARNs.",
          Map.of("reason", "API_DOES_NOT_SUPPORT_LABELED_ARNS"));
      case "disabledkey" -> throw new AwsServiceException("KmsInvalidStateException", 400,
          "The KMS key is disabled.", Map.of("kmsKeyState", "DISABLED"));
      case "boom" -> throw new IllegalStateException("secret internal detail");
      default -> { }
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("stateMachineArn", arn);
    out.put("name", last);
    out.put("status", "ACTIVE");
    out.put("definition", "{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}}");
    out.put("roleArn", "arn:aws:iam::" + caller.accountId() + ":role/toy");
    out.put("type", "STANDARD");
    out.put("creationDate", 1700000000.25);
    return CompletableFuture.completedFuture(out);
  }

  /** A fixed KMS shape (served under TrentService), or a KMS error chosen by the key id. */
  private static CompletionStage<JsonNode> describeKey(Caller caller, ObjectNode req) {
    String keyId = req.path("KeyId").asText();
    switch (keyId) {
      case "missing" -> throw new AwsServiceException(
          "NotFoundException", "Key 'arn:aws:kms:" + caller.region() + ":" + caller.accountId()
              + ":key/missing' does not exist");
      case "pending" -> throw new AwsServiceException(
          "KMSInvalidStateException", "key is pending deletion");
      default -> { }
    }
    ObjectNode metadata = JsonNodeFactory.instance.objectNode();
    metadata.put("KeyId", keyId);
    metadata.put("Arn", "arn:aws:kms:" + caller.region() + ":" + caller.accountId() + ":key/"
        + keyId);
    metadata.put("KeyState", "Enabled");
    metadata.put("Enabled", true);
    metadata.put("KeySpec", "SYMMETRIC_DEFAULT");
    metadata.put("CreationDate", 1700000000.5);
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.set("KeyMetadata", metadata);
    return CompletableFuture.completedFuture(out);
  }

  @Override
  public void close() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
