package io.stepwise.engine.activity;

import io.stepwise.engine.CborSerializable;
import io.stepwise.persistence.index.ActivityQueue;

/**
 * An activity task's input as journaled for its activity: the one event of the task's own
 * persistence id ({@link #persistenceId}), which the journal seals under the activity's
 * encryption configuration (its customer-managed key if it has one), as AWS keeps activity task
 * data under the activity's key. {@code GetActivityTask} hands workers this copy.
 */
public record TaskInput(String input) implements CborSerializable {
  /** The prefix of task persistence ids; what follows it up to the next {@code |} is the activity's ARN. */
  public static final String PREFIX = "ActivityTask|";

  public static String persistenceId(ActivityQueue.Task task) {
    return PREFIX + task.activityArn() + "|" + task.executionArn() + "|" + task.effectId();
  }
}
