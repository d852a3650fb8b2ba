package io.stepwise.engine.execution;

import io.stepwise.asl.interpreter.Effect;
import io.stepwise.asl.interpreter.Signal;

/** How a Task state's resource is answered while no integration for it is wired in. */
final class Tasks {
  private Tasks() {}

  /** The task fails as AWS fails a resource it cannot invoke, so Retry and Catch apply as usual. */
  static Signal unsupported(Effect.ScheduleTask task) {
    return new Signal.TaskFailed(task.id(), "States.Runtime",
        "The resource '" + task.resource() + "' is not supported by this Stepwise server: no integration runs it"
            + " yet; executions can mock state '" + task.stateName() + "' with a test case of the mock configuration"
            + " (stepwise.engine.mock-config: --mock-config FILE or SFN_MOCK_CONFIG).");
  }
}
