package io.stepwise.asl.interpreter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.asl.StatesError;
import io.stepwise.asl.model.Catcher;
import io.stepwise.asl.model.Machine;
import io.stepwise.asl.model.State;
import io.stepwise.asl.path.Json;
import io.stepwise.asl.payload.Expr;
import io.stepwise.asl.payload.NumberPath;
import java.util.ArrayList;
import java.util.List;

/**
 * Parallel branches and Map iterations: child frames, each with its own position, run until
 * they wait or end; the parent completes when all have ended or fails when one fails (beyond the
 * Map's tolerated failures). Branches run in order, so the history interleaves deterministically.
 */
final class Branches {
  private final Driver d;
  private final Run run;

  Branches(Driver d) {
    this.d = d;
    this.run = d.run;
  }

  void startParallel(Frame f, State.Parallel p) {
    JsonNode branchInput;
    if (p.common().jsonata()) {
      branchInput = p.parameters() != null ? orNull(p.parameters().eval(d.scope(f, f.input))) : f.input;
    } else {
      JsonNode eff = d.effectiveInput(f, p.common());
      branchInput = p.parameters() != null ? p.parameters().eval(d.scope(f, eff)) : eff;
    }
    run.emit(f, "ParallelStateStarted", null, null);
    f.children = new ArrayList<>(p.branches().size());
    for (int i = 0; i < p.branches().size(); i++) {
      Frame c = child(f, p.branches().get(i), i);
      f.children.add(c);
      d.enter(c, c.machine.startAt(), branchInput);
    }
    f.waiting = Frame.Waiting.CHILDREN;
  }

  private Frame child(Frame f, Machine m, int index) {
    Frame c = new Frame();
    c.machine = m;
    c.parent = f;
    c.index = index;
    c.silent = f.silent;
    c.lastEventId = f.lastEventId;
    return c;
  }

  private static JsonNode orNull(JsonNode n) {
    return n == null ? Json.NODES.nullNode() : n;
  }

  /**
   * The event that records a branch's or inline iteration's failure, or null for a States.Runtime
   * error no catcher of the state names: that error fails the execution at once, with no
   * ParallelStateFailed, MapIterationFailed or MapStateFailed on the way (floci#2868, measured on
   * AWS: ... PassStateEntered, ExecutionFailed).
   */
  private static String failedEvent(String event, String error, List<Catcher> catchers) {
    if (!"States.Runtime".equals(error)) return event;
    return catchers.stream().anyMatch(c -> RetryPolicy.matches(c.errorEquals(), error)) ? event : null;
  }

  /** Drives the children of {@code f}; true when the Parallel/Map state has finished waiting for them. */
  boolean advance(Frame f) {
    State s = f.machine.state(f.state);
    return s instanceof State.Parallel p ? advanceParallel(f, p) : advanceMap(f, (State.Map) s);
  }

  private boolean advanceParallel(Frame f, State.Parallel p) {
    boolean all = true;
    for (Frame c : f.children) {
      if (!c.done()) d.drive(c);
      if (c.status == Frame.Status.FAILED) {
        abortRunning(f, null);
        f.lastEventId = Math.max(f.lastEventId, c.lastEventId);
        d.handleError(f, p, c.error, c.cause, failedEvent("ParallelStateFailed", c.error, p.catchers()));
        return true;
      }
      all &= c.done();
    }
    if (!all) return false;
    ArrayNode results = Json.NODES.arrayNode(f.children.size());
    for (Frame c : f.children) {
      results.add(c.output);
      f.lastEventId = Math.max(f.lastEventId, c.lastEventId);
    }
    // As a Map state does: every branch done, the state succeeded, then it is exited
    run.emit(f, "ParallelStateSucceeded", null, null);
    finish(f, p, results, p.resultSelector(), p.resultPath(), p.common().next());
    return true;
  }

  void finish(Frame f, State s, JsonNode results, Expr resultSelector, io.stepwise.asl.model.ResultPathSpec rp, String next) {
    try {
      JsonNode result = results;
      if (!s.common().jsonata() && resultSelector != null) result = resultSelector.eval(d.scope(f, results));
      JsonNode eff = s.common().jsonata() ? f.input : d.effectiveInput(f, s.common());
      d.complete(f, s, eff, result, results, rp, next, s.common().assign(), s.common().output());
    } catch (StatesError e) {
      d.fail(f, s, e);
    }
  }

  /** Siblings still running when a branch or iteration fails: AWS records the state each was in as aborted. */
  private void abortRunning(Frame f, String iterationName) {
    for (Frame c : f.children) {
      if (!c.done()) {
        if (c.state != null) run.emit(c, c.machine.state(c.state).common().type() + "StateAborted", null, null);
        c.status = Frame.Status.ABORTED;
        c.waiting = null;
        if (iterationName != null && !c.reported) {
          c.reported = true;
          run.emit(c, "MapIterationAborted", "mapIterationAbortedEventDetails", iteration(iterationName, c.index));
        }
      }
    }
  }

  void startMap(Frame f, State.Map m) {
    if (m.distributed() && run.ctx.mapRuns() && !f.silent) {
      startMapRun(f, m);
      return;
    }
    if (m.itemReader()) {
      throw new StatesError("States.ItemReaderFailed", "Reading items with an ItemReader is not supported by this Stepwise server.", true);
    }
    boolean jsonata = m.common().jsonata();
    JsonNode eff = jsonata ? f.input : d.effectiveInput(f, m.common());
    StateScope sc = d.scope(f, eff);
    // AWS reads MaxConcurrency before the items, and the tolerances only once the state has started
    int max = maxConcurrency(m, sc);
    Items read = items(m, eff, sc);
    JsonNode items = read.list();
    if (m.batching() != null) items = batch(f, m, sc, mr0(read, eff), items);
    Frame.MapRun mr = new Frame.MapRun();
    mr.items = items;
    mr.keyed = read.keyed() && m.batching() == null; // a batch is an item of its own
    mr.effective = eff;
    // 0 means "as many as the service allows": 40 at a time for an inline Map
    mr.maxConcurrency = max == 0 && !m.distributed() ? 40 : max;
    ObjectNode det = run.obj();
    det.put("length", items.size());
    run.emit(f, "MapStateStarted", "mapStateStartedEventDetails", det);
    toleratedFailureCount(m, sc);
    toleratedFailurePercentage(m, sc);
    if (m.distributed()) {
      ObjectNode r = run.obj();
      r.put("mapRunArn", mapRunArn(f));
      run.emit(f, "MapRunStarted", "mapRunStartedEventDetails", r);
    }
    f.map = mr;
    f.children = new ArrayList<>();
    f.waiting = Frame.Waiting.CHILDREN;
  }

  /**
   * A Distributed Map the engine runs as a Map Run: everything the run needs is evaluated now and
   * handed over as one task on {@link ExecutionContext#MAP_RUN} — the items (or the ItemReader with
   * its evaluated Parameters), the ItemSelector as written with what it reads ({@code $},
   * {@code $$}, variables), the ItemBatcher's evaluated limits, MaxConcurrency, the tolerated
   * failures, the ResultWriter and the child state machine. The engine answers with the Map's
   * result (or the ResultWriter's details), or with the run's error.
   */
  private void startMapRun(Frame f, State.Map m) {
    String mapRunArn = mapRunArn(f, label(m.distributedParts().raw().path("Label").asText(f.state)));
    ObjectNode spec = mapRunSpec(f, m, mapRunArn);
    ObjectNode det = run.obj();
    det.put("length", spec.has("Items") ? spec.get("Items").size() : 0);
    run.emit(f, "MapStateStarted", "mapStateStartedEventDetails", det);
    ObjectNode r = run.obj();
    r.put("mapRunArn", mapRunArn);
    run.emit(f, "MapRunStarted", "mapRunStartedEventDetails", r);
    f.mapRunArn = mapRunArn;
    f.mapRunRedrives = 0;
    scheduleMapRun(f, spec);
  }

  /** AWS's hard limit on the redrives of one Map Run. */
  static final int MAX_MAP_RUN_REDRIVES = 1000;

  /** Whether a redrive of {@code f} redrives its Map Run (one was started) rather than entering the state again. */
  boolean redrivesMapRun(Frame f, State.Map m) {
    return m.distributed() && run.ctx.mapRuns() && !f.silent && f.mapRunArn != null;
  }

  /**
   * Redrives the Map Run of a Distributed Map that did not succeed (RedriveExecution of its
   * execution): the same run, evaluated again from the state's input, handed to the engine with
   * its new redrive count, which runs again only the children that did not succeed; recorded as
   * {@code MapRunRedriven}. Past AWS's 1,000 redrives of one run, the state fails with States.Runtime.
   */
  void redriveMapRun(Frame f, State.Map m) {
    if (f.mapRunRedrives >= MAX_MAP_RUN_REDRIVES) {
      throw StatesError.runtime("The Map Run '" + f.mapRunArn + "' cannot be redriven: it was redriven "
          + MAX_MAP_RUN_REDRIVES + " times, the most a Map Run can be.");
    }
    ObjectNode spec = mapRunSpec(f, m, f.mapRunArn);
    f.mapRunRedrives++;
    spec.put("RedriveCount", f.mapRunRedrives);
    ObjectNode r = run.obj();
    r.put("mapRunArn", f.mapRunArn);
    r.put("redriveCount", f.mapRunRedrives);
    run.emit(f, "MapRunRedriven", "mapRunRedrivenEventDetails", r);
    scheduleMapRun(f, spec);
  }

  private void scheduleMapRun(Frame f, ObjectNode spec) {
    String effectId = "maprun-" + run.lastEventId;
    f.waiting = Frame.Waiting.mapRun(effectId, spec, run.now);
    run.effects.add(new Effect.ScheduleTask(effectId, f.state, ExecutionContext.MAP_RUN, spec, null, null, run.now, false,
        null, 0, null));
  }

  /** The Map's ItemReader as its reader reads it: Parameters (Arguments) evaluated, MaxItems (MaxItemsPath) resolved. */
  static ObjectNode evaluatedReader(State.Map m, StateScope sc) {
    State.DistributedParts parts = m.distributedParts();
    ObjectNode reader = ((ObjectNode) parts.raw().get("ItemReader")).deepCopy();
    reader.remove("Arguments");
    reader.remove("Parameters");
    if (parts.readerParameters() != null) reader.set("Parameters", orNull(parts.readerParameters().eval(sc)));
    if (parts.readerMaxItems() != null) {
      ObjectNode rc = reader.get("ReaderConfig") instanceof ObjectNode o ? o : reader.putObject("ReaderConfig");
      rc.remove("MaxItemsPath");
      rc.put("MaxItems", NumberFields.integer(parts.readerMaxItems(), sc, NumberFields.MAX_ITEMS, 0));
    }
    return reader;
  }

  /** What the engine needs to run the Map Run {@code mapRunArn} of {@code f}, evaluated from the state's input now. */
  private ObjectNode mapRunSpec(Frame f, State.Map m, String mapRunArn) {
    boolean jsonata = m.common().jsonata();
    JsonNode eff = jsonata ? f.input : d.effectiveInput(f, m.common());
    StateScope sc = d.scope(f, eff);
    State.DistributedParts parts = m.distributedParts();
    ObjectNode raw = parts.raw();
    ObjectNode spec = run.obj();
    spec.put("MapRunArn", mapRunArn);
    ObjectNode processor = ((ObjectNode) raw.get(raw.has("ItemProcessor") ? "ItemProcessor" : "Iterator")).deepCopy();
    JsonNode config = processor.remove("ProcessorConfig");
    if (!processor.has("QueryLanguage") && m.processor().jsonata()) processor.put("QueryLanguage", "JSONata");
    spec.set("Processor", processor);
    spec.put("ExecutionType", config == null ? "STANDARD" : config.path("ExecutionType").asText("STANDARD"));
    if (m.itemReader()) {
      spec.set("ItemReader", evaluatedReader(m, sc));
    } else {
      Items items = items(m, eff, sc);
      spec.set("Items", items.list());
      if (items.keyed()) spec.put("ItemsKeyed", true);
    }
    String sel = raw.has("ItemSelector") ? "ItemSelector" : raw.has("Parameters") ? "Parameters" : null;
    if (sel != null) spec.set("ItemSelector", raw.get(sel));
    spec.put("JSONata", jsonata);
    spec.set("SelectorInput", eff);
    spec.set("Context", sc.context());
    ObjectNode vars = spec.putObject("Variables");
    f.allVariables().forEach(vars::set);
    if (m.batching() != null) {
      State.Batching b = m.batching();
      ObjectNode batcher = spec.putObject("ItemBatcher");
      batcher.put("MaxItemsPerBatch", NumberFields.integer(b.maxItems(), sc, NumberFields.MAX_ITEMS_PER_BATCH, Long.MAX_VALUE));
      batcher.put("MaxInputBytesPerBatch",
          Math.min(256 * 1024, NumberFields.integer(b.maxBytes(), sc, NumberFields.MAX_INPUT_BYTES_PER_BATCH, 256 * 1024)));
      if (b.batchInput() != null) batcher.set("BatchInput", b.batchInput().eval(sc));
    }
    spec.put("MaxConcurrency", maxConcurrency(m, sc));
    if (m.toleratedFailureCount() != null) spec.put("ToleratedFailureCount", toleratedFailureCount(m, sc));
    if (m.toleratedFailurePercentage() != null) spec.put("ToleratedFailurePercentage", toleratedFailurePercentage(m, sc));
    if (m.resultWriter()) {
      ObjectNode writer = ((ObjectNode) raw.get("ResultWriter")).deepCopy();
      writer.remove("Arguments");
      writer.remove("Parameters");
      if (parts.writerParameters() != null) writer.set("Parameters", orNull(parts.writerParameters().eval(sc)));
      spec.set("ResultWriter", writer);
    }
    return spec;
  }

  /** The engine's answer to a Map Run: the Map's result, or the run's error (which Retry and Catch see). */
  void mapRunEnded(Frame f, State.Map m, Signal signal) {
    f.waiting = null;
    if (signal instanceof Signal.TaskSucceeded ok) {
      f.mapRunArn = null; // it succeeded: should the state fail after it, a redrive runs the Map again
      run.emit(f, "MapRunSucceeded", null, null);
      run.emit(f, "MapStateSucceeded", null, null);
      finish(f, m, ok.output(), m.resultSelector(), m.resultPath(), m.common().next());
      return;
    }
    Signal.TaskFailed failed = (Signal.TaskFailed) signal;
    ObjectNode r = run.obj();
    if (failed.error() != null) r.put("error", failed.error());
    if (failed.cause() != null) r.put("cause", failed.cause());
    run.emit(f, "MapRunFailed", "mapRunFailedEventDetails", r);
    d.handleError(f, m, failed.error(), failed.cause(), "MapStateFailed");
  }

  /**
   * The Map's items (ItemsPath, or JSONata Items): an array; or, for a Distributed Map, an object,
   * each of whose key-value pairs is an item, {@code {"Key": <name>, "Value": <value>}}, in the
   * object's order. The developer guide's Distributed Map page takes "a JSON array or object from a
   * previous step" (and its ItemsPath page: "it runs an iteration for each key-value pair in the
   * object, passing the pair to the iteration as input"), while its Inline Map page "accepts only a
   * JSON array", as AWS answered an inline Map's JSONata Items object (the corpus: Expected 'array',
   * but was 'object'). The pair's shape is the one AWS gives an ItemReader's JSON object
   * (floci-io/floci#1588, observed). {@code keyed}: the items are an object's pairs, whose
   * ItemSelector sees {@code $$.Map.Item.Key} and the pair's Value as {@code $$.Map.Item.Value};
   * {@code selected}: what ItemsPath or Items gave (the object itself, for TestState's inspection).
   */
  record Items(JsonNode list, boolean keyed, JsonNode selected) {
    Items(JsonNode list, boolean keyed) {
      this(list, keyed, list);
    }
  }

  static Items items(State.Map m, JsonNode eff, StateScope sc) {
    boolean jsonata = m.common().jsonata();
    JsonNode items = m.items() == null ? eff : m.items().eval(sc);
    if (items != null && items.isObject() && m.distributed()) {
      return new Items(io.stepwise.asl.MapItemSelector.keyValuePairs(items), true, items);
    }
    if (jsonata && m.items() != null && (items == null || !items.isArray())) {
      String what = items == null ? "null" : Json.typeName(items);
      throw StatesError.queryEvaluation("The JSONata expression '" + exprSource(m) + "' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was '"
          + what + "' for value: " + (items == null ? "null" : Json.write(items)));
    }
    if (items == null || !items.isArray()) {
      throw StatesError.runtime("Invalid path '" + (m.itemsSource() == null ? "$" : m.itemsSource()) + "' : The value of the ItemsPath field must be an array, but was: " + (items == null ? "null" : Json.write(items)));
    }
    return new Items(items, false);
  }

  /** Effective input and items, for ItemSelector evaluation during batching. */
  static Frame.MapRun mr0(Items items, JsonNode eff) {
    Frame.MapRun mr = new Frame.MapRun();
    mr.items = items.list();
    mr.keyed = items.keyed();
    mr.effective = eff;
    return mr;
  }

  /**
   * ItemBatcher: each item goes through ItemSelector first, then items are grouped into
   * {@code {"Items": [...], "BatchInput": ...}} by count and by serialised size.
   */
  JsonNode batch(Frame f, State.Map m, StateScope sc, Frame.MapRun raw, JsonNode items) {
    State.Batching b = m.batching();
    long maxItems = NumberFields.integer(b.maxItems(), sc, NumberFields.MAX_ITEMS_PER_BATCH, Long.MAX_VALUE);
    long maxBytes = Math.min(256 * 1024, NumberFields.integer(b.maxBytes(), sc, NumberFields.MAX_INPUT_BYTES_PER_BATCH, 256 * 1024));
    JsonNode batchInput = b.batchInput() == null ? null : b.batchInput().eval(sc);
    ArrayNode batches = Json.NODES.arrayNode();
    ArrayNode current = null;
    long bytes = 0;
    for (int i = 0; i < items.size(); i++) {
      JsonNode item = items.get(i);
      if (m.itemSelector() != null) {
        StateScope is = d.scope(f, m.common().jsonata() ? f.input : raw.effective).withMapItem(i, item, raw.keyed);
        item = orNull(m.itemSelector().eval(is));
      }
      long size = Json.utf8Size(Json.write(item));
      if (current == null || current.size() >= maxItems || (bytes + size > maxBytes && current.size() > 0)) {
        ObjectNode batch = batches.addObject();
        if (batchInput != null) batch.set("BatchInput", batchInput);
        current = batch.putArray("Items");
        bytes = 0;
      }
      current.add(item);
      bytes += size;
    }
    return batches;
  }

  private static String exprSource(State.Map m) {
    String s = m.itemsSource() == null ? "" : m.itemsSource().trim();
    if (s.startsWith("{%") && s.endsWith("%}")) s = s.substring(2, s.length() - 2).trim();
    return s;
  }

  private String mapRunArn(Frame f) {
    return mapRunArn(f, null);
  }

  /**
   * A label as ARNs carry it: characters a new name may not hold ({@link io.stepwise.asl.NameCharacters})
   * become underscores, and it is cut to its first 40 characters (never inside a surrogate pair).
   */
  private static String label(String given) {
    StringBuilder b = new StringBuilder();
    int count = 0;
    for (int i = 0; i < given.length() && count < 40; count++) {
      int c = given.codePointAt(i);
      i += Character.charCount(c);
      if (io.stepwise.asl.NameCharacters.refused(c, true)) b.append('_');
      else b.appendCodePoint(c);
    }
    return b.toString();
  }

  /**
   * {@code arn:aws:states:region:account:mapRun:machine/label:id}: the label is the Map's Label, else
   * its state name; the id is drawn from the execution and the state's entry, so it is the same when
   * a step is taken again.
   */
  private String mapRunArn(Frame f, String label) {
    String sm = run.ctx.stateMachineArn() == null ? "arn:aws:states:us-east-1:123456789012:stateMachine:unknown" : run.ctx.stateMachineArn();
    // a version's or alias's execution runs its machine's Map Runs
    String[] p = sm.split(":");
    if (p.length > 7) sm = String.join(":", java.util.Arrays.copyOf(p, 7));
    String base = sm.replace(":stateMachine:", ":mapRun:");
    String exec = run.ctx.executionName() == null ? "" : run.ctx.executionName();
    // each attempt (a Retry enters the state again at a later event) is a Map Run of its own
    long at = label == null ? f.enteredEventId : f.enteredEventId * 1_000_003L + run.lastEventId;
    return base + "/" + (label == null ? f.state : label) + ":" + io.stepwise.asl.intrinsic.Intrinsics.uuid(Run.seedOf(run.ctx) ^ at, exec.hashCode() * 31L + at);
  }

  static int maxConcurrency(State.Map m, StateScope sc) {
    return (int) Math.min(Integer.MAX_VALUE, NumberFields.integer(m.maxConcurrency(), sc, NumberFields.MAX_CONCURRENCY, 0));
  }

  static long toleratedFailureCount(State.Map m, StateScope sc) {
    return NumberFields.integer(m.toleratedFailureCount(), sc, NumberFields.TOLERATED_FAILURE_COUNT, 0);
  }

  static double toleratedFailurePercentage(State.Map m, StateScope sc) {
    return NumberFields.decimal(m.toleratedFailurePercentage(), sc, NumberFields.TOLERATED_FAILURE_PERCENTAGE, 0);
  }

  private boolean advanceMap(Frame f, State.Map m) {
    Frame.MapRun mr = f.map;
    for (Frame c : f.children) {
      if (!c.done()) d.drive(c);
      if (c.done() && !c.reported && report(f, m, c)) return true;
    }
    while (mr.next < mr.items.size() && (mr.maxConcurrency == 0 || running(f) < mr.maxConcurrency)) {
      Frame c = startIteration(f, m, mr.next++);
      if (c == null) return true;
      d.drive(c);
      if (c.done() && report(f, m, c)) return true;
    }
    if (mr.next < mr.items.size() || running(f) > 0) return false;
    if (m.resultWriter()) {
      throw new StatesError("States.ResultWriterFailed", "Writing results with a ResultWriter is not supported by this Stepwise server.", true);
    }
    if (m.distributed()) {
      f.lastEventId = Math.max(f.lastEventId, lastChild(f));
      run.emit(f, "MapRunSucceeded", null, null);
    }
    ArrayNode results = Json.NODES.arrayNode(f.children.size());
    for (Frame c : f.children) results.add(c.status == Frame.Status.SUCCEEDED ? c.output : Json.NODES.nullNode());
    f.lastEventId = Math.max(f.lastEventId, lastChild(f));
    run.emit(f, "MapStateSucceeded", null, null);
    finish(f, m, results, m.resultSelector(), m.resultPath(), m.common().next());
    return true;
  }

  private static long lastChild(Frame f) {
    long max = 0;
    for (Frame c : f.children) if (!c.silent) max = Math.max(max, c.lastEventId);
    return max;
  }

  private static int running(Frame f) {
    int n = 0;
    for (Frame c : f.children) if (!c.done()) n++;
    return n;
  }

  private Frame startIteration(Frame f, State.Map m, int index) {
    Frame.MapRun mr = f.map;
    JsonNode item = mr.items.get(index);
    Frame c = child(f, m.processor(), index);
    c.silent = f.silent || m.distributed();
    c.itemValue = item;
    f.children.add(c);
    c.reported = false;
    run.emit(c, "MapIterationStarted", "mapIterationStartedEventDetails", iteration(f.state, index));
    JsonNode input = item;
    if (m.itemSelector() != null && m.batching() == null) {
      try {
        StateScope sc = d.scope(f, m.common().jsonata() ? f.input : mr.effective).withMapItem(index, item, mr.keyed);
        input = orNull(m.itemSelector().eval(sc));
      } catch (StatesError e) {
        f.children.remove(c);
        mr.next = index; // not started: a redrive starts it again
        d.fail(f, m, e);
        return null;
      }
    }
    d.enter(c, c.machine.startAt(), input);
    return c;
  }

  private ObjectNode iteration(String name, int index) {
    ObjectNode o = run.obj();
    o.put("name", name);
    o.put("index", index);
    return o;
  }

  /** Records an iteration's end; true when the Map state itself has failed because of it. */
  private boolean report(Frame f, State.Map m, Frame c) {
    c.reported = true;
    if (c.status == Frame.Status.SUCCEEDED) {
      run.emit(c, "MapIterationSucceeded", "mapIterationSucceededEventDetails", iteration(f.state, c.index));
      return false;
    }
    if (!m.distributed() && "States.Runtime".equals(c.error)) {
      // not an item's failure to count against a tolerance: it ends the Map (and, uncaught, the execution)
      String event = failedEvent("MapIterationFailed", c.error, m.catchers());
      if (event != null) run.emit(c, event, "mapIterationFailedEventDetails", iteration(f.state, c.index));
      abortRunning(f, f.state);
      f.lastEventId = Math.max(f.lastEventId, lastChild(f));
      d.handleError(f, m, c.error, c.cause, failedEvent("MapStateFailed", c.error, m.catchers()));
      return true;
    }
    run.emit(c, "MapIterationFailed", "mapIterationFailedEventDetails", iteration(f.state, c.index));
    Frame.MapRun mr = f.map;
    mr.failures++;
    if (mr.firstError == null) {
      mr.firstError = c.error;
      mr.firstCause = c.cause;
    }
    StateScope sc = d.scope(f, mr.effective);
    boolean tolerance = m.toleratedFailureCount() != null || m.toleratedFailurePercentage() != null;
    long count = toleratedFailureCount(m, sc);
    double pct = toleratedFailurePercentage(m, sc);
    int total = mr.items.size();
    boolean exceeded = !tolerance
        || (m.toleratedFailureCount() != null && mr.failures > count)
        || (m.toleratedFailurePercentage() != null && mr.failures * 100.0 / total > pct);
    if (tolerance && m.toleratedFailureCount() != null && m.toleratedFailurePercentage() != null) {
      exceeded = mr.failures > count || mr.failures * 100.0 / total > pct;
    }
    if (!exceeded) return false;
    abortRunning(f, f.state);
    f.lastEventId = Math.max(f.lastEventId, lastChild(f));
    String error = tolerance ? "States.ExceedToleratedFailureThreshold" : mr.firstError;
    String cause = tolerance ? "The specified tolerated failure threshold was exceeded" : mr.firstCause;
    if (m.distributed()) {
      ObjectNode r = run.obj();
      if (error != null) r.put("error", error);
      if (cause != null) r.put("cause", cause);
      run.emit(f, "MapRunFailed", "mapRunFailedEventDetails", r);
    }
    d.handleError(f, m, error, cause, "MapStateFailed");
    return true;
  }
}
