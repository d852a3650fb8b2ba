package io.stepwise.asl.interpreter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.asl.CompiledDefinition;
import io.stepwise.asl.path.Json;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** Everything one interpreter call accumulates: events, new effects, counters. */
final class Run {
  static final DateTimeFormatter ISO_MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  final CompiledDefinition def;
  final ExecutionContext ctx;
  final Instant now;
  final JsonNode executionInput;
  final List<HistoryEvent> events = new ArrayList<>();
  final List<Effect> effects = new ArrayList<>();
  long lastEventId;
  long randomCounter;
  /** Invocations of each Task state so far (kept in the position): what a mocked response is chosen by. */
  final java.util.TreeMap<String, Integer> invocations = new java.util.TreeMap<>();
  /** Set only by TestState ({@link StateTester}): records the state's data flow and stops at its exit. */
  Inspection inspect;
  private long seed;
  private boolean seeded;

  // the last value serialised for history, reused when the next event shows the same value
  private JsonNode lastNode;
  private String lastText;

  Run(CompiledDefinition def, ExecutionContext ctx, Instant now, JsonNode executionInput, long lastEventId, long randomCounter) {
    this.def = def;
    this.ctx = ctx;
    this.now = now;
    this.executionInput = executionInput;
    this.lastEventId = lastEventId;
    this.randomCounter = randomCounter;
  }

  static long seedOf(ExecutionContext ctx) {
    String s = ctx.executionArn() == null ? "" : ctx.executionArn();
    long h = 1125899906842597L;
    for (int i = 0; i < s.length(); i++) h = 31 * h + s.charAt(i);
    return h;
  }

  /**
   * Deterministic randomness (SplitMix64 over the execution ARN and a counter kept in the
   * position): the same execution replays to the same values, and asl owns no random source.
   */
  long nextRandom() {
    if (!seeded) {
      seed = seedOf(ctx);
      seeded = true;
    }
    long z = seed + 0x9E3779B97F4A7C15L * (++randomCounter);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private final StringBuilder buffer = new StringBuilder(512);

  // Texts of the containers directly under values already written: a state's output shares most
  // of its subtrees with its input (copy-on-write ResultPath, Parameters reading the input), so
  // the next event's text reuses them instead of serialising them again.
  private java.util.IdentityHashMap<JsonNode, String> childTexts;

  String text(JsonNode n) {
    if (n == lastNode) return lastText;
    StringBuilder b = buffer;
    b.setLength(0);
    if (n instanceof ObjectNode o && o.size() > 0) {
      b.append('{');
      boolean first = true;
      for (java.util.Iterator<java.util.Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        java.util.Map.Entry<String, JsonNode> e = it.next();
        if (!first) b.append(',');
        first = false;
        Json.string(e.getKey(), b);
        b.append(':');
        child(e.getValue(), b);
      }
      b.append('}');
    } else if (n instanceof com.fasterxml.jackson.databind.node.ArrayNode a && a.size() > 0) {
      b.append('[');
      for (int i = 0; i < a.size(); i++) {
        if (i > 0) b.append(',');
        child(a.get(i), b);
      }
      b.append(']');
    } else {
      Json.write(n, b);
    }
    lastNode = n;
    lastText = b.toString();
    return lastText;
  }

  private void child(JsonNode v, StringBuilder b) {
    if (!v.isContainerNode() || v.isEmpty()) {
      Json.write(v, b);
      return;
    }
    if (childTexts == null) childTexts = new java.util.IdentityHashMap<>();
    String cached = childTexts.get(v);
    if (cached != null) {
      b.append(cached);
      return;
    }
    int start = b.length();
    Json.write(v, b);
    childTexts.put(v, b.substring(start));
  }

  private static final java.util.Map<String, String> ENTERED = new java.util.HashMap<>();
  private static final java.util.Map<String, String> EXITED = new java.util.HashMap<>();

  static {
    for (String t : new String[] {"Pass", "Succeed", "Fail", "Choice", "Wait", "Task", "Parallel", "Map"}) {
      ENTERED.put(t, t + "StateEntered");
      EXITED.put(t, t + "StateExited");
    }
  }

  /** {@code PassStateEntered} etc. without building the name per event. */
  static String entered(String stateType) {
    return ENTERED.get(stateType);
  }

  static String exited(String stateType) {
    return EXITED.get(stateType);
  }

  /** Records an event for {@code frame} (chaining its previousEventId) unless the frame is silent. */
  long emit(Frame frame, String type, String detailsKey, ObjectNode details) {
    if (frame != null && frame.silent) return frame.lastEventId;
    long id = ++lastEventId;
    long prev = frame == null ? id - 1 : frame.lastEventId;
    ObjectNode d = Json.NODES.objectNode();
    if (detailsKey != null) d.set(detailsKey, details);
    events.add(new HistoryEvent(id, prev, now, type, d));
    if (frame != null) frame.lastEventId = id;
    return id;
  }

  /** An event AWS records with previousEventId 0 (ExecutionTimedOut). */
  long emitUnchained(String type, String detailsKey, ObjectNode details) {
    long id = ++lastEventId;
    ObjectNode d = Json.NODES.objectNode();
    d.set(detailsKey, details);
    events.add(new HistoryEvent(id, 0, now, type, d));
    return id;
  }

  ObjectNode obj() {
    return Json.NODES.objectNode();
  }

  private static final ObjectNode TRUNCATED_FALSE = Json.NODES.objectNode().put("truncated", false);

  /** {@code {"truncated": false}}, shared by every event: history details are read-only. */
  static ObjectNode truncatedFalse() {
    return TRUNCATED_FALSE;
  }

  String iso(Instant t) {
    return ISO_MILLIS.format(t);
  }
}
