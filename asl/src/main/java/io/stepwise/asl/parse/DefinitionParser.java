package io.stepwise.asl.parse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.asl.Problem;
import io.stepwise.asl.TaskCheck;
import io.stepwise.asl.jsonata.Jsonata;
import io.stepwise.asl.model.Catcher;
import io.stepwise.asl.model.Common;
import io.stepwise.asl.model.Machine;
import io.stepwise.asl.model.ResultPathSpec;
import io.stepwise.asl.model.Retrier;
import io.stepwise.asl.model.State;
import io.stepwise.asl.path.PathExpr;
import io.stepwise.asl.path.ReferencePath;
import io.stepwise.asl.payload.Expr;
import io.stepwise.asl.payload.PayloadTemplate;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses a definition's JSON tree into the compiled model, collecting every problem (with its
 * JSON pointer) instead of stopping at the first. Choice rules live in {@link ChoiceParser},
 * per-type fields in {@link StateFields}.
 */
public final class DefinitionParser {
  final Problems problems = new Problems();
  final List<String[]> raw = new ArrayList<>();
  final boolean express;
  /** State names must be unique across the whole machine, branches and processors included. */
  private final Set<String> stateNames = new HashSet<>();
  /** Map labels too: "Labels ... must be unique within a state machine definition". */
  final Set<String> labels = new HashSet<>();
  boolean topJsonata;

  final TaskCheck tasks;
  /**
   * A new definition (CreateStateMachine, UpdateStateMachine, ValidateStateMachineDefinition): the
   * rules added since definitions were first stored apply, and {@link #tasks}. A stored definition
   * is compiled again without them, so that a revision once accepted keeps running.
   */
  final boolean strict;
  /** The Type and pointer of the state being parsed (a Map's or Parallel's while their own fields are read), or null. */
  String stateType;
  String statePointer;

  private DefinitionParser(boolean express, TaskCheck tasks, boolean strict) {
    this.express = express;
    this.tasks = tasks;
    this.strict = strict;
  }

  public record Result(Machine machine, Integer timeoutSeconds, List<Problem> problems, Map<String, List<String>> variableReferences) {}

  /** State name to the variables its JSONPath fields read, for DescribeStateMachine. */
  final Map<String, List<String>> variableReferences = new LinkedHashMap<>();

  /** A stored definition, compiled again: the rules it was accepted under. */
  public static Result parse(JsonNode root, boolean express) {
    return parse(root, express, TaskCheck.NONE, false);
  }

  /** A new definition: every rule, and {@code tasks}. */
  public static Result parseNew(JsonNode root, boolean express, TaskCheck tasks) {
    return parse(root, express, tasks, true);
  }

  private static Result parse(JsonNode root, boolean express, TaskCheck tasks, boolean strict) {
    DefinitionParser p = new DefinitionParser(express, tasks, strict);
    if (!(root instanceof ObjectNode o)) {
      p.problems.schema("/", "Expected an object but was " + io.stepwise.asl.path.Json.typeName(root));
      return new Result(null, null, p.problems.list, Map.of());
    }
    p.checkFields(o, "", Set.of("Comment", "StartAt", "States", "Version", "TimeoutSeconds", "QueryLanguage"));
    boolean jsonata = false;
    JsonNode ql = o.get("QueryLanguage");
    if (ql != null) {
      if (!ql.isTextual()) p.problems.schema("/QueryLanguage", "Expected value of type [STRING]");
      else if (!ql.textValue().equals("JSONata") && !ql.textValue().equals("JSONPath")) {
        p.problems.schema("/QueryLanguage", "Value should be one of the following: [JSONPath, JSONata]");
      }
      jsonata = !(ql.isTextual() && ql.textValue().equals("JSONPath"));
    }
    Integer timeout = null;
    JsonNode t = o.get("TimeoutSeconds");
    if (t != null) {
      if (p.number(t, "/TimeoutSeconds", true, 0L, 99_999_999L)) timeout = t.intValue();
    }
    JsonNode v = o.get("Version");
    if (v != null && !v.isTextual()) p.problems.schema("/Version", "Value must be a string");
    p.topJsonata = jsonata;
    Machine m = p.machine(o, "", jsonata, true);
    if (strict) VariableScopes.refuseShadowing(o, p.problems);
    return new Result(p.problems.list.isEmpty() ? m : null, timeout, p.problems.list, p.variableReferences);
  }

  Machine machine(ObjectNode o, String pointer, boolean jsonata, boolean top) {
    List<String> missing = new ArrayList<>();
    if (!o.has("StartAt")) missing.add("StartAt");
    if (!o.has("States")) missing.add("States");
    if (!missing.isEmpty()) {
      problems.schema(pointer, "These fields are required: [" + String.join(", ", missing) + "]");
      return null;
    }
    if (!top) checkFields(o, pointer, Set.of("Comment", "StartAt", "States", "ProcessorConfig"));
    JsonNode startAt = o.get("StartAt");
    JsonNode statesNode = o.get("States");
    if (!startAt.isTextual()) problems.schema(pointer + "/StartAt", "Value must be a string");
    if (!(statesNode instanceof ObjectNode states)) {
      problems.schema(pointer + "/States", "Value must be an object");
      return null;
    }
    if (states.isEmpty()) problems.schema(pointer + "/States", "Value cannot be empty");
    Map<String, State> compiled = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = states.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String sp = Pointer.child(pointer + "/States", e.getKey());
      if (e.getKey().length() > 80) {
        // asl-validator#69, cfn-lint#4079
        problems.error("INVALID_STATE_NAME", sp, "Invalid State name: State '" + e.getKey() + "' exceeds the 80-character limit allowed by the service");
      }
      if (!(e.getValue() instanceof ObjectNode so)) {
        problems.schema(sp, "Value must be an object");
        continue;
      }
      State s = new StateFields(this, e.getKey(), so, sp, jsonata).parse();
      if (s != null) {
        compiled.put(e.getKey(), s);
        if (!s.common().jsonata()) {
          var refs = VariableReferences.of(so);
          if (!refs.isEmpty()) variableReferences.put(e.getKey(), List.copyOf(refs));
        }
      }
    }
    String start = startAt.asText();
    if (startAt.isTextual() && !states.has(start)) {
      // AWS says 'Next' for every missing target, StartAt's too (cfn-lint#4074, serverless-step-functions#250)
      problems.error("MISSING_TRANSITION_TARGET", pointer + "/StartAt", "Missing 'Next' target: " + start);
    }
    checkTransitions(states, compiled, pointer);
    if (!terminal(states)) {
      // AWS reports this without a location, and skips the reachability walk
      problems.list.add(Problem.error("MISSING_END_STATE", null, "Workflow has no terminal state"));
    } else {
      checkReachable(start, states, compiled, pointer);
    }
    for (String name : compiled.keySet()) {
      if (!stateNames.add(name)) problems.error("DUPLICATE_STATE_NAME", Pointer.child(pointer + "/States", name), "Duplicate State name: " + name);
    }
    return new Machine(start, Map.copyOf(compiled), jsonata, pointer);
  }

  private void checkTransitions(ObjectNode states, Map<String, State> compiled, String pointer) {
    for (State s : compiled.values()) {
      String sp = Pointer.child(pointer + "/States", s.name());
      String next = s.common().next();
      if (next != null && !states.has(next)) problems.error("MISSING_TRANSITION_TARGET", sp + "/Next", "Missing 'Next' target: " + next);
      if (s instanceof State.Choice c) {
        for (int i = 0; i < c.choices().size(); i++) {
          String n = c.choices().get(i).next();
          if (n != null && !states.has(n)) problems.error("MISSING_TRANSITION_TARGET", sp + "/Choices[" + i + "]/Next", "Missing 'Next' target: " + n);
        }
        if (c.defaultNext() != null && !states.has(c.defaultNext())) {
          problems.error("MISSING_TRANSITION_TARGET", sp + "/Default", "Missing 'Next' target: " + c.defaultNext());
        }
      }
      List<Catcher> catchers = s instanceof State.Task t ? t.catchers() : s instanceof State.Parallel p ? p.catchers() : s instanceof State.Map m ? m.catchers() : List.of();
      for (int i = 0; i < catchers.size(); i++) {
        String n = catchers.get(i).next();
        if (n != null && !states.has(n)) problems.error("MISSING_TRANSITION_TARGET", sp + "/Catch[" + i + "]/Next", "Missing 'Next' target: " + n);
      }
    }
  }

  /**
   * Reports each state that neither StartAt nor any transition names (Next, each Choice rule's
   * Next, Default, each Catcher's Next) as not reachable. AWS counts what names a state, not a
   * walk from StartAt: with StartAt naming no state, {@code A -> B} reports A alone
   * (cfn-lint#4074). A transition of a state that is invalid (and reported as such) still counts.
   */
  private void checkReachable(String start, ObjectNode raw, Map<String, State> compiled, String pointer) {
    Set<String> named = new HashSet<>();
    named.add(start);
    for (JsonNode s : raw) {
      if (!(s instanceof ObjectNode o)) continue;
      addTarget(named, o.get("Next"));
      addTarget(named, o.get("Default"));
      for (String list : List.of("Choices", "Catch")) {
        if (o.get(list) instanceof ArrayNode branches) {
          for (JsonNode b : branches) addTarget(named, b.get("Next"));
        }
      }
    }
    for (String name : compiled.keySet()) {
      if (!named.contains(name)) problems.error("MISSING_TRANSITION_TARGET", Pointer.child(pointer + "/States", name), "State \"" + name + "\" is not reachable.");
    }
  }

  private static void addTarget(Set<String> named, JsonNode next) {
    if (next != null && next.isTextual()) named.add(next.asText());
  }

  void checkFields(ObjectNode o, String pointer, Set<String> allowed) {
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) problems.schema(pointer, "Field '" + f + "' is not supported");
    }
  }

  // ---- shared field compilers, used by StateFields and ChoiceParser ----

  /**
   * A Reference Path field (a Choice rule's Variable and its {@code ...Path} operands, ItemsPath,
   * SecondsPath, TimestampPath, the number {@code ...Path} fields): refused as
   * {@code Value is not a Reference Path: <reason>}, in AWS's words where a user pasted them
   * ({@code Reference path didn't start with '$'}: cfn-lint#4076, a Terraform user's
   * {@code States.ArrayLength(...)} Variable).
   */
  PathExpr path(JsonNode n, String pointer, String field) {
    return path(n, pointer, field, true);
  }

  /** InputPath and OutputPath, Paths (any JSONPath): refused as {@code Value must be a valid JSONPath.} (cfn-lint#4078). */
  PathExpr inputOrOutputPath(JsonNode n, String pointer, String field) {
    return path(n, pointer, field, false);
  }

  private PathExpr path(JsonNode n, String pointer, String field, boolean reference) {
    if (!n.isTextual()) {
      problems.schema(pointer, "The value for the field '" + field + "' must be a STRING that contains a JSONPath");
      return null;
    }
    if (reference && notReference(n.textValue(), pointer)) return null;
    try {
      return PathExpr.compile(n.textValue());
    } catch (IllegalArgumentException e) {
      problems.schema(pointer, reference ? "Value is not a Reference Path: " + e.getMessage() : "Value must be a valid JSONPath.");
      return null;
    }
  }

  /** A reference path must start with {@code $}: true (and reported) when {@code text} does not. */
  private boolean notReference(String text, String pointer) {
    if (text.startsWith("$")) return false;
    problems.schema(pointer, "Value is not a Reference Path: Reference path didn't start with '$'");
    return true;
  }

  ResultPathSpec resultPath(ObjectNode o, String pointer) {
    if (!o.has("ResultPath")) return ResultPathSpec.DEFAULT;
    JsonNode n = o.get("ResultPath");
    if (n.isNull()) return ResultPathSpec.DISCARD;
    if (!n.isTextual()) {
      problems.schema(pointer + "/ResultPath", "The value for the field 'ResultPath' must be a STRING that contains a JSONPath");
      return ResultPathSpec.DEFAULT;
    }
    if (notReference(n.textValue(), pointer + "/ResultPath")) return ResultPathSpec.DEFAULT;
    try {
      return new ResultPathSpec(ReferencePath.compile(n.textValue()), false);
    } catch (IllegalArgumentException e) {
      problems.schema(pointer + "/ResultPath", "Value is not a Reference Path: " + e.getMessage());
      return ResultPathSpec.DEFAULT;
    }
  }

  Expr template(JsonNode n, String pointer, boolean jsonata) {
    Expr e = jsonata ? Jsonata.template(n, pointer, raw) : PayloadTemplate.compile(n, pointer, raw, strict);
    if (jsonata && strict) Jsonata.refuseStatesFieldsOutOfPlace(n, pointer, stateType, statePointer, raw);
    problems.addAll(raw);
    return e;
  }

  /** Assign: in JSONPath states, {@code "x.$"} keys; in JSONata states, {@code {% %}} values. */
  Expr assign(ObjectNode o, String pointer, boolean jsonata) {
    JsonNode a = o.get("Assign");
    if (a == null) return null;
    if (!a.isObject()) {
      problems.schema(pointer + "/Assign", "The value for the field 'Assign' must be an OBJECT");
      return null;
    }
    for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      String bare = name.endsWith(".$") ? name.substring(0, name.length() - 2) : name;
      if (!variableName(bare)) {
        problems.schema(pointer + "/Assign", "The variable name '" + bare + "' is not valid");
      }
    }
    int before = problems.list.size();
    Expr e = template(a, pointer + "/Assign", jsonata);
    if (!jsonata) {
      // AWS reports a bad "x.$" of Assign at the Assign field itself (cfn-lint#4085)
      String at = pointer + "/Assign";
      for (int i = before; i < problems.list.size(); i++) {
        Problem q = problems.list.get(i);
        if (q.location() != null && q.location().startsWith(at + "/")) problems.list.set(i, new Problem(q.severity(), q.code(), at, q.message()));
      }
    }
    return e;
  }

  /**
   * AWS's rule for a variable's name: Unicode identifier syntax (UAX #31), a first character that is
   * ID_Start and others that are ID_Continue (so not a leading digit), at most 80 characters; the
   * characters as paths read them ({@link PathExpr#variableStart}, {@link PathExpr#variablePart}).
   */
  static boolean variableName(String name) {
    if (name.isEmpty() || name.codePointCount(0, name.length()) > 80) return false;
    for (int i = 0; i < name.length(); ) {
      int cp = name.codePointAt(i);
      if (!(i == 0 ? PathExpr.variableStart(cp) : PathExpr.variablePart(cp))) return false;
      i += Character.charCount(cp);
    }
    return true;
  }

  List<Retrier> retry(ObjectNode o, String pointer) {
    JsonNode r = o.get("Retry");
    if (r == null) return List.of();
    if (!r.isArray()) {
      problems.schema(pointer + "/Retry", "Value must be an array");
      return List.of();
    }
    List<Retrier> out = new ArrayList<>();
    for (int i = 0; i < r.size(); i++) {
      String p = Pointer.child(pointer + "/Retry", i);
      JsonNode n = r.get(i);
      if (!(n instanceof ObjectNode ro)) {
        problems.schema(p, "Value must be an object");
        continue;
      }
      checkFields(ro, p, Set.of("ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment"));
      List<String> errors = errorEquals(ro, p, i == r.size() - 1);
      int interval = intField(ro, "IntervalSeconds", p, 1, 1, 99_999_999);
      int max = intField(ro, "MaxAttempts", p, 3, 0, 99_999_999);
      double backoff = 2.0;
      if (ro.has("BackoffRate")) {
        JsonNode b = ro.get("BackoffRate");
        if (number(b, p + "/BackoffRate", false, 1.0, null)) backoff = b.doubleValue();
      }
      Integer maxDelay = ro.has("MaxDelaySeconds") ? intField(ro, "MaxDelaySeconds", p, 0, 1, 31_622_400) : null;
      boolean full = false;
      if (ro.has("JitterStrategy")) {
        String j = ro.get("JitterStrategy").asText();
        if (!j.equals("FULL") && !j.equals("NONE")) problems.schema(p + "/JitterStrategy", "JitterStrategy must be one of [FULL, NONE]");
        full = j.equals("FULL");
      }
      out.add(new Retrier(errors, interval, max, backoff, maxDelay, full));
    }
    return List.copyOf(out);
  }

  List<Catcher> catchers(ObjectNode o, String pointer, boolean jsonata) {
    JsonNode c = o.get("Catch");
    if (c == null) return List.of();
    if (!c.isArray()) {
      problems.schema(pointer + "/Catch", "Value must be an array");
      return List.of();
    }
    List<Catcher> out = new ArrayList<>();
    for (int i = 0; i < c.size(); i++) {
      String p = Pointer.child(pointer + "/Catch", i);
      if (!(c.get(i) instanceof ObjectNode co)) {
        problems.schema(p, "Value must be an object");
        continue;
      }
      checkFields(co, p, jsonata ? Set.of("ErrorEquals", "Next", "Output", "Assign", "Comment") : Set.of("ErrorEquals", "Next", "ResultPath", "Assign", "Comment"));
      List<String> errors = errorEquals(co, p, i == c.size() - 1);
      String next = null;
      if (!co.has("Next") || !co.get("Next").isTextual()) problems.schema(p, "These fields are required: [Next]");
      else next = co.get("Next").textValue();
      ResultPathSpec rp = jsonata ? ResultPathSpec.DEFAULT : resultPath(co, p);
      Expr output = jsonata && co.has("Output") ? template(co.get("Output"), p + "/Output", true) : null;
      out.add(new Catcher(errors, next, rp, assign(co, p, jsonata), output));
    }
    return List.copyOf(out);
  }

  private List<String> errorEquals(ObjectNode o, String p, boolean last) {
    JsonNode e = o.get("ErrorEquals");
    if (e == null || !e.isArray() || e.isEmpty()) {
      problems.schema(p, "These fields are required: [ErrorEquals]");
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (JsonNode n : e) out.add(n.asText());
    // AWS's words, at the States.ALL element (aws-cdk#10530): "... at /States/T/Retry[0]/ErrorEquals[0]"
    int all = out.indexOf("States.ALL");
    if (all >= 0 && (out.size() > 1 || !last)) {
      problems.schema(Pointer.child(p + "/ErrorEquals", all), "States.ALL must appear alone and at end of list");
    }
    return List.copyOf(out);
  }

  int intField(ObjectNode o, String field, String pointer, int dflt, int min, int max) {
    JsonNode n = o.get(field);
    if (n == null) return dflt;
    return number(n, pointer + "/" + field, true, (long) min, (long) max) ? n.intValue() : dflt;
  }

  /**
   * A number field checked in AWS's schema words, at the field: {@code Expected value of type
   * Integer} (or {@code Number}), {@code Minimum value is <min>}, {@code Maximum value is <max>}
   * (an integer bound as {@code 0}, a decimal one as {@code 100.0}) — serverless-step-functions#188
   * and floci#3733, measured. True when {@code v} passes; a null bound is no bound.
   */
  boolean number(JsonNode v, String pointer, boolean integer, Number min, Number max) {
    if (integer ? !v.isIntegralNumber() : !v.isNumber()) {
      problems.schema(pointer, "Expected value of type " + (integer ? "Integer" : "Number"));
      return false;
    }
    if (min != null && v.decimalValue().compareTo(new BigDecimal(min.toString())) < 0) {
      problems.schema(pointer, "Minimum value is " + min);
      return false;
    }
    if (max != null && v.decimalValue().compareTo(new BigDecimal(max.toString())) > 0) {
      problems.schema(pointer, "Maximum value is " + max);
      return false;
    }
    return true;
  }

  /** A value and its {@code ...Path} (or any two exclusive spellings) together: AWS's words, at the object holding them (floci#3733). */
  void onlyOne(ObjectNode o, String pointer, String a, String b) {
    if (o.has(a) && o.has(b)) problems.schema(pointer, "There should only be one of the following fields: " + fieldList(List.of(a, b)));
  }

  /**
   * Fields of which an object must have exactly one: with none, {@code This object should have only
   * one of the following fields: [...]}; with more, {@code There should only be one of the following
   * fields: [...]} (AWS's words for a Wait's timing fields and a choice rule's comparisons, recorded
   * by tiny-asl-machine). True when exactly one is there.
   */
  boolean exactlyOne(ObjectNode o, String pointer, List<String> names) {
    int n = 0;
    for (String f : names) if (o.has(f)) n++;
    if (n == 0) problems.schema(pointer, "This object should have only one of the following fields: " + fieldList(names));
    if (n > 1) problems.schema(pointer, "There should only be one of the following fields: " + fieldList(names));
    return n == 1;
  }

  /**
   * A group of field names as AWS's validator lists them: in the order a {@code java.util.HashSet}
   * built from them keeps, which is what AWS prints ({@code [SecondsPath, Seconds, TimestampPath,
   * Timestamp]} for a Wait).
   */
  static String fieldList(java.util.Collection<String> names) {
    return new java.util.HashSet<>(names).toString();
  }

  /** {@link #onlyOne} where it was added after definitions were stored (a Map's numbers): new definitions only. */
  void onlyOneNew(ObjectNode o, String pointer, String a, String b) {
    if (strict) onlyOne(o, pointer, a, b);
  }

  /**
   * Whether some state ends the workflow: a Succeed or a Fail, or a state of a known type with
   * {@code "End": true}. A state without a known Type ends nothing, so AWS reports a workflow whose
   * only state lacks its Type, or that has no states, as having no terminal state too (recorded by
   * tiny-asl-machine: {@code The field 'Type' is required; Workflow has no terminal state}).
   */
  private static boolean terminal(ObjectNode states) {
    for (JsonNode s : states) {
      String type = s.path("Type").asText("");
      if (type.equals("Succeed") || type.equals("Fail")) return true;
      if (ENDING_TYPES.contains(type) && s.path("End").asBoolean(false)) return true;
    }
    return false;
  }

  /** The state types that end the workflow with {@code "End": true}. */
  private static final Set<String> ENDING_TYPES = Set.of("Pass", "Task", "Wait", "Parallel", "Map");

  Common common(String name, String type, ObjectNode o, String pointer, boolean jsonata, boolean terminal) {
    String next = null;
    boolean end = false;
    if (!terminal) {
      JsonNode n = o.get("Next");
      JsonNode e = o.get("End");
      // AWS's words for a group of which exactly one is needed (see exactlyOne), End counting when true
      if (n != null && e != null && e.asBoolean()) problems.schema(pointer, "There should only be one of the following fields: " + fieldList(List.of("Next", "End")));
      if (n != null) {
        if (!n.isTextual()) problems.schema(pointer + "/Next", "Value must be a string");
        else next = n.textValue();
      } else if (e != null) {
        if (!e.isBoolean() || !e.booleanValue()) problems.schema(pointer + "/End", "End must be true");
        end = true;
      } else {
        problems.schema(pointer, "This object should have only one of the following fields: " + fieldList(List.of("Next", "End")));
      }
    }
    PathExpr inputPath = null, outputPath = null;
    boolean inNull = false, outNull = false;
    if (o.has("InputPath")) {
      if (o.get("InputPath").isNull()) inNull = true;
      else inputPath = inputOrOutputPath(o.get("InputPath"), pointer + "/InputPath", "InputPath");
    }
    if (o.has("OutputPath")) {
      if (o.get("OutputPath").isNull()) outNull = true;
      else outputPath = inputOrOutputPath(o.get("OutputPath"), pointer + "/OutputPath", "OutputPath");
    }
    Expr output = jsonata && o.has("Output") ? template(o.get("Output"), pointer + "/Output", true) : null;
    return new Common(name, type, jsonata, next, end, inputPath, inNull, outputPath, outNull, assign(o, pointer, jsonata), output);
  }
}
