package io.stepwise.asl.interpreter;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.model.Machine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One thread of control: the execution itself, a Parallel branch or a Map iteration. Mutable
 * while the interpreter works on it; an {@link ExecutionPosition} holds a tree of frames that
 * nothing mutates after the step that made it returns ({@link #copy} before resuming).
 */
final class Frame {
  enum Status { RUNNING, SUCCEEDED, FAILED, ABORTED }

  enum WaitKind { WAIT_STATE, RETRY, TASK, CHILDREN, MAP_RUN }

  /**
   * What a frame waits for. Task fields are kept so recovery can re-issue the effect; a task also
   * keeps when it was scheduled, whether and when a worker started it (an activity's timeout counts
   * from then, any other task's from its scheduling) and when it last sent a heartbeat.
   */
  record Waiting(WaitKind kind, String effectId, Instant fireAt, String resource, JsonNode parameters, Integer timeout,
      Integer heartbeat, Instant scheduledAt, boolean started, Instant heartbeatAt, int invocation, Instant startedAt) {
    static Waiting timer(WaitKind kind, String id, Instant fireAt) {
      return new Waiting(kind, id, fireAt, null, null, null, null, null, false, null, 0, null);
    }

    static Waiting task(String id, String resource, JsonNode parameters, Integer timeout, Integer heartbeat,
        Instant scheduledAt, int invocation) {
      return new Waiting(WaitKind.TASK, id, null, resource, parameters, timeout, heartbeat, scheduledAt, false, null,
          invocation, null);
    }

    /** A Distributed Map's run, carried out by the engine as a task on {@link ExecutionContext#MAP_RUN}. */
    static Waiting mapRun(String id, JsonNode spec, Instant scheduledAt) {
      return new Waiting(WaitKind.MAP_RUN, id, null, ExecutionContext.MAP_RUN, spec, null, null, scheduledAt, false, null, 0, null);
    }

    /** A worker took the task at {@code at}: its heartbeat interval counts from then, unless it sends none ({@code .sync}). */
    Waiting asStarted(Instant at, boolean heartbeats) {
      return new Waiting(kind, effectId, fireAt, resource, parameters, timeout, heartbeat, scheduledAt, true,
          heartbeats ? at : null, invocation, at);
    }

    /** The task's worker sent a heartbeat at {@code at}. */
    Waiting beating(Instant at) {
      return new Waiting(kind, effectId, fireAt, resource, parameters, timeout, heartbeat, scheduledAt, started, at, invocation, startedAt);
    }

    static final Waiting CHILDREN = new Waiting(WaitKind.CHILDREN, null, null, null, null, null, null, null, false, null, 0, null);
  }

  /** Map bookkeeping while iterations run. */
  static final class MapRun {
    JsonNode items;      // the items array
    boolean keyed;       // the items are an object's key-value pairs ({"Key", "Value"})
    JsonNode effective;  // the state's effective input (ItemSelector reads it)
    int next;            // next item index to start
    int maxConcurrency;  // 0: unlimited
    int failures;
    String firstError;
    String firstCause;

    MapRun copy() {
      MapRun m = new MapRun();
      m.items = items;
      m.keyed = keyed;
      m.effective = effective;
      m.next = next;
      m.maxConcurrency = maxConcurrency;
      m.failures = failures;
      m.firstError = firstError;
      m.firstCause = firstCause;
      return m;
    }
  }

  Machine machine;
  Frame parent;
  /** Parallel branch number or Map item index; -1 for the root. */
  int index = -1;
  /** Events of distributed Map iterations belong to child executions: not recorded here. */
  boolean silent;
  /** A finished child whose end the parent has already recorded (MapIteration* events). */
  boolean reported;
  JsonNode itemValue;

  String state;
  JsonNode input;
  long enteredEventId;
  Instant enteredTime;
  long lastEventId;
  int retryCount;
  int[] retrierAttempts;

  Status status = Status.RUNNING;
  JsonNode output;
  String error;
  String cause;
  Waiting waiting;

  Map<String, JsonNode> vars;
  List<Frame> children;
  MapRun map;
  /** The last Map Run of a Distributed Map run by the engine (kept after it ends: a redrive redrives it), and its redrives. */
  String mapRunArn;
  int mapRunRedrives;

  boolean done() {
    return status != Status.RUNNING;
  }

  /** A distributed Map's item is a child execution: it cannot see the variables around the Map. */
  private boolean scopeRoot() {
    return parent == null || (silent && !parent.silent);
  }

  JsonNode variable(String name) {
    for (Frame f = this; f != null; f = f.scopeRoot() ? null : f.parent) {
      if (f.vars != null) {
        JsonNode v = f.vars.get(name);
        if (v != null) return v;
      }
    }
    return null;
  }

  Map<String, JsonNode> allVariables() {
    Map<String, JsonNode> all = new LinkedHashMap<>();
    List<Frame> chain = new ArrayList<>();
    for (Frame f = this; f != null; f = f.scopeRoot() ? null : f.parent) chain.add(0, f);
    for (Frame f : chain) if (f.vars != null) all.putAll(f.vars);
    return all;
  }

  Frame copy(Frame newParent) {
    Frame c = new Frame();
    c.machine = machine;
    c.parent = newParent;
    c.index = index;
    c.silent = silent;
    c.reported = reported;
    c.itemValue = itemValue;
    c.state = state;
    c.input = input;
    c.enteredEventId = enteredEventId;
    c.enteredTime = enteredTime;
    c.lastEventId = lastEventId;
    c.retryCount = retryCount;
    c.retrierAttempts = retrierAttempts == null ? null : retrierAttempts.clone();
    c.status = status;
    c.output = output;
    c.error = error;
    c.cause = cause;
    c.waiting = waiting;
    c.vars = vars == null ? null : new LinkedHashMap<>(vars);
    if (children != null) {
      c.children = new ArrayList<>(children.size());
      for (Frame ch : children) c.children.add(ch.copy(c));
    }
    c.map = map == null ? null : map.copy();
    c.mapRunArn = mapRunArn;
    c.mapRunRedrives = mapRunRedrives;
    return c;
  }

  /**
   * Depth-first search for the frame waiting on {@code effectId}. A frame that ended answers for
   * nothing under it: a failed Parallel or Map keeps its branches (a redrive needs them), and none
   * of them may go on.
   */
  Frame find(String effectId) {
    if (done()) return null;
    if (waiting != null && effectId.equals(waiting.effectId())) return this;
    if (children != null) {
      for (Frame ch : children) {
        Frame f = ch.find(effectId);
        if (f != null) return f;
      }
    }
    return null;
  }

  void collectEffects(List<Effect> out) {
    if (done()) return;
    if (waiting != null) {
      switch (waiting.kind()) {
        case WAIT_STATE, RETRY -> out.add(new Effect.StartTimer(waiting.effectId(), waiting.fireAt()));
        case TASK, MAP_RUN -> out.add(new Effect.ScheduleTask(waiting.effectId(), state, waiting.resource(), waiting.parameters(),
            waiting.timeout(), waiting.heartbeat(), waiting.scheduledAt(), waiting.started(), waiting.heartbeatAt(),
            waiting.invocation(), waiting.startedAt()));
        case CHILDREN -> {}
      }
    }
    if (children != null) for (Frame ch : children) ch.collectEffects(out);
  }
}
