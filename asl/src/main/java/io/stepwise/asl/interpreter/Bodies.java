package io.stepwise.asl.interpreter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.asl.StatesError;
import io.stepwise.asl.model.ChoiceRule;
import io.stepwise.asl.model.State;
import io.stepwise.asl.path.Json;
import io.stepwise.asl.path.PathExpr;
import io.stepwise.asl.payload.Expr;
import io.stepwise.asl.payload.PayloadTemplate;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** The body of each state type: what happens between entering and the common completion. */
final class Bodies {
  /** AWS refuses waits longer than a signed 32-bit number of seconds (about 68 years). */
  static final long MAX_WAIT_SECONDS = Integer.MAX_VALUE;

  private final Driver d;
  private final Run run;

  Bodies(Driver d) {
    this.d = d;
    this.run = d.run;
  }

  void run(Frame f, State s) {
    if (s instanceof State.Pass p) pass(f, p);
    else if (s instanceof State.Choice c) choice(f, c);
    else if (s instanceof State.Succeed) {
      JsonNode eff = s.common().jsonata() ? f.input : d.effectiveInput(f, s.common());
      d.complete(f, s, eff, null, null, null, null, s.common().output());
    } else if (s instanceof State.Fail fl) fail(f, fl);
    else if (s instanceof State.Wait w) waitState(f, w);
    else if (s instanceof State.Task t) task(f, t);
    else if (s instanceof State.Parallel p) d.branches.startParallel(f, p);
    else if (s instanceof State.Map m) d.branches.startMap(f, m);
  }

  private void pass(Frame f, State.Pass p) {
    if (p.common().jsonata()) {
      d.complete(f, p, f.input, null, null, p.common().next(), p.common().assign(), p.common().output());
      return;
    }
    JsonNode eff = d.effectiveInput(f, p.common());
    JsonNode result = p.result() != null ? p.result() : p.parameters() != null ? p.parameters().eval(d.scope(f, eff)) : eff;
    if (run.inspect != null) run.inspect.put(f, p.result() != null ? "result" : "afterParameters", result);
    d.complete(f, p, eff, result, p.resultPath(), p.common().next(), p.common().assign(), null);
  }

  private void fail(Frame f, State.Fail fl) {
    JsonNode eff = fl.common().jsonata() ? f.input : d.effectiveInput(f, fl.common());
    StateScope sc = d.scope(f, eff);
    String error = text(fl.error(), sc);
    String cause = text(fl.cause(), sc);
    d.failFrame(f, error, cause);
  }

  private static String text(Expr e, StateScope sc) {
    if (e == null) return null;
    // a JSONata Error or Cause must be a string
    JsonNode v = e instanceof io.stepwise.asl.jsonata.JsonataExpr j ? j.eval(sc, "string") : e.eval(sc);
    if (v == null || v.isNull()) return null;
    return v.isTextual() ? v.textValue() : Json.write(v);
  }

  private void choice(Frame f, State.Choice c) {
    boolean jsonata = c.common().jsonata();
    JsonNode eff = jsonata ? f.input : d.effectiveInput(f, c.common());
    StateScope sc = d.scope(f, eff);
    for (ChoiceRule.Branch b : c.choices()) {
      if (Choices.test(b.rule(), sc)) {
        Expr output = b.output() != null ? b.output() : c.common().output();
        Expr assign = both(c.common().assign(), b.assign());
        d.complete(f, c, eff, null, null, b.next(), assign, output);
        return;
      }
    }
    if (c.defaultNext() == null) {
      // AWS raises States.Runtime here (not States.NoChoiceMatched), with this wording
      throw StatesError.runtime("Failed to transition out of the state. The state does not point to a next state.");
    }
    d.complete(f, c, eff, null, null, c.defaultNext(), c.common().assign(), c.common().output());
  }

  /** A Choice's state-level Assign applies whichever rule matches; the rule's own Assign is added (and wins). */
  private static Expr both(Expr state, Expr rule) {
    if (state == null) return rule;
    if (rule == null) return state;
    return scope -> {
      ObjectNode r = Json.NODES.objectNode();
      if (state.eval(scope) instanceof ObjectNode a) r.setAll(a);
      if (rule.eval(scope) instanceof ObjectNode b) r.setAll(b);
      return r;
    };
  }

  private void waitState(Frame f, State.Wait w) {
    JsonNode eff = w.common().jsonata() ? f.input : d.effectiveInput(f, w.common());
    StateScope sc = d.scope(f, eff);
    Instant fireAt;
    if (w.seconds() != null) {
      fireAt = run.now.plusSeconds(w.seconds());
    } else if (w.timestamp() != null) {
      fireAt = w.timestamp();
    } else if (w.secondsPath() != null) {
      fireAt = run.now.plusSeconds(secondsFromPath(w.secondsPath(), sc));
    } else if (w.timestampPath() != null) {
      fireAt = timestampFromPath(w.timestampPath(), sc);
    } else if (w.secondsExpr() != null) {
      JsonNode v = w.secondsExpr().eval(sc);
      if (v == null || !v.isIntegralNumber() || v.longValue() < 0 || v.longValue() > 99_999_999) {
        throw StatesError.queryEvaluation("The JSONata expression specified for the field 'Seconds' returned an unexpected result: " + (v == null ? "undefined" : Json.write(v)));
      }
      fireAt = run.now.plusSeconds(v.longValue());
    } else {
      JsonNode v = w.timestampExpr().eval(sc);
      String t = v != null && v.isTextual() ? v.textValue() : v == null ? "undefined" : Json.write(v);
      Instant ts = parseIso(t);
      if (ts == null) throw StatesError.queryEvaluation("The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: " + t);
      fireAt = ts;
    }
    if (fireAt.getEpochSecond() - run.now.getEpochSecond() > MAX_WAIT_SECONDS) throw StatesError.runtime("Wait state delay is too long.");
    String id = "wait-" + f.enteredEventId;
    f.waiting = Frame.Waiting.timer(Frame.WaitKind.WAIT_STATE, id, fireAt);
    run.effects.add(new Effect.StartTimer(id, fireAt));
  }

  /** The timer of a Wait state fired: its output and transition. */
  void waitFired(Frame f, State.Wait w) {
    f.waiting = null;
    JsonNode eff = w.common().jsonata() ? f.input : d.effectiveInput(f, w.common());
    d.complete(f, w, eff, null, null, w.common().next(), w.common().assign(), w.common().output());
  }

  private static long secondsFromPath(PathExpr p, StateScope sc) {
    JsonNode v = p.read(sc);
    if (v == null) throw StatesError.runtime("The SecondsPath parameter does not reference an input value: " + p.text());
    // read by its text as Java reads a long, as every number a ...Path yields (NumberFields)
    BigDecimal b = NumberFields.parse(v.isTextual() ? v.textValue() : Json.write(v), true);
    if (b == null) {
      throw StatesError.runtime("The SecondsPath parameter cannot be parsed as a long value: " + p.text() + " == " + Json.write(v));
    }
    if (b.signum() < 0) throw StatesError.runtime("The SecondsPath parameter references a negative value: " + p.text() + " == " + Json.write(v));
    if (b.compareTo(BigDecimal.valueOf(MAX_WAIT_SECONDS)) > 0) throw StatesError.runtime("Wait state delay is too long.");
    return b.longValue();
  }

  private static Instant timestampFromPath(PathExpr p, StateScope sc) {
    JsonNode v = p.read(sc);
    if (v == null) throw StatesError.runtime("The TimestampPath parameter does not reference an input value: " + p.text());
    Instant t = v.isTextual() ? parseIso(v.textValue()) : null;
    if (t == null) {
      throw StatesError.runtime("The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: " + p.text() + " == " + Json.write(v));
    }
    return t;
  }

  static Instant parseIso(String s) {
    if (s.indexOf('T') < 0 && s.indexOf('t') < 0) return null;
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** How AWS records a Task's resource in history: service integrations, activities, Lambda function ARNs. */
  enum Kind {
    TASK("Task"), ACTIVITY("Activity"), LAMBDA("LambdaFunction");

    final String prefix;

    Kind(String prefix) {
      this.prefix = prefix;
    }

    static Kind of(String resource) {
      if (State.Task.isActivity(resource)) return ACTIVITY;
      if (resource.startsWith("arn:") && resource.split(":").length > 5 && resource.split(":")[2].equals("lambda") && resource.contains(":function:")) return LAMBDA;
      return TASK;
    }

    String detailsKey(String event) {
      return Character.toLowerCase(prefix.charAt(0)) + prefix.substring(1) + event + "EventDetails";
    }
  }

  private void task(Frame f, State.Task t) {
    boolean jsonata = t.common().jsonata();
    JsonNode eff = jsonata ? f.input : d.effectiveInput(f, t.common());
    // the effect is named after the Scheduled event about to be recorded, so the token can name it too
    String effectId = "task-" + (f.silent ? "s" + f.lastEventId + "-" + run.nextRandom() : String.valueOf(run.lastEventId + 1));
    StateScope sc = d.scope(f, eff);
    if (t.resource().endsWith(".waitForTaskToken")) {
      long nonce = run.nextRandom(); // drawn either way, so the sequence does not depend on the minter
      sc.withTaskToken(run.ctx.taskTokens() != null ? run.ctx.taskTokens().token(run.ctx.executionArn(), effectId)
          : TaskToken.encode(run.ctx.executionArn(), effectId, nonce));
    }
    JsonNode params = t.parameters() != null ? t.parameters().eval(sc) : eff;
    if (params == null) params = Json.NODES.nullNode();
    if (run.inspect != null) run.inspect.put(f, jsonata ? "afterArguments" : "afterParameters", params);
    Kind kind = Kind.of(t.resource());
    if (kind == Kind.TASK) refuseUnstartable(t.resource(), params, jsonata);
    Integer timeout = seconds(t.timeoutSeconds(), sc, NumberFields.TIMEOUT_SECONDS);
    Integer heartbeat = seconds(t.heartbeatSeconds(), sc, NumberFields.HEARTBEAT_SECONDS);
    ObjectNode det = run.obj();
    if (kind == Kind.TASK) {
      String[] rt = resourceType(t.resource());
      det.put("resourceType", rt[0]);
      det.put("resource", rt[1]);
      det.put("region", region(t.resource()));
      det.put("parameters", run.text(params));
    } else {
      det.put("resource", t.resource());
      det.put("input", run.text(params));
      det.set("inputDetails", Run.truncatedFalse());
    }
    if (timeout != null) det.put("timeoutInSeconds", timeout);
    if (heartbeat != null) det.put("heartbeatInSeconds", heartbeat);
    if (t.credentials() != null && kind != Kind.ACTIVITY) {
      // the role the task runs as (Stepwise does not assume it), as AWS records it
      JsonNode role = t.credentials().eval(sc).get("RoleArn");
      if (role == null || !role.isTextual()) {
        throw StatesError.runtime("The value for the field 'RoleArn' must be a STRING, but was: " + (role == null ? "null" : Json.write(role)));
      }
      det.putObject("taskCredentials").put("roleArn", role.textValue());
    }
    run.emit(f, kind.prefix + "Scheduled", kind.detailsKey("Scheduled"), det);
    int invocation = run.invocations.merge(t.name(), 1, Integer::sum) - 1;
    f.waiting = Frame.Waiting.task(effectId, t.resource(), params, timeout, heartbeat, run.now, invocation);
    run.effects.add(new Effect.ScheduleTask(effectId, t.name(), t.resource(), params, timeout, heartbeat, run.now, false,
        null, invocation, null));
  }

  /**
   * A service integration's effective parameters that cannot start it fail the state before it is
   * scheduled (no TaskScheduled), as AWS answers: States.Runtime, {@code The Parameters '<json>'
   * could not be used to start the Task: [<problem>, ...]} — a {@code .$} key still in them that
   * holds no path ({@link PayloadTemplate#problems}), or what the integration's request cannot take
   * ({@link io.stepwise.asl.TaskCheck#startProblems}: {@code The value of the field
   * 'QueryParameters' has an invalid format}, as AWS answered an API Gateway task given a string).
   * A JSONata task's Arguments are its parameters as well (its TaskScheduled records them so); a
   * {@code .$} key means nothing in JSONata, so only the integration's request is read there.
   */
  private void refuseUnstartable(String resource, JsonNode params, boolean jsonata) {
    List<String> problems = new ArrayList<>(jsonata ? List.of() : PayloadTemplate.problems(params));
    problems.addAll(run.ctx.tasks().startProblems(resource, params, jsonata));
    if (!problems.isEmpty()) {
      throw StatesError.runtime("The Parameters '" + Json.write(params) + "' could not be used to start the Task: " + problems);
    }
  }

  private static Integer seconds(Expr e, StateScope sc, NumberFields.Spec spec) {
    return e == null ? null : (int) NumberFields.integer(e, sc, spec, 0);
  }

  private ObjectNode resourceDetails(Kind kind, String resource) {
    ObjectNode det = run.obj();
    if (kind == Kind.TASK) {
      String[] rt = resourceType(resource);
      det.put("resourceType", rt[0]);
      det.put("resource", rt[1]);
    }
    return det;
  }

  /** A worker took an activity task: {@code ActivityStarted}, with the worker's name if it gave one. */
  void taskStarted(Frame f, State.Task t, String workerName, JsonNode submitted) {
    Kind kind = Kind.of(t.resource());
    ObjectNode det = kind == Kind.ACTIVITY ? run.obj() : resourceDetails(kind, t.resource());
    if (kind == Kind.ACTIVITY && workerName != null) det.put("workerName", workerName);
    run.emit(f, kind.prefix + "Started", kind.detailsKey("Started"), det);
    if (submitted != null && kind != Kind.ACTIVITY) {
      ObjectNode sub = resourceDetails(kind, t.resource());
      sub.put("output", run.text(submitted));
      sub.set("outputDetails", Run.truncatedFalse());
      run.emit(f, kind.prefix + "Submitted", kind.detailsKey("Submitted"), sub);
    }
    // a .sync job cannot send heartbeats: its HeartbeatSeconds do not start counting
    boolean sync = t.resource().endsWith(".sync") || t.resource().endsWith(".sync:2");
    f.waiting = f.waiting.asStarted(run.now, !sync);
  }

  /** A heartbeat from the task's worker: its HeartbeatSeconds count from now; nothing is recorded in the history. */
  void taskHeartbeat(Frame f) {
    f.waiting = f.waiting.beating(run.now);
  }

  void taskSucceeded(Frame f, State.Task t, JsonNode output) {
    Kind kind = Kind.of(t.resource());
    // AWS shows the Started event before the Succeeded one; one a worker started was recorded then
    if (!f.waiting.started()) {
      run.emit(f, kind.prefix + "Started", kind == Kind.ACTIVITY ? null : kind.detailsKey("Started"),
          kind == Kind.ACTIVITY ? null : resourceDetails(kind, t.resource()));
    }
    ObjectNode det = resourceDetails(kind, t.resource());
    det.put("output", run.text(output));
    det.set("outputDetails", Run.truncatedFalse());
    run.emit(f, kind.prefix + "Succeeded", kind.detailsKey("Succeeded"), det);
    f.waiting = null;
    if (run.inspect != null) run.inspect.put(f, "result", output);
    try {
      JsonNode result = output;
      if (!t.common().jsonata() && t.resultSelector() != null) result = t.resultSelector().eval(d.scope(f, output));
      d.complete(f, t, f.input, result, output, t.resultPath(), t.common().next(), t.common().assign(), t.common().output());
    } catch (StatesError e) {
      d.fail(f, t, e);
    }
  }

  void taskFailed(Frame f, State.Task t, String error, String cause) {
    Kind kind = Kind.of(t.resource());
    ObjectNode det = resourceDetails(kind, t.resource());
    if (error != null) det.put("error", error);
    if (cause != null) det.put("cause", cause);
    boolean timedOut = "States.Timeout".equals(error) || "States.HeartbeatTimeout".equals(error);
    String event = timedOut ? "TimedOut" : "Failed";
    run.emit(f, kind.prefix + event, kind.detailsKey(event), det);
    f.waiting = null;
    d.handleError(f, t, error == null ? "States.TaskFailed" : error, cause);
  }

  /** {@code arn:aws:states:::lambda:invoke} is ("lambda", "invoke"); a Lambda function ARN is ("lambda", arn). */
  static String[] resourceType(String resource) {
    String[] p = resource.split(":", 7);
    if (p.length >= 6 && p[2].equals("states") && p[3].isEmpty() && p[4].isEmpty()) {
      String rest = resource.substring(("arn:" + p[1] + ":states:::").length());
      int i = rest.indexOf(':');
      return i < 0 ? new String[] {rest, rest} : new String[] {rest.substring(0, i), rest.substring(i + 1)};
    }
    if (p.length >= 3) return new String[] {p[2].equals("states") && resource.contains(":activity:") ? "activity" : p[2], resource};
    return new String[] {"unknown", resource};
  }

  private String region(String resource) {
    String[] p = resource.split(":");
    if (p.length > 3 && !p[3].isEmpty()) return p[3];
    String[] sm = run.ctx.stateMachineArn() == null ? new String[0] : run.ctx.stateMachineArn().split(":");
    return sm.length > 3 ? sm[3] : "us-east-1";
  }
}
