package io.stepwise.asl.replay;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.CompiledDefinition;
import io.stepwise.asl.interpreter.Effect;
import io.stepwise.asl.interpreter.ExecutionContext;
import io.stepwise.asl.interpreter.ExecutionPosition;
import io.stepwise.asl.interpreter.HistoryEvent;
import io.stepwise.asl.interpreter.Interpreter;
import io.stepwise.asl.interpreter.Signal;
import io.stepwise.asl.interpreter.Step;
import io.stepwise.asl.path.Json;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Re-runs a recorded execution against another definition: the same input and start time, each
 * Task state answered with what the recorded run's task of that state answered (its n-th call
 * gets the n-th recorded outcome: output, error and cause, or timeout), Wait timers at the times
 * the new definition gives them. The new run's events are compared with the recorded ones in
 * order, by type and state; the first that differs is the divergence. Pure: no clock, no I/O.
 */
public final class Replay {
  private Replay() {}

  /**
   * The outcome: {@code matched}, or where it diverged — the recorded event's id (0 when the new
   * run went on past the recorded end), what was recorded there and what the new run did.
   */
  public record Result(boolean matched, long eventId, String expected, String got, int recordedEvents, int replayedEvents) {
    public String describe() {
      return matched ? "matches (" + recordedEvents + " events)"
          : "diverges at event " + eventId + ": expected " + expected + ", got " + got;
    }
  }

  /** Replays {@code recorded}, the history of {@code executionArn}, against {@code definition}. */
  public static Result replay(CompiledDefinition definition, String executionArn, List<HistoryEvent> recorded) {
    return replay(definition, executionArn, recorded, io.stepwise.asl.TaskCheck.NONE);
  }

  /**
   * As {@link #replay(CompiledDefinition, String, List)}, tasks' effective parameters checked by
   * {@code tasks} before they are scheduled, as the engine checked them when the execution ran.
   */
  public static Result replay(CompiledDefinition definition, String executionArn, List<HistoryEvent> recorded,
      io.stepwise.asl.TaskCheck tasks) {
    if (recorded.isEmpty() || !recorded.get(0).type().equals("ExecutionStarted")) {
      throw new IllegalArgumentException("a recorded history starts with ExecutionStarted");
    }
    HistoryEvent started = recorded.get(0);
    JsonNode details = started.details().path("executionStartedEventDetails");
    JsonNode input;
    try {
      input = Json.parse(details.path("input").asText("{}"));
    } catch (Exception e) {
      throw new IllegalArgumentException("the recorded input is not JSON", e);
    }
    String[] arn = executionArn.split(":");
    String name = arn[arn.length - 1];
    String machineName = arn.length > 7 ? arn[6] : "machine";
    String machineArn = String.join(":", arn[0], arn[1], arn[2], arn[3], arn[4], "stateMachine", machineName);
    ExecutionContext ctx = new ExecutionContext(executionArn, name, machineArn, machineName,
        details.path("roleArn").asText(null), started.timestamp(), 0).withTaskCheck(tasks);
    Map<String, Deque<Answer>> answers = answers(recorded);
    // a run that was stopped or timed out ends the same way, when the recorded one did
    HistoryEvent last = recorded.get(recorded.size() - 1);
    Signal ending = switch (last.type()) {
      case "ExecutionAborted" -> new Signal.Stop(
          textOrNull(last.details().path("executionAbortedEventDetails").path("error")),
          textOrNull(last.details().path("executionAbortedEventDetails").path("cause")));
      case "ExecutionTimedOut" -> new Signal.ExecutionTimedOut();
      default -> null;
    };

    List<HistoryEvent> got = new ArrayList<>();
    Step step = Interpreter.start(definition, ctx, input, started.timestamp());
    got.addAll(step.events());
    Instant now = started.timestamp();
    String unanswered = null;
    for (int guard = 0; !step.finished() && guard < 1_000_000 && unanswered == null; guard++) {
      List<Effect> pending = step.position().pendingEffects();
      if (pending.isEmpty()) break;
      Effect next = null;
      for (Effect e : pending) {
        if (e instanceof Effect.ScheduleTask) {
          next = e;
          break;
        }
        if (next == null || ((Effect.StartTimer) e).fireAt().isBefore(((Effect.StartTimer) next).fireAt())) next = e;
      }
      Signal signal;
      Deque<Answer> queue = next instanceof Effect.ScheduleTask task ? answers.get(task.stateName()) : null;
      boolean pastTheEnd = next instanceof Effect.StartTimer t ? t.fireAt().isAfter(last.timestamp())
          : queue == null || queue.isEmpty();
      if (ending != null && pastTheEnd) {
        if (last.timestamp().isAfter(now)) now = last.timestamp();
        signal = ending;
        ending = null;
      } else if (next instanceof Effect.StartTimer t) {
        if (t.fireAt().isAfter(now)) now = t.fireAt();
        signal = new Signal.TimerFired(t.id());
      } else {
        Effect.ScheduleTask task = (Effect.ScheduleTask) next;
        Answer a = queue == null ? null : queue.poll();
        if (a == null) {
          unanswered = task.stateName();
          break;
        }
        if (a.at().isAfter(now)) now = a.at();
        if (a.submitted() != null) {
          // a callback or .sync task: its start answered first (TaskSubmitted), then its outcome
          step = Interpreter.resume(definition, ctx, step.position(), new Signal.TaskStarted(task.id(), null, a.submitted()), now);
          got.addAll(step.events());
          if (step.finished()) break;
        }
        signal = a.signal(task.id());
      }
      step = Interpreter.resume(definition, ctx, step.position(), signal, now);
      got.addAll(step.events());
    }
    return compare(recorded, got, unanswered);
  }

  private static Result compare(List<HistoryEvent> recorded, List<HistoryEvent> got, String unanswered) {
    int n = Math.min(recorded.size(), got.size());
    for (int i = 0; i < n; i++) {
      String e = describe(recorded.get(i));
      String g = describe(got.get(i));
      if (!e.equals(g)) return new Result(false, recorded.get(i).id(), e, g, recorded.size(), got.size());
    }
    if (got.size() < recorded.size()) {
      String g = unanswered != null ? "a task of state '" + unanswered + "' the recorded run did not call as often"
          : "the end of the run";
      return new Result(false, recorded.get(n).id(), describe(recorded.get(n)), g, recorded.size(), got.size());
    }
    if (got.size() > recorded.size()) {
      return new Result(false, 0, "the end of the recorded run", describe(got.get(n)), recorded.size(), got.size());
    }
    return new Result(true, 0, null, null, recorded.size(), got.size());
  }

  /** An event as compared: its type, the state it names, and how an execution ended. */
  static String describe(HistoryEvent e) {
    StringBuilder b = new StringBuilder(e.type());
    JsonNode entered = e.details().path("stateEnteredEventDetails").path("name");
    JsonNode exited = e.details().path("stateExitedEventDetails").path("name");
    if (entered.isTextual()) b.append(" '").append(entered.asText()).append('\'');
    if (exited.isTextual()) b.append(" '").append(exited.asText()).append('\'');
    JsonNode failed = e.details().path("executionFailedEventDetails");
    if (failed.isObject()) b.append(" (").append(failed.path("error").asText()).append(')');
    JsonNode output = e.details().path("executionSucceededEventDetails").path("output");
    if (output.isTextual()) b.append(" with output ").append(normalized(output.asText()));
    return b.toString();
  }

  private static String normalized(String json) {
    try {
      return Json.write(Json.parse(json));
    } catch (Exception e) {
      return json;
    }
  }

  /** A recorded task's outcome and when it came. */
  private record Answer(Instant at, String kind, JsonNode output, String error, String cause, JsonNode submitted) {
    Signal signal(String effectId) {
      return switch (kind) {
        case "Succeeded" -> new Signal.TaskSucceeded(effectId, output);
        case "TimedOut" -> new Signal.TaskFailed(effectId, error == null ? "States.Timeout" : error, cause);
        default -> new Signal.TaskFailed(effectId, error, cause);
      };
    }
  }

  private static final Set<String> PREFIXES = Set.of("Task", "Activity", "LambdaFunction");

  /** Each Task state's recorded outcomes, in the order its calls were scheduled. */
  private static Map<String, Deque<Answer>> answers(List<HistoryEvent> recorded) {
    Map<Long, HistoryEvent> byId = new HashMap<>();
    for (HistoryEvent e : recorded) byId.put(e.id(), e);
    Map<String, Deque<Answer>> out = new HashMap<>();
    for (HistoryEvent e : recorded) {
      String kind = outcome(e.type());
      if (kind == null) continue;
      HistoryEvent scheduled = walkBack(byId, e, ev -> ev.type().endsWith("Scheduled"));
      HistoryEvent entered = scheduled == null ? null
          : walkBack(byId, scheduled, ev -> ev.details().path("stateEnteredEventDetails").path("name").isTextual());
      if (entered == null) continue;
      String state = entered.details().path("stateEnteredEventDetails").path("name").asText();
      JsonNode d = e.details().elements().hasNext() ? e.details().elements().next() : Json.NODES.objectNode();
      JsonNode output = null;
      if (kind.equals("Succeeded")) {
        try {
          output = Json.parse(d.path("output").asText("null"));
        } catch (Exception ex) {
          output = Json.NODES.textNode(d.path("output").asText());
        }
      }
      HistoryEvent submittedEvent = walkBack(byId, e, ev -> ev.type().equals("TaskSubmitted") || ev == scheduled);
      JsonNode submitted = null;
      if (submittedEvent != null && submittedEvent.type().equals("TaskSubmitted")) {
        String text = submittedEvent.details().path("taskSubmittedEventDetails").path("output").asText("{}");
        try {
          submitted = Json.parse(text);
        } catch (Exception ex) {
          submitted = Json.NODES.textNode(text);
        }
      }
      out.computeIfAbsent(state, k -> new ArrayDeque<>()).add(new Answer(e.timestamp(), kind, output,
          textOrNull(d.path("error")), textOrNull(d.path("cause")), submitted));
    }
    return out;
  }

  private static String textOrNull(JsonNode n) {
    return n.isTextual() ? n.asText() : null;
  }

  /** Succeeded, Failed or TimedOut for the outcome events of tasks, activities and Lambda functions, else null. */
  private static String outcome(String type) {
    for (String p : PREFIXES) {
      if (!type.startsWith(p)) continue;
      String rest = type.substring(p.length());
      if (rest.equals("Succeeded") || rest.equals("TimedOut")) return rest;
      if (rest.equals("Failed") || rest.equals("StartFailed") || rest.equals("SubmitFailed") || rest.equals("ScheduleFailed")) {
        return "Failed";
      }
    }
    return null;
  }

  private static HistoryEvent walkBack(Map<Long, HistoryEvent> byId, HistoryEvent from,
      java.util.function.Predicate<HistoryEvent> wanted) {
    HistoryEvent e = byId.get(from.previousEventId());
    for (int guard = 0; e != null && guard < 100_000; guard++) {
      if (wanted.test(e)) return e;
      e = byId.get(e.previousEventId());
    }
    return null;
  }
}
