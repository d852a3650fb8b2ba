package io.stepwise.asl.payload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.asl.StatesError;
import io.stepwise.asl.intrinsic.IntrinsicExpr;
import io.stepwise.asl.intrinsic.IntrinsicParser;
import io.stepwise.asl.path.Json;
import io.stepwise.asl.path.PathExpr;
import io.stepwise.asl.path.Scope;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A JSONPath-mode payload template (Parameters, ResultSelector, ItemSelector, Assign): keys ending
 * in {@code .$} take their value from a path or an intrinsic function; subtrees without such keys
 * are compiled to constants and shared.
 */
public final class PayloadTemplate {
  private PayloadTemplate() {}

  /** Compiles {@code template}; {@code problems} receives (pointer suffix, message) for bad paths. */
  public static Expr compile(JsonNode template, String pointer, List<String[]> problems) {
    return compile(template, pointer, problems, true);
  }

  /** As {@link #compile(JsonNode, String, List)}; {@code strict} false for a stored definition (see {@link IntrinsicParser#parse(String, boolean)}). */
  public static Expr compile(JsonNode template, String pointer, List<String[]> problems, boolean strict) {
    if (!hasDynamic(template)) return Expr.constant(template);
    if (template instanceof ObjectNode o) {
      List<Entry> entries = new ArrayList<>(o.size());
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String key = e.getKey();
        String p = pointer + "/" + key.replace("~", "~0").replace("/", "~1");
        if (key.endsWith(".$")) {
          String name = key.substring(0, key.length() - 2);
          if (!e.getValue().isTextual()) {
            problems.add(new String[] {p, "The value for the field '" + key + "' must be a STRING that contains a JSONPath but was " + Json.typeName(e.getValue()).toUpperCase()});
            continue;
          }
          Expr v = compileDynamic(e.getValue().textValue(), key, p, problems, strict);
          if (v != null) entries.add(new Entry(name, v));
        } else {
          entries.add(new Entry(key, compile(e.getValue(), p, problems, strict)));
        }
      }
      return new Obj(entries.toArray(new Entry[0]));
    }
    ArrayNode a = (ArrayNode) template;
    Expr[] items = new Expr[a.size()];
    for (int i = 0; i < items.length; i++) items[i] = compile(a.get(i), pointer + "/" + i, problems, strict);
    return new Arr(items);
  }

  /**
   * What is wrong with {@code value} read as a template, each in AWS's words: a task's effective
   * parameters are read again so when it runs, and a {@code .$} key they still hold (data that
   * carried one, or a template that wrote {@code "x.$.$"}) must hold a path or an intrinsic call
   * (AWS: {@code The value for the field 'taskToken.$' must be a valid JSONPath or a valid
   * intrinsic function call}, for a Lambda Payload that held a token there).
   */
  public static List<String> problems(JsonNode value) {
    List<String[]> found = new ArrayList<>();
    if (value != null && value.isContainerNode()) compile(value, "", found);
    List<String> out = new ArrayList<>(found.size());
    for (String[] f : found) {
      String key = f[0].substring(f[0].lastIndexOf('/') + 1).replace("~1", "/").replace("~0", "~");
      // a value that is no string keeps its own words; one that does not read as a path or a call, AWS's
      out.add(f[1].startsWith("The value for the field '" + key + "' must be a STRING") ? f[1]
          : "The value for the field '" + key + "' must be a valid JSONPath or a valid intrinsic function call");
    }
    return out;
  }

  /**
   * A {@code "x.$"} value: a path, a context path, a variable, or an intrinsic call. One that is
   * none of these, or does not parse as the one it starts like, is refused in AWS's words, which give
   * no reason: {@code The value for the field 'x.$' must be a valid JSONPath or a valid intrinsic
   * function call} (met for a plain word, cfn-lint#4085; for a backslash-n in a States.Format string,
   * aws-cdk#27304; for intrinsic calls AWS could not read, in several deployments users described).
   */
  public static Expr compileDynamic(String text, String field, String pointer, List<String[]> problems, boolean strict) {
    try {
      if (IntrinsicParser.looksLikeCall(text)) return new Intrinsic(IntrinsicParser.parse(text, strict), field);
      if (text.startsWith("$")) return new PathValue(PathExpr.compile(text), field);
    } catch (IllegalArgumentException e) {
      // falls through to AWS's words
    }
    problems.add(new String[] {pointer, "The value for the field '" + field + "' must be a valid JSONPath or a valid intrinsic function call"});
    return null;
  }

  static boolean hasDynamic(JsonNode n) {
    if (n instanceof ObjectNode o) {
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().endsWith(".$") || hasDynamic(e.getValue())) return true;
      }
    } else if (n instanceof ArrayNode a) {
      for (JsonNode e : a) if (hasDynamic(e)) return true;
    }
    return false;
  }

  record Entry(String key, Expr value) {}

  record Obj(Entry[] entries) implements Expr {
    public JsonNode eval(Scope scope) {
      ObjectNode o = Json.NODES.objectNode();
      for (Entry e : entries) o.set(e.key, e.value.eval(scope));
      return o;
    }
  }

  record Arr(Expr[] items) implements Expr {
    public JsonNode eval(Scope scope) {
      ArrayNode a = Json.NODES.arrayNode(items.length);
      for (Expr e : items) a.add(e.eval(scope));
      return a;
    }
  }

  /** A path read where a missing value is AWS's States.Runtime error naming the field. */
  public record PathValue(PathExpr path, String field) implements Expr {
    public JsonNode eval(Scope scope) {
      JsonNode v = path.read(scope);
      if (v == null) throw notFound(path.text(), field, scope);
      return v;
    }
  }

  static StatesError notFound(String path, String field, Scope scope) {
    return StatesError.runtime("The JSONPath '" + path + "' specified for the field '" + field
        + "' could not be found in the input '" + inputText(scope) + "'");
  }

  /** The state input as AWS quotes it in a path's failure: compact JSON, {@code null} for none. */
  private static String inputText(Scope scope) {
    JsonNode base = scope.input();
    return Json.write(base == null ? Json.NODES.nullNode() : base);
  }

  public record Intrinsic(IntrinsicExpr.Call call, String field) implements Expr {
    public JsonNode eval(Scope scope) {
      try {
        return call.eval(scope);
      } catch (IntrinsicExpr.PathNotFound e) {
        throw StatesError.runtime("The function '" + e.call() + "' had the following error: " + (e.refusal != null ? e.refusal
            : "The JsonPath argument for the field '" + e.path + "' could not be found in the input '" + inputText(scope) + "'"));
      }
    }
  }
}
