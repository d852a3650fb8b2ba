package io.stepwise.asl.parse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.asl.jsonata.Jsonata;
import io.stepwise.asl.model.Common;
import io.stepwise.asl.model.Machine;
import io.stepwise.asl.model.ResultPathSpec;
import io.stepwise.asl.model.State;
import io.stepwise.asl.path.Json;
import io.stepwise.asl.path.PathExpr;
import io.stepwise.asl.payload.Expr;
import io.stepwise.asl.payload.NumberPath;
import io.stepwise.asl.payload.PayloadTemplate;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Parses one state object by its Type. */
final class StateFields {
  private static final Set<String> BASE = Set.of("Type", "Comment", "QueryLanguage");
  private static final Set<String> JSONPATH_ONLY = Set.of(
      "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "ItemsPath", "SecondsPath",
      "TimestampPath", "ErrorPath", "CausePath", "TimeoutSecondsPath", "HeartbeatSecondsPath", "MaxConcurrencyPath",
      "ToleratedFailureCountPath", "ToleratedFailurePercentagePath", "Iterator", "Result");
  private static final Set<String> JSONATA_ONLY = Set.of("Arguments", "Output", "Items");
  static final Pattern RFC3339 = Pattern.compile(
      "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$");

  private final DefinitionParser p;
  private final String name;
  private final ObjectNode o;
  private final String ptr;
  private final boolean topJsonata;
  private boolean jsonata;

  StateFields(DefinitionParser p, String name, ObjectNode o, String ptr, boolean topJsonata) {
    this.p = p;
    this.name = name;
    this.o = o;
    this.ptr = ptr;
    this.topJsonata = topJsonata;
    this.jsonata = topJsonata;
  }

  State parse() {
    // exactly "JSONPath" is JSONPath; any other value is JSONata (and, if not "JSONata", also a diagnostic)
    JsonNode ql = o.get("QueryLanguage");
    boolean downgrade = false;
    // a value outside the enum is reported after the fields the language it resolves to refuses
    // (floci-io/floci#2968, measured)
    String outsideEnum = null;
    if (ql != null) {
      if (!ql.isTextual()) outsideEnum = "Expected value of type [STRING]";
      else if (!ql.textValue().equals("JSONPath") && !ql.textValue().equals("JSONata")) {
        outsideEnum = "Value should be one of the following: [JSONPath, JSONata]";
      }
      jsonata = !(ql.isTextual() && ql.textValue().equals("JSONPath"));
      if (!jsonata && topJsonata) {
        p.problems.schema(ptr, "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine");
        downgrade = true;
      }
    }
    JsonNode type = o.get("Type");
    if (type == null) {
      if (outsideEnum != null) p.problems.schema(ptr + "/QueryLanguage", outsideEnum);
      p.problems.schema(ptr, "The field 'Type' is required");
      return null;
    }
    for (String f : downgrade ? List.<String>of() : (Iterable<String>) o::fieldNames) {
      if (jsonata && JSONPATH_ONLY.contains(f)) {
        p.problems.schema(ptr, "The QueryLanguage is set to 'JSONata', but field '" + f + "' is only supported for the 'JSONPath' QueryLanguage");
      }
      if (!jsonata && JSONATA_ONLY.contains(f)) {
        p.problems.schema(ptr, "The QueryLanguage is set to 'JSONPath', but field '" + f + "' is only supported for the 'JSONata' QueryLanguage");
      }
    }
    if (outsideEnum != null) p.problems.schema(ptr + "/QueryLanguage", outsideEnum);
    String outerType = p.stateType, outerPointer = p.statePointer;
    p.stateType = type.asText();
    p.statePointer = ptr;
    try {
      return byType(type.asText());
    } finally {
      p.stateType = outerType;
      p.statePointer = outerPointer;
    }
  }

  private State byType(String type) {
    return switch (type) {
      case "Pass" -> pass();
      case "Succeed" -> {
        fields("InputPath", "OutputPath", "Output");
        yield new State.Succeed(p.common(name, "Succeed", o, ptr, jsonata, true));
      }
      case "Fail" -> fail();
      case "Choice" -> choice();
      case "Wait" -> waitState();
      case "Task" -> task();
      case "Parallel" -> parallel();
      case "Map" -> map();
      default -> {
        p.problems.schema(ptr + "/Type", "The field 'Type' should have one of these values: [Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map]");
        yield null;
      }
    };
  }

  private void fields(String... allowed) {
    Set<String> all = new HashSet<>(BASE);
    all.addAll(List.of(allowed));
    p.checkFields(o, ptr, all);
  }

  private State pass() {
    fields("Next", "End", "InputPath", "OutputPath", "Parameters", "Result", "ResultPath", "Assign", "Output");
    Common c = p.common(name, "Pass", o, ptr, jsonata, false);
    Expr params = o.has("Parameters") ? p.template(o.get("Parameters"), ptr + "/Parameters", false) : null;
    return new State.Pass(c, params, o.get("Result"), jsonata ? ResultPathSpec.DEFAULT : p.resultPath(o, ptr));
  }

  private State fail() {
    fields("Error", "ErrorPath", "Cause", "CausePath");
    Common c = p.common(name, "Fail", o, ptr, jsonata, true);
    return new State.Fail(c, stringOrPath("Error", "ErrorPath"), stringOrPath("Cause", "CausePath"));
  }

  private Expr stringOrPath(String field, String pathField) {
    p.onlyOne(o, ptr, field, pathField);
    if (o.has(field)) {
      JsonNode v = o.get(field);
      if (jsonata && v.isTextual() && Jsonata.isExpression(v.textValue())) return p.template(v, ptr + "/" + field, true);
      if (!v.isTextual()) p.problems.schema(ptr + "/" + field, "The value for the field '" + field + "' must be a STRING");
      return Expr.constant(v);
    }
    if (o.has(pathField)) {
      JsonNode v = o.get(pathField);
      if (!v.isTextual()) {
        p.problems.schema(ptr + "/" + pathField, "The value for the field '" + pathField + "' must be a STRING");
        return null;
      }
      Expr e = PayloadTemplate.compileDynamic(v.textValue(), pathField, ptr + "/" + pathField, p.raw, p.strict);
      p.problems.addAll(p.raw);
      return e;
    }
    return null;
  }

  private State choice() {
    fields("InputPath", "OutputPath", "Choices", "Default", "Assign", "Output");
    Common c = p.common(name, "Choice", o, ptr, jsonata, true);
    if (o.has("Next") || o.has("End")) p.problems.schema(ptr, "Choice states do not support 'Next' or 'End'");
    JsonNode choices = o.get("Choices");
    if (choices != null && choices.isArray() && choices.isEmpty()) {
      p.problems.schema(ptr + "/Choices", "Value cannot be empty");
      return null;
    }
    if (choices == null || !choices.isArray()) {
      p.problems.schema(ptr, "These fields are required: [Choices]");
      return null;
    }
    ChoiceParser cp = new ChoiceParser(p, jsonata);
    List<io.stepwise.asl.model.ChoiceRule.Branch> branches = new ArrayList<>();
    for (int i = 0; i < choices.size(); i++) {
      var b = cp.branch(choices.get(i), Pointer.child(ptr + "/Choices", i));
      if (b != null) branches.add(b);
    }
    JsonNode d = o.get("Default");
    if (d != null && !d.isTextual()) p.problems.schema(ptr + "/Default", "Value must be a string");
    return new State.Choice(c, List.copyOf(branches), d == null ? null : d.asText());
  }

  private State waitState() {
    fields("Next", "End", "InputPath", "OutputPath", "Seconds", "SecondsPath", "Timestamp", "TimestampPath", "Assign", "Output");
    Common c = p.common(name, "Wait", o, ptr, jsonata, false);
    if (!p.exactlyOne(o, ptr, List.of("Seconds", "SecondsPath", "Timestamp", "TimestampPath"))) return null;
    Long seconds = null;
    Instant ts = null;
    PathExpr sp = null, tp = null;
    Expr se = null, te = null;
    if (o.has("Seconds")) {
      JsonNode s = o.get("Seconds");
      if (jsonata && s.isTextual() && Jsonata.isExpression(s.textValue())) se = p.template(s, ptr + "/Seconds", true);
      else if (p.number(s, ptr + "/Seconds", true, 0L, 99_999_999L)) seconds = s.longValue();
    }
    if (o.has("Timestamp")) {
      JsonNode t = o.get("Timestamp");
      if (jsonata && t.isTextual() && Jsonata.isExpression(t.textValue())) te = p.template(t, ptr + "/Timestamp", true);
      else {
        ts = parseTimestamp(t.isTextual() ? t.textValue() : "");
        if (ts == null) p.problems.schema(ptr + "/Timestamp", "String does not match RFC3339 timestamp");
      }
    }
    if (o.has("SecondsPath")) sp = p.path(o.get("SecondsPath"), ptr + "/SecondsPath", "SecondsPath");
    if (o.has("TimestampPath")) tp = p.path(o.get("TimestampPath"), ptr + "/TimestampPath", "TimestampPath");
    return new State.Wait(c, seconds, ts, sp, tp, se, te);
  }

  /** RFC 3339 with a 'T' and a zone, as AWS's validator wants; null when invalid. */
  static Instant parseTimestamp(String s) {
    if (!RFC3339.matcher(s).matches()) return null;
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private State task() {
    fields("Next", "End", "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "Resource",
        "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath", "Retry", "Catch",
        "Credentials", "Assign", "Output", "Arguments");
    Common c = p.common(name, "Task", o, ptr, jsonata, false);
    JsonNode r = o.get("Resource");
    String resource = null;
    if (r == null || !r.isTextual()) p.problems.schema(ptr, "These fields are required: [Resource]");
    else {
      resource = r.textValue();
      if (!resource.startsWith("arn:") || resource.split(":", -1).length < 6) {
        p.problems.schema(ptr + "/Resource", "Value is not a valid resource ARN");
      }
      String refusal = resource.startsWith("arn:") ? p.tasks.refusal(resource) : null;
      if (refusal != null) p.problems.schema(ptr + "/Resource", refusal);
      if (p.express && resource.endsWith(".waitForTaskToken")) {
        p.problems.schema(ptr + "/Resource", "Express state machine does not support '.waitForTaskToken' service integration ");
      } else if (p.express && (resource.endsWith(".sync") || resource.contains(".sync:"))) {
        p.problems.schema(ptr + "/Resource", "Express state machine does not support '.sync' service integration");
      } else if (p.express && p.strict && State.Task.isActivity(resource)) {
        // the developer guide: Express workflows do not support activities (new definitions only, so a
        // stored one still loads)
        p.problems.schema(ptr + "/Resource", "Express state machine does not support Activity ARN");
      }
    }
    String pf = jsonata ? "Arguments" : "Parameters";
    Expr params = o.has(pf) ? p.template(o.get(pf), ptr + "/" + pf, jsonata) : null;
    if (p.strict && resource != null && o.has(pf)) {
      // names the action does not take, where they are written out, as AWS refuses them at creation
      for (String field : p.tasks.unknownFields(resource, o.get(pf), jsonata)) {
        p.problems.schema(ptr + "/" + pf, "The field \"" + field + "\" is not supported by Step Functions");
      }
    }
    Expr selector = o.has("ResultSelector") ? p.template(o.get("ResultSelector"), ptr + "/ResultSelector", false) : null;
    return new State.Task(c, resource, params, selector, jsonata ? ResultPathSpec.DEFAULT : p.resultPath(o, ptr),
        number("TimeoutSeconds", 1), number("HeartbeatSeconds", 1), p.retry(o, ptr), p.catchers(o, ptr, jsonata),
        credentials());
  }

  /**
   * A Task's Credentials: an object with one role, {@code RoleArn} (a string, or in JSONata a
   * {@code {% %}} expression) or, in JSONPath, {@code RoleArn.$} (a path or intrinsic function).
   */
  private Expr credentials() {
    JsonNode cr = o.get("Credentials");
    if (cr == null) return null;
    String cp = ptr + "/Credentials";
    if (!cr.isObject()) {
      p.problems.schema(cp, "The value for the field 'Credentials' must be an OBJECT");
      return null;
    }
    Set<String> allowed = jsonata ? Set.of("RoleArn") : Set.of("RoleArn", "RoleArn.$");
    cr.fieldNames().forEachRemaining(f -> {
      if (!allowed.contains(f)) p.problems.schema(cp, "Field '" + f + "' is not supported");
    });
    boolean plain = cr.has("RoleArn"), dynamic = !jsonata && cr.has("RoleArn.$");
    if (!plain && !dynamic) {
      p.problems.schema(cp, "These fields are required: [RoleArn]");
      return null;
    }
    if (plain && dynamic) {
      p.problems.schema(cp, "Only one of 'RoleArn' or 'RoleArn.$' can be specified");
      return null;
    }
    if (plain && !cr.get("RoleArn").isTextual()) {
      p.problems.schema(cp + "/RoleArn", "The value for the field 'RoleArn' must be a STRING");
      return null;
    }
    return p.template(cr, cp, jsonata);
  }

  /** An integer field that may also be given as a ...Path (JSONPath) or a {% %} expression (JSONata). */
  private Expr number(String field, int min) {
    JsonNode v = o.get(field);
    JsonNode path = o.get(field + "Path");
    p.onlyOne(o, ptr, field, field + "Path");
    if (v != null) {
      if (jsonata && v.isTextual() && Jsonata.isExpression(v.textValue())) return p.template(v, ptr + "/" + field, true);
      return p.number(v, ptr + "/" + field, true, (long) min, 99_999_999L) ? Expr.constant(v) : null;
    }
    if (path != null) {
      PathExpr pe = p.path(path, ptr + "/" + field + "Path", field + "Path");
      return pe == null ? null : new NumberPath(pe, field + "Path");
    }
    return null;
  }


  private State parallel() {
    fields("Next", "End", "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "Branches",
        "Retry", "Catch", "Assign", "Output", "Arguments");
    Common c = p.common(name, "Parallel", o, ptr, jsonata, false);
    JsonNode b = o.get("Branches");
    List<Machine> branches = new ArrayList<>();
    if (b == null || !b.isArray() || b.isEmpty()) p.problems.schema(ptr, "These fields are required: [Branches]");
    else {
      for (int i = 0; i < b.size(); i++) {
        if (!(b.get(i) instanceof ObjectNode bo)) {
          p.problems.schema(Pointer.child(ptr + "/Branches", i), "Value must be an object");
          continue;
        }
        Machine m = p.machine(bo, Pointer.child(ptr + "/Branches", i), childJsonata(bo), false);
        if (m != null) branches.add(m);
      }
    }
    String pf = jsonata ? "Arguments" : "Parameters";
    Expr params = o.has(pf) ? p.template(o.get(pf), ptr + "/" + pf, jsonata) : null;
    Expr selector = o.has("ResultSelector") ? p.template(o.get("ResultSelector"), ptr + "/ResultSelector", false) : null;
    return new State.Parallel(c, List.copyOf(branches), params, selector, jsonata ? ResultPathSpec.DEFAULT : p.resultPath(o, ptr),
        p.retry(o, ptr), p.catchers(o, ptr, jsonata));
  }

  /** States in branches and item processors take the machine's top-level language, not the Map's or Parallel's. */
  private boolean childJsonata(ObjectNode machine) {
    return p.topJsonata;
  }

  private State map() {
    fields("Next", "End", "InputPath", "OutputPath", "ItemsPath", "Items", "ItemSelector", "Parameters", "Iterator",
        "ItemProcessor", "MaxConcurrency", "MaxConcurrencyPath", "ResultSelector", "ResultPath", "Retry", "Catch",
        "ItemReader", "ResultWriter", "ItemBatcher", "ToleratedFailureCount", "ToleratedFailureCountPath",
        "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "Label", "Assign", "Output", "Arguments");
    Common c = p.common(name, "Map", o, ptr, jsonata, false);
    if (p.strict && o.has("Label")) label(o.get("Label"), ptr + "/Label");
    JsonNode proc = o.has("ItemProcessor") ? o.get("ItemProcessor") : o.get("Iterator");
    String procField = o.has("ItemProcessor") ? "ItemProcessor" : "Iterator";
    Machine processor = null;
    boolean distributed = false;
    if (!(proc instanceof ObjectNode po)) p.problems.schema(ptr, "These fields are required: [ItemProcessor]");
    else {
      JsonNode cfg = po.get("ProcessorConfig");
      if (p.strict && cfg instanceof ObjectNode co) processorConfig(co, ptr + "/" + procField + "/ProcessorConfig");
      distributed = cfg != null && "DISTRIBUTED".equals(cfg.path("Mode").asText());
      processor = p.machine(po, ptr + "/" + procField, childJsonata(po), false);
    }
    Expr items = null;
    String itemsSource = null;
    if (o.has("ItemsPath")) {
      PathExpr ip = p.path(o.get("ItemsPath"), ptr + "/ItemsPath", "ItemsPath");
      if (ip != null) {
        items = new PayloadTemplate.PathValue(ip, "ItemsPath");
        itemsSource = ip.text();
      }
    } else if (o.has("Items")) {
      items = p.template(o.get("Items"), ptr + "/Items", true);
      itemsSource = o.get("Items").isTextual() ? o.get("Items").textValue() : Json.write(o.get("Items"));
    }
    String sel = o.has("ItemSelector") ? "ItemSelector" : o.has("Parameters") ? "Parameters" : null;
    Expr selector = sel == null ? null : p.template(o.get(sel), ptr + "/" + sel, jsonata);
    Expr resultSelector = o.has("ResultSelector") ? p.template(o.get("ResultSelector"), ptr + "/ResultSelector", false) : null;
    Expr maxConcurrency = jsonata ? jsonataOrConstant("MaxConcurrency", true) : pathOrConstant("MaxConcurrency", true);
    return new State.Map(c, processor, items, itemsSource, selector, maxConcurrency, resultSelector,
        jsonata ? ResultPathSpec.DEFAULT : p.resultPath(o, ptr),
        jsonata ? jsonataOrConstant("ToleratedFailureCount", true) : pathOrConstant("ToleratedFailureCount", true),
        jsonata ? jsonataOrConstant("ToleratedFailurePercentage", false) : pathOrConstant("ToleratedFailurePercentage", false),
        distributed, p.retry(o, ptr), p.catchers(o, ptr, jsonata), batching(), o.has("ItemReader"), o.has("ResultWriter"),
        distributed ? distributedParts() : null);
  }

  /**
   * A Map's {@code Label}, as the developer guide defines it: "Labels can't exceed 40 characters in
   * length, must be unique within a state machine definition, and can't contain" white space,
   * wildcard, bracket, special or control characters (the characters a name may not hold,
   * {@link io.stepwise.asl.NameCharacters}). AWS's words for these refusals are not known: the
   * length's follow its words for a state name's. New definitions only.
   */
  private void label(JsonNode label, String lp) {
    if (!label.isTextual()) {
      p.problems.schema(lp, "Expected value of type [STRING]");
      return;
    }
    String l = label.textValue();
    if (l.codePointCount(0, l.length()) > 40) {
      p.problems.schema(lp, "Invalid Label: Label '" + l + "' exceeds the 40-character limit allowed by the service");
    }
    if (l.isEmpty() || l.codePoints().anyMatch(ch -> io.stepwise.asl.NameCharacters.refused(ch, true))) {
      p.problems.schema(lp, "Invalid Label: Label '" + l + "' is empty or contains white space, wildcard, bracket,"
          + " special or control characters");
    }
    if (!p.labels.add(l)) p.problems.schema(lp, "Duplicate Label: " + l);
  }

  /**
   * A Map's ProcessorConfig, as the developer guide defines it: {@code Mode} is {@code INLINE} or
   * {@code DISTRIBUTED}, {@code ExecutionType} {@code STANDARD} or {@code EXPRESS}, and "you must
   * provide [ExecutionType] if you specified DISTRIBUTED for the Mode"; in AWS's schema words. An
   * Express machine has no Distributed Map ("Distributed mode is supported in Standard workflows but
   * not supported in Express workflows"; AWS's words for it are not known: these follow its words
   * for an activity in an Express machine). New definitions only, so a stored one still loads.
   */
  private void processorConfig(ObjectNode cfg, String cp) {
    p.checkFields(cfg, cp, Set.of("Mode", "ExecutionType"));
    oneOf(cfg, cp, "Mode", "[INLINE, DISTRIBUTED]", Set.of("INLINE", "DISTRIBUTED"));
    oneOf(cfg, cp, "ExecutionType", "[STANDARD, EXPRESS]", Set.of("STANDARD", "EXPRESS"));
    boolean distributed = "DISTRIBUTED".equals(cfg.path("Mode").asText());
    if (distributed && !cfg.has("ExecutionType")) p.problems.schema(cp, "These fields are required: [ExecutionType]");
    if (distributed && p.express) p.problems.schema(cp + "/Mode", "Express state machine does not support Distributed Map");
  }

  private void oneOf(ObjectNode o, String ptr, String field, String listed, Set<String> values) {
    JsonNode v = o.get(field);
    if (v == null) return;
    if (!v.isTextual()) p.problems.schema(ptr + "/" + field, "Expected value of type [STRING]");
    else if (!values.contains(v.textValue())) p.problems.schema(ptr + "/" + field, "Value should be one of the following: " + listed);
  }

  /** The ItemReader's and ResultWriter's Parameters (JSONPath) or Arguments (JSONata), and ReaderConfig's MaxItems. */
  private State.DistributedParts distributedParts() {
    String args = jsonata ? "Arguments" : "Parameters";
    Expr reader = null;
    Expr maxItems = null;
    Expr writer = null;
    if (o.get("ItemReader") instanceof ObjectNode ir) {
      if (ir.has(args)) reader = p.template(ir.get(args), ptr + "/ItemReader/" + args, jsonata);
      if (ir.get("ReaderConfig") instanceof ObjectNode rc) {
        String rp = ptr + "/ItemReader/ReaderConfig";
        if (p.strict) readerConfig(rc, rp);
        p.onlyOneNew(rc, rp, "MaxItems", "MaxItemsPath");
        jsonPathOnly(rc, rp, "MaxItemsPath");
        JsonNode literal = rc.get("MaxItems");
        if (p.strict && literal != null && !(jsonata && literal.isTextual() && Jsonata.isExpression(literal.textValue()))) {
          p.number(literal, rp + "/MaxItems", true, 0L, 100_000_000L);
        }
        if (rc.has("MaxItemsPath") && !jsonata) {
          PathExpr pe = mapNumberPath(rc.get("MaxItemsPath"), rp + "/MaxItemsPath", "MaxItemsPath");
          if (pe != null) maxItems = new NumberPath(pe, "MaxItemsPath");
        } else if (rc.has("MaxItems")) {
          JsonNode v = rc.get("MaxItems");
          maxItems = jsonata && v.isTextual() && Jsonata.isExpression(v.textValue())
              ? p.template(v, rp + "/MaxItems", true) : Expr.constant(v);
        }
      }
    }
    if (o.get("ResultWriter") instanceof ObjectNode rw && rw.has(args)) {
      writer = p.template(rw.get(args), ptr + "/ResultWriter/" + args, jsonata);
    }
    return new State.DistributedParts(o.deepCopy(), reader, maxItems, writer);
  }

  /**
   * What a ReaderConfig's fields need of each other, in AWS's words (recorded by tiny-asl-machine):
   * CSV input needs its header's location ({@code The field 'CSVHeaderLocation' is required}), a
   * GIVEN header its names ({@code These fields are required: [CSVHeaders]}), and other input types
   * take neither ({@code Field 'CSVHeaderLocation' is not supported}); a JSON file is read without a
   * manifest ({@code Field 'ManifestType' is not supported}); a {@code LOAD_AND_FLATTEN}
   * transformation needs an InputType; an ItemsPointer is a JSON Pointer (Jackson's words:
   * {@code Invalid input: JSON Pointer expression must start with '/': "data/items"}). New
   * definitions only.
   */
  private void readerConfig(ObjectNode rc, String rp) {
    String input = rc.path("InputType").asText(null);
    if ("CSV".equals(input)) {
      if (!rc.has("CSVHeaderLocation")) p.problems.schema(rp, "The field 'CSVHeaderLocation' is required");
      else if ("GIVEN".equals(rc.path("CSVHeaderLocation").asText()) && !rc.has("CSVHeaders")) {
        p.problems.schema(rp, "These fields are required: [CSVHeaders]");
      }
    } else if (input != null) {
      for (String f : List.of("CSVHeaderLocation", "CSVHeaders")) {
        if (rc.has(f)) p.problems.schema(rp, "Field '" + f + "' is not supported");
      }
    }
    if ("JSON".equals(input) && rc.has("ManifestType")) p.problems.schema(rp, "Field 'ManifestType' is not supported");
    if (input == null && rc.has("Transformation") && "LOAD_AND_FLATTEN".equals(rc.path("Transformation").asText())) {
      p.problems.schema(rp, "The field 'InputType' is required");
    }
    JsonNode ip = rc.get("ItemsPointer");
    if (ip != null && ip.isTextual()) {
      try {
        com.fasterxml.jackson.core.JsonPointer.compile(ip.textValue());
      } catch (IllegalArgumentException e) {
        p.problems.schema(rp + "/ItemsPointer", e.getMessage());
      }
    }
  }

  private State.Batching batching() {
    if (!(o.get("ItemBatcher") instanceof ObjectNode b)) return null;
    String bp = ptr + "/ItemBatcher";
    p.checkFields(b, bp, Set.of("MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath", "BatchInput"));
    jsonPathOnly(b, bp, "MaxItemsPerBatchPath", "MaxInputBytesPerBatchPath");
    Expr maxItems = batchLimit(b, "MaxItemsPerBatch", bp);
    Expr maxBytes = batchLimit(b, "MaxInputBytesPerBatch", bp);
    if (Stream.of("MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath").noneMatch(b::has)) {
      p.problems.schema(bp, "At least one of 'MaxItemsPerBatch' or 'MaxInputBytesPerBatch' must be specified");
    }
    Expr input = b.has("BatchInput") ? p.template(b.get("BatchInput"), bp + "/BatchInput", jsonata) : null;
    return new State.Batching(maxItems, maxBytes, input);
  }

  /** A {@code ...Path} inside a Map's ItemBatcher or ReaderConfig is JSONPath's too: AWS refuses it in a JSONata state (floci#3733). */
  private void jsonPathOnly(ObjectNode holder, String pointer, String... fields) {
    for (String f : fields) {
      if (p.strict && jsonata && holder.has(f)) {
        p.problems.schema(pointer, "The QueryLanguage is set to 'JSONata', but field '" + f + "' is only supported for the 'JSONPath' QueryLanguage");
      }
    }
  }

  private Expr batchLimit(ObjectNode b, String field, String bp) {
    p.onlyOneNew(b, bp, field, field + "Path");
    if (b.has(field + "Path") && !jsonata) {
      PathExpr pe = mapNumberPath(b.get(field + "Path"), bp + "/" + field + "Path", field + "Path");
      return pe == null ? null : new NumberPath(pe, field + "Path");
    }
    if (!b.has(field)) return null;
    JsonNode v = b.get(field);
    if (jsonata && v.isTextual() && Jsonata.isExpression(v.textValue())) return p.template(v, bp + "/" + field, true);
    // every Map number's floor is 0 (floci#3733); a batch's bytes are at most 256 KiB
    p.number(v, bp + "/" + field, true, 0L, p.strict && field.equals("MaxInputBytesPerBatch") ? 262_144L : null);
    return Expr.constant(v);
  }

  /**
   * A Map number's {@code ...Path} reads the state's input: the context object is refused there
   * ({@code Value is not a Reference Path}; of a Map's paths only ItemsPath takes {@code $$} —
   * floci#3733, measured).
   */
  private PathExpr mapNumberPath(JsonNode n, String pointer, String field) {
    if (p.strict && n.isTextual() && n.textValue().startsWith("$$")) {
      p.problems.schema(pointer, "Value is not a Reference Path");
      return null;
    }
    return p.path(n, pointer, field);
  }

  private Expr pathOrConstant(String field, boolean integer) {
    p.onlyOneNew(o, ptr, field, field + "Path");
    if (o.has(field + "Path")) {
      PathExpr pe = mapNumberPath(o.get(field + "Path"), ptr + "/" + field + "Path", field + "Path");
      return pe == null ? null : new NumberPath(pe, field + "Path");
    }
    return jsonataOrConstant(field, integer);
  }

  /** A Map's count or percentage: a non-negative integer, or a percentage from 0 to 100; or an expression. */
  private Expr jsonataOrConstant(String field, boolean integer) {
    if (!o.has(field)) return null;
    JsonNode v = o.get(field);
    if (jsonata && v.isTextual() && Jsonata.isExpression(v.textValue())) return p.template(v, ptr + "/" + field, true);
    if (integer) p.number(v, ptr + "/" + field, true, 0L, null);
    else p.number(v, ptr + "/" + field, false, 0.0, 100.0);
    return Expr.constant(v);
  }
}
