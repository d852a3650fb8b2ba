package io.stepwise.asl.interpreter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.asl.CompiledDefinition;
import io.stepwise.asl.StatesError;
import io.stepwise.asl.model.Machine;
import io.stepwise.asl.model.State;
import io.stepwise.asl.path.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * TestState: runs one state of a definition, by the interpreter's own rules, on an input, and
 * tells how it ended — SUCCEEDED (its output and the state it would go to next), FAILED,
 * RETRIABLE (a retrier would try it again: which one and after how long), or CAUGHT_ERROR (a
 * catcher took the error: which one, its output and next state) — with every stage of its data
 * flow. Nothing waits: a Wait state completes at once, a Task takes its mock's answer (or
 * {@code tasks}'s), a Map or Parallel takes its mock as the result of all its iterations or
 * branches.
 */
public final class StateTester {
  private StateTester() {}

  /** A task's answer: {@code result}, or the error {@code error} with {@code cause}. */
  public record Mock(JsonNode result, String error, String cause) {}

  /**
   * {@code variables} and {@code context} (may be null) are what the state sees as variables and
   * as {@code $$}; {@code retrierRetryCount} the retries already made; {@code mapIterationFailureCount}
   * (may be null) how many iterations of a mocked Map failed.
   */
  public record Options(Map<String, JsonNode> variables, JsonNode context, Mock mock, int retrierRetryCount,
      Integer mapIterationFailureCount, ItemReaderData itemReaderData) {
    public Options(Map<String, JsonNode> variables, JsonNode context, Mock mock, int retrierRetryCount,
        Integer mapIterationFailureCount) {
      this(variables, context, mock, retrierRetryCount, mapIterationFailureCount, null);
    }
  }

  /**
   * The data a Distributed Map's ItemReader would read, as found in its source (TestState's
   * {@code stateConfiguration.mapItemReaderData}), read by the rules of the reader it is given:
   * the ItemReader as the state evaluates it (its Parameters evaluated, MaxItems resolved).
   */
  public interface ItemReaderData {
    /** The items; with an ItemsPointer, also the array it named. Unreadable: a States.ItemReaderFailed {@link StatesError}. */
    Read read(ObjectNode reader);

    /**
     * What was read: the items, and the array an ItemsPointer named (null without one); {@code keyed}:
     * the items are a JSON object's key-value pairs ({@link io.stepwise.asl.MapItemSelector#pair}).
     */
    record Read(ArrayNode items, JsonNode afterItemsPointer, boolean keyed) {
      public Read(ArrayNode items, JsonNode afterItemsPointer) {
        this(items, afterItemsPointer, false);
      }
    }
  }

  /** How the state ended; {@code inspectionData} holds each stage's JSON text. */
  public record Outcome(String status, JsonNode output, String error, String cause, String nextState,
      ObjectNode inspectionData) {}

  /** The machine (the whole definition, a Parallel branch or a Map's item processor) where {@code name} is, or null. */
  public static Machine machineOf(Machine m, String name) {
    if (m.state(name) != null) return m;
    for (State s : m.states().values()) {
      if (s instanceof State.Parallel p) {
        for (Machine b : p.branches()) {
          Machine found = machineOf(b, name);
          if (found != null) return found;
        }
      } else if (s instanceof State.Map map) {
        Machine found = machineOf(map.processor(), name);
        if (found != null) return found;
      }
    }
    return null;
  }

  /**
   * Runs state {@code name} (see {@link #machineOf}) of {@code def} on {@code input} at {@code now}.
   * {@code tasks} answers a Task that has no mock; it must answer at once.
   */
  public static Outcome test(CompiledDefinition def, String name, ExecutionContext ctx, JsonNode input, Options o,
      Function<Effect.ScheduleTask, Signal> tasks, Instant now) {
    Machine machine = machineOf(def.machine(), name);
    if (machine == null) throw new IllegalArgumentException("State not found in definition");
    Run run = new Run(def, ctx, now, input, 0, 0);
    Inspection in = new Inspection(o.retrierRetryCount(), o.context());
    in.data.put("input", Json.write(input));
    run.inspect = in;
    Frame root = new Frame();
    root.machine = machine;
    if (o.variables() != null && !o.variables().isEmpty()) root.vars = new LinkedHashMap<>(o.variables());
    Driver d = new Driver(run);
    State s = machine.state(name);
    try {
      d.enter(root, name, input);
      if (o.mock() != null && (s instanceof State.Map || s instanceof State.Parallel)) {
        mockedChildren(d, root, s, o);
      } else {
        d.bodies.run(root, s);
      }
    } catch (StatesError e) {
      d.fail(root, s, e);
    } catch (RuntimeException e) {
      // a bug must fail the state, as in an execution, not the request
      d.fail(root, s, StatesError.runtime("Internal error: " + e));
    }
    // A task answers at once and a Wait does not wait; a retry is where the test ends.
    for (int guard = 0; !root.done() && root.waiting != null && !in.retrying && guard < 100; guard++) {
      try {
        if (root.waiting.kind() == Frame.WaitKind.WAIT_STATE) {
          d.bodies.waitFired(root, (State.Wait) s);
        } else if (root.waiting.kind() == Frame.WaitKind.TASK) {
          answer(d, root, (State.Task) s, o.mock(), tasks);
        } else {
          break;
        }
      } catch (StatesError e) {
        d.fail(root, s, e);
      } catch (RuntimeException e) {
        d.fail(root, s, StatesError.runtime("Internal error: " + e));
      }
    }
    ObjectNode data = in.data;
    if (in.retrying) return new Outcome("RETRIABLE", null, in.error, in.cause, null, data);
    if (root.status == Frame.Status.FAILED) return new Outcome("FAILED", null, root.error, root.cause, null, data);
    if (in.exited && in.caught) return new Outcome("CAUGHT_ERROR", in.output, in.error, in.cause, in.nextState, data);
    if (in.exited) return new Outcome("SUCCEEDED", in.output, null, null, in.nextState, data);
    // A mocked Map or Parallel that is retried waits for nothing else; anything else is a bug
    return new Outcome("FAILED", null, "States.Runtime", "Internal error: the state neither ended nor failed", null,
        data);
  }

  private static void answer(Driver d, Frame f, State.Task t, Mock mock, Function<Effect.ScheduleTask, Signal> tasks) {
    Frame.Waiting w = f.waiting;
    Signal signal = mock == null ? tasks.apply(new Effect.ScheduleTask(w.effectId(), t.name(), w.resource(),
        w.parameters(), w.timeout(), w.heartbeat(), w.scheduledAt(), false, null, w.invocation(), null))
        : mock.error() != null ? new Signal.TaskFailed(w.effectId(), mock.error(), mock.cause())
        : new Signal.TaskSucceeded(w.effectId(), mock.result());
    if (signal instanceof Signal.TaskSucceeded ok) {
      d.bodies.taskSucceeded(f, t, ok.output());
    } else if (signal instanceof Signal.TaskFailed failed) {
      d.bodies.taskFailed(f, t, failed.error(), failed.cause());
    } else {
      throw new IllegalStateException("a tested task must be answered at once");
    }
  }

  /**
   * A mocked Map or Parallel: its inputs are worked out as the state would (items, ItemSelector,
   * ItemBatcher, MaxConcurrency, tolerated failures; Parameters), and the mock stands for what all its
   * iterations or branches gave — a mocked error for the error that ended them.
   */
  private static void mockedChildren(Driver d, Frame f, State s, Options o) {
    Inspection in = d.run.inspect;
    Mock mock = o.mock();
    boolean jsonata = s.common().jsonata();
    JsonNode eff = jsonata ? f.input : d.effectiveInput(f, s.common());
    StateScope sc = d.scope(f, eff);
    if (s instanceof State.Map m) {
      JsonNode items;
      boolean keyed = false;
      if (m.itemReader() && m.distributedParts() != null && o.itemReaderData() != null) {
        // the reader's items come from the data given, as from its source (ItemsPath does not pick them)
        ItemReaderData.Read read;
        try {
          read = o.itemReaderData().read(Branches.evaluatedReader(m, sc));
        } catch (StatesError e) {
          d.handleError(f, s, e.error(), e.cause(), null);
          return;
        }
        if (read.afterItemsPointer() != null) in.put(f, "afterItemsPointer", read.afterItemsPointer());
        items = read.items();
        keyed = read.keyed();
      } else {
        // without the reader's data, the items are in the input (as if already read)
        Branches.Items read = Branches.items(m, eff, sc);
        items = read.list();
        keyed = read.keyed();
        if (!jsonata) in.put(f, "afterItemsPath", read.selected());
      }
      if (m.itemSelector() != null) {
        ArrayNode selected = Json.NODES.arrayNode();
        for (int i = 0; i < items.size(); i++) {
          selected.add(m.itemSelector().eval(d.scope(f, jsonata ? f.input : eff).withMapItem(i, items.get(i), keyed)));
        }
        in.put(f, "afterItemSelector", selected);
      }
      // the batches the iterations would get, each item through ItemSelector first
      if (m.batching() != null) in.put(f, "afterItemBatcher", d.branches.batch(f, m, sc, Branches.mr0(new Branches.Items(items, keyed), eff), items));
      in.data.put("maxConcurrency", Branches.maxConcurrency(m, sc));
      boolean tolerance = m.toleratedFailureCount() != null || m.toleratedFailurePercentage() != null;
      long count = Branches.toleratedFailureCount(m, sc);
      double pct = Branches.toleratedFailurePercentage(m, sc);
      if (m.toleratedFailureCount() != null) in.data.put("toleratedFailureCount", (int) count);
      if (m.toleratedFailurePercentage() != null) in.data.put("toleratedFailurePercentage", (float) pct);
      if (mock.error() != null) {
        d.handleError(f, s, mock.error(), mock.cause(), null);
        return;
      }
      int failures = o.mapIterationFailureCount() == null ? 0 : o.mapIterationFailureCount();
      int total = items.size();
      boolean exceeded = tolerance && failures > 0
          && ((m.toleratedFailureCount() != null && failures > count)
          || (m.toleratedFailurePercentage() != null && total > 0 && failures * 100.0 / total > pct));
      if (exceeded) {
        d.handleError(f, s, "States.ExceedToleratedFailureThreshold",
            "The specified tolerated failure threshold was exceeded", null);
        return;
      }
      d.branches.finish(f, s, mock.result(), m.resultSelector(), m.resultPath(), s.common().next());
      return;
    }
    State.Parallel p = (State.Parallel) s;
    if (p.parameters() != null) in.put(f, jsonata ? "afterArguments" : "afterParameters", p.parameters().eval(sc));
    if (mock.error() != null) {
      d.handleError(f, s, mock.error(), mock.cause(), null);
      return;
    }
    d.branches.finish(f, s, mock.result(), p.resultSelector(), p.resultPath(), s.common().next());
  }
}
