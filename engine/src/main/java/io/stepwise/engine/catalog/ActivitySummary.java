package io.stepwise.engine.catalog;

import java.time.Instant;

/** One row of ListActivities. */
public record ActivitySummary(String activityArn, String name, Instant creationDate) {}
