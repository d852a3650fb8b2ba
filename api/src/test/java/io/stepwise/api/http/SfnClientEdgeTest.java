package io.stepwise.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeStateMachineResponse;
import software.amazon.awssdk.services.sfn.model.InvalidArnException;
import software.amazon.awssdk.services.sfn.model.KmsInvalidStateException;
import software.amazon.awssdk.services.sfn.model.KmsKeyState;
import software.amazon.awssdk.services.sfn.model.SfnException;
import software.amazon.awssdk.services.sfn.model.StateMachineDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.StateMachineStatus;
import software.amazon.awssdk.services.sfn.model.ValidationException;
import software.amazon.awssdk.services.sfn.model.ValidationExceptionReason;

/** The unmodified AWS SDK for Java v2 against the edge: signing, responses, error mapping. */
class SfnClientEdgeTest {
  static final String ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:";
  static ToyServer server;
  static SfnClient sfn;

  @BeforeAll
  static void start() throws Exception {
    server = ToyServer.start("sfn-client-edge-test");
    sfn = client("test", "test");
  }

  @AfterAll
  static void stop() throws Exception {
    sfn.close();
    server.close();
  }

  static SfnClient client(String accessKey, String secret) {
    return SfnClient.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + server.port))
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secret)))
        .region(Region.US_EAST_1)
        .httpClientBuilder(ApacheHttpClient.builder())
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  @Test
  void describeStateMachine_signatureAcceptedAndResponseParsed() {
    DescribeStateMachineResponse response =
        sfn.describeStateMachine(r -> r.stateMachineArn(ARN + "toy"));
    assertThat(response.stateMachineArn()).isEqualTo(ARN + "toy");
    assertThat(response.name()).isEqualTo("toy");
    assertThat(response.status()).isEqualTo(StateMachineStatus.ACTIVE);
    assertThat(response.roleArn()).isEqualTo("arn:aws:iam::123456789012:role/toy");
    assertThat(response.creationDate()).isEqualTo(Instant.ofEpochSecond(1700000000, 250_000_000));
    assertThat(response.responseMetadata().requestId()).isNotBlank();
  }

  @Test
  void modeledError_mappedToSdkExceptionClass() {
    assertThatThrownBy(() -> sfn.describeStateMachine(r -> r.stateMachineArn(ARN + "missing")))
        .isInstanceOfSatisfying(StateMachineDoesNotExistException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(400);
          assertThat(e.awsErrorDetails().errorMessage())
              .isEqualTo("State Machine Does Not Exist: '" + ARN + "missing'");
          assertThat(e.requestId()).isNotBlank();
        });
  }

  @Test
  void errorFromFailedStage_mappedToSdkExceptionClass() {
    assertThatThrownBy(() -> sfn.describeStateMachine(r -> r.stateMachineArn("not-an-arn")))
        .isInstanceOf(InvalidArnException.class)
        .hasMessageContaining("Invalid Arn: 'not-an-arn'");
  }

  @Test
  void extraErrorFields_becomeModeledMembers() {
    assertThatThrownBy(() -> sfn.describeStateMachine(r -> r.stateMachineArn(ARN + "labeled")))
        .isInstanceOfSatisfying(ValidationException.class, e ->
            assertThat(e.reason())
                .isEqualTo(ValidationExceptionReason.API_DOES_NOT_SUPPORT_LABELED_ARNS));
    assertThatThrownBy(
            () -> sfn.describeStateMachine(r -> r.stateMachineArn(ARN + "disabledkey")))
        .isInstanceOfSatisfying(KmsInvalidStateException.class, e ->
            assertThat(e.kmsKeyState()).isEqualTo(KmsKeyState.DISABLED));
  }

  @Test
  void unexpectedException_internalFailure500() {
    assertThatThrownBy(() -> sfn.describeStateMachine(r -> r.stateMachineArn(ARN + "boom")))
        .isInstanceOfSatisfying(SfnException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(500);
          assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InternalFailure");
          assertThat(e.getMessage()).doesNotContain("secret internal detail");
        });
  }

  @Test
  void wrongSecret_invalidSignatureException() {
    try (SfnClient wrong = client("test", "wrong-secret")) {
      assertThatThrownBy(() -> wrong.describeStateMachine(r -> r.stateMachineArn(ARN + "toy")))
          .isInstanceOfSatisfying(SfnException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
          });
    }
  }

  @Test
  void unknownAccessKey_unrecognizedClientException() {
    try (SfnClient unknown = client("AKIDNOBODY", "test")) {
      assertThatThrownBy(
              () -> unknown.describeStateMachine(r -> r.stateMachineArn(ARN + "toy")))
          .isInstanceOfSatisfying(SfnException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException");
            assertThat(e.awsErrorDetails().errorMessage())
                .isEqualTo("The security token included in the request is invalid.");
          });
    }
  }

  @Test
  void operationNotServed_unknownOperationException() {
    assertThatThrownBy(() -> sfn.listActivities())
        .isInstanceOfSatisfying(SfnException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(400);
          assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnknownOperationException");
        });
  }
}
