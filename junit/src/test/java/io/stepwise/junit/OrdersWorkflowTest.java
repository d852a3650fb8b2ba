package io.stepwise.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * The README's example: a workflow with a Lambda task (mocked per test case, in Step Functions
 * Local's format) and a one-day Wait (passed at once on virtual time), tested against an
 * in-process Stepwise the extension starts for this class.
 */
class OrdersWorkflowTest {
  @RegisterExtension
  static StepwiseExtension stepwise = StepwiseExtension.builder()
      .virtualTime()
      .mockConfig(Path.of("src/test/resources/orders-mocks.json"))
      .build();

  static final String DEFINITION = """
      {"StartAt": "CheckStock", "States": {
        "CheckStock": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
          "Parameters": {"FunctionName": "check-stock", "Payload.$": "$"}, "ResultSelector": {"available.$": "$.Payload.available"},
          "ResultPath": "$.stock", "Next": "Available?"},
        "Available?": {"Type": "Choice", "Choices": [{"Variable": "$.stock.available", "BooleanEquals": true, "Next": "Ship"}],
          "Default": "WaitForStock"},
        "WaitForStock": {"Type": "Wait", "Seconds": 86400, "Next": "Backordered"},
        "Backordered": {"Type": "Pass", "Result": "backordered", "End": true},
        "Ship": {"Type": "Pass", "Result": "shipped", "End": true}}}
      """;

  @BeforeAll
  static void createMachine(SfnClient sfn) {
    sfn.createStateMachine(b -> b.name("orders").roleArn("arn:aws:iam::123456789012:role/orders").definition(DEFINITION));
  }

  @Test
  void inStock_ships(SfnClient sfn) throws Exception {
    assertThat(run(sfn, "InStock").output()).isEqualTo("\"shipped\"");
  }

  @Test
  void outOfStock_waitsADayThenBackorders_onVirtualTime(SfnClient sfn) throws Exception {
    long started = System.nanoTime();
    DescribeExecutionResponse done = run(sfn, "OutOfStock");
    assertThat(done.output()).isEqualTo("\"backordered\"");
    assertThat(Duration.between(done.startDate(), done.stopDate())).isGreaterThanOrEqualTo(Duration.ofDays(1));
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
  }

  static DescribeExecutionResponse run(SfnClient sfn, String testCase) throws InterruptedException {
    String arn = sfn.startExecution(b -> b.stateMachineArn(stepwise.stateMachineArn("orders") + "#" + testCase)
        .input("{\"order\": 42}")).executionArn();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    DescribeExecutionResponse d = sfn.describeExecution(b -> b.executionArn(arn));
    while (d.status() == ExecutionStatus.RUNNING && System.nanoTime() < deadline) {
      Thread.sleep(20);
      d = sfn.describeExecution(b -> b.executionArn(arn));
    }
    assertThat(d.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    return d;
  }
}
