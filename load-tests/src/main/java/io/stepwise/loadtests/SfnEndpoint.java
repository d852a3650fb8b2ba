package io.stepwise.loadtests;

import io.stepwise.loadtests.http.AwsJsonRequests;
import io.stepwise.loadtests.http.BlockingClient;
import io.stepwise.loadtests.http.Json;
import io.stepwise.loadtests.http.SigV4Signer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;

/** Where the load goes and how its calls are signed; makes request encoders and control clients. */
record SfnEndpoint(InetSocketAddress address, String host, String accessKey, String secretKey, String region) {
  static final String ROLE_ARN = "arn:aws:iam::123456789012:role/bench";

  static SfnEndpoint of(LoadOptions o) {
    URI uri = o.endpoint();
    int port = uri.getPort() < 0 ? 80 : uri.getPort();
    // The Host header as the AWS SDKs send it: the port only when it is not the scheme's default.
    String host = uri.getPort() < 0 || port == 80 ? uri.getHost() : uri.getHost() + ":" + port;
    return new SfnEndpoint(new InetSocketAddress(uri.getHost(), port), host, o.accessKey(), o.secretKey(), o.region());
  }

  /** A request encoder with its own signer (signers keep per-thread state). */
  AwsJsonRequests requests() {
    return new AwsJsonRequests(new SigV4Signer(accessKey, secretKey, region, "states", host), "AWSStepFunctions");
  }

  BlockingClient control() {
    return new BlockingClient(address, requests());
  }

  /** Creates a state machine of {@code type} (EXPRESS or STANDARD); returns its ARN. */
  static String createStateMachine(BlockingClient client, String name, String definition, String type)
      throws IOException {
    String body = "{\"name\":" + Json.quote(name) + ",\"definition\":" + Json.quote(definition)
        + ",\"roleArn\":" + Json.quote(ROLE_ARN) + ",\"type\":\"" + type + "\"}";
    return (String) Json.parseObject(client.callOk("CreateStateMachine", body)).get("stateMachineArn");
  }
}
