package io.stepwise.asl.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.CompiledDefinition;
import io.stepwise.asl.InvalidDefinitionException;
import io.stepwise.asl.interpreter.Effect;
import io.stepwise.asl.interpreter.ExecutionContext;
import io.stepwise.asl.interpreter.ExecutionPosition;
import io.stepwise.asl.interpreter.HistoryEvent;
import io.stepwise.asl.interpreter.Interpreter;
import io.stepwise.asl.interpreter.Outcome;
import io.stepwise.asl.interpreter.Signal;
import io.stepwise.asl.interpreter.Step;
import io.stepwise.asl.path.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Collections;
import java.util.Set;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one case of ../shared/conformance/cases.jsonl straight through the interpreter, on a
 * virtual clock, and compares as run_cases.py does. Answers null when it passes, else why not.
 * Each run's position is round-tripped through JSON before every resume, as the engine would.
 */
final class ConformanceCase {
  static final String ACCOUNT = "123456789012";
  static final String SM_NAME = "conformance-sm";
  static final String EXEC_NAME = "conformance-exec";
  static final String SM_ARN = "arn:aws:states:us-east-1:" + ACCOUNT + ":stateMachine:" + SM_NAME;
  static final String EXEC_ARN = "arn:aws:states:us-east-1:" + ACCOUNT + ":execution:" + SM_NAME + ":" + EXEC_NAME;
  static final String EXPRESS_ARN = "arn:aws:states:us-east-1:" + ACCOUNT + ":express:" + SM_NAME + ":" + EXEC_NAME + ":0f4e5b52-6f0a-4a53-9a3c-1c1f44c1e2d7";
  static final String ROLE_ARN = "arn:aws:iam::000000000000:role/test";
  private static final Pattern ISO = Pattern.compile(
      "([1-9][0-9]{3})-([0-9]{2})-([0-9]{2})T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{1,9})?(?:Z|[+-][01][0-9]:?(?:[0-5][0-9])?)");

  private ConformanceCase() {}

  static String run(JsonNode c) throws Exception {
    JsonNode exp = c.get("expected");
    String kind = exp.path("expect").asText(null);
    boolean express = "EXPRESS".equals(c.path("stateMachineType").asText());
    String definition = c.get("definition").isNull() ? "" : c.get("definition").asText();
    if ("INVALID_DEFINITION".equals(kind)) {
      try {
        CompiledDefinition.compile(definition, express);
        return "accepted a definition that AWS rejects";
      } catch (InvalidDefinitionException e) {
        // stricter than run_cases.py's default: AWS's message and diagnostics must match too
        String message = exp.path("message").asText(null);
        if (message != null && !message.equals(e.getMessage())) return "message: expected " + message + ", got " + e.getMessage();
        JsonNode diagnostics = exp.get("validationDiagnostics");
        if (diagnostics != null) {
          var actual = Json.NODES.arrayNode();
          for (var p : CompiledDefinition.validate(definition, express)) {
            var o = actual.addObject();
            o.put("code", p.code());
            o.put("location", p.location());
            o.put("message", p.message());
            o.put("severity", p.severity());
          }
          if (!actual.equals(diagnostics)) return "diagnostics: expected " + diagnostics + ", got " + actual;
        }
        return null;
      }
    }
    CompiledDefinition def;
    try {
      def = CompiledDefinition.compile(definition, express);
    } catch (InvalidDefinitionException e) {
      return "rejected: " + e.getMessage();
    }
    JsonNode input;
    try {
      input = c.get("input").isNull() ? Json.NODES.objectNode() : Json.parse(c.get("input").asText());
    } catch (Exception e) {
      return "INVALID_EXECUTION_INPUT".equals(kind) ? null : "bad input";
    }
    if ("INVALID_EXECUTION_INPUT".equals(kind)) return "accepted input that AWS rejects";
    Instant start = Instant.parse("2024-06-01T12:00:00.000Z");
    String execArn = express ? EXPRESS_ARN : EXEC_ARN;
    ExecutionContext ctx = new ExecutionContext(execArn, EXEC_NAME, SM_ARN, SM_NAME, ROLE_ARN, start, 0);
    List<HistoryEvent> history = new ArrayList<>();
    Step step = Interpreter.start(def, ctx, input, start);
    history.addAll(step.events());
    Instant now = start;
    int guard = 0;
    while (!step.finished()) {
      if (++guard > 10_000) return "did not finish";
      ExecutionPosition pos = ExecutionPosition.fromJson(Json.parse(Json.write(step.position().toJson())));
      List<Effect> pending = pos.pendingEffects();
      if (pending.isEmpty()) return "stuck: no pending effects";
      Effect next = pending.get(0);
      Signal signal;
      if (next instanceof Effect.StartTimer t) {
        for (Effect e : pending) if (e instanceof Effect.StartTimer o && o.fireAt().isBefore(t.fireAt())) { t = o; }
        Instant at = t.fireAt().isAfter(now) ? t.fireAt() : now;
        if (def.timeoutSeconds() != null && at.isAfter(start.plusSeconds(def.timeoutSeconds()))) {
          signal = new Signal.ExecutionTimedOut();
          now = start.plusSeconds(def.timeoutSeconds());
        } else {
          signal = new Signal.TimerFired(t.id());
          now = at;
        }
      } else {
        signal = new Signal.TaskFailed(next.id(), "States.Runtime", "no integration for this resource in the conformance test");
      }
      step = Interpreter.resume(def, ctx, pos, signal, now);
      history.addAll(step.events());
    }
    return compare(c, exp, step.outcome(), history, execArn);
  }

  private static String compare(JsonNode c, JsonNode exp, Outcome out, List<HistoryEvent> history, String execArn) throws Exception {
    List<String> ph = new ArrayList<>();
    c.path("placeholders").forEach(p -> ph.add(p.asText()));
    CaseMatcher m = new CaseMatcher(ph);
    String status = exp.get("status").asText();
    if (!out.status().equals(status)) return "status " + out.status() + ", expected " + status + " " + out;
    if (out instanceof Outcome.Succeeded s) {
      JsonNode actual = Json.parse(normalize(c, execArn, Json.write(s.output())));
      String diff = m.match(exp.get("output"), actual, "$");
      if (diff != null) return "output mismatch at " + diff;
    } else {
      String[] ec = out instanceof Outcome.Failed f ? new String[] {f.error(), f.cause()} : out instanceof Outcome.TimedOut t ? new String[] {t.error(), t.cause()} : new String[2];
      String[] fields = {"error", "cause"};
      for (int i = 0; i < 2; i++) {
        JsonNode e = exp.get(fields[i]);
        if (e == null || e.isNull()) {
          if (ec[i] != null && !ec[i].isEmpty()) return fields[i] + ": expected none, got " + ec[i];
        } else if (ec[i] == null || !m.matchStr(e.asText(), normalize(c, execArn, ec[i]))) {
          return fields[i] + " mismatch: expected " + e.asText() + ", got " + ec[i];
        }
      }
    }
    JsonNode types = c.get("historyTypes");
    if (types != null && types.isArray() && !"StartSyncExecution".equals(c.path("executionApi").asText())) {
      List<String> expected = new ArrayList<>();
      types.forEach(t -> expected.add(t.asText()));
      List<String> actual = history.stream().map(HistoryEvent::type).toList();
      if (c.path("notes").toString().contains("SfnNoneRecursiveParallelTransformer")) actual = parallelTransformer(actual);
      if (c.path("historyOrderSensitive").asBoolean(true)) {
        if (!expected.equals(actual)) return "history: expected " + expected + ", got " + actual;
      } else {
        if (!counts(expected).equals(counts(actual)) || !expected.get(0).equals(actual.get(0)) || !expected.get(expected.size() - 1).equals(actual.get(actual.size() - 1))) {
          return "history (unordered): expected " + expected + ", got " + actual;
        }
      }
    }
    return null;
  }

  /**
   * The snapshot transformer the recording applied to AWS's history (LocalStack's
   * SfnNoneRecursiveParallelTransformer), applied to ours so the two compare alike. It sorts the
   * events between a ParallelStateStarted and the next Parallel end event, and because it writes
   * the sorted run back over a longer slice of the list it is iterating, it drops events: every
   * ParallelStateSucceeded, and in nested Parallels an inner ParallelStateExited. AWS records them.
   */
  static List<String> parallelTransformer(List<String> types) {
    List<String> events = new ArrayList<>(types);
    Set<String> ends = Set.of("ParallelStateSucceeded", "ParallelStateAborted", "ParallelStateExited", "ParallelStateFailed");
    Integer start = null;
    List<String> sublist = new ArrayList<>();
    boolean in = false;
    for (int i = 0; i < events.size(); i++) {
      String t = events.get(i);
      if (ends.contains(t)) {
        List<String> sorted = new ArrayList<>(sublist);
        Collections.sort(sorted);
        List<String> slice = events.subList(start == null ? 0 : start, i);
        slice.clear();
        slice.addAll(sorted);
        in = false;
      } else if (t.equals("ParallelStateStarted")) {
        in = true;
        sublist = new ArrayList<>();
        start = i + 1;
      } else if (in) {
        sublist.add(t);
      }
    }
    return events;
  }

  private static Map<String, Integer> counts(List<String> l) {
    Map<String, Integer> m = new HashMap<>();
    l.forEach(s -> m.merge(s, 1, Integer::sum));
    return m;
  }

  /** The recorder's substitutions, as run_cases.py's Normaliser applies them. */
  static String normalize(JsonNode c, String execArn, String s) {
    String[] parts = execArn.split(":");
    Map<String, String> sources = Map.of(
        "roleArn", ROLE_ARN, "stateMachineName", SM_NAME, "executionName", parts[parts.length - 1],
        "executionArnPart1", parts[parts.length - 2], "executionArnPart2", parts[parts.length - 1], "stateMachineArn", SM_ARN, "executionArn", execArn);
    for (JsonNode sub : c.path("substitutions")) {
      String tok = sub.path("token").asText();
      if (sub.has("source")) {
        String v = sources.get(sub.get("source").asText());
        if (v != null) s = s.replace(v, tok);
      } else if (sub.has("literal")) {
        s = s.replace(sub.get("literal").asText(), tok);
      } else if (sub.has("regex")) {
        s = Pattern.compile(sub.get("regex").asText()).matcher(s).replaceAll(Matcher.quoteReplacement(tok));
      }
    }
    s = s.replace(ACCOUNT, "111111111111").replace("us-east-1", "<region>").replace("arn:aws:", "arn:<partition>:");
    Matcher im = ISO.matcher(s);
    StringBuilder b = new StringBuilder();
    while (im.find()) {
      int mo = Integer.parseInt(im.group(2)), d = Integer.parseInt(im.group(3)), y = Integer.parseInt(im.group(1));
      boolean valid = mo >= 1 && mo <= 12 && d >= 1 && d <= java.time.YearMonth.of(y, mo).lengthOfMonth();
      im.appendReplacement(b, Matcher.quoteReplacement(valid ? "date" : im.group()));
    }
    im.appendTail(b);
    return b.toString();
  }
}
