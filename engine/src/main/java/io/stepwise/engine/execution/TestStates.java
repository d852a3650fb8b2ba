package io.stepwise.engine.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.asl.CompiledDefinition;
import io.stepwise.asl.InvalidDefinitionException;
import io.stepwise.asl.interpreter.ExecutionContext;
import io.stepwise.asl.interpreter.StateTester;
import io.stepwise.asl.model.State;
import io.stepwise.engine.Ids;
import io.stepwise.engine.Json;
import io.stepwise.engine.ServiceError;
import io.stepwise.engine.integration.HttpInvoke;
import io.stepwise.engine.integration.MockResults;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * TestState's rules around the interpreter's {@link StateTester}: which definition is tested
 * (one state, or the state {@code stateName} of a whole machine), which states and mocks AWS
 * accepts, and the context the state runs in. Nothing is stored: TestState runs in the request.
 */
public final class TestStates {
  private TestStates() {}

  /** The name a state tested on its own runs under (AWS shows this placeholder in its context object). */
  static final String SINGLE_STATE = "StateName";

  /**
   * What to test; {@code mock}, {@code context}, {@code variables} and {@code stateName} may be null.
   * {@code trace}: inspection at {@code TRACE}, which adds an HTTP Task's request and response to the
   * inspection data ({@code revealSecrets}: with what its connection adds). {@code mockValidation}:
   * the mock's {@code fieldValidationMode} (null: {@code STRICT}).
   */
  public record Request(String definition, String stateName, JsonNode input, Map<String, JsonNode> variables,
      JsonNode context, StateTester.Mock mock, boolean roleGiven, int retrierRetryCount,
      Integer mapIterationFailureCount, String region, String account, boolean trace, boolean revealSecrets,
      String mockValidation, String mapItemReaderData) {}

  public static StateTester.Outcome run(Request r, Instant now) {
    return prepared(r, now).test(Tasks::unsupported, now);
  }

  /**
   * As {@link #run}, with a Task that has no mock carried out for real by the server's
   * {@code integrations} (an HTTP Task calls its endpoint, a forwarded service its endpoint): the
   * state runs once to learn the task's parameters, the call is made without blocking, and the
   * state runs again with its answer. A resource no integration carries out fails as before.
   */
  public static java.util.concurrent.CompletionStage<StateTester.Outcome> run(Request r, Instant now,
      io.stepwise.engine.integration.Integrations integrations) {
    Prepared p = prepared(r, now);
    java.util.concurrent.atomic.AtomicReference<io.stepwise.asl.interpreter.Effect.ScheduleTask> asked =
        new java.util.concurrent.atomic.AtomicReference<>();
    StateTester.Outcome first = p.test(task -> {
      asked.compareAndSet(null, task);
      return Tasks.unsupported(task);
    }, now);
    io.stepwise.asl.interpreter.Effect.ScheduleTask task = asked.get();
    if (r.mock() != null || task == null || !integrations.handles(task.resource())
        || task.resource().equals(ExecutionContext.MAP_RUN)) {
      return java.util.concurrent.CompletableFuture.completedFuture(first);
    }
    ExecutionContext c = p.ctx();
    ExecutionInfo info = new ExecutionInfo(c.executionArn(), c.executionName(), c.stateMachineArn(), c.stateMachineName(),
        "EXPRESS", r.definition(), null, now, null, Json.write(r.input()), now, null, null, null);
    // the task's TimeoutSeconds holds here too, and a request is never held past the edge's own limit
    long seconds = Math.min(task.timeoutSeconds() == null ? 80 : task.timeoutSeconds(), 80);
    HttpInvoke.Exchange exchange = r.trace() && HttpInvoke.RESOURCE.equals(task.resource())
        ? new HttpInvoke.Exchange(r.revealSecrets()) : null;
    var call = exchange == null ? integrations.invoke(task, info) : integrations.invokeTraced(task, info, exchange);
    return call.toCompletableFuture()
        .completeOnTimeout(new io.stepwise.asl.interpreter.Signal.TaskFailed(task.id(), "States.Timeout", null), seconds,
            java.util.concurrent.TimeUnit.SECONDS)
        .thenApply(answer -> {
          StateTester.Outcome outcome = p.test(t -> t.id().equals(task.id()) ? answer : Tasks.unsupported(t), now);
          if (exchange != null && outcome.inspectionData() != null) {
            if (exchange.request() != null) outcome.inspectionData().set("request", exchange.request());
            if (exchange.response() != null) outcome.inspectionData().set("response", exchange.response());
          }
          return outcome;
        });
  }

  /** A state ready to test: its definition, name, context and options. */
  private record Prepared(CompiledDefinition def, String name, ExecutionContext ctx, Request r,
      StateTester.Options options) {
    StateTester.Outcome test(java.util.function.Function<io.stepwise.asl.interpreter.Effect.ScheduleTask,
        io.stepwise.asl.interpreter.Signal> tasks, Instant now) {
      return StateTester.test(def, name, ctx, r.input(), options, tasks, now);
    }
  }

  private static final io.stepwise.asl.TaskCheck NEW_TASKS = new io.stepwise.engine.integration.IntegrationCheck();

  private static Prepared prepared(Request r, Instant now) {
    CompiledDefinition def;
    String name;
    if (r.stateName() != null) {
      def = compile(r.definition());
      name = r.stateName();
      if (StateTester.machineOf(def.machine(), name) == null) {
        throw ServiceError.validation("State not found in definition");
      }
    } else {
      name = SINGLE_STATE;
      def = compile(singleState(r.definition()));
    }
    State state = StateTester.machineOf(def.machine(), name).state(name);
    String type = state.common().type();
    if (r.mock() != null && !(state instanceof State.Task || state instanceof State.Map || state instanceof State.Parallel)) {
      throw ServiceError.validation("State type '" + type + "' is not supported when a mock is specified");
    }
    if (r.mock() == null && (state instanceof State.Map || state instanceof State.Parallel)) {
      throw new ServiceError("InvalidDefinition", "TestState API does not support Map or Parallel states. Supported "
          + "state types include: [Task, Wait, Pass, Succeed, Fail, Choice]");
    }
    if (r.mock() == null && state instanceof State.Task t) {
      String resource = t.resource();
      if (Activities.isActivity(resource) || resource.endsWith(".sync") || resource.contains(".sync:")
          || resource.endsWith(".waitForTaskToken")) {
        throw ServiceError.validation("TestState supports activities, .sync and .waitForTaskToken tasks only when a "
            + "mock is specified");
      }
      if (!r.roleGiven()) throw ServiceError.validation("RoleArn must be specified when testing a Task state");
    }
    if (r.mock() != null && r.mock().result() != null && (state instanceof State.Map || state instanceof State.Parallel)
        && !r.mock().result().isArray()) {
      throw ServiceError.validation("Mocked result must be an array.");
    }
    if (r.mock() != null && r.mock().result() != null && state instanceof State.Task t) {
      MockResults.problem(t.resource(), r.mock().result(), r.mockValidation()).ifPresent(problem -> {
        throw ServiceError.validation(problem);
      });
    }
    String machine = "TestStateMachine";
    ExecutionContext ctx = new ExecutionContext(
        "arn:aws:states:" + r.region() + ":" + r.account() + ":express:" + machine + ":" + Ids.uuid() + ":" + Ids.uuid(),
        Ids.uuid(), "arn:aws:states:" + r.region() + ":" + r.account() + ":stateMachine:" + machine, machine, null, now,
        0).withTaskCheck(EffectDriver.TASK_CHECK);
    StateTester.Options options = new StateTester.Options(r.variables(), r.context(), r.mock(), r.retrierRetryCount(),
        r.mapIterationFailureCount(), r.mapItemReaderData() == null ? null
            : reader -> io.stepwise.engine.maprun.ItemReaders.fromData(reader, r.mapItemReaderData()));
    return new Prepared(def, name, ctx, r, options);
  }

  /**
   * A tested definition is a new one: it is held to the rules CreateStateMachine holds a new
   * definition to, its Task resources included (this runs on the io executor: a service's model
   * may be read).
   */
  private static CompiledDefinition compile(String definition) {
    try {
      return CompiledDefinition.compileNew(definition, false, NEW_TASKS);
    } catch (InvalidDefinitionException e) {
      throw new ServiceError("InvalidDefinition", e.getMessage());
    }
  }

  /**
   * One state's definition as a machine that starts at it: every state it can go to (Next,
   * Default, each Choice's and Catch's Next) is there as a Succeed, so that it validates.
   */
  private static String singleState(String definition) {
    JsonNode state;
    try {
      state = Json.MAPPER.readTree(definition);
    } catch (Exception e) {
      throw new ServiceError("InvalidDefinition", "Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: "
          + "the definition is not valid JSON'");
    }
    if (!(state instanceof ObjectNode o)) {
      throw new ServiceError("InvalidDefinition", "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: "
          + "the definition must be a JSON object'");
    }
    if (!o.has("Type") && o.has("States")) {
      throw ServiceError.validation("stateName must be specified when the definition is a whole state machine");
    }
    Set<String> next = new LinkedHashSet<>();
    addText(next, o.get("Next"));
    addText(next, o.get("Default"));
    for (String list : new String[] {"Choices", "Catch"}) {
      JsonNode items = o.get(list);
      if (items != null && items.isArray()) for (JsonNode i : items) addText(next, i.get("Next"));
    }
    next.remove(SINGLE_STATE);
    ObjectNode machine = Json.MAPPER.createObjectNode();
    machine.put("StartAt", SINGLE_STATE);
    ObjectNode states = machine.putObject("States");
    states.set(SINGLE_STATE, o);
    for (String n : next) states.putObject(n).put("Type", "Succeed");
    return machine.toString();
  }

  private static void addText(Set<String> into, JsonNode v) {
    if (v != null && v.isTextual()) into.add(v.textValue());
  }
}
