package io.stepwise.engine.integration;

import io.stepwise.asl.interpreter.Effect;
import io.stepwise.asl.interpreter.Signal;
import io.stepwise.engine.execution.ExecutionInfo;
import java.util.concurrent.CompletionStage;

/** A Task resource Stepwise carries out itself, calling outside its process (an HTTP endpoint, ...). */
public interface Integration {
  /** Whether this integration carries out tasks on {@code resource}. */
  boolean handles(String resource);

  /**
   * Carries out {@code task} of the execution {@code info} without blocking the caller; completes
   * with the task's answer ({@link Signal.TaskSucceeded} or {@link Signal.TaskFailed}), never
   * exceptionally.
   */
  CompletionStage<Signal> invoke(Effect.ScheduleTask task, ExecutionInfo info);

  /**
   * As {@link #invoke(Effect.ScheduleTask, ExecutionInfo)}, telling {@code submitted} the answer of
   * the call that started what a {@code .sync} task then waits for, once it is made.
   */
  default CompletionStage<Signal> invoke(Effect.ScheduleTask task, ExecutionInfo info,
      java.util.function.Consumer<com.fasterxml.jackson.databind.JsonNode> submitted) {
    return invoke(task, info);
  }

  /**
   * The execution no longer waits on {@code task} (answered, timed out, or cut off by a stop,
   * timeout or failing sibling): whatever the integration still runs for it may be let go.
   */
  default void released(Effect.ScheduleTask task, ExecutionInfo info) {}

  /**
   * An integration whose {@code .sync} calls tell what they submitted: it implements the
   * three-argument {@code invoke}, and the plain one submits to no one.
   */
  interface Submitting extends Integration {
    @Override
    default CompletionStage<Signal> invoke(Effect.ScheduleTask task, ExecutionInfo info) {
      return invoke(task, info, submitted -> {});
    }

    @Override
    CompletionStage<Signal> invoke(Effect.ScheduleTask task, ExecutionInfo info,
        java.util.function.Consumer<com.fasterxml.jackson.databind.JsonNode> submitted);
  }

  /** Whether virtual time stands still while a call of this integration is under way. */
  default boolean holdsVirtualTime() {
    return true;
  }
}
