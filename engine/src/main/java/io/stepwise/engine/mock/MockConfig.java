package io.stepwise.engine.mock;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A mock configuration in AWS Step Functions Local's format ({@code MockConfigFile.json}):
 * {@code StateMachines.<machine name>.TestCases.<test case>.<state name>} names a mocked response,
 * and {@code MockedResponses.<response>} maps invocation numbers ({@code "0"}, or a range such as
 * {@code "1-2"}; zero-based, counted per state in the execution, retries included) to a
 * {@code Return} (the task's result) or a {@code Throw} ({@code Error} and {@code Cause}).
 *
 * <p>Everything is checked when the file is read, and a file that breaks a rule is refused with a
 * message naming the line: a test case naming a response that does not exist, an invocation key
 * that is not a number or range, overlapping ranges, a response with both or neither of Return
 * and Throw, an unknown field.
 */
public final class MockConfig {
  /** What one invocation answers: a result, or an error and cause. */
  public record Response(JsonNode result, String error, String cause) {
    public boolean fails() {
      return error != null;
    }
  }

  /** Invocations {@code from} to {@code to} (both included) answer {@code response}. */
  record Range(int from, int to, Response response) {}

  /** A file that breaks a rule: the message names the source, the line and the rule. */
  public static final class Invalid extends IllegalArgumentException {
    Invalid(String message) {
      super(message);
    }
  }

  public static final MockConfig EMPTY = new MockConfig(Map.of(), Map.of());

  // numbers read as the language reads them: a mocked result is state data
  private static final ObjectMapper JSON = io.stepwise.asl.path.Json.stateDataMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final Pattern KEY = Pattern.compile("(0|[1-9][0-9]{0,8})(?:-(0|[1-9][0-9]{0,8}))?");

  /** Machine name, then test case, then state name: the response's name. */
  private final Map<String, Map<String, Map<String, String>>> machines;
  private final Map<String, List<Range>> responses;

  private MockConfig(Map<String, Map<String, Map<String, String>>> machines, Map<String, List<Range>> responses) {
    this.machines = machines;
    this.responses = responses;
  }

  /** Whether the configuration has {@code testCase} for the machine named {@code machineName}. */
  public boolean hasTestCase(String machineName, String testCase) {
    Map<String, Map<String, String>> cases = machines.get(machineName);
    return cases != null && cases.containsKey(testCase);
  }

  /**
   * What invocation number {@code invocation} (zero-based) of {@code stateName} answers in
   * {@code testCase}; empty when the test case does not mock the state (the task then runs as it
   * would without a mock). A mocked state must have a response for every invocation, as in Step
   * Functions Local: one it lacks fails the execution ({@code States.Runtime}, which no Catch takes).
   */
  public Optional<Response> response(String machineName, String testCase, String stateName, int invocation) {
    Map<String, Map<String, String>> cases = machines.get(machineName);
    Map<String, String> states = cases == null ? null : cases.get(testCase);
    String name = states == null ? null : states.get(stateName);
    if (name == null) return Optional.empty();
    for (Range r : responses.get(name)) {
      if (invocation >= r.from() && invocation <= r.to()) return Optional.of(r.response());
    }
    return Optional.of(new Response(null, "States.Runtime", "The mocked response '" + name + "' of test case '"
        + testCase + "' has no response for invocation " + invocation + " of state '" + stateName + "'"));
  }

  /** Reads and checks a configuration; {@code source} names it in messages (e.g. the file's path). */
  public static MockConfig parse(String text, String source) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new Invalid(source + (at == null ? "" : ": line " + at.getLineNr() + ", column " + at.getColumnNr())
          + ": not valid JSON: " + e.getOriginalMessage());
    }
    Checker c = new Checker(text, source);
    if (root == null || !root.isObject()) throw c.invalid(List.of(), "the mock configuration must be a JSON object");
    c.onlyFields(root, List.of(), "StateMachines", "MockedResponses");
    Map<String, List<Range>> responses = new LinkedHashMap<>();
    JsonNode mocked = root.path("MockedResponses");
    if (!mocked.isMissingNode()) {
      c.object(mocked, List.of("MockedResponses"));
      for (Iterator<Map.Entry<String, JsonNode>> it = mocked.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        responses.put(e.getKey(), c.ranges(e.getValue(), List.of("MockedResponses", e.getKey())));
      }
    }
    Map<String, Map<String, Map<String, String>>> machines = new LinkedHashMap<>();
    JsonNode sms = root.path("StateMachines");
    if (!sms.isMissingNode()) {
      c.object(sms, List.of("StateMachines"));
      for (Iterator<Map.Entry<String, JsonNode>> it = sms.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> m = it.next();
        List<String> at = List.of("StateMachines", m.getKey());
        c.object(m.getValue(), at);
        c.onlyFields(m.getValue(), at, "TestCases");
        JsonNode cases = m.getValue().path("TestCases");
        if (cases.isMissingNode()) throw c.invalid(at, "a state machine must have TestCases");
        c.object(cases, path(at, "TestCases"));
        Map<String, Map<String, String>> byCase = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> ci = cases.fields(); ci.hasNext(); ) {
          Map.Entry<String, JsonNode> tc = ci.next();
          List<String> tcAt = path(path(at, "TestCases"), tc.getKey());
          c.object(tc.getValue(), tcAt);
          Map<String, String> states = new LinkedHashMap<>();
          for (Iterator<Map.Entry<String, JsonNode>> si = tc.getValue().fields(); si.hasNext(); ) {
            Map.Entry<String, JsonNode> s = si.next();
            List<String> sAt = path(tcAt, s.getKey());
            if (!s.getValue().isTextual()) throw c.invalid(sAt, "a state's mock must name a mocked response (a string)");
            if (!responses.containsKey(s.getValue().asText())) {
              throw c.invalid(sAt, "MockedResponses has no response named '" + s.getValue().asText() + "'");
            }
            states.put(s.getKey(), s.getValue().asText());
          }
          byCase.put(tc.getKey(), Map.copyOf(states));
        }
        machines.put(m.getKey(), Map.copyOf(byCase));
      }
    }
    return new MockConfig(Map.copyOf(machines), Map.copyOf(responses));
  }

  private static List<String> path(List<String> at, String next) {
    List<String> p = new ArrayList<>(at);
    p.add(next);
    return p;
  }

  /** The rules, with the line of whatever breaks one. */
  private record Checker(String text, String source) {
    Invalid invalid(List<String> at, String rule) {
      return new Invalid(source + ": line " + lineOf(at) + (at.isEmpty() ? "" : " (" + String.join(".", at) + ")")
          + ": " + rule);
    }

    void object(JsonNode n, List<String> at) {
      if (!n.isObject()) throw invalid(at, "must be a JSON object");
    }

    void onlyFields(JsonNode n, List<String> at, String... allowed) {
      for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!List.of(allowed).contains(f)) {
          throw invalid(path(at, f), "unknown field '" + f + "' (expected " + String.join(" or ", allowed) + ")");
        }
      }
    }

    List<Range> ranges(JsonNode n, List<String> at) {
      object(n, at);
      if (n.isEmpty()) throw invalid(at, "a mocked response must define at least one invocation, e.g. \"0\"");
      List<Range> out = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        List<String> kAt = path(at, e.getKey());
        Matcher m = KEY.matcher(e.getKey());
        if (!m.matches()) {
          throw invalid(kAt, "an invocation key is a zero-based number (\"0\") or range (\"1-2\"), got '" + e.getKey() + "'");
        }
        int from = Integer.parseInt(m.group(1));
        int to = m.group(2) == null ? from : Integer.parseInt(m.group(2));
        if (to < from) throw invalid(kAt, "the range '" + e.getKey() + "' ends before it starts");
        for (Range r : out) {
          if (from <= r.to() && r.from() <= to) {
            throw invalid(kAt, "invocations '" + e.getKey() + "' overlap another key of the same response");
          }
        }
        out.add(new Range(from, to, response(e.getValue(), kAt)));
      }
      return List.copyOf(out);
    }

    Response response(JsonNode n, List<String> at) {
      object(n, at);
      onlyFields(n, at, "Return", "Throw");
      boolean returns = n.has("Return");
      boolean throwsError = n.has("Throw");
      if (returns == throwsError) throw invalid(at, "a mocked response has exactly one of Return and Throw");
      if (returns) return new Response(n.get("Return"), null, null);
      JsonNode t = n.get("Throw");
      List<String> tAt = path(at, "Throw");
      object(t, tAt);
      onlyFields(t, tAt, "Error", "Cause");
      JsonNode error = t.get("Error");
      JsonNode cause = t.get("Cause");
      if (error == null || !error.isTextual() || cause == null || !cause.isTextual()) {
        throw invalid(tAt, "Throw must have an Error and a Cause, both strings");
      }
      return new Response(null, error.asText(), cause.asText());
    }

    /** The line of the member at {@code at} (1 for the whole document). */
    int lineOf(List<String> at) {
      if (at.isEmpty()) return 1;
      try (JsonParser p = new JsonFactory().createParser(text)) {
        // one slot per open object or array: the name of the member being read in it (null in arrays)
        Deque<String[]> open = new ArrayDeque<>();
        for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
          if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            open.push(new String[1]);
          } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
            open.pop();
          } else if (t == JsonToken.FIELD_NAME) {
            open.peek()[0] = p.currentName();
            List<String> here = new ArrayList<>();
            open.descendingIterator().forEachRemaining(slot -> here.add(slot[0]));
            if (here.equals(at)) return p.currentTokenLocation().getLineNr();
          }
        }
      } catch (IOException e) {
        return 1;
      }
      return 1;
    }
  }
}
