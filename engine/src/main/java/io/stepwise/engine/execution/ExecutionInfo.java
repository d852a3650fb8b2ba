package io.stepwise.engine.execution;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.interpreter.ExecutionContext;
import io.stepwise.engine.kms.EncryptionConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What an execution is started with: the state machine revision it runs, so a later
 * UpdateStateMachine never changes a running execution, and DescribeStateMachineForExecution
 * answers from the execution. In memory it holds the revision's definition; the journal names the
 * revision instead ({@link #withoutDefinition}). {@code testCase} is the mock configuration's
 * test case it runs with (started on {@code <stateMachineArn>#<TestCase>}), null for none; a Map
 * Run's child names the run ({@code mapRunArn}) and how many items it processes ({@code
 * mapRunItems}; null in journals of an earlier version).
 */
public record ExecutionInfo(
    String executionArn,
    String name,
    String stateMachineArn,
    String stateMachineName,
    String type,
    String definition,
    String revisionId,
    Instant stateMachineUpdateDate,
    String roleArn,
    String input,
    Instant startDate,
    JsonNode loggingConfiguration,
    JsonNode tracingConfiguration,
    EncryptionConfig encryptionConfiguration,
    String stateMachineVersionArn,
    String stateMachineAliasArn,
    int redriveCount,
    Instant redriveDate,
    List<RedriveToken> redriveTokens,
    String testCase,
    String mapRunArn,
    Integer mapRunItems,
    String traceHeader) {

  /** A client token of a redrive that succeeded, and when: the same token again soon after gets the same answer. */
  public record RedriveToken(String clientToken, Instant redriveDate) {}

  /** AWS answers idempotently for the last 10 client tokens, each for 15 minutes. */
  static final int REDRIVE_TOKENS_KEPT = 10;
  static final java.time.Duration REDRIVE_TOKEN_LIFE = java.time.Duration.ofMinutes(15);

  /** Started on a machine, version or alias, never redriven. */
  public ExecutionInfo(String executionArn, String name, String stateMachineArn, String stateMachineName, String type,
      String definition, String revisionId, Instant stateMachineUpdateDate, String roleArn, String input,
      Instant startDate, JsonNode loggingConfiguration, JsonNode tracingConfiguration,
      EncryptionConfig encryptionConfiguration, String stateMachineVersionArn, String stateMachineAliasArn) {
    this(executionArn, name, stateMachineArn, stateMachineName, type, definition, revisionId, stateMachineUpdateDate,
        roleArn, input, startDate, loggingConfiguration, tracingConfiguration, encryptionConfiguration,
        stateMachineVersionArn, stateMachineAliasArn, 0, null, null, null, null, null, null);
  }

  /** Started on the machine itself, not on a version or alias (AWS then shows neither ARN). */
  public ExecutionInfo(String executionArn, String name, String stateMachineArn, String stateMachineName, String type,
      String definition, String revisionId, Instant stateMachineUpdateDate, String roleArn, String input,
      Instant startDate, JsonNode loggingConfiguration, JsonNode tracingConfiguration,
      EncryptionConfig encryptionConfiguration) {
    this(executionArn, name, stateMachineArn, stateMachineName, type, definition, revisionId, stateMachineUpdateDate,
        roleArn, input, startDate, loggingConfiguration, tracingConfiguration, encryptionConfiguration, null, null);
  }

  /** Never null: executions from before encryption configurations read as AWS_OWNED_KEY. */
  public EncryptionConfig encryption() {
    return EncryptionConfig.orDefault(encryptionConfiguration);
  }

  /** As journaled: the definition is named by {@code revisionId}, not copied (the machine's journal holds it). */
  public ExecutionInfo withoutDefinition() {
    return withDefinition(null);
  }

  public ExecutionInfo withDefinition(String def) {
    return copy(def, redriveCount, redriveDate, redriveTokens, testCase, mapRunArn, mapRunItems, traceHeader);
  }

  /**
   * The same, with the X-Ray trace header its start was given (null if none): DescribeExecution and
   * StartSyncExecution show it.
   */
  public ExecutionInfo withTraceHeader(String header) {
    return copy(definition, redriveCount, redriveDate, redriveTokens, testCase, mapRunArn, mapRunItems, header);
  }

  /** The same, run with the mock configuration's {@code testCase}. */
  public ExecutionInfo withTestCase(String testCase) {
    return copy(definition, redriveCount, redriveDate, redriveTokens, testCase, mapRunArn, mapRunItems, traceHeader);
  }

  /**
   * A child execution of the Distributed Map's run {@code mapRunArn} (listed under it, not under a
   * machine) that processes {@code items} items (one, or a batch's).
   */
  public ExecutionInfo withMapRun(String mapRunArn, int items) {
    return copy(definition, redriveCount, redriveDate, redriveTokens, testCase, mapRunArn, items, traceHeader);
  }

  /** As redriven {@code count} times in all (a Map Run's account of a child it redrove). */
  public ExecutionInfo withRedriveCount(int count) {
    return copy(definition, count, redriveDate, redriveTokens, testCase, mapRunArn, mapRunItems, traceHeader);
  }

  /** Redriven once more at {@code at}, with {@code clientToken} (null if none). */
  public ExecutionInfo redriven(Instant at, String clientToken) {
    List<RedriveToken> tokens = new ArrayList<>();
    if (clientToken != null) tokens.add(new RedriveToken(clientToken, at));
    for (RedriveToken t : redriveTokens == null ? List.<RedriveToken>of() : redriveTokens) {
      if (tokens.size() < REDRIVE_TOKENS_KEPT && !t.clientToken().equals(clientToken)) tokens.add(t);
    }
    return copy(definition, redriveCount + 1, at, List.copyOf(tokens), testCase, mapRunArn, mapRunItems, traceHeader);
  }

  /** This start with the fields a copy may change given; every other field as it is. */
  private ExecutionInfo copy(String definition, int redriveCount, Instant redriveDate, List<RedriveToken> redriveTokens,
      String testCase, String mapRunArn, Integer mapRunItems, String traceHeader) {
    return new ExecutionInfo(executionArn, name, stateMachineArn, stateMachineName, type, definition, revisionId,
        stateMachineUpdateDate, roleArn, input, startDate, loggingConfiguration, tracingConfiguration,
        encryptionConfiguration, stateMachineVersionArn, stateMachineAliasArn, redriveCount, redriveDate,
        redriveTokens, testCase, mapRunArn, mapRunItems, traceHeader);
  }

  /** The redrive that {@code clientToken} made no longer than 15 minutes before {@code now}, if any. */
  public java.util.Optional<RedriveToken> redriveBy(String clientToken, Instant now) {
    if (clientToken == null || redriveTokens == null) return java.util.Optional.empty();
    return redriveTokens.stream().filter(t -> t.clientToken().equals(clientToken)
        && !t.redriveDate().plus(REDRIVE_TOKEN_LIFE).isBefore(now)).findFirst();
  }

  /** What the execution timeout counts from: its start, or its latest redrive (which resets it). */
  public Instant timeoutFrom() {
    return redriveDate != null ? redriveDate : startDate;
  }

  public ExecutionContext context() {
    return new ExecutionContext(executionArn, name, stateMachineArn, stateMachineName, roleArn, startDate,
        redriveCount, redriveDate);
  }
}
