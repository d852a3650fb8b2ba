package io.stepwise.engine.execution;

import io.stepwise.engine.Arns;

/** Which Task resources are activities: an activity ARN, whose tasks wait for a worker's GetActivityTask. */
public final class Activities {
  private Activities() {}

  public static boolean isActivity(String resource) {
    Arns.Parsed p = Arns.parse(resource);
    return p != null && p.resourceType().equals("activity") && Arns.isNameInArn(p.rest());
  }

  /**
   * An activity of another account than the execution's: its tasks are never queued (that
   * account's workers would see this execution's input); the task fails at once.
   */
  public static boolean ofAnotherAccount(String resource, String executionArn) {
    Arns.Parsed activity = Arns.parse(resource);
    Arns.Parsed execution = executionArn == null ? null : Arns.parse(executionArn);
    return activity != null && execution != null && !activity.account().equals(execution.account());
  }

  /** How such a task fails: as AWS refuses a resource its caller's account may not use. */
  public static io.stepwise.asl.interpreter.Signal refused(io.stepwise.asl.interpreter.Effect.ScheduleTask task,
      String executionArn) {
    String account = Arns.parse(executionArn).account();
    return new io.stepwise.asl.interpreter.Signal.TaskFailed(task.id(), "States.Runtime",
        "The activity '" + task.resource() + "' belongs to another account than this execution's (" + account
            + "); an execution can only schedule its own account's activities");
  }
}
