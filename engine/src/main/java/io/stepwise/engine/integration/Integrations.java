package io.stepwise.engine.integration;

import io.stepwise.asl.interpreter.Effect;
import io.stepwise.asl.interpreter.Signal;
import io.stepwise.engine.execution.ExecutionInfo;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The integrations a server carries out. A task on one of their resources is dispatched after the
 * step that scheduled it is durable, through a wake-up row due at once: a crash before its answer
 * is persisted leaves the row, and the call is made again (at least once, as AWS's own retries).
 */
public final class Integrations {
  public static final Integrations NONE = new Integrations(List.of(), Runnable::run);

  /** A dispatched call whose answer has not come by then is made again (a crash lost it). */
  public static final Duration ATTEMPT = Duration.ofSeconds(90);

  private final List<Integration> all;
  private final java.util.concurrent.Executor executor;
  /** Calls under way, by execution and task: a row fired again while its call is under way joins it. */
  private final java.util.concurrent.ConcurrentHashMap<String, CompletableFuture<Signal>> underway =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Calls are made from {@code executor}, never on the thread that asks for them (an entity's, say). */
  public Integrations(List<Integration> all, java.util.concurrent.Executor executor) {
    this.all = List.copyOf(all);
    this.executor = executor;
  }

  /** Whether any call that holds virtual time is under way (virtual time waits for them). */
  public boolean busy() {
    return holding.get() > 0;
  }

  /** Calls under way whose integration holds virtual time. */
  private final java.util.concurrent.atomic.AtomicInteger holding = new java.util.concurrent.atomic.AtomicInteger();

  /**
   * Whether tasks on {@code resource} are dispatched to an integration, whatever the server's
   * configuration: what the wake-up rows of a position are must not depend on it.
   */
  public static boolean dispatched(String resource) {
    return remembered(DISPATCHED, resource, r -> HttpInvoke.RESOURCE.equals(r) || NestedExecutions.isResource(r)
        || io.stepwise.asl.interpreter.ExecutionContext.MAP_RUN.equals(r)
        || LambdaInvoke.isResource(r) || AwsServices.isResource(r));
  }

  /**
   * An HTTP Task's call as TestState makes it at {@code TRACE}: as {@link #invoke(Effect.ScheduleTask,
   * ExecutionInfo)}, with what was sent and received kept in {@code exchange}.
   */
  public CompletionStage<Signal> invokeTraced(Effect.ScheduleTask task, ExecutionInfo info, HttpInvoke.Exchange exchange) {
    return invoke(task, info, submitted -> {}, exchange);
  }

  /** A call whose integration threw: the task fails with States.Runtime. */
  private static Signal callFailed(Effect.ScheduleTask task, Throwable failure) {
    return new Signal.TaskFailed(task.id(), "States.Runtime", "The integration for '" + task.resource() + "' failed: " + failure);
  }

  public boolean handles(String resource) {
    return remembered(handled, resource, r -> all.stream().anyMatch(i -> i.handles(r)));
  }

  /**
   * The answers for the resources seen (a definition's resources are few and asked about at every
   * task); forgotten wholesale past {@link #REMEMBERED}, so that no run of distinct resources grows them.
   */
  private static final int REMEMBERED = 4_096;
  private static final java.util.concurrent.ConcurrentHashMap<String, Boolean> DISPATCHED =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.ConcurrentHashMap<String, Boolean> handled =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static boolean remembered(java.util.concurrent.ConcurrentHashMap<String, Boolean> answers, String resource,
      java.util.function.Predicate<String> rule) {
    if (resource == null) return rule.test(null);
    Boolean known = answers.get(resource);
    if (known != null) return known;
    boolean answer = rule.test(resource);
    if (answers.size() >= REMEMBERED) answers.clear();
    answers.put(resource, answer);
    return answer;
  }

  /**
   * The task's answer; a resource no integration handles fails as an unknown resource. While a
   * call for the task is under way (a long {@code .sync} child), asking again joins it.
   */
  public CompletionStage<Signal> invoke(Effect.ScheduleTask task, ExecutionInfo info) {
    return invoke(task, info, submitted -> {});
  }

  /**
   * Whether {@code task}'s call is still to be made (again, after a crash): until it is answered,
   * unless it was submitted and now waits for its task token, which a call cannot bring.
   */
  public static boolean awaitsCall(Effect.ScheduleTask task) {
    return dispatched(task.resource()) && (!task.started() || !task.resource().endsWith(".waitForTaskToken"));
  }

  /**
   * As {@link #invoke(Effect.ScheduleTask, ExecutionInfo)}; {@code submitted} hears the answer of the
   * call that started what a {@code .sync} task waits for (a call joined while under way tells only
   * its first caller).
   */
  public CompletionStage<Signal> invoke(Effect.ScheduleTask task, ExecutionInfo info,
      java.util.function.Consumer<com.fasterxml.jackson.databind.JsonNode> submitted) {
    return invoke(task, info, submitted, null);
  }

  private CompletionStage<Signal> invoke(Effect.ScheduleTask task, ExecutionInfo info,
      java.util.function.Consumer<com.fasterxml.jackson.databind.JsonNode> submitted, HttpInvoke.Exchange exchange) {
    String key = info.executionArn() + "|" + task.id();
    CompletableFuture<Signal> mine = new CompletableFuture<>();
    CompletableFuture<Signal> running = underway.putIfAbsent(key, mine);
    if (running != null) return running;
    boolean holds = all.stream().filter(i -> i.handles(task.resource())).findFirst()
        .map(Integration::holdsVirtualTime).orElse(false);
    if (holds) holding.incrementAndGet();
    CompletableFuture.supplyAsync(() -> call(task, info, submitted, exchange), executor).thenCompose(s -> s)
        .whenComplete((signal, failure) -> {
          if (holds) holding.decrementAndGet();
          underway.remove(key, mine);
          mine.complete(signal != null ? signal : callFailed(task, failure));
        });
    return mine;
  }

  /** The execution no longer waits on {@code task}: its integration lets go of what it runs for it. */
  public void released(Effect.ScheduleTask task, ExecutionInfo info) {
    for (Integration i : all) {
      if (i.handles(task.resource())) {
        executor.execute(() -> i.released(task, info));
        return;
      }
    }
  }

  private CompletionStage<Signal> call(Effect.ScheduleTask task, ExecutionInfo info,
      java.util.function.Consumer<com.fasterxml.jackson.databind.JsonNode> submitted, HttpInvoke.Exchange exchange) {
    for (Integration i : all) {
      // a failure, thrown or not, becomes States.Runtime in invoke()
      if (i.handles(task.resource())) {
        return exchange != null && i instanceof HttpInvoke h ? h.invokeTraced(task, info, exchange)
            : i.invoke(task, info, submitted);
      }
    }
    return CompletableFuture.completedFuture(new Signal.TaskFailed(task.id(), "States.Runtime",
        "The resource '" + task.resource() + "' is not supported by this Stepwise server."));
  }
}
