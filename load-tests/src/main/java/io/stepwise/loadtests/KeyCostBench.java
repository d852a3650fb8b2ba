package io.stepwise.loadtests;

import java.net.URI;
import java.nio.file.Files;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.EncryptionType;
import software.amazon.awssdk.services.sfn.model.StateMachineType;

/**
 * What a customer-managed KMS key costs: Standard executions completed per second of the same
 * definition under the service-owned key and under a customer key, in the same run against the
 * same server, alternating rounds so that warm-up and drift hit both alike.
 *
 * <p>Usage: KeyCostBench ENDPOINT [DEFINITION] [INPUT] [clients=32] [seconds=15] [rounds=3]
 * (DEFINITION and INPUT default to load-tests/workloads/pass-choice-6.*)
 */
public final class KeyCostBench {
  public static void main(String[] args) throws Exception {
    URI endpoint = URI.create(args[0]);
    String definition = Files.readString(Workloads.arg(args, 1, Workloads.DEFINITION));
    String input = Files.readString(Workloads.arg(args, 2, Workloads.INPUT)).strip();
    int clients = args.length > 3 ? Integer.parseInt(args[3]) : 32;
    int seconds = args.length > 4 ? Integer.parseInt(args[4]) : 15;
    int rounds = args.length > 5 ? Integer.parseInt(args[5]) : 3;

    String keyId;
    try (KmsClient kms = KmsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(ApacheHttpClient.create()).build()) {
      keyId = kms.createKey(b -> b.description("KeyCostBench")).keyMetadata().keyId();
    }
    SfnClient sfn = ThroughputBench.client(endpoint, clients);
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String owned = sfn.createStateMachine(b -> b.name("bench-owned-" + suffix).definition(definition)
        .roleArn("arn:aws:iam::123456789012:role/bench").type(StateMachineType.STANDARD)).stateMachineArn();
    String customer = sfn.createStateMachine(b -> b.name("bench-customer-" + suffix).definition(definition)
        .roleArn("arn:aws:iam::123456789012:role/bench").type(StateMachineType.STANDARD)
        .encryptionConfiguration(e -> e.type(EncryptionType.CUSTOMER_MANAGED_KMS_KEY).kmsKeyId(keyId))).stateMachineArn();

    ThroughputBench.run(clients, 10, () -> ThroughputBench.standard(sfn, owned, input));
    ThroughputBench.run(clients, 10, () -> ThroughputBench.standard(sfn, customer, input));
    double ownedTotal = 0;
    double customerTotal = 0;
    for (int r = 1; r <= rounds; r++) {
      // Alternate which goes first, so that a trend (JIT, GC, a neighbour's load) hits both alike.
      double o;
      double c;
      if (r % 2 == 1) {
        o = ThroughputBench.run(clients, seconds, () -> ThroughputBench.standard(sfn, owned, input));
        c = ThroughputBench.run(clients, seconds, () -> ThroughputBench.standard(sfn, customer, input));
      } else {
        c = ThroughputBench.run(clients, seconds, () -> ThroughputBench.standard(sfn, customer, input));
        o = ThroughputBench.run(clients, seconds, () -> ThroughputBench.standard(sfn, owned, input));
      }
      System.out.printf("round %d: service-owned key %.0f executions/s, customer key %.0f executions/s%n", r, o, c);
      ownedTotal += o;
      customerTotal += c;
    }
    double o = ownedTotal / rounds;
    double c = customerTotal / rounds;
    System.out.printf("Standard executions/s with %d clients: service-owned key %.0f, customer key %.0f (%+.1f%%)%n",
        clients, o, c, (c - o) / o * 100);
    sfn.close();
  }
}
