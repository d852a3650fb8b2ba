package io.stepwise.asl.path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A compiled JSONPath in AWS's dialect (Jayway's semantics): {@code $}, {@code .field},
 * {@code ['x']}, {@code [n]}, {@code [*]}, {@code ..}, unions, slices and filters
 * {@code [?(@.x > 1)]}. A definite path (fields and indexes only) yields one value or none;
 * an indefinite one yields a JSON array of every match, possibly empty.
 */
public final class JsonPath {
  private final String text;
  private final Segment[] segments;
  private final boolean definite;
  /** A definite path whose last step names several properties ({@code $.x['a','b']}). */
  private final boolean multiLeaf;
  private final String function;

  JsonPath(String text, List<Segment> segments, String function) {
    this.text = text;
    this.segments = segments.toArray(new Segment[0]);
    this.function = function;
    boolean d = true;
    for (Segment s : segments) d &= s instanceof Segment.Field || s instanceof Segment.Index;
    this.definite = d;
    // Jayway merges several names at the end into one object: $['a','b'] is definite too; names
    // anywhere else are refused when the path reaches them (see walk)
    int last = segments.size() - 1;
    boolean namesLeaf = last >= 0 && segments.get(last) instanceof Segment.Fields;
    for (int i = 0; i < last && namesLeaf; i++) namesLeaf = segments.get(i) instanceof Segment.Field || segments.get(i) instanceof Segment.Index;
    this.multiLeaf = namesLeaf;
  }

  /** Parses a path starting at {@code $} (or {@code @} inside filters). */
  public static JsonPath compile(String text) {
    // Jayway trims the path: "$$.Execution.Name " reads Name (a public machine deployed on AWS)
    return new PathParser(text.stripTrailing(), 0).parseRooted();
  }

  public String text() {
    return text;
  }

  /** Definite paths, several names at the end, and any path ending in a function, yield one value. */
  public boolean isDefinite() {
    return definite || multiLeaf || function != null;
  }

  /** Without a trailing function: what a ResultPath may be. */
  public boolean isReference() {
    if (!definite || function != null) return false;
    // a script index ([(@.length-1)]) is no reference path: '@' is not supported there
    for (Segment s : segments) if (s instanceof Segment.Index x && x.fromEnd()) return false;
    return true;
  }

  public boolean isRoot() {
    return segments.length == 0;
  }

  Segment[] segments() {
    return segments;
  }

  /**
   * The value at this path, or {@code null} when a definite path matches nothing. Indefinite
   * paths always answer an array (empty when nothing matched). A path ending in a function
   * ({@code $.items.length()}) is accepted when a definition is created but reads nothing when it
   * runs: AWS does not evaluate JSONPath functions ("could not be found in the input").
   */
  public JsonNode read(JsonNode root) {
    if (function != null) return null;
    if (multiLeaf) {
      JsonNode at = follow(root, segments.length - 1);
      if (!(at instanceof ObjectNode)) return null;
      List<JsonNode> out = new ArrayList<>(1);
      segments[segments.length - 1].apply(at, root, out);
      return out.get(0);
    }
    return select(root);
  }

  /** The node the first {@code n} (field and index) segments lead to, or null. */
  private JsonNode follow(JsonNode root, int n) {
    JsonNode cur = root;
    for (int i = 0; i < n && cur != null; i++) {
      if (segments[i] instanceof Segment.Field f) cur = cur instanceof ObjectNode ? cur.get(f.name()) : null;
      else cur = cur instanceof ArrayNode a ? ((Segment.Index) segments[i]).at(a) : null;
    }
    return cur;
  }

  /**
   * The value an intrinsic function's path argument reads, or null when it reads nothing. AWS
   * reads these as Jayway does over plain JSON rather than Jackson's nodes (measured,
   * floci-io/floci's intrinsic tests): an index past either end of an array reads nothing (a
   * payload field's reads null), and an index applied to a value that is no array is refused in
   * Jayway's words ({@link NotAnArray}). Other paths read as {@link #read} reads them.
   */
  public JsonNode readArgument(JsonNode root) {
    if (function != null || !definite) return read(root);
    JsonNode n = root;
    for (int i = 0; i < segments.length; i++) {
      Segment s = segments[i];
      if (s instanceof Segment.Field f) {
        if (!(n instanceof ObjectNode)) return null;
        n = n.get(f.name());
      } else {
        Segment.Index x = (Segment.Index) s;
        if (!(n instanceof ArrayNode a)) {
          if (n.isNull()) return null;
          throw new NotAnArray("Filter: " + fragmentFrom(i) + " can only be applied to arrays. Current context is: " + Json.javaText(n));
        }
        // over plain JSON a position before the start is out of bounds, as one past the end
        int at = x.position(a);
        n = at < 0 ? null : a.get(at);
      }
      if (n == null) return null;
    }
    return n;
  }

  /** Jayway's refusal of an index applied to a value that is no array, in its words. */
  public static final class NotAnArray extends RuntimeException {
    NotAnArray(String message) {
      super(message, null, false, false);
    }
  }

  private JsonNode select(JsonNode root) {
    if (definite) return follow(root, segments.length);
    List<JsonNode> values = new ArrayList<>();
    if (walk(root, 0, null, root, values, false) != null) return null;
    ArrayNode out = Json.NODES.arrayNode(values.size());
    out.addAll(values);
    return out;
  }

  /**
   * Jayway 2.0.0, AWS's reader, reads an indefinite path leniently only past a wildcard over an
   * array or a deep scan: before one, also past index lists, slices, filters and wildcards over
   * objects, a name that meets no object or a last name that is not there fails the whole path
   * ({@code $.arr[?(@.a)].b} when a matched element has no b: {@code No results for path:
   * $['arr'][1]['b']}), as do an index, list or slice on what is no array and a filter on a
   * primitive; it walks depth first, so the first failure is the first node's (checked against
   * Jayway 2.0.0). Each node is followed with its path when {@code paths}; without, a failure is
   * only marked (""). Returns the failure, or null with the values in {@code out}.
   */
  private String walk(JsonNode n, int i, String w, JsonNode root, List<JsonNode> out, boolean paths) {
    if (i == segments.length) {
      out.add(n);
      return null;
    }
    Segment s = segments[i];
    boolean leaf = i == segments.length - 1;
    if (s instanceof Segment.Scan || s instanceof Segment.Wildcard && !(n instanceof ObjectNode)) {
      // lenient from here on
      List<JsonNode> current = new ArrayList<>(List.of(n));
      for (int k = i; k < segments.length; k++) {
        List<JsonNode> next = new ArrayList<>();
        for (JsonNode c : current) segments[k].apply(c, root, next);
        current = next;
      }
      out.addAll(current);
      return null;
    }
    if (s instanceof Segment.Wildcard) {
      // over an object: its properties, read strictly
      for (java.util.Iterator<java.util.Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        java.util.Map.Entry<String, JsonNode> e = it.next();
        String failure = walk(e.getValue(), i + 1, paths ? w + "['" + e.getKey() + "']" : null, root, out, paths);
        if (failure != null) return failure;
      }
      return null;
    }
    if (s instanceof Segment.Field f) {
      if (!(n instanceof ObjectNode)) return paths ? "Property ['" + f.name() + "'] not found in path " + w : "";
      JsonNode v = n.get(f.name());
      String at = paths ? w + "['" + f.name() + "']" : null;
      // one missing at the end fails the path; one on the way reads nothing
      if (v == null) return leaf ? (paths ? "No results for path: " + at : "") : null;
      return walk(v, i + 1, at, root, out, paths);
    }
    if (s instanceof Segment.Filter && !n.isContainerNode()) {
      return paths ? "Filter: " + fragmentFrom(i) + " can not be applied to primitives. Current context is: " + context(n) : "";
    }
    if (s instanceof Segment.Index || s instanceof Segment.Indexes || s instanceof Segment.Slice) {
      if (n.isNull()) return paths ? "The path " + w + " is null" : "";
      if (!(n instanceof ArrayNode)) {
        return paths ? "Filter: " + fragmentFrom(i) + " can only be applied to arrays. Current context is: " + context(n) : "";
      }
    }
    if (s instanceof Segment.Fields names && !leaf) {
      if (!paths) return "";
      StringBuilder b = new StringBuilder();
      names.normalize(b);
      if (!(n instanceof ObjectNode)) return "Property " + b + " not found in path " + w;
      return "Multi properties can only be used as path leafs: " + w + b;
    }
    if (n instanceof ArrayNode a && s instanceof Segment.Index x) {
      return walk(x.at(a), i + 1, paths ? w + "[" + x.position(a) + "]" : null, root, out, paths);
    }
    if (n instanceof ArrayNode a && s instanceof Segment.Indexes list) {
      for (int index : list.indexes()) {
        String failure = walk(new Segment.Index(index).at(a), i + 1, paths ? w + "[" + index + "]" : null, root, out, paths);
        if (failure != null) return failure;
      }
      return null;
    }
    if (n instanceof ArrayNode a && (s instanceof Segment.Slice || s instanceof Segment.Filter)) {
      for (int pos : positions(s, a, root)) {
        String failure = walk(a.get(pos), i + 1, paths ? w + "[" + pos + "]" : null, root, out, paths);
        if (failure != null) return failure;
      }
      return null;
    }
    // a filter on an object (itself, or nothing), several names at the end
    List<JsonNode> taken = new ArrayList<>();
    s.apply(n, root, taken);
    for (JsonNode e : taken) {
      String failure = walk(e, i + 1, w, root, out, paths);
      if (failure != null) return failure;
    }
    return null;
  }

  private static String context(JsonNode n) {
    return n.isTextual() ? n.textValue() : n.toString();
  }

  /** The positions a slice or a filter takes from {@code a}, in order. */
  private static List<Integer> positions(Segment s, ArrayNode a, JsonNode root) {
    List<Integer> out = new ArrayList<>();
    if (s instanceof Segment.Filter f) {
      for (int i = 0; i < a.size(); i++) if (f.expr().test(a.get(i), root)) out.add(i);
    } else {
      Segment.Slice c = (Segment.Slice) s;
      int n = a.size();
      int from = c.from() == null ? 0 : c.from() < 0 ? Math.max(0, n + c.from()) : Math.min(c.from(), n);
      int to = c.to() == null ? n : c.to() < 0 ? Math.max(0, n + c.to()) : Math.min(c.to(), n);
      for (int i = from; i < to; i += Math.max(1, c.step())) out.add(i);
    }
    return out;
  }

  /** Segments {@code i} on as Jayway writes them in its "Filter:" words: a filter is {@code [?]}. */
  private String fragmentFrom(int i) {
    StringBuilder b = new StringBuilder();
    for (int k = i; k < segments.length; k++) {
      if (segments[k] instanceof Segment.Filter) b.append("[?]");
      else segments[k].normalize(b);
    }
    if (function != null) b.append("['").append(function).append("()']");
    return b.toString();
  }

  /** Jayway's normalised form, {@code $['a'][0]}, used in AWS's "No results for path" texts. */
  public String normalized() {
    StringBuilder b = new StringBuilder("$");
    for (Segment s : segments) s.normalize(b);
    if (function != null) b.append("['").append(function).append("()']");
    return b.toString();
  }

  /**
   * Jayway's words for why this path read nothing from {@code root}: a property missing on the
   * way is {@code Missing property in path $['x']}; one missing at the end (or anything else),
   * {@code No results for path: $['x']['y']}.
   */
  public String missingReason(JsonNode root) {
    if (!definite && !multiLeaf && function == null) {
      String failure = walk(root, 0, "$", root, new ArrayList<>(), true);
      return failure != null ? failure : "No results for path: " + normalized();
    }
    // AWS reads paths with Jayway 2.0.0 (its words: a name list is written "['a', 'b']", functions
    // are names, "Multi properties can only be used as path leafs"); these are its reasons over
    // Jackson's nodes, step by step
    List<Segment> steps = new ArrayList<>(List.of(segments));
    if (function != null) steps.add(new Segment.Field(function + "()"));
    JsonNode cur = root;
    StringBuilder walked = new StringBuilder("$");
    for (int i = 0; i < steps.size(); i++) {
      Segment s = steps.get(i);
      boolean leaf = i == steps.size() - 1;
      if (s instanceof Segment.Field f) {
        if (!(cur instanceof ObjectNode)) return "Property ['" + f.name() + "'] not found in path " + walked;
        f.normalize(walked);
        cur = cur.get(f.name());
        if (cur == null) return (leaf ? "No results for path: " : "Missing property in path ") + walked;
      } else if (s instanceof Segment.Index x) {
        if (cur == null || cur.isNull()) return "The path " + walked + " is null";
        if (!(cur instanceof ArrayNode a)) {
          return "Filter: " + fragmentFrom(i) + " can only be applied to arrays. Current context is: " + context(cur);
        }
        walked.append('[').append(x.position(a)).append(']');
        cur = x.at(a);
      } else if (s instanceof Segment.Fields names) {
        if (!(cur instanceof ObjectNode)) {
          StringBuilder fragment = new StringBuilder();
          names.normalize(fragment);
          return "Property " + fragment + " not found in path " + walked;
        }
        if (!leaf) {
          names.normalize(walked);
          return "Multi properties can only be used as path leafs: " + walked;
        }
        break;
      } else {
        break;
      }
    }
    return "No results for path: " + normalized();
  }

  @Override
  public String toString() {
    return text;
  }

  sealed interface Segment {
    void apply(JsonNode node, JsonNode root, List<JsonNode> out);

    void normalize(StringBuilder b);

    record Field(String name) implements Segment {
      public void apply(JsonNode node, JsonNode root, List<JsonNode> out) {
        if (node instanceof ObjectNode) {
          JsonNode v = node.get(name);
          if (v != null) out.add(v);
        }
      }

      public void normalize(StringBuilder b) {
        b.append("['").append(name).append("']");
      }
    }

    /** A union of several names: Jayway answers an object holding the ones present. */
    record Fields(List<String> names) implements Segment {
      public void apply(JsonNode node, JsonNode root, List<JsonNode> out) {
        if (!(node instanceof ObjectNode o)) return;
        ObjectNode r = Json.NODES.objectNode();
        for (String n : names) {
          JsonNode v = o.get(n);
          if (v != null) r.set(n, v);
        }
        out.add(r);
      }

      public void normalize(StringBuilder b) {
        b.append('[');
        for (int i = 0; i < names.size(); i++) b.append(i > 0 ? ", " : "").append('\'').append(names.get(i)).append('\'');
        b.append(']');
      }
    }

    /**
     * An index reads the element it names, as Jayway 2.0.0 (AWS's reader) does on Jackson's nodes:
     * the array is asked for the position as written, so a negative one, or one past the end,
     * reads null, not "no result" (AWS: {@code $.array[-1].name} "could not be found", zenn.dev
     * 2024-02-09; floci-io/floci#3167). {@code fromEnd}: Jayway's script index {@code
     * [(@.length-n)]}, the n-th position from the end, which AWS reads (the same article).
     */
    record Index(int index, boolean fromEnd) implements Segment {
      Index(int index) {
        this(index, false);
      }

      public void apply(JsonNode node, JsonNode root, List<JsonNode> out) {
        if (node instanceof ArrayNode a) out.add(at(a));
      }

      /** The position this index names in {@code a}; may lie outside it. */
      int position(ArrayNode a) {
        return fromEnd ? a.size() - index : index;
      }

      JsonNode at(ArrayNode a) {
        int p = position(a);
        JsonNode v = p < 0 ? null : a.get(p);
        return v == null ? Json.NODES.nullNode() : v;
      }

      public void normalize(StringBuilder b) {
        if (fromEnd) b.append("[@.size()-").append(index).append(']');
        else b.append('[').append(index).append(']');
      }
    }

    record Indexes(int[] indexes) implements Segment {
      public void apply(JsonNode node, JsonNode root, List<JsonNode> out) {
        for (int i : indexes) new Index(i).apply(node, root, out);
      }

      public void normalize(StringBuilder b) {
        b.append('[');
        for (int i = 0; i < indexes.length; i++) b.append(i > 0 ? "," : "").append(indexes[i]);
        b.append(']');
      }
    }

    record Slice(Integer from, Integer to, int step) implements Segment {
      public void apply(JsonNode node, JsonNode root, List<JsonNode> out) {
        if (!(node instanceof ArrayNode a)) return;
        int n = a.size();
        int f = from == null ? 0 : from < 0 ? Math.max(0, n + from) : Math.min(from, n);
        int t = to == null ? n : to < 0 ? Math.max(0, n + to) : Math.min(to, n);
        for (int i = f; i < t; i += Math.max(1, step)) out.add(a.get(i));
      }

      public void normalize(StringBuilder b) {
        b.append('[').append(from == null ? "" : from).append(':').append(to == null ? "" : to).append(']');
      }
    }

    record Wildcard() implements Segment {
      public void apply(JsonNode node, JsonNode root, List<JsonNode> out) {
        if (node.isContainerNode()) node.elements().forEachRemaining(out::add);
      }

      public void normalize(StringBuilder b) {
        b.append("[*]");
      }
    }

    /**
     * {@code ..x}: the inner segment applied to the node and every descendant. A filter there is
     * tested on each object once, in document order, as Jayway 2.0.0 does ({@code $..[?(@.id)]}
     * is each object with an id, once; scalars are not tested).
     */
    record Scan(Segment inner) implements Segment {
      public void apply(JsonNode node, JsonNode root, List<JsonNode> out) {
        if (inner instanceof Filter f) {
          if (node instanceof ObjectNode o && f.expr().test(o, root)) out.add(o);
        } else {
          inner.apply(node, root, out);
        }
        if (node.isContainerNode()) {
          for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
            JsonNode c = it.next();
            if (c.isContainerNode()) apply(c, root, out);
          }
        }
      }

      public void normalize(StringBuilder b) {
        b.append("..");
        inner.normalize(b);
      }
    }

    record Filter(FilterExpr expr, String source) implements Segment {
      public void apply(JsonNode node, JsonNode root, List<JsonNode> out) {
        if (node instanceof ArrayNode a) {
          for (JsonNode e : a) if (expr.test(e, root)) out.add(e);
        } else if (node instanceof ObjectNode o) {
          // Jayway applies a filter on an object to the object itself
          if (expr.test(o, root)) out.add(o);
        }
      }

      public void normalize(StringBuilder b) {
        b.append("[?(").append(source).append(")]");
      }
    }
  }
}
