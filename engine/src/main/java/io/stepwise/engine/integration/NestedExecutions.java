package io.stepwise.engine.integration;

import io.stepwise.engine.Arns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.asl.interpreter.Effect;
import io.stepwise.asl.interpreter.Signal;
import io.stepwise.engine.Json;
import io.stepwise.engine.ServiceError;
import io.stepwise.engine.execution.ExecutionInfo;
import io.stepwise.engine.execution.ExecutionView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * Nested Step Functions ({@code arn:aws:states:::states:startExecution}): starts an execution of
 * another state machine of this server. Request-response answers with its ARN and start date;
 * {@code .sync} and {@code .sync:2} answer when it ends, with what DescribeExecution shows
 * ({@code .sync:2} with its input and output as JSON rather than text) or fail with
 * {@code States.TaskFailed} when it does not succeed; {@code .waitForTaskToken} starts it and
 * waits for the token it was given to come back through SendTaskSuccess/Failure.
 *
 * <p>A child the task names no {@code Name} for is named after the parent's execution and task,
 * so a call made again after a restart finds the child it started rather than starting another.
 */
public final class NestedExecutions implements Integration.Submitting {
  static final String BASE = "arn:aws:states:::states:startExecution";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** What this integration asks of the engine. */
  public interface Executions {
    /** Starts it; an Express execution (never recorded) hands its end to {@code expressResult}. */
    CompletionStage<ExecutionView> start(String stateMachineArn, String name, String input,
        java.util.function.Consumer<CompletionStage<ExecutionView>> expressResult);

    CompletionStage<ExecutionView> describe(String executionArn);

    CompletionStage<ExecutionView> stop(String executionArn, String error, String cause);
  }

  private final Executions executions;
  private final Duration poll;
  private final BiConsumer<Duration, Runnable> later;

  /** {@code later} runs a task after a delay (a scheduler); a running child is looked at every {@code poll}. */
  public NestedExecutions(Executions executions, Duration poll, BiConsumer<Duration, Runnable> later) {
    this.executions = executions;
    this.poll = poll;
    this.later = later;
  }

  /**
   * A {@code .sync} task the parent no longer waits on stops its child, as AWS does when the task
   * is cut off (a stop, a timeout, a failing sibling); a child that has ended is left as it is.
   */
  @Override
  public void released(Effect.ScheduleTask task, ExecutionInfo info) {
    Child child = Child.of(task, info);
    if (!task.resource().startsWith(BASE + ".sync") || child == null || child.machine().split(":").length < 7) return;
    String cause = "The Task state in AWS Step Functions execution [" + info.executionArn()
        + "] which was managing this resource was aborted";
    if (!child.named()) {
      executions.stop(child.arn(), null, cause); // named after this task: only it can have started it
      return;
    }
    executions.describe(child.arn()).thenAccept(v -> {
      if (v.result() == null && child.isOwn(v, task)) executions.stop(child.arn(), null, cause);
    });
  }

  static boolean isResource(String resource) {
    return resource.equals(BASE) || resource.equals(BASE + ".sync") || resource.equals(BASE + ".sync:2")
        || resource.equals(BASE + ".waitForTaskToken");
  }

  @Override
  public boolean handles(String resource) {
    return isResource(resource);
  }

  /** Waiting for a child is not a call out: virtual time must move on for the child to run. */
  @Override
  public boolean holdsVirtualTime() {
    return false;
  }

  @Override
  public CompletionStage<Signal> invoke(Effect.ScheduleTask task, ExecutionInfo info,
      java.util.function.Consumer<JsonNode> submitted) {
    Child child = Child.of(task, info);
    if (child == null) {
      return done(new Signal.TaskFailed(task.id(), "States.Runtime",
          "The parameters of '" + task.resource() + "' must have a StateMachineArn string"));
    }
    Arns.Parsed own = Arns.parse(info.executionArn());
    Arns.Parsed target = Arns.parse(child.machine());
    if (own != null && target != null && !target.account().equals(own.account())) {
      // no resource-based policies in Step Functions: another account's machine is not the caller's to start
      return done(new Signal.TaskFailed(task.id(), "StepFunctions.AccessDeniedException", "User: " + info.roleArn()
          + " is not authorized to perform: states:StartExecution on resource: " + child.machine()
          + " because no resource-based policy allows the states:StartExecution action"));
    }
    String mode = task.resource().substring(BASE.length());
    if (!mode.isEmpty() && "EXPRESS".equals(info.type())) {
      // AWS: Express workflows support only the request-response pattern
      return done(new Signal.TaskFailed(task.id(), "States.Runtime",
          "Express executions support only the request-response pattern, not '" + task.resource() + "'"));
    }
    CompletableFuture<ExecutionView> expressEnd = new CompletableFuture<>();
    return executions.start(child.machine(), child.name(), child.input(), run -> run.whenComplete((v, e) -> {
          if (e != null) expressEnd.completeExceptionally(e);
          else expressEnd.complete(v);
        }))
        .handle((view, failure) -> {
          if (failure == null) return CompletableFuture.completedFuture(view);
          Throwable f = unwrap(failure);
          if (!(f instanceof ServiceError e && e.code().equals("ExecutionAlreadyExists"))) {
            return CompletableFuture.<ExecutionView>failedFuture(f);
          }
          // A call made again (after a restart) finds the child it started.
          return executions.describe(child.arn()).thenApply(existing -> {
            if (!child.isOwn(existing, task)) throw e;
            return existing;
          });
        })
        .thenCompose(s -> s)
        .thenCompose(view -> switch (mode) {
          case "" -> done(new Signal.TaskSucceeded(task.id(), started(view)));
          case ".waitForTaskToken" -> done(new Signal.TaskStarted(task.id(), null, started(view)));
          default -> {
            submitted.accept(started(view));
            yield (view.info().executionArn().contains(":express:") ? expressEnd : ended(view))
                .thenApply(v -> answer(task, v, mode.equals(".sync:2")));
          }
        })
        .exceptionally(failure -> {
          Throwable f = unwrap(failure);
          if (f instanceof ServiceError e) {
            String code = e.code().endsWith("Exception") ? e.code() : e.code() + "Exception";
            return new Signal.TaskFailed(task.id(), "StepFunctions." + code, e.getMessage());
          }
          return new Signal.TaskFailed(task.id(), "States.Runtime", "Starting the execution failed: " + f);
        });
  }

  /**
   * The execution a task starts: its machine, its name (the task's {@code Name}, else one made from
   * the parent execution and the task, which only this task can start) and its input as text.
   */
  private record Child(String machine, String name, String input, boolean named) {
    /** Null when the task names no StateMachineArn. */
    static Child of(Effect.ScheduleTask task, ExecutionInfo info) {
      JsonNode p = task.parameters();
      if (p == null || !p.isObject() || !p.path("StateMachineArn").isTextual()) return null;
      JsonNode in = p.get("Input");
      String input = in == null || in.isNull() ? "{}" : in.isTextual() ? in.asText() : Json.write(in);
      boolean named = p.path("Name").isTextual();
      String name = named ? p.get("Name").asText()
          : UUID.nameUUIDFromBytes((info.executionArn() + "|" + task.id()).getBytes(StandardCharsets.UTF_8)).toString();
      return new Child(p.get("StateMachineArn").asText(), name, input, named);
    }

    String arn() {
      return childArn(machine, name);
    }

    /** Whether {@code existing} is this task's child: named after it, or with its input and started since it was scheduled. */
    boolean isOwn(ExecutionView existing, Effect.ScheduleTask task) {
      return !named || existing.info().input().equals(input) && task.scheduledAt() != null
          && !existing.info().startDate().isBefore(task.scheduledAt());
    }
  }

  /** The ARN of execution {@code name} of {@code machine} (a version or alias ARN names its machine). */
  static String childArn(String machine, String name) {
    String[] p = machine.split(":");
    return String.join(":", p[0], p[1], p[2], p[3], p[4], "execution", p[6], name);
  }

  /** The child once it has ended, looked at every {@code poll}. */
  private CompletionStage<ExecutionView> ended(ExecutionView view) {
    CompletableFuture<ExecutionView> out = new CompletableFuture<>();
    lookAgain(view.info().executionArn(), view, out, poll);
    return out;
  }

  /** Looks at a running child after {@code after}, then ever less often (up to every {@link #LONGEST_POLL}). */
  private void lookAgain(String arn, ExecutionView view, CompletableFuture<ExecutionView> out, Duration after) {
    if (view.result() != null) {
      out.complete(view);
      return;
    }
    Duration next = after.multipliedBy(2).compareTo(LONGEST_POLL) > 0 ? LONGEST_POLL : after.multipliedBy(2);
    later.accept(after, () -> executions.describe(arn).whenComplete((v, e) -> {
      if (e != null) out.completeExceptionally(e);
      else lookAgain(arn, v, out, next.compareTo(after) < 0 ? after : next);
    }));
  }

  /** A child that runs long is looked at no less often than this. */
  static final Duration LONGEST_POLL = Duration.ofSeconds(5);

  /** StartExecution's response as the integration shows it (with the SDK's metadata, as AWS's). */
  private static ObjectNode started(ExecutionView view) {
    String requestId = UUID.nameUUIDFromBytes(view.info().executionArn().getBytes(StandardCharsets.UTF_8)).toString();
    ObjectNode o = NODES.objectNode();
    o.put("ExecutionArn", view.info().executionArn());
    ObjectNode http = o.putObject("SdkHttpMetadata");
    ObjectNode all = http.putObject("AllHttpHeaders");
    all.putArray("x-amzn-RequestId").add(requestId);
    all.putArray("Content-Type").add("application/x-amz-json-1.0");
    ObjectNode headers = http.putObject("HttpHeaders");
    headers.put("Content-Type", "application/x-amz-json-1.0");
    headers.put("x-amzn-RequestId", requestId);
    http.put("HttpStatusCode", 200);
    o.putObject("SdkResponseMetadata").put("RequestId", requestId);
    o.put("StartDate", epochMillis(view.info().startDate()));
    return o;
  }

  /** What DescribeExecution shows of the ended child; {@code json}: input and output as JSON (.sync:2). */
  static Signal answer(Effect.ScheduleTask task, ExecutionView view, boolean json) {
    ObjectNode o = NODES.objectNode(); // members in alphabetical order, as AWS shows them
    ExecutionInfo i = view.info();
    if (view.result().cause() != null) o.put("Cause", view.result().cause());
    if (view.result().error() != null) o.put("Error", view.result().error());
    o.put("ExecutionArn", i.executionArn());
    if (json) o.set("Input", parse(i.input()));
    else o.put("Input", i.input());
    o.set("InputDetails", NODES.objectNode().put("Included", true));
    o.put("Name", i.name());
    String output = view.result().output();
    if (output != null) {
      if (json) o.set("Output", parse(output));
      else o.put("Output", output);
      o.set("OutputDetails", NODES.objectNode().put("Included", true));
    }
    o.put("RedriveCount", i.redriveCount());
    o.put("RedriveStatus", view.notRedrivable() == null ? "REDRIVABLE" : "NOT_REDRIVABLE");
    if (view.notRedrivable() != null) o.put("RedriveStatusReason", view.notRedrivable());
    o.put("StartDate", epochMillis(i.startDate()));
    o.put("StateMachineArn", i.stateMachineArn());
    o.put("Status", view.status());
    o.put("StopDate", epochMillis(view.result().stopDate()));
    if (view.status().equals("SUCCEEDED")) return new Signal.TaskSucceeded(task.id(), o);
    return new Signal.TaskFailed(task.id(), "States.TaskFailed", Json.write(o));
  }

  private static JsonNode parse(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (IOException e) {
      return NODES.textNode(text);
    }
  }

  private static long epochMillis(Instant at) {
    return at == null ? 0 : at.toEpochMilli();
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
