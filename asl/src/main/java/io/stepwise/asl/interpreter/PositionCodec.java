package io.stepwise.asl.interpreter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.asl.model.Machine;
import io.stepwise.asl.model.State;
import io.stepwise.asl.path.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;

/**
 * JSON form of {@link ExecutionPosition}. Frames do not store their Machine: it is re-linked
 * from the definition at resume (root machine, then each Parallel branch / Map processor).
 */
final class PositionCodec {
  private PositionCodec() {}

  static ObjectNode write(ExecutionPosition p) {
    ObjectNode o = Json.NODES.objectNode();
    o.put("v", 1);
    o.put("lastEventId", p.lastEventId);
    o.put("randomCounter", p.randomCounter);
    o.set("executionInput", p.executionInput);
    if (p.outcome != null) o.set("outcome", outcome(p.outcome));
    if (!p.invocations.isEmpty()) {
      ObjectNode inv = o.putObject("invocations");
      p.invocations.forEach(inv::put);
    }
    o.set("root", frame(p.root));
    return o;
  }

  private static ObjectNode outcome(Outcome out) {
    ObjectNode o = Json.NODES.objectNode();
    o.put("status", out.status());
    if (out instanceof Outcome.Succeeded s) o.set("output", s.output());
    else if (out instanceof Outcome.Failed f) { putOpt(o, "error", f.error()); putOpt(o, "cause", f.cause()); }
    else if (out instanceof Outcome.TimedOut t) { putOpt(o, "error", t.error()); putOpt(o, "cause", t.cause()); }
    else if (out instanceof Outcome.Aborted a) { putOpt(o, "error", a.error()); putOpt(o, "cause", a.cause()); }
    return o;
  }

  private static void putOpt(ObjectNode o, String k, String v) {
    if (v != null) o.put(k, v);
  }

  private static String str(JsonNode o, String k) {
    JsonNode v = o.get(k);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static ObjectNode frame(Frame f) {
    ObjectNode o = Json.NODES.objectNode();
    o.put("index", f.index);
    if (f.silent) o.put("silent", true);
    if (f.reported) o.put("reported", true);
    if (f.itemValue != null) o.set("itemValue", f.itemValue);
    putOpt(o, "state", f.state);
    if (f.input != null) o.set("input", f.input);
    o.put("enteredEventId", f.enteredEventId);
    if (f.enteredTime != null) o.put("enteredTime", f.enteredTime.toString());
    o.put("lastEventId", f.lastEventId);
    o.put("retryCount", f.retryCount);
    if (f.retrierAttempts != null) {
      ArrayNode a = o.putArray("retrierAttempts");
      for (int n : f.retrierAttempts) a.add(n);
    }
    o.put("status", f.status.name());
    if (f.output != null) o.set("output", f.output);
    putOpt(o, "error", f.error);
    putOpt(o, "cause", f.cause);
    if (f.waiting != null) {
      Frame.Waiting w = f.waiting;
      ObjectNode wo = o.putObject("waiting");
      wo.put("kind", w.kind().name());
      putOpt(wo, "effectId", w.effectId());
      if (w.fireAt() != null) wo.put("fireAt", w.fireAt().toString());
      putOpt(wo, "resource", w.resource());
      if (w.parameters() != null) wo.set("parameters", w.parameters());
      if (w.timeout() != null) wo.put("timeout", w.timeout());
      if (w.heartbeat() != null) wo.put("heartbeat", w.heartbeat());
      if (w.scheduledAt() != null) wo.put("scheduledAt", w.scheduledAt().toString());
      if (w.started()) wo.put("started", true);
      if (w.heartbeatAt() != null) wo.put("heartbeatAt", w.heartbeatAt().toString());
      if (w.invocation() > 0) wo.put("invocation", w.invocation());
      if (w.startedAt() != null) wo.put("startedAt", w.startedAt().toString());
    }
    if (f.vars != null) {
      ObjectNode v = o.putObject("vars");
      f.vars.forEach(v::set);
    }
    if (f.map != null) {
      ObjectNode m = o.putObject("map");
      m.set("items", f.map.items);
      if (f.map.keyed) m.put("keyed", true);
      m.set("effective", f.map.effective);
      m.put("next", f.map.next);
      m.put("maxConcurrency", f.map.maxConcurrency);
      m.put("failures", f.map.failures);
      putOpt(m, "firstError", f.map.firstError);
      putOpt(m, "firstCause", f.map.firstCause);
    }
    putOpt(o, "mapRunArn", f.mapRunArn);
    if (f.mapRunRedrives > 0) o.put("mapRunRedrives", f.mapRunRedrives);
    if (f.children != null) {
      ArrayNode a = o.putArray("children");
      for (Frame c : f.children) a.add(frame(c));
    }
    return o;
  }

  static ExecutionPosition read(JsonNode o) {
    Outcome outcome = null;
    JsonNode out = o.get("outcome");
    if (out != null) {
      outcome = switch (out.get("status").asText()) {
        case "SUCCEEDED" -> new Outcome.Succeeded(out.get("output"));
        case "FAILED" -> new Outcome.Failed(str(out, "error"), str(out, "cause"));
        case "TIMED_OUT" -> new Outcome.TimedOut(str(out, "error"), str(out, "cause"));
        default -> new Outcome.Aborted(str(out, "error"), str(out, "cause"));
      };
    }
    java.util.Map<String, Integer> invocations = new java.util.TreeMap<>();
    JsonNode inv = o.get("invocations");
    if (inv != null) inv.fields().forEachRemaining(e -> invocations.put(e.getKey(), e.getValue().asInt()));
    return new ExecutionPosition(readFrame(o.get("root"), null), o.get("lastEventId").asLong(),
        o.get("randomCounter").asLong(), o.get("executionInput"), outcome, invocations);
  }

  private static Frame readFrame(JsonNode o, Frame parent) {
    Frame f = new Frame();
    f.parent = parent;
    f.index = o.get("index").asInt();
    f.silent = o.path("silent").asBoolean(false);
    f.reported = o.path("reported").asBoolean(false);
    f.itemValue = o.get("itemValue");
    f.state = str(o, "state");
    f.input = o.get("input");
    f.enteredEventId = o.get("enteredEventId").asLong();
    f.enteredTime = o.has("enteredTime") ? Instant.parse(o.get("enteredTime").asText()) : null;
    f.lastEventId = o.get("lastEventId").asLong();
    f.retryCount = o.get("retryCount").asInt();
    if (o.has("retrierAttempts")) {
      JsonNode a = o.get("retrierAttempts");
      f.retrierAttempts = new int[a.size()];
      for (int i = 0; i < a.size(); i++) f.retrierAttempts[i] = a.get(i).asInt();
    }
    f.status = Frame.Status.valueOf(o.get("status").asText());
    f.output = o.get("output");
    f.error = str(o, "error");
    f.cause = str(o, "cause");
    JsonNode w = o.get("waiting");
    if (w != null) {
      Frame.WaitKind kind = Frame.WaitKind.valueOf(w.get("kind").asText());
      f.waiting = kind == Frame.WaitKind.CHILDREN ? Frame.Waiting.CHILDREN : new Frame.Waiting(kind, str(w, "effectId"),
          w.has("fireAt") ? Instant.parse(w.get("fireAt").asText()) : null, str(w, "resource"), w.get("parameters"),
          w.has("timeout") ? w.get("timeout").asInt() : null, w.has("heartbeat") ? w.get("heartbeat").asInt() : null,
          w.has("scheduledAt") ? Instant.parse(w.get("scheduledAt").asText()) : null, w.path("started").asBoolean(false),
          w.has("heartbeatAt") ? Instant.parse(w.get("heartbeatAt").asText()) : null, w.path("invocation").asInt(0),
          w.has("startedAt") ? Instant.parse(w.get("startedAt").asText()) : null);
    }
    if (o.has("vars")) {
      f.vars = new LinkedHashMap<>();
      o.get("vars").fields().forEachRemaining(e -> f.vars.put(e.getKey(), e.getValue()));
    }
    JsonNode m = o.get("map");
    if (m != null) {
      f.map = new Frame.MapRun();
      f.map.items = m.get("items");
      f.map.keyed = m.path("keyed").asBoolean(false);
      f.map.effective = m.get("effective");
      f.map.next = m.get("next").asInt();
      f.map.maxConcurrency = m.get("maxConcurrency").asInt();
      f.map.failures = m.get("failures").asInt();
      f.map.firstError = str(m, "firstError");
      f.map.firstCause = str(m, "firstCause");
    }
    f.mapRunArn = str(o, "mapRunArn");
    f.mapRunRedrives = o.path("mapRunRedrives").asInt(0);
    if (o.has("children")) {
      f.children = new ArrayList<>();
      for (JsonNode c : o.get("children")) f.children.add(readFrame(c, f));
    }
    return f;
  }

  /** Attaches each frame to its Machine, from the definition, before a restored position resumes. */
  static void link(Frame f, Machine m) {
    if (f.machine != null) return;
    f.machine = m;
    if (f.children == null || f.state == null) return;
    State s = m.state(f.state);
    for (Frame c : f.children) {
      if (s instanceof State.Parallel p) link(c, p.branches().get(c.index));
      else if (s instanceof State.Map mp) link(c, mp.processor());
    }
  }
}
