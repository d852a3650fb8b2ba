package io.stepwise.server;

import static io.stepwise.server.Definitions.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.*;

class ExecutionApiTest extends SharedServerTest {
  static String create(String name, String definition, StateMachineType type) {
    return sfn.createStateMachine(b -> b.name(name).definition(definition).roleArn(ROLE).type(type)).stateMachineArn();
  }

  /** Polls DescribeExecution until the execution leaves RUNNING (bounded, not a timing assertion). */
  static DescribeExecutionResponse awaitEnd(SfnClient client, String executionArn) throws InterruptedException {
    return awaitEnd(client, executionArn, Duration.ofSeconds(30));
  }

  /** As above, waiting up to {@code bound}. */
  static DescribeExecutionResponse awaitEnd(SfnClient client, String executionArn, Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (true) {
      DescribeExecutionResponse d = client.describeExecution(b -> b.executionArn(executionArn));
      if (d.status() != ExecutionStatus.RUNNING) return d;
      if (System.nanoTime() > deadline) throw new AssertionError("still running: " + executionArn);
      Thread.sleep(50);
    }
  }

  static List<HistoryEvent> history(SfnClient client, String executionArn) {
    List<HistoryEvent> all = new ArrayList<>();
    client.getExecutionHistoryPaginator(b -> b.executionArn(executionArn).maxResults(2)).forEach(p -> all.addAll(p.events()));
    return all;
  }

  /** A history token no page gave (past the end, negative, not a token) is InvalidToken, never a server error. */
  @Test
  void historyTokens_thatNoPageGave_areInvalidToken() throws Exception {
    String machine = create("history-tokens", PASS, StateMachineType.STANDARD);
    String exec = sfn.startExecution(b -> b.stateMachineArn(machine).input("{}")).executionArn();
    awaitEnd(sfn, exec);
    java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
    for (String token : List.of(b64.encodeToString("h:-1".getBytes()), b64.encodeToString("h:-100".getBytes()),
        b64.encodeToString("h:999".getBytes()), "not-a-token")) {
      for (boolean reverse : List.of(false, true)) {
        assertThatThrownBy(() -> sfn.getExecutionHistory(b -> b.executionArn(exec).nextToken(token).reverseOrder(reverse)))
            .as(token).isInstanceOf(InvalidTokenException.class);
      }
    }
  }

  /**
   * The API Reference's request rules for starting and listing: a traceHeader is at most 256 ASCII
   * characters; ListExecutions "is not supported by EXPRESS state machines"
   * (StateMachineTypeNotSupported), and "if you provide a stateMachineArn and a PENDING_REDRIVE
   * statusFilter, the API returns a validation exception".
   */
  @Test
  void startAndListRequests_followTheApiReference() {
    String machine = create("request-rules", PASS, StateMachineType.STANDARD);
    sfn.startExecution(b -> b.stateMachineArn(machine).traceHeader("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"));
    for (String header : List.of("x".repeat(257), "caf\u00e9")) {
      assertThatThrownBy(() -> sfn.startExecution(b -> b.stateMachineArn(machine).traceHeader(header)))
          .as(header).isInstanceOf(SfnException.class).hasMessageContaining("at 'traceHeader' failed to satisfy constraint");
    }
    String express = sfn.createStateMachine(b -> b.name("request-rules-express").definition(PASS).roleArn(ROLE)
        .type(StateMachineType.EXPRESS).publish(true)).stateMachineArn();
    String expressAlias = sfn.createStateMachineAlias(b -> b.name("live").routingConfiguration(r -> r.stateMachineVersionArn(express + ":1")
        .weight(100))).stateMachineAliasArn();
    for (String listed : List.of(express, express + ":1", expressAlias)) {
      assertThatThrownBy(() -> sfn.listExecutions(b -> b.stateMachineArn(listed)))
          .as(listed).isInstanceOf(StateMachineTypeNotSupportedException.class);
    }
    assertThatThrownBy(() -> sfn.listExecutions(b -> b.stateMachineArn(machine).statusFilter(ExecutionStatus.PENDING_REDRIVE)))
        .isInstanceOf(SfnException.class).extracting(e -> ((SfnException) e).awsErrorDetails().errorCode()).isEqualTo("ValidationException");
  }

  /**
   * DescribeExecution and StartSyncExecution show "the X-Ray trace header that was passed to the
   * execution": the request's traceHeader, or its HTTP X-Amzn-Trace-Id header, which "Step Functions
   * will use ... (preferred) over the value in the request body"; none passed, none shown.
   */
  @Test
  void traceHeader_passedToAStart_isShownByDescribeAndSyncStarts() throws Exception {
    String machine = create("traced", PASS, StateMachineType.STANDARD);
    String body = "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1";
    String http = "Root=1-67891233-abcdef012345678912345678;Parent=53995c3f42cd8ad8;Sampled=0";
    String fromBody = sfn.startExecution(b -> b.stateMachineArn(machine).traceHeader(body)).executionArn();
    String fromHttp = sfn.startExecution(b -> b.stateMachineArn(machine).traceHeader(body)
        .overrideConfiguration(o -> o.putHeader("X-Amzn-Trace-Id", http))).executionArn();
    String none = sfn.startExecution(b -> b.stateMachineArn(machine)).executionArn();
    assertThat(awaitEnd(sfn, fromBody).traceHeader()).isEqualTo(body);
    assertThat(awaitEnd(sfn, fromHttp).traceHeader()).isEqualTo(http);
    assertThat(awaitEnd(sfn, none).traceHeader()).isNull();

    String express = create("traced-express", PASS, StateMachineType.EXPRESS);
    assertThat(sfn.startSyncExecution(b -> b.stateMachineArn(express).traceHeader(body)).traceHeader()).isEqualTo(body);
    assertThat(sfn.startSyncExecution(b -> b.stateMachineArn(express)).traceHeader()).isNull();
  }

  @Test
  void passExecution_succeedsWithHistoryInAwsShape() throws Exception {
    String machine = create("pass-exec", PASS, StateMachineType.STANDARD);
    StartExecutionResponse started = sfn.startExecution(b -> b.stateMachineArn(machine).name("run-1").input("{\"a\":1}"));
    assertThat(started.executionArn()).isEqualTo("arn:aws:states:us-east-1:123456789012:execution:pass-exec:run-1");
    DescribeExecutionResponse d = awaitEnd(sfn, started.executionArn());
    assertThat(d.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(d.input()).isEqualTo("{\"a\":1}");
    assertThat(d.output()).isEqualTo("{\"a\":1,\"out\":{\"greeting\":\"hi\"}}");
    assertThat(d.stopDate()).isAfterOrEqualTo(d.startDate());

    List<HistoryEvent> events = history(sfn, started.executionArn());
    assertThat(events).extracting(HistoryEvent::typeAsString)
        .containsExactly("ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded");
    for (int i = 0; i < events.size(); i++) assertThat(events.get(i).id()).isEqualTo(i + 1L);
    // As AWS: the first state's Entered event follows nothing (0), every later event its predecessor.
    assertThat(events).extracting(HistoryEvent::previousEventId).containsExactly(0L, 0L, 2L, 3L);
    assertThat(events.get(1).stateEnteredEventDetails().name()).isEqualTo("Hello");
    assertThat(events.get(3).executionSucceededEventDetails().output()).isEqualTo(d.output());

    List<HistoryEvent> reversed = sfn.getExecutionHistory(b -> b.executionArn(started.executionArn()).reverseOrder(true)).events();
    assertThat(reversed.get(0).typeAsString()).isEqualTo("ExecutionSucceeded");
    HistoryEvent withoutData = sfn.getExecutionHistory(
        b -> b.executionArn(started.executionArn()).includeExecutionData(false)).events().get(0);
    assertThat(withoutData.executionStartedEventDetails().input()).isNull();
  }

  /**
   * A JSONata number that is no exact integer below 9e18 is written as Java writes a double, in the
   * execution's output, its history and a synchronous result alike (AWS measured 9223372036854775808
   * read back as 9.223372036854776E18).
   */
  @Test
  void jsonataDoubles_areWrittenAsAwsWritesThem_inOutputAndHistory() throws Exception {
    String definition = "{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\","
        + "\"Output\":{\"v\":\"{% $states.input.amount %}\",\"small\":\"{% 0.0001 %}\",\"n\":\"{% 1e21 %}\",\"i\":\"{% 3 %}\"},\"End\":true}}}";
    String expected = "{\"v\":9.223372036854776E18,\"small\":1.0E-4,\"n\":1.0E21,\"i\":3}";
    String input = "{\"amount\": 9223372036854775808}";
    String standard = create("jsonata-doubles", definition, StateMachineType.STANDARD);
    String run = sfn.startExecution(b -> b.stateMachineArn(standard).input(input)).executionArn();
    DescribeExecutionResponse d = awaitEnd(sfn, run);
    assertThat(d.output()).isEqualTo(expected);
    assertThat(history(sfn, run)).filteredOn(e -> e.stateExitedEventDetails() != null)
        .extracting(e -> e.stateExitedEventDetails().output()).containsExactly(expected);
    String express = create("jsonata-doubles-express", definition, StateMachineType.EXPRESS);
    assertThat(sfn.startSyncExecution(b -> b.stateMachineArn(express).input(input)).output()).isEqualTo(expected);
  }

  @Test
  void failingExecution_reportsErrorAndCause() throws Exception {
    String machine = create("choice-exec", CHOICE, StateMachineType.STANDARD);
    String big = sfn.startExecution(b -> b.stateMachineArn(machine).input("{\"n\": 11}")).executionArn();
    String small = sfn.startExecution(b -> b.stateMachineArn(machine).input("{\"n\": 3}")).executionArn();
    assertThat(awaitEnd(sfn, big).output()).isEqualTo("\"big\"");
    DescribeExecutionResponse failed = awaitEnd(sfn, small);
    assertThat(failed.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(failed.error()).isEqualTo("TooSmall");
    assertThat(failed.cause()).isEqualTo("n is not above 10");
    assertThat(history(sfn, small)).last().extracting(HistoryEvent::typeAsString).isEqualTo("ExecutionFailed");
  }

  @Test
  void startExecution_isIdempotentForARunningExecutionWithTheSameInput() {
    String machine = create("idempotent", waitSeconds(60), StateMachineType.STANDARD);
    String first = sfn.startExecution(b -> b.stateMachineArn(machine).name("same").input("{\"tag\":1}")).executionArn();
    String again = sfn.startExecution(b -> b.stateMachineArn(machine).name("same").input("{\"tag\":1}")).executionArn();
    assertThat(again).isEqualTo(first);
    assertThatThrownBy(() -> sfn.startExecution(b -> b.stateMachineArn(machine).name("same").input("{\"tag\":2}")))
        .isInstanceOf(ExecutionAlreadyExistsException.class);
    sfn.stopExecution(b -> b.executionArn(first));
  }

  @Test
  void stopExecution_abortsARunningExecution() throws Exception {
    String machine = create("stoppable", waitSeconds(600), StateMachineType.STANDARD);
    String exec = sfn.startExecution(b -> b.stateMachineArn(machine).input("{\"tag\":\"x\"}")).executionArn();
    assertThat(sfn.describeExecution(b -> b.executionArn(exec)).status()).isEqualTo(ExecutionStatus.RUNNING);
    StopExecutionResponse stopped = sfn.stopExecution(b -> b.executionArn(exec).error("Halt").cause("by test"));
    assertThat(stopped.stopDate()).isNotNull();
    DescribeExecutionResponse d = sfn.describeExecution(b -> b.executionArn(exec));
    assertThat(d.status()).isEqualTo(ExecutionStatus.ABORTED);
    assertThat(d.stopDate()).isEqualTo(stopped.stopDate());
    assertThat(d.error()).isEqualTo("Halt");
    assertThat(d.cause()).isEqualTo("by test");
    assertThat(history(sfn, exec)).extracting(HistoryEvent::typeAsString)
        .containsExactly("ExecutionStarted", "WaitStateEntered", "ExecutionAborted");
  }

  @Test
  void updateWhileRunning_runningExecutionKeepsItsRevision() throws Exception {
    String machine = create("revisions", waitSeconds(1), StateMachineType.STANDARD);
    String oldRevision = sfn.describeStateMachine(b -> b.stateMachineArn(machine)).revisionId();
    String exec = sfn.startExecution(b -> b.stateMachineArn(machine).input("{\"tag\":\"old\"}")).executionArn();
    sfn.updateStateMachine(b -> b.stateMachineArn(machine).definition(PASS));

    DescribeStateMachineForExecutionResponse forExec = sfn.describeStateMachineForExecution(b -> b.executionArn(exec));
    assertThat(forExec.definition()).isEqualTo(waitSeconds(1));
    assertThat(forExec.revisionId()).isEqualTo(oldRevision);
    assertThat(awaitEnd(sfn, exec).output()).isEqualTo("{\"waited\":\"old\"}");

    String fresh = sfn.startExecution(b -> b.stateMachineArn(machine).input("{}")).executionArn();
    assertThat(awaitEnd(sfn, fresh).output()).isEqualTo("{\"out\":{\"greeting\":\"hi\"}}");
  }

  @Test
  void timeoutOfYears_isArmedInSlicesAndTheExecutionRuns() throws Exception {
    // 99,999,999 s is beyond what Pekko's scheduler holds in one timer (about 248 days).
    String definition = waitSeconds(1).replaceFirst("\\{", "{\"TimeoutSeconds\": 99999999, ");
    String machine = create("long-timeout", definition, StateMachineType.STANDARD);
    String exec = sfn.startExecution(b -> b.stateMachineArn(machine).input("{\"tag\":\"t\"}")).executionArn();
    DescribeExecutionResponse d = awaitEnd(sfn, exec);
    assertThat(d.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(d.output()).isEqualTo("{\"waited\":\"t\"}");
  }

  @Test
  void listExecutions_filtersByStatusAndPaginatesNewestFirst() throws Exception {
    String machine = create("listing", CHOICE, StateMachineType.STANDARD);
    Set<String> succeeded = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      succeeded.add(sfn.startExecution(b -> b.stateMachineArn(machine).input("{\"n\": 20}")).executionArn());
    }
    String failed = sfn.startExecution(b -> b.stateMachineArn(machine).input("{\"n\": 1}")).executionArn();
    for (String arn : succeeded) awaitEnd(sfn, arn);
    awaitEnd(sfn, failed);

    List<ExecutionListItem> all = new ArrayList<>();
    sfn.listExecutionsPaginator(b -> b.stateMachineArn(machine).maxResults(2)).forEach(p -> {
      assertThat(p.executions().size()).isLessThanOrEqualTo(2);
      all.addAll(p.executions());
    });
    assertThat(all).hasSize(6);
    for (int i = 1; i < all.size(); i++) {
      assertThat(all.get(i - 1).startDate()).isAfterOrEqualTo(all.get(i).startDate());
    }
    assertThat(sfn.listExecutions(b -> b.stateMachineArn(machine).statusFilter(ExecutionStatus.FAILED)).executions())
        .extracting(ExecutionListItem::executionArn).containsExactly(failed);
    assertThat(sfn.listExecutions(b -> b.stateMachineArn(machine).statusFilter(ExecutionStatus.SUCCEEDED)).executions())
        .extracting(ExecutionListItem::executionArn).containsExactlyInAnyOrderElementsOf(succeeded);
  }

  @Test
  void startSyncExecution_onExpressReturnsTheResult() {
    String machine = create("express-sync", CHOICE, StateMachineType.EXPRESS);
    StartSyncExecutionResponse ok = sfn.startSyncExecution(b -> b.stateMachineArn(machine).input("{\"n\": 50}"));
    assertThat(ok.status()).isEqualTo(SyncExecutionStatus.SUCCEEDED);
    assertThat(ok.output()).isEqualTo("\"big\"");
    assertThat(ok.executionArn()).startsWith("arn:aws:states:us-east-1:123456789012:express:express-sync:");
    StartSyncExecutionResponse failed = sfn.startSyncExecution(b -> b.stateMachineArn(machine).input("{\"n\": 1}"));
    assertThat(failed.status()).isEqualTo(SyncExecutionStatus.FAILED);
    assertThat(failed.error()).isEqualTo("TooSmall");

    String standard = create("standard-not-sync", PASS, StateMachineType.STANDARD);
    assertThatThrownBy(() -> sfn.startSyncExecution(b -> b.stateMachineArn(standard)))
        .isInstanceOf(StateMachineTypeNotSupportedException.class);
  }

  @Test
  void unknownResources_areReportedAsAwsDoes() {
    String missing = "arn:aws:states:us-east-1:123456789012:stateMachine:nope";
    assertThatThrownBy(() -> sfn.startExecution(b -> b.stateMachineArn(missing)))
        .isInstanceOf(StateMachineDoesNotExistException.class);
    assertThatThrownBy(() -> sfn.describeExecution(b -> b.executionArn("arn:aws:states:us-east-1:123456789012:execution:nope:x")))
        .isInstanceOf(ExecutionDoesNotExistException.class);
    assertThatThrownBy(() -> sfn.getExecutionHistory(b -> b.executionArn("arn:aws:states:us-east-1:123456789012:execution:nope:x")))
        .isInstanceOf(ExecutionDoesNotExistException.class);
  }

  @Test
  void badExecutionInput_isRejectedAndStartsNothing() {
    String machine = create("bad-input", PASS, StateMachineType.STANDARD);
    assertThatThrownBy(() -> sfn.startExecution(b -> b.stateMachineArn(machine).name("x").input("not json")))
        .isInstanceOf(InvalidExecutionInputException.class)
        .hasMessageContaining("Invalid State Machine Execution Input");
    String huge = "{\"s\":\"" + "a".repeat(262_144) + "\"}";
    assertThatThrownBy(() -> sfn.startExecution(b -> b.stateMachineArn(machine).name("x").input(huge)))
        .isInstanceOf(SfnException.class)
        .satisfies(e -> assertThat(((SfnException) e).statusCode()).isEqualTo(400));
    assertThatThrownBy(() -> sfn.startExecution(b -> b.stateMachineArn(machine).name("bad name")))
        .isInstanceOf(InvalidNameException.class);
    // empty or blank input is no JSON at all (an absent input is {})
    for (String blank : new String[] {"", "   ", "\n"}) {
      assertThatThrownBy(() -> sfn.startExecution(b -> b.stateMachineArn(machine).name("x").input(blank)))
          .isInstanceOf(InvalidExecutionInputException.class)
          .hasMessageContaining("Invalid State Machine Execution Input: 'No content to map due to end-of-input'");
    }
    // the limit counts UTF-8 bytes: 131,073 two-byte characters are over 256 KiB
    String wide = "\"" + "\u00e9".repeat(131_073) + "\"";
    assertThatThrownBy(() -> sfn.startExecution(b -> b.stateMachineArn(machine).name("x").input(wide)))
        .isInstanceOf(SfnException.class)
        .hasMessageContaining("Value at 'input' failed to satisfy constraint: Member must have size less than or equal to 262144 bytes in UTF-8 encoding");
    assertThat(sfn.listExecutions(b -> b.stateMachineArn(machine)).executions()).isEmpty();
  }

  /** Any JSON value is an input, not only an object: $ is that value. */
  @Test
  void nonObjectInputs_runAsTheirValue() {
    String machine = create("any-input", "{\"StartAt\":\"E\",\"States\":{\"E\":{\"Type\":\"Pass\",\"End\":true}}}",
        StateMachineType.EXPRESS);
    for (String input : new String[] {"2", "\"text\"", "null", "[1,2]", " {\"a\":1} "}) {
      String out = sfn.startSyncExecution(b -> b.stateMachineArn(machine).input(input)).output();
      assertThat(out).as(input).isEqualTo(input.strip());
    }
  }
}
