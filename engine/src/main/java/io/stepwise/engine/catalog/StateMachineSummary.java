package io.stepwise.engine.catalog;

import java.time.Instant;

/** One row of ListStateMachines. */
public record StateMachineSummary(String stateMachineArn, String name, String type, Instant creationDate) {}
