package io.stepwise.asl.interpreter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.asl.StatesError;
import io.stepwise.asl.model.Catcher;
import io.stepwise.asl.model.Common;
import io.stepwise.asl.model.Retrier;
import io.stepwise.asl.model.State;
import io.stepwise.asl.path.Json;
import io.stepwise.asl.path.PathExpr;
import io.stepwise.asl.path.Scope;
import io.stepwise.asl.payload.Expr;
import java.util.List;
import java.util.Map;

/**
 * Runs frames forward: enter a state, run its body, finish it (data flow, Assign, exit event,
 * transition) or wait. The fixed order of a state's evaluation is written once here; each
 * state type's body lives in {@link Bodies}, Parallel/Map in {@link Branches}.
 */
final class Driver {
  static final int MAX_PAYLOAD_BYTES = 256 * 1024;
  /** AWS's hard limit on an execution's history; a loop that would pass it fails instead of spinning. */
  static final int MAX_HISTORY_EVENTS = 25_000;

  final Run run;
  final Bodies bodies;
  final Branches branches;

  Driver(Run run) {
    this.run = run;
    this.bodies = new Bodies(this);
    this.branches = new Branches(this);
  }

  /** Runs {@code f} until it waits on an effect or finishes. */
  void drive(Frame f) {
    while (!f.done()) {
      if (f.waiting != null) {
        if (f.waiting.kind() != Frame.WaitKind.CHILDREN) return;
        try {
          if (!branches.advance(f)) return;
        } catch (StatesError e) {
          f.waiting = null;
          fail(f, f.machine.state(f.state), e);
        }
        continue;
      }
      State s = f.machine.state(f.state);
      try {
        bodies.run(f, s);
      } catch (StatesError e) {
        fail(f, s, e);
      } catch (RuntimeException e) {
        // a bug must fail this execution, not the entity or thread that runs it
        fail(f, s, StatesError.runtime("Internal error: " + e));
      }
    }
  }

  void enter(Frame f, String name, JsonNode input) {
    // a state that would be entered as event 25,000 is not: ExecutionFailed is that event (floci#2734,
    // measured on AWS: a Choice loop ends with ExecutionFailed 25000 after ChoiceStateExited 24999).
    // Several events of one step can still pass the limit; the engine cuts the history there.
    if (run.lastEventId >= MAX_HISTORY_EVENTS - 1) {
      throw new StatesError("States.Runtime", "The execution reached the maximum number of history events (" + MAX_HISTORY_EVENTS + ").");
    }
    State s = f.machine.state(name);
    f.state = name;
    f.input = input;
    f.enteredTime = run.now;
    f.retryCount = 0;
    f.retrierAttempts = null;
    f.waiting = null;
    f.children = null;
    f.map = null;
    f.mapRunArn = null;
    f.mapRunRedrives = 0;
    ObjectNode d = run.obj();
    d.put("name", name);
    d.put("input", run.text(input));
    d.set("inputDetails", Run.truncatedFalse());
    f.enteredEventId = run.emit(f, Run.entered(s.common().type()), "stateEnteredEventDetails", d);
  }

  /** InputPath for JSONPath states; JSONata states see the raw input. */
  JsonNode effectiveInput(Frame f, Common c) {
    JsonNode v;
    if (c.inputPathNull()) {
      v = Json.NODES.objectNode();
    } else if (c.inputPath() == null) {
      v = f.input;
    } else {
      v = c.inputPath().read(scope(f, f.input));
      if (v == null) throw notFound(c.inputPath(), scope(f, f.input));
    }
    if (run.inspect != null) run.inspect.put(f, "afterInputPath", v);
    return v;
  }

  /** A path that read nothing, as AWS words it: {@code Invalid path '$.x' : No results for path: $['x']}. */
  static StatesError notFound(PathExpr path, Scope scope) {
    return StatesError.runtime("Invalid path '" + path.text() + "' : " + path.missingReason(scope));
  }

  StateScope scope(Frame f, JsonNode input) {
    return new StateScope(run, f, input);
  }

  /**
   * The common tail of every state that completes: ResultSelector (already applied by the
   * caller), ResultPath, Assign, OutputPath (JSONPath) or Output (JSONata), then exit.
   * {@code result} is null for states that have none (Choice, Wait, Succeed).
   */
  void complete(Frame f, State s, JsonNode effective, JsonNode result, io.stepwise.asl.model.ResultPathSpec rp, String next, Expr assign, Expr output) {
    complete(f, s, effective, result, result, rp, next, assign, output);
  }

  /**
   * {@code raw}: what a JSONPath Assign's {@code $} reads when the state has a result: a Task's,
   * Map's or Parallel's result before its ResultSelector, as the developer guide has it ("In Task,
   * Map, Parallel states, the $ refers to the API/sub-workflow result"; Assign is evaluated beside
   * ResultSelector, not after it).
   */
  void complete(Frame f, State s, JsonNode effective, JsonNode result, JsonNode raw, io.stepwise.asl.model.ResultPathSpec rp,
      String next, Expr assign, Expr output) {
    Common c = s.common();
    JsonNode out;
    Map<String, JsonNode> assigned = null;
    if (c.jsonata()) {
      StateScope sc = scope(f, f.input).withResult(result);
      if (assign != null) assigned = evalAssign(assign, sc);
      if (output != null) {
        out = output.eval(sc);
        if (out == null) out = Json.NODES.nullNode();
      } else {
        out = result != null ? result : f.input;
      }
    } else {
      JsonNode assignInput = raw != null ? raw : effective;
      if (assign != null) assigned = evalAssign(assign, scope(f, assignInput).withResult(raw));
      JsonNode merged = result == null ? effective : applyResultPath(f, s, rp, result);
      if (run.inspect != null && result != null) {
        run.inspect.put(f, "afterResultSelector", result);
        run.inspect.put(f, "afterResultPath", merged);
      }
      out = outputPath(f, c, merged);
    }
    exit(f, s, out, assigned, next);
  }

  JsonNode applyResultPath(Frame f, State s, io.stepwise.asl.model.ResultPathSpec rp, JsonNode result) {
    if (rp.discard()) return f.input;
    if (rp.path() == null) return result;
    JsonNode merged = rp.path().set(f.input, result);
    if (merged == null) {
      throw new StatesError("States.ResultPathMatchFailure", "An error occurred while executing the state '" + s.name()
          + "' (entered at the event id #" + f.enteredEventId + "). Unable to apply ResultPath \"" + rp.path().text()
          + "\" to input \"" + Json.write(f.input) + "\"");
    }
    return merged;
  }

  JsonNode outputPath(Frame f, Common c, JsonNode merged) {
    if (c.outputPathNull()) return Json.NODES.objectNode();
    if (c.outputPath() == null) return merged;
    StateScope sc = scope(f, merged);
    JsonNode v = c.outputPath().read(sc);
    if (v == null) throw notFound(c.outputPath(), sc);
    return v;
  }

  Map<String, JsonNode> evalAssign(Expr assign, StateScope sc) {
    JsonNode v = assign.eval(sc);
    if (!(v instanceof ObjectNode o)) return Map.of();
    Map<String, JsonNode> m = new java.util.LinkedHashMap<>();
    o.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue()));
    return m;
  }

  /** Size check, exit event, variables, then the transition (or the frame's end). */
  void exit(Frame f, State s, JsonNode out, Map<String, JsonNode> assigned, String next) {
    String text = run.text(out);
    if (text.length() > MAX_PAYLOAD_BYTES / 4 && Json.utf8Size(text) > MAX_PAYLOAD_BYTES) {
      throw new StatesError("States.DataLimitExceeded",
          "The state/task '" + s.name() + "' returned a result with a size exceeding the maximum number of bytes service limit.");
    }
    if (!(s instanceof State.Fail)) {
      ObjectNode d = run.obj();
      d.put("name", s.name());
      d.put("output", text);
      d.set("outputDetails", Run.truncatedFalse());
      if (assigned != null) {
        ObjectNode av = d.putObject("assignedVariables");
        assigned.forEach((k, v) -> av.put(k, Json.write(v)));
        d.set("assignedVariablesDetails", Run.truncatedFalse());
      }
      run.emit(f, Run.exited(s.common().type()), "stateExitedEventDetails", d);
    }
    if (assigned != null && !assigned.isEmpty()) {
      if (f.vars == null) f.vars = new java.util.LinkedHashMap<>();
      f.vars.putAll(assigned);
    }
    f.waiting = null;
    f.children = null;
    f.map = null;
    if (run.inspect != null && f.parent == null) {
      // TestState runs one state: it ends here, naming the state that would come next
      if (f.vars != null && !f.vars.isEmpty()) run.inspect.put(f, "variables", variablesOf(f));
      run.inspect.exited = true;
      run.inspect.nextState = next;
      run.inspect.output = out;
      f.status = Frame.Status.SUCCEEDED;
      f.output = out;
      return;
    }
    if (next != null) {
      enter(f, next, out);
    } else {
      f.status = Frame.Status.SUCCEEDED;
      f.output = out;
    }
  }

  /** A state raised an error: prefix its cause as AWS does, then Retry, Catch or fail the frame. */
  void fail(Frame f, State s, StatesError e) {
    String cause = e.inState()
        ? "An error occurred while executing the state '" + s.name() + "' (entered at the event id #" + f.enteredEventId + "). " + e.cause()
        : e.cause();
    if ("States.QueryEvaluationError".equals(e.error())) {
      ObjectNode d = run.obj();
      d.put("error", e.error());
      d.put("cause", cause);
      if (e.location() != null) d.put("location", e.location());
      d.put("state", s.name());
      run.emit(f, "EvaluationFailed", "evaluationFailedEventDetails", d);
      if (s instanceof State.Map || s instanceof State.Parallel) {
        handleError(f, s, e.error(), cause, s.common().type() + "StateFailed");
        return;
      }
    }
    handleError(f, s, e.error(), cause);
  }

  void handleError(Frame f, State s, String error, String cause) {
    handleError(f, s, error, cause, null);
  }

  /**
   * Retry and Catch for Task, Parallel and Map; any other state fails its frame.
   * {@code failedEvent} (ParallelStateFailed, MapStateFailed) is recorded only when the error is
   * not retried, as AWS does.
   */
  void handleError(Frame f, State s, String error, String cause, String failedEvent) {
    Inspection in = f.parent == null ? run.inspect : null;
    if (in != null) {
      in.error = error;
      in.cause = cause;
    }
    List<Retrier> retriers = s instanceof State.Task t ? t.retry() : s instanceof State.Parallel p ? p.retry() : s instanceof State.Map m ? m.retry() : List.of();
    List<Catcher> catchers = s instanceof State.Task t ? t.catchers() : s instanceof State.Parallel p ? p.catchers() : s instanceof State.Map m ? m.catchers() : List.of();
    for (int i = 0; i < retriers.size(); i++) {
      Retrier r = retriers.get(i);
      if (!RetryPolicy.retriable(error) || !RetryPolicy.matches(r.errorEquals(), error)) continue;
      if (f.retrierAttempts == null) {
        f.retrierAttempts = new int[retriers.size()];
        if (in != null) java.util.Arrays.fill(f.retrierAttempts, in.retrierRetryCount);
      }
      int attempt = f.retrierAttempts[i];
      if (in != null) in.errorDetails().put("retryIndex", i);
      if (attempt >= r.maxAttempts()) break;
      f.retrierAttempts[i] = attempt + 1;
      double jitter = (run.nextRandom() >>> 11) * 0x1.0p-53;
      long delay = RetryPolicy.delayMillis(r, attempt, jitter);
      f.retryCount++;
      // a retried Parallel or Map runs all its branches or iterations again
      f.children = null;
      f.map = null;
      String id = "retry-" + f.enteredEventId + "-" + f.retryCount;
      if (in != null) {
        in.errorDetails().put("retryBackoffIntervalSeconds", (int) Math.min(Integer.MAX_VALUE, Math.round(delay / 1000.0)));
        in.retrying = true;
      }
      f.waiting = Frame.Waiting.timer(Frame.WaitKind.RETRY, id, run.now.plusMillis(delay));
      run.effects.add(new Effect.StartTimer(id, f.waiting.fireAt()));
      return;
    }
    if (failedEvent != null) run.emit(f, failedEvent, null, null);
    if (catchers.stream().noneMatch(c -> RetryPolicy.matches(c.errorEquals(), error)) && f.parent != null && s instanceof State.Task) {
      // a Task whose failure ends its branch or iteration is recorded as aborted, as AWS does
      run.emit(f, "TaskStateAborted", null, null);
    }
    for (int ci = 0; ci < catchers.size(); ci++) {
      Catcher c = catchers.get(ci);
      if (!RetryPolicy.matches(c.errorEquals(), error)) continue;
      if (in != null) {
        in.errorDetails().put("catchIndex", ci);
        in.caught = true;
      }
      ObjectNode errorOutput = Json.NODES.objectNode();
      errorOutput.put("Error", error);
      if (cause != null) errorOutput.put("Cause", cause);
      try {
        JsonNode out;
        Map<String, JsonNode> assigned = null;
        if (s.common().jsonata()) {
          StateScope sc = scope(f, f.input).withErrorOutput(errorOutput);
          if (c.assign() != null) assigned = evalAssign(c.assign(), sc);
          out = c.output() != null ? c.output().eval(sc) : errorOutput;
        } else {
          if (c.assign() != null) assigned = evalAssign(c.assign(), scope(f, errorOutput));
          out = applyResultPath(f, s, c.resultPath(), errorOutput);
        }
        exit(f, s, out, assigned, c.next());
      } catch (StatesError e2) {
        failFrame(f, e2.error(), e2.cause());
      }
      return;
    }
    failFrame(f, error, cause);
  }

  /**
   * Redrives a frame that did not succeed (failed, aborted, or still running when the execution
   * was stopped or timed out): the state it stood in runs again from its input, with its retry
   * counts reset, except a Parallel or Map whose branches or iterations ran, of which only those
   * that did not succeed run again (from their own unsuccessful states); the others keep their
   * outputs. Each frame that runs again chains its events to {@code redriven}.
   */
  void redrive(Frame f, long redriven) {
    f.status = Frame.Status.RUNNING;
    f.error = null;
    f.cause = null;
    f.output = null;
    f.lastEventId = redriven;
    State s = f.machine.state(f.state);
    boolean partial = (s instanceof State.Parallel || s instanceof State.Map) && f.children != null
        && (s instanceof State.Parallel || f.map != null)
        && (f.children.stream().anyMatch(c -> c.status != Frame.Status.SUCCEEDED)
            || (f.map != null && f.map.next < f.map.items.size()));
    if (!partial) {
      if (s instanceof State.Map m && branches.redrivesMapRun(f, m)) {
        f.retryCount = 0;
        f.retrierAttempts = null;
        try {
          branches.redriveMapRun(f, m);
        } catch (StatesError e) {
          // as a run that failed: the state's Retry and Catch see it
          handleError(f, m, e.error(), e.cause(), "MapStateFailed");
        }
        return;
      }
      enter(f, f.state, f.input);
      return;
    }
    f.retryCount = 0;
    f.retrierAttempts = null;
    if (s instanceof State.Map) {
      f.map.failures = 0;
      f.map.firstError = null;
      f.map.firstCause = null;
    }
    for (Frame c : f.children) {
      if (c.status == Frame.Status.SUCCEEDED) continue;
      if (s instanceof State.Map && c.reported) {
        // its end was recorded (failed or aborted): it starts again
        c.reported = false;
        c.lastEventId = redriven;
        ObjectNode d = run.obj();
        d.put("name", f.state);
        d.put("index", c.index);
        run.emit(c, "MapIterationStarted", "mapIterationStartedEventDetails", d);
        redrive(c, c.lastEventId);
      } else {
        redrive(c, redriven);
      }
    }
    f.waiting = Frame.Waiting.CHILDREN;
  }

  private static JsonNode variablesOf(Frame f) {
    ObjectNode o = Json.NODES.objectNode();
    f.allVariables().forEach(o::set);
    return o;
  }

  void failFrame(Frame f, String error, String cause) {
    f.status = Frame.Status.FAILED;
    f.error = error;
    f.cause = cause;
    f.waiting = null;
  }
}
