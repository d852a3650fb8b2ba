package io.stepwise.engine.catalog;

import java.time.Instant;

/**
 * One row of ListExecutions; {@code stopDate} is null while running, the version and alias ARNs
 * null unless it was started on one, {@code redriveDate} null until it is redriven; {@code
 * itemCount} the items a Map Run's child processes, null in any other listing (as AWS shows it
 * only when listing by Map Run).
 */
public record ExecutionSummary(
    String executionArn, String stateMachineArn, String name, String status, Instant startDate, Instant stopDate,
    String stateMachineVersionArn, String stateMachineAliasArn, int redriveCount, Instant redriveDate,
    Integer itemCount) {}
