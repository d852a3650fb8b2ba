package io.stepwise.engine.catalog;

import java.time.Instant;

/** One row of ListExecutions; {@code stopDate} is null while running. */
public record ExecutionSummary(
    String executionArn, String stateMachineArn, String name, String status, Instant startDate, Instant stopDate) {}
