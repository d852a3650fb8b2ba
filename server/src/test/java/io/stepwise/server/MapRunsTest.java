package io.stepwise.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.InvalidArnException;
import software.amazon.awssdk.services.sfn.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sfn.model.ValidationException;

/** Map Run actions before any Distributed Map runs: unknown Map Runs and executions without any, as AWS answers. */
class MapRunsTest {
  @TempDir Path dir;

  @Test
  void mapRunActions_answerForUnknownMapRunsAsAws() throws Exception {
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      String machine = sfn.createStateMachine(b -> b.name("m").definition(Definitions.PASS).roleArn(Definitions.ROLE))
          .stateMachineArn();
      String exec = sfn.startExecution(b -> b.stateMachineArn(machine).input("{}")).executionArn();
      assertThat(sfn.listMapRuns(b -> b.executionArn(exec)).mapRuns()).isEmpty();
      assertThatThrownBy(() -> sfn.listMapRuns(b -> b.executionArn(exec.replace(":execution:m:", ":execution:m:x"))))
          .isInstanceOf(ExecutionDoesNotExistException.class);
      assertThatThrownBy(() -> sfn.listMapRuns(b -> b.executionArn(machine))).isInstanceOf(InvalidArnException.class);

      String mapRun = "arn:aws:states:us-east-1:123456789012:mapRun:m/Each:0d5b5d1a-4a33-4bd8-9cbd-f6f2a5a9f2f1";
      assertThatThrownBy(() -> sfn.describeMapRun(b -> b.mapRunArn(mapRun))).isInstanceOf(ResourceNotFoundException.class);
      assertThatThrownBy(() -> sfn.describeMapRun(b -> b.mapRunArn(exec))).isInstanceOf(InvalidArnException.class);
      assertThatThrownBy(() -> sfn.updateMapRun(b -> b.mapRunArn(mapRun).maxConcurrency(5)))
          .isInstanceOf(ResourceNotFoundException.class);
      assertThatThrownBy(() -> sfn.updateMapRun(b -> b.mapRunArn(mapRun).toleratedFailurePercentage(101f)))
          .isInstanceOf(ValidationException.class);
    }
  }

  /**
   * "If you provide a qualified state machine ARN that refers to a Distributed Map state, the request
   * fails with ValidationException" (StartExecution, DescribeStateMachine, UpdateStateMachine,
   * DeleteStateMachine): the ARN a Map Run's children name as their machine starts, describes,
   * changes and deletes nothing.
   */
  @Test
  void aDistributedMapStateArn_isRefusedWhereAMachineIsNamed() throws Exception {
    String definition = """
        {"StartAt": "Each", "States": {"Each": {"Type": "Map", "Label": "Each", "End": true,
          "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}}}
        """;
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      String machine = sfn.createStateMachine(b -> b.name("dm").definition(definition).roleArn(Definitions.ROLE))
          .stateMachineArn();
      String exec = sfn.startExecution(b -> b.stateMachineArn(machine).input("[1, 2]")).executionArn();
      ExecutionApiTest.awaitEnd(sfn, exec);
      String mapState = sfn.listMapRuns(b -> b.executionArn(exec)).mapRuns().get(0).stateMachineArn();
      assertThat(mapState).isEqualTo(machine + "/Each");
      for (Runnable call : java.util.List.<Runnable>of(
          () -> sfn.startExecution(b -> b.stateMachineArn(mapState)),
          () -> sfn.startSyncExecution(b -> b.stateMachineArn(mapState)),
          () -> sfn.describeStateMachine(b -> b.stateMachineArn(mapState)),
          () -> sfn.updateStateMachine(b -> b.stateMachineArn(mapState).definition(Definitions.PASS)),
          () -> sfn.deleteStateMachine(b -> b.stateMachineArn(mapState)))) {
        assertThatThrownBy(call::run).isInstanceOf(ValidationException.class).hasMessageContaining("Distributed Map state");
      }
      assertThat(sfn.describeStateMachine(b -> b.stateMachineArn(machine)).definition()).isEqualTo(definition);
      assertThat(sfn.listExecutions(b -> b.stateMachineArn(machine)).executions()).hasSize(1);
    }
  }
}
