package io.stepwise.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * A due wake-up of an execution that no entity holds is stepped straight from its journal; one
 * whose entity is alive (a request just started it) is stepped by the entity. Both write the same
 * history, and the listing says SUCCEEDED for both.
 */
class DirectWakeUpTest {
  @TempDir Path dir;

  @Test
  void anExecutionNoEntityHolds_isSteppedFromItsJournal_withTheHistoryItsEntityWouldWrite() throws Exception {
    TestClock clock = new TestClock();
    try (TestServer server = TestServer.start(dir, clock); SfnClient sfn = server.sfn()) {
      String machine = sfn.createStateMachine(b -> b.name("nap").definition(Definitions.waitSeconds(10))
          .roleArn(Definitions.ROLE)).stateMachineArn();
      String input = "{\"tag\":\"same\"}";
      String direct = sfn.startExecution(b -> b.stateMachineArn(machine).name("direct").input(input)).executionArn();
      String held = sfn.startExecution(b -> b.stateMachineArn(machine).name("held").input(input)).executionArn();
      long[] before = server.server.engine().wakeUpsFired();

      // A request starts the held execution's entity, which stays alive (idle passivation is 5 s).
      assertThat(sfn.describeExecution(b -> b.executionArn(held)).status()).isEqualTo(ExecutionStatus.RUNNING);
      clock.advance(Duration.ofSeconds(11));
      // Awaited through the listing, which asks no entity.
      long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (System.nanoTime() < until && sfn.listExecutions(b -> b.stateMachineArn(machine)
          .statusFilter(ExecutionStatus.SUCCEEDED)).executions().size() < 2) {
        Thread.sleep(20);
      }
      long[] after = server.server.engine().wakeUpsFired();
      assertThat(after[0] - before[0]).as("fired directly").isEqualTo(1);
      assertThat(after[1] - before[1]).as("fired by the held execution's entity").isEqualTo(1);

      List<HistoryEvent> directHistory = sfn.getExecutionHistory(b -> b.executionArn(direct)).events();
      List<HistoryEvent> heldHistory = sfn.getExecutionHistory(b -> b.executionArn(held)).events();
      assertThat(directHistory).extracting(HistoryEvent::typeAsString).containsExactly("ExecutionStarted",
          "WaitStateEntered", "WaitStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded");
      assertThat(directHistory).isEqualTo(heldHistory);
      assertThat(sfn.describeExecution(b -> b.executionArn(direct)).output()).isEqualTo("{\"waited\":\"same\"}");
    }
  }
}
