package io.stepwise.engine.maprun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.asl.CompiledDefinition;
import io.stepwise.asl.InvalidDefinitionException;
import io.stepwise.asl.MapItemSelector;
import io.stepwise.asl.StatesError;
import io.stepwise.asl.interpreter.Effect;
import io.stepwise.asl.interpreter.ExecutionContext;
import io.stepwise.asl.interpreter.Signal;
import io.stepwise.engine.Arns;
import io.stepwise.engine.Json;
import io.stepwise.engine.execution.ExecutionInfo;
import io.stepwise.engine.execution.Result;
import io.stepwise.engine.integration.Integration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Distributed Maps, run as Map Runs: the Map state hands its run over as one task on
 * {@link ExecutionContext#MAP_RUN}; each item (or batch, with ItemBatcher) becomes a child
 * execution of the ItemProcessor — Standard children are journaled executions, Express children
 * run in memory — at most MaxConcurrency at a time, read from the state's items or streamed from
 * its ItemReader. A run fails with {@code States.ExceedToleratedFailureThreshold} once more
 * children fail (or time out, or are aborted) than ToleratedFailureCount/Percentage allow; it
 * answers the Map with its children's outputs in item order, or with the ResultWriter's details.
 * Its record (DescribeMapRun, ListMapRuns) is written as it starts, at most every second while it
 * runs, and when it ends.
 *
 * <p>A run is a dispatched task: after a crash its call is made again; Standard children are
 * named after the run and their index, so the run finds those it started and waits for them,
 * while Express children, which leave no record, run again (Express is at-least-once on AWS too).
 */
public final class MapRuns implements Integration {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  /** AWS's limit on a state's output, which a Map's collected outputs must keep to. */
  static final int MAX_OUTPUT_BYTES = 256 * 1024;
  /** MaxConcurrency 0: as many children at once as AWS allows a Distributed Map. */
  static final int DEFAULT_CONCURRENCY = 10_000;

  /** How children run. */
  public interface Children {
    /** Starts a Standard child (or finds it, started before a restart); completes with its result when it ends. */
    CompletionStage<Result> standard(ExecutionInfo info, CompiledDefinition def);

    /** Runs an Express child in memory; completes with its result. */
    CompletionStage<Result> express(ExecutionInfo info, CompiledDefinition def);

    /** Stops a child that is still running (Standard or Express). */
    void stop(String executionArn, String error, String cause);
  }

  /** Where Map Run records go. */
  public interface Records {
    void save(String executionArn, String mapRunArn, ObjectNode record);
  }

  private final Children children;
  private final Records records;
  private final Map<String, Path> buckets;
  private final ObjectStore s3;
  private final Clock clock;
  private final Executor executor;
  private final ConcurrentHashMap<String, MapRun> runs = new ConcurrentHashMap<>();

  /**
   * @param buckets the local directory of each bucket ItemReaders and ResultWriters use
   * @param executor where runs read items and react to their children (never a dispatcher thread)
   */
  public MapRuns(Children children, Records records, Map<String, Path> buckets, ObjectStore s3, Clock clock,
      Executor executor) {
    this.children = children;
    this.records = records;
    this.buckets = Map.copyOf(buckets);
    this.s3 = s3;
    this.clock = clock;
    this.executor = executor;
  }

  @Override
  public boolean handles(String resource) {
    return ExecutionContext.MAP_RUN.equals(resource);
  }

  /** Children need time to pass: a run does not hold virtual time. */
  @Override
  public boolean holdsVirtualTime() {
    return false;
  }

  @Override
  public CompletionStage<Signal> invoke(Effect.ScheduleTask task, ExecutionInfo info) {
    String arn = task.parameters().path("MapRunArn").asText();
    MapRun run = runs.compute(arn, (k, old) -> old != null && !old.done.isDone() ? old : new MapRun(task, info));
    if (run.begun.compareAndSet(false, true)) executor.execute(run::begin);
    return run.done;
  }

  @Override
  public void released(Effect.ScheduleTask task, ExecutionInfo info) {
    MapRun run = runs.get(task.parameters().path("MapRunArn").asText());
    if (run != null) run.abort();
  }

  /** The record of a run under way in this process, as DescribeMapRun shows it. */
  public Optional<ObjectNode> live(String mapRunArn) {
    MapRun run = runs.get(mapRunArn);
    // the record as last written: never waits for the run's lock (a caller may be a dispatcher thread)
    return run == null || run.snapshot == null ? Optional.empty() : Optional.of(run.snapshot.deepCopy());
  }

  /**
   * UpdateMapRun on a run under way in this process: a new MaxConcurrency (0: the default) or
   * tolerated failures take effect at once. False if it is not running here.
   */
  public boolean update(String mapRunArn, Integer maxConcurrency, Double toleratedCount, Double toleratedPercentage) {
    MapRun run = runs.get(mapRunArn);
    if (run == null || run.done.isDone()) return false;
    executor.execute(() -> run.update(maxConcurrency, toleratedCount, toleratedPercentage));
    return true;
  }

  private final class MapRun {
    final String arn;
    final Effect.ScheduleTask task;
    final ExecutionInfo parent;
    final JsonNode spec;
    final CompletableFuture<Signal> done = new CompletableFuture<>();
    final java.util.concurrent.atomic.AtomicBoolean begun = new java.util.concurrent.atomic.AtomicBoolean();
    final Instant startDate;
    final boolean express;
    final String childMachineArn;
    final String childMachineName;
    final String label;
    final String processor;
    CompiledDefinition def;
    MapItemSelector selector;
    int maxConcurrency;
    Double toleratedCount;
    Double toleratedPercentage;
    /** Children (units) and items in all; per status, children then items. */
    long total;
    long totalItems;
    Units units;
    long nextIndex;
    int running;
    long runningItems;
    long itemsStarted;
    final long[] childTally = new long[4];
    final long[] itemTally = new long[4];
    volatile ObjectNode snapshot;
    long outputBytes;
    JsonNode[] outputs;
    ResultFiles writer;
    String status = "RUNNING";
    /** Every child has ended; the result files are being written. */
    boolean finishing;
    Instant stopDate;
    long savedAt;
    final Map<Long, ExecutionInfo> runningChildren = new ConcurrentHashMap<>();
    final Map<Long, Integer> itemsOf = new ConcurrentHashMap<>();

    MapRun(Effect.ScheduleTask task, ExecutionInfo parent) {
      this.task = task;
      this.parent = parent;
      this.spec = task.parameters();
      this.arn = spec.path("MapRunArn").asText();
      this.startDate = clock.instant();
      this.express = spec.path("ExecutionType").asText("STANDARD").equals("EXPRESS");
      Arns.Parsed p = Arns.parse(arn);
      String rest = p.rest(); // machine/label:id
      this.childMachineName = rest.substring(0, rest.lastIndexOf(':'));
      this.label = childMachineName.substring(childMachineName.indexOf('/') + 1);
      this.childMachineArn = "arn:aws:states:" + p.region() + ":" + p.account() + ":stateMachine:" + childMachineName;
      this.processor = Json.write(spec.get("Processor"));
      this.maxConcurrency = spec.path("MaxConcurrency").asInt(0);
      this.toleratedCount = spec.has("ToleratedFailureCount") ? spec.get("ToleratedFailureCount").asDouble() : null;
      this.toleratedPercentage = spec.has("ToleratedFailurePercentage") ? spec.get("ToleratedFailurePercentage").asDouble() : null;
    }

    void begin() {
      save(true); // DescribeMapRun finds the run while its items are counted
      try {
        def = CompiledDefinition.compile(processor, express);
        selector = MapItemSelector.of(spec);
        // a first pass counts children and items (tolerated failures are of all of them); the second runs them
        long n = 0;
        long itemCount = 0;
        try (Units counting = new Units(open(), spec.get("ItemBatcher"), selector)) {
          while (counting.hasNext() && !done.isDone()) {
            counting.next();
            n++;
            itemCount += counting.lastItems;
          }
        }
        synchronized (this) {
          if (done.isDone()) return; // stopped meanwhile
          total = n;
          totalItems = itemCount;
          if (!spec.has("ResultWriter") && total <= Integer.MAX_VALUE) outputs = new JsonNode[(int) total];
          if (spec.has("ResultWriter")) writer = ResultFiles.of(spec.get("ResultWriter"), arn, buckets, s3);
          units = new Units(open(), spec.get("ItemBatcher"), selector);
        }
      } catch (StatesError e) {
        fail(e.error(), e.cause());
        return;
      } catch (InvalidDefinitionException | RuntimeException e) {
        fail("States.Runtime", "The Map Run could not start: " + e.getMessage());
        return;
      }
      save(true);
      pump();
    }

    /** S3's answers during this run: both passes over the items read each object or listing once. */
    final Map<String, JsonNode> s3Answers = new ConcurrentHashMap<>();
    final ObjectStore cachedS3 = new ObjectStore() {
      @Override
      public JsonNode call(String operation, JsonNode parameters) {
        if (operation.equals("PutObject")) return s3.call(operation, parameters);
        return s3Answers.computeIfAbsent(operation + " " + Json.write(parameters), k -> s3.call(operation, parameters));
      }

      @Override
      public boolean available() {
        return s3.available();
      }
    };

    private ItemReaders.Items open() {
      if (spec.has("ItemReader")) return ItemReaders.of(spec.get("ItemReader"), buckets, cachedS3);
      return ItemReaders.Items.of(spec.path("Items").elements());
    }

    private int limit() {
      return maxConcurrency == 0 ? DEFAULT_CONCURRENCY : maxConcurrency;
    }

    /** Starts children while the run may; ends the run when none is left to start or wait for. */
    synchronized void pump() {
      if (units == null) return; // not begun yet: begin() pumps
      try {
        while (!done.isDone() && running < limit() && units.hasNext()) {
          JsonNode input = units.next();
          long index = nextIndex++;
          running++;
          itemsOf.put(index, units.lastItems);
          runningItems += units.lastItems;
          itemsStarted += units.lastItems;
          start(index, input, units.lastItems);
        }
        if (!done.isDone() && running == 0 && !units.hasNext()) succeed();
      } catch (StatesError e) {
        fail(e.error(), e.cause());
      } catch (RuntimeException e) {
        fail("States.Runtime", "The Map Run failed: " + e);
      }
    }

    private void start(long index, JsonNode input, int items) {
      String name = UUID.nameUUIDFromBytes((arn + "#" + index).getBytes(StandardCharsets.UTF_8)).toString();
      Arns.Parsed p = Arns.parse(arn);
      String childArn = express
          ? "arn:aws:states:" + p.region() + ":" + p.account() + ":express:" + childMachineName + ":" + name + ":" + UUID.randomUUID()
          : "arn:aws:states:" + p.region() + ":" + p.account() + ":execution:" + childMachineName + ":" + name;
      ExecutionInfo child = new ExecutionInfo(childArn, name, childMachineArn, childMachineName, express ? "EXPRESS" : "STANDARD",
          processor, "mapRun:" + arn, startDate, parent.roleArn(), Json.write(input), clock.instant(), null, null,
          parent.encryption()).withMapRun(arn, items).withTestCase(parent.testCase());
      runningChildren.put(index, child);
      CompletionStage<Result> end;
      try {
        end = express ? children.express(child, def) : children.standard(child, def);
      } catch (RuntimeException e) {
        end = CompletableFuture.failedFuture(e);
      }
      end.whenCompleteAsync((result, failure) -> ended(index, result, failure), executor);
    }

    private synchronized void ended(long index, Result result, Throwable failure) {
      try {
        endedUnderLock(index, result, failure);
      } catch (RuntimeException e) {
        fail("States.Runtime", "The Map Run failed: " + e);
      }
    }

    private void endedUnderLock(long index, Result result, Throwable failure) {
      ExecutionInfo child = runningChildren.remove(index);
      if (done.isDone() || child == null) return;
      running--;
      int n = itemsOf.remove(index);
      runningItems -= n;
      String childStatus = failure != null ? "FAILED" : result.status();
      int slot = switch (childStatus) {
        case "SUCCEEDED" -> SUCCEEDED;
        case "TIMED_OUT" -> TIMED_OUT;
        case "ABORTED" -> ABORTED;
        default -> FAILED;
      };
      childTally[slot]++;
      itemTally[slot] += n;
      if (childStatus.equals("SUCCEEDED") && outputs != null && index < outputs.length) {
        String out = result.output() == null ? "null" : result.output();
        outputBytes += out.length();
        if (outputBytes <= MAX_OUTPUT_BYTES) outputs[(int) index] = parseOr(out);
      }
      if (writer != null) {
        try {
          writer.add(childStatus, child, result, failure, n);
        } catch (StatesError e) {
          fail(e.error(), e.cause());
          return;
        }
      }
      if (exceeded()) {
        fail("States.ExceedToleratedFailureThreshold", "The specified tolerated failure threshold was exceeded");
        return;
      }
      save(false);
      pump();
    }

    /** Failed, timed-out and aborted items (with an ItemBatcher, every item of a failed batch) past the tolerated. */
    private boolean exceeded() {
      long failures = itemTally[FAILED] + itemTally[TIMED_OUT] + itemTally[ABORTED];
      if (failures == 0) return false;
      boolean byCount = toleratedCount != null && failures > toleratedCount;
      boolean byPercentage = toleratedPercentage != null && failures * 100.0 / Math.max(1, totalItems) > toleratedPercentage;
      if (toleratedCount == null && toleratedPercentage == null) return true;
      return byCount || byPercentage;
    }

    /** Every child has ended well enough: the run's answer, its result files written first (outside the lock). */
    private synchronized void succeed() {
      if (finishing) return;
      finishing = true;
      JsonNode answer;
      if (writer != null) {
        executor.execute(this::finishWriting);
        return;
      } else if (outputBytes > MAX_OUTPUT_BYTES) {
        fail("States.DataLimitExceeded", "The state/task '" + task.stateName()
            + "' returned a result with a size exceeding the maximum number of bytes service limit.");
        return;
      } else {
        ArrayNode out = NODES.arrayNode();
        for (JsonNode o : outputs) out.add(o == null ? NODES.nullNode() : o);
        answer = out;
      }
      end("SUCCEEDED");
      done.complete(new Signal.TaskSucceeded(task.id(), answer));
    }

    /** Closes (and uploads) the result files without holding the run, then ends it. */
    private void finishWriting() {
      JsonNode answer;
      try {
        answer = writer.finish(arn);
      } catch (StatesError e) {
        fail(e.error(), e.cause());
        return;
      } catch (RuntimeException | Error e) {
        fail("States.Runtime", "The Map Run failed: " + e);
        return;
      }
      synchronized (this) {
        if (done.isDone()) return;
        end("SUCCEEDED");
        done.complete(new Signal.TaskSucceeded(task.id(), answer));
      }
    }

    private synchronized void fail(String error, String cause) {
      if (done.isDone()) return;
      stopChildren("States.Runtime".equals(error) ? error : "States.ExceedToleratedFailureThreshold", cause);
      if (writer != null && !finishing) writer.abandon(); // once finishing, finishWriting owns the files
      end("FAILED");
      done.complete(new Signal.TaskFailed(task.id(), error, cause));
    }

    synchronized void abort() {
      if (done.isDone()) return;
      stopChildren("States.Aborted", "The Map Run was aborted: its execution no longer waits for it");
      if (writer != null && !finishing) writer.abandon(); // once finishing, finishWriting owns the files
      end("ABORTED");
      done.complete(new Signal.TaskFailed(task.id(), "States.Aborted", "The Map Run was aborted"));
    }

    private void stopChildren(String error, String cause) {
      if (units != null) units.close();
      childTally[ABORTED] += runningChildren.size();
      itemTally[ABORTED] += runningItems;
      runningItems = 0;
      for (ExecutionInfo child : runningChildren.values()) children.stop(child.executionArn(), null, cause);
      runningChildren.clear();
      running = 0;
    }

    private void end(String finalStatus) {
      status = finalStatus;
      stopDate = clock.instant();
      if (units != null) units.close();
      s3Answers.clear();
      save(true);
      runs.remove(arn, this);
    }

    synchronized void update(Integer max, Double count, Double percentage) {
      if (done.isDone() || finishing) return;
      if (max != null) maxConcurrency = max;
      if (count != null) toleratedCount = count;
      if (percentage != null) toleratedPercentage = percentage;
      save(true);
      if (exceeded()) {
        fail("States.ExceedToleratedFailureThreshold", "The specified tolerated failure threshold was exceeded");
        return;
      }
      pump();
    }

    private void save(boolean now) {
      long t = System.nanoTime();
      if (!now && t - savedAt < 1_000_000_000L) return;
      savedAt = t;
      ObjectNode r = record();
      snapshot = r;
      records.save(parent.executionArn(), arn, r);
    }

    private void counts(ObjectNode c, long[] by, long all, long pending, long runningNow, long written) {
      c.put("pending", "ABORTED".equals(status) || "FAILED".equals(status) ? 0 : pending);
      c.put("running", runningNow);
      c.put("succeeded", by[SUCCEEDED]);
      c.put("failed", by[FAILED]);
      c.put("timedOut", by[TIMED_OUT]);
      c.put("aborted", by[ABORTED]);
      c.put("total", all);
      c.put("resultsWritten", written);
      c.put("failuresNotRedrivable", 0);
      c.put("pendingRedrive", 0);
    }

    /** What DescribeMapRun shows (dates in epoch milliseconds). */
    synchronized ObjectNode record() {
      ObjectNode r = NODES.objectNode();
      r.put("mapRunArn", arn);
      r.put("executionArn", parent.executionArn());
      r.put("stateMachineArn", childMachineArn);
      r.put("status", status);
      r.put("startDate", startDate.toEpochMilli());
      if (stopDate != null) r.put("stopDate", stopDate.toEpochMilli());
      r.put("maxConcurrency", maxConcurrency);
      r.put("toleratedFailurePercentage", toleratedPercentage == null ? 0 : toleratedPercentage.floatValue());
      r.put("toleratedFailureCount", toleratedCount == null ? 0 : toleratedCount.longValue());
      counts(r.putObject("itemCounts"), itemTally, totalItems, Math.max(0, totalItems - itemsStarted), runningItems,
          writer == null ? 0 : writer.writtenItems());
      counts(r.putObject("executionCounts"), childTally, total, Math.max(0, total - nextIndex), running,
          writer == null ? 0 : writer.written());
      r.put("redriveCount", 0);
      return r;
    }
  }

  private static final int SUCCEEDED = 0;
  private static final int FAILED = 1;
  private static final int TIMED_OUT = 2;
  private static final int ABORTED = 3;

  private static JsonNode parseOr(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (java.io.IOException e) {
      return NODES.textNode(text);
    }
  }

  /**
   * The inputs of the children: each item through the ItemSelector, then, with an ItemBatcher,
   * grouped into {@code {"Items": [...], "BatchInput": ...}} by count and by size.
   */
  private static final class Units implements Iterator<JsonNode>, AutoCloseable {
    private final ItemReaders.Items items;
    private final JsonNode batcher;
    private final MapItemSelector selector;
    private long index;
    private JsonNode carried;
    private long carriedSize;
    /** How many items the last unit handed out holds (1 without an ItemBatcher). */
    int lastItems;

    Units(ItemReaders.Items items, JsonNode batcher, MapItemSelector selector) {
      this.items = items;
      this.batcher = batcher;
      this.selector = selector;
    }

    public boolean hasNext() {
      return carried != null || items.hasNext();
    }

    private JsonNode item() {
      JsonNode raw = items.next();
      long i = index++;
      return selector == null ? raw : selector.apply(i, raw);
    }

    public JsonNode next() {
      lastItems = 1;
      if (batcher == null) return carried != null ? take() : item();
      long maxItems = batcher.path("MaxItemsPerBatch").asLong(Long.MAX_VALUE);
      long maxBytes = batcher.path("MaxInputBytesPerBatch").asLong(MAX_OUTPUT_BYTES);
      ObjectNode batch = NODES.objectNode();
      if (batcher.has("BatchInput")) batch.set("BatchInput", batcher.get("BatchInput"));
      ArrayNode list = batch.putArray("Items");
      long bytes = 0;
      while (list.size() < maxItems && (carried != null || items.hasNext())) {
        JsonNode item;
        long size;
        if (carried != null) {
          item = carried;
          size = carriedSize;
          carried = null;
        } else {
          item = item();
          size = Json.write(item).getBytes(StandardCharsets.UTF_8).length;
        }
        if (bytes + size > maxBytes && list.size() > 0) {
          carried = item;
          carriedSize = size;
          break;
        }
        list.add(item);
        bytes += size;
      }
      lastItems = list.size();
      return batch;
    }

    private JsonNode take() {
      JsonNode c = carried;
      carried = null;
      return c;
    }

    @Override
    public void close() {
      items.close();
    }
  }
}
