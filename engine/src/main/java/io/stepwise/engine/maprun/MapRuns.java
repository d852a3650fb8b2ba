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
 * named after the run and their index, so the run finds those it started and waits for them.
 *
 * <p>The run of a Standard execution records how each child ended (its status, output, error and
 * attempt), so that a redrive of the execution — which redrives its failed Map Run under the same
 * ARN, with a higher {@code RedriveCount} — runs again only the children that did not succeed:
 * Standard ones are redriven from where they failed (the same execution), Express ones start
 * again as new executions; children that succeeded keep their outputs and do not run. Ended
 * children of the current attempt are not run again after a crash either.
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

    /**
     * Redrives a Standard child that ended unsuccessfully (from where it failed, as RedriveExecution
     * does); completes with its result when it ends again, or fails at once if it cannot be redriven.
     */
    CompletionStage<Result> redrive(ExecutionInfo info, CompiledDefinition def);

    /** Stops a child that is still running (Standard or Express). */
    void stop(String executionArn, String error, String cause);
  }

  /** Where Map Run records, and how each child ended, go. */
  public interface Records {
    void save(String executionArn, String mapRunArn, ObjectNode record);

    /** The record last saved for {@code mapRunArn}. Blocking. */
    Optional<ObjectNode> load(String mapRunArn);

    /**
     * Records how the children of block {@code block} of {@code mapRunArn} ended: an object from
     * each child's index (as text) to its outcome (see {@link MapRun#outcome}), replacing the
     * block's earlier record. Serialises {@code outcomes} before it returns.
     */
    void childrenEnded(String mapRunArn, long block, ObjectNode outcomes);

    /** The outcomes last recorded for block {@code block} of {@code mapRunArn}. Blocking. */
    Optional<ObjectNode> children(String mapRunArn, long block);
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
    // answered once how its children ended is recorded too (a redrive reads it)
    return run.done.thenCompose(signal -> run.recording.thenApply(v -> signal));
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
    /** When the run first started (a redrive keeps it). */
    Instant startDate;
    /** 0, or which redrive of the run this is. */
    final int redriveCount;
    Instant redriveDate;
    /** The execution can be redriven (it is Standard): how each child ends is recorded. */
    final boolean recordsChildren;
    /** Children (then items) that did not succeed before this redrive and wait to run again. */
    long pendingRedrive;
    long pendingRedriveItems;
    /** Children (then items) of this redrive that could not be redriven and did not succeed. */
    long notRedrivable;
    long notRedrivableItems;
    final java.util.Set<Long> refused = ConcurrentHashMap.newKeySet();
    /** The run had begun before (a redrive, or a call made again after a restart): children may have ended already. */
    boolean resumed;
    /** The writes of blocks of outcomes, in order, off the run's lock; the run answers after them. */
    volatile CompletableFuture<Void> recording = CompletableFuture.completedFuture(null);
    /** Blocks of children not all settled yet in this attempt (see {@link #settle}). */
    final Map<Long, Block> blocks = new java.util.HashMap<>();
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
      this.redriveCount = spec.path("RedriveCount").asInt(0);
      if (redriveCount > 0) redriveDate = startDate;
      this.recordsChildren = !"EXPRESS".equals(parent.type());
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
      try {
        Optional<ObjectNode> before = records.load(arn);
        resumed = redriveCount > 0 || before.isPresent();
        if (redriveCount > 0 && before.isPresent() && before.get().has("startDate")) {
          startDate = Instant.ofEpochMilli(before.get().get("startDate").asLong());
          // the same redrive called again after a restart keeps its date
          if (before.get().path("redriveCount").asInt() == redriveCount && before.get().has("redriveDate")) {
            redriveDate = Instant.ofEpochMilli(before.get().get("redriveDate").asLong());
          }
        }
      } catch (RuntimeException e) {
        resumed = true; // its record unreadable: look for ended children all the same
      }
      save(true); // DescribeMapRun finds the run while its items are counted
      if (done.isDone()) return; // stopped before it began
      try {
        def = CompiledDefinition.compile(processor, express);
        selector = MapItemSelector.of(spec);
        // a first pass counts children and items (tolerated failures are of all of them), and
        // those a redrive runs again; the second runs them
        long n = 0;
        long itemCount = 0;
        long again = 0;
        long againItems = 0;
        long readBlock = -1;
        ObjectNode block = null;
        try (Units counting = new Units(open(), spec.get("ItemBatcher"), selector)) {
          while (!done.isDone() && counting.hasNext()) {
            counting.next();
            if (redriveCount > 0 && recordsChildren) {
              if (n / BLOCK != readBlock) {
                readBlock = n / BLOCK;
                block = records.children(arn, readBlock).orElse(null);
              }
              ObjectNode before = block == null ? null : (ObjectNode) block.get(Long.toString(n));
              if (before != null && runsAgain(before)) {
                again++;
                againItems += counting.lastItems;
              }
            }
            n++;
            itemCount += counting.lastItems;
          }
        }
        synchronized (this) {
          if (done.isDone()) return; // stopped meanwhile
          total = n;
          totalItems = itemCount;
          pendingRedrive = again;
          pendingRedriveItems = againItems;
          if (!spec.has("ResultWriter") && total <= Integer.MAX_VALUE) outputs = new JsonNode[(int) total];
          if (spec.has("ResultWriter")) writer = ResultFiles.of(spec.get("ResultWriter"), arn, buckets, cachedS3);
          units = new Units(open(), spec.get("ItemBatcher"), selector);
        }
      } catch (StatesError e) {
        fail(e.error(), e.cause());
        return;
      } catch (InvalidDefinitionException | RuntimeException | Error e) { // a library that cannot load, no memory: failed, not hung
        fail("States.Runtime", "The Map Run could not start: " + e.getMessage());
        return;
      }
      save(true);
      pump();
    }

    /**
     * S3's answers during this run — listings, and objects downloaded to a file — so that both
     * passes over the items read each once. Each is fetched outside any lock (the run can end
     * meanwhile without waiting for it); what was downloaded is deleted when the run ends.
     */
    final Map<String, CompletableFuture<JsonNode>> s3Answers = new ConcurrentHashMap<>();
    final Map<String, CompletableFuture<Path>> s3Files = new ConcurrentHashMap<>();
    volatile boolean ended;

    private <T> T once(Map<String, CompletableFuture<T>> cache, String key, java.util.concurrent.Callable<T> fetch) {
      if (ended) throw ItemReaders.failed("The Map Run has ended");
      CompletableFuture<T> mine = new CompletableFuture<>();
      CompletableFuture<T> got = cache.putIfAbsent(key, mine);
      if (got == null) {
        got = mine;
        try {
          mine.complete(fetch.call());
        } catch (Exception | Error e) {
          cache.remove(key, mine);
          mine.completeExceptionally(e);
        }
      }
      try {
        return got.join();
      } catch (java.util.concurrent.CompletionException e) {
        if (e.getCause() instanceof RuntimeException r) throw r;
        if (e.getCause() instanceof Error r) throw r;
        throw new java.io.UncheckedIOException(new java.io.IOException(e.getCause()));
      }
    }

    final ObjectStore cachedS3 = new ObjectStore() {
      @Override
      public JsonNode call(String operation, JsonNode parameters) {
        if (operation.equals("PutObject")) return s3.call(operation, parameters);
        return once(s3Answers, operation + " " + Json.write(parameters), () -> s3.call(operation, parameters));
      }

      @Override
      public boolean available() {
        return s3.available();
      }

      @Override
      public void upload(JsonNode parameters, Path file) {
        s3.upload(parameters, file);
      }

      @Override
      public Path scratch() {
        return s3.scratch();
      }

      @Override
      public void download(JsonNode parameters, Path file) {
        Path source = once(s3Files, Json.write(parameters), () -> {
          Path t = java.nio.file.Files.createTempFile(s3.scratch(), "stepwise-maprun", ".object");
          try {
            s3.download(parameters, t);
          } catch (RuntimeException | Error e) {
            java.nio.file.Files.deleteIfExists(t);
            throw e;
          }
          if (ended) java.nio.file.Files.deleteIfExists(t); // ended meanwhile: end() may have missed it
          return t;
        });
        try {
          // a second name for the same bytes where the file system allows it, else a copy
          java.nio.file.Files.deleteIfExists(file);
          try {
            java.nio.file.Files.createLink(file, source);
          } catch (java.io.IOException | UnsupportedOperationException e) {
            java.nio.file.Files.copy(source, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          }
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    };

    private ItemReaders.Items open() {
      if (spec.has("ItemReader")) return ItemReaders.of(spec.get("ItemReader"), buckets, cachedS3);
      return ItemReaders.Items.of(spec.path("Items").elements(), spec.path("ItemsKeyed").asBoolean(false));
    }

    private int limit() {
      return maxConcurrency == 0 ? DEFAULT_CONCURRENCY : maxConcurrency;
    }

    /** A child that ended unsuccessfully in an earlier attempt: this redrive runs it again. */
    private boolean runsAgain(ObjectNode outcome) {
      return !"SUCCEEDED".equals(outcome.path("s").asText()) && outcome.path("a").asInt() < redriveCount;
    }

    /** Starts children while the run may; ends the run when none is left to start or wait for. */
    synchronized void pump() {
      if (units == null) return; // not begun yet: begin() pumps
      try {
        while (!done.isDone() && running < limit() && units.hasNext()) {
          JsonNode input = units.next();
          long index = nextIndex++;
          int items = units.lastItems;
          itemsStarted += items;
          ObjectNode before = recordsChildren && resumed ? (ObjectNode) block(index).rows.get(Long.toString(index)) : null;
          if (before != null && !runsAgain(before)) {
            // it succeeded before, or ended in this attempt before a restart: as it ended
            settle(index, null);
            if (!account(index, endedChild(before, index, input, items), before.path("s").asText(), result(before), null, items)) {
              return;
            }
            continue;
          }
          running++;
          itemsOf.put(index, items);
          runningItems += items;
          if (before != null) {
            pendingRedrive--;
            pendingRedriveItems -= items;
          }
          start(index, input, items, before);
        }
        if (!done.isDone() && running == 0 && !units.hasNext()) succeed();
      } catch (StatesError e) {
        fail(e.error(), e.cause());
      } catch (RuntimeException | LinkageError e) {
        fail("States.Runtime", "The Map Run failed: " + e);
      }
    }

    private String childName(long index) {
      return UUID.nameUUIDFromBytes((arn + "#" + index).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private ExecutionInfo child(String childArn, long index, JsonNode input, Instant started, int items) {
      return new ExecutionInfo(childArn, childName(index), childMachineArn, childMachineName, express ? "EXPRESS" : "STANDARD",
          processor, "mapRun:" + arn, startDate, parent.roleArn(), Json.write(input), started, null, null,
          parent.encryption()).withMapRun(arn, items).withTestCase(parent.testCase());
    }

    /** The child {@code index} that ended as {@code outcome} records. */
    private ExecutionInfo endedChild(ObjectNode outcome, long index, JsonNode input, int items) {
      String childArn = express ? outcome.path("x").asText() : standardArn(index);
      return child(childArn, index, input, Instant.ofEpochMilli(outcome.path("t").asLong()), items)
          .withRedriveCount(outcome.path("r").asInt(0));
    }

    /** A Standard child's ARN: named after the run and its index, so that it is found again. */
    private String standardArn(long index) {
      Arns.Parsed p = Arns.parse(arn);
      return "arn:aws:states:" + p.region() + ":" + p.account() + ":execution:" + childMachineName + ":" + childName(index);
    }

    private static Result result(ObjectNode outcome) {
      return new Result(outcome.path("s").asText(), outcome.hasNonNull("o") ? outcome.get("o").asText() : null,
          outcome.hasNonNull("e") ? outcome.get("e").asText() : null, outcome.hasNonNull("c") ? outcome.get("c").asText() : null,
          Instant.ofEpochMilli(outcome.path("d").asLong()));
    }

    /**
     * Starts child {@code index}; {@code before} is how it ended in an earlier attempt (null if
     * it never ended): a Standard child is then redriven, an Express child starts anew.
     */
    private void start(long index, JsonNode input, int items, ObjectNode before) {
      String name = childName(index);
      Arns.Parsed p = Arns.parse(arn);
      String childArn = express
          ? "arn:aws:states:" + p.region() + ":" + p.account() + ":express:" + childMachineName + ":" + name + ":" + UUID.randomUUID()
          : standardArn(index);
      // a redriven Standard child keeps its first start date, as RedriveExecution keeps it
      Instant started = before != null && !express ? Instant.ofEpochMilli(before.path("t").asLong()) : clock.instant();
      // a Standard child redriven once more than before (its result-file entry says how often)
      int redrives = before != null && !express ? before.path("r").asInt(0) : 0;
      ExecutionInfo child = child(childArn, index, input, started, items)
          .withRedriveCount(before != null && !express ? redrives + 1 : 0);
      runningChildren.put(index, child);
      CompletionStage<Result> end;
      try {
        if (before != null && !express) {
          end = children.redrive(child, def).exceptionallyCompose(refusal -> {
            runningChildren.replace(index, child, child.withRedriveCount(redrives)); // not redriven after all
            // not redrivable (its history is full, it succeeded or runs after a redrive by hand, ...):
            // as it is; only a child that cannot be redriven at all counts as such
            Throwable cause = refusal instanceof java.util.concurrent.CompletionException && refusal.getCause() != null
                ? refusal.getCause() : refusal;
            if (cause instanceof io.stepwise.engine.ServiceError e && e.code().equals("ExecutionNotRedrivable")
                && !String.valueOf(e.getMessage()).contains("RUNNING")) {
              refused.add(index);
            }
            return children.standard(child.withRedriveCount(redrives), def);
          });
        } else {
          end = express ? children.express(child, def) : children.standard(child, def);
        }
      } catch (RuntimeException e) {
        end = CompletableFuture.failedFuture(e);
      }
      end.whenCompleteAsync((result, failure) -> ended(index, result, failure), executor);
    }

    /** How a child ended, as the run records it: enough to account for it again without running it. */
    private ObjectNode outcome(long index, ExecutionInfo child, String status, Result result, Throwable failure, int items) {
      ObjectNode o = NODES.objectNode();
      o.put("a", redriveCount);
      if (express) o.put("x", child.executionArn()); // a Standard child's follows from its index
      if (child.redriveCount() > 0) o.put("r", child.redriveCount());
      o.put("s", status);
      o.put("t", child.startDate().toEpochMilli());
      o.put("d", (result == null ? clock.instant() : result.stopDate()).toEpochMilli());
      if (result != null && result.output() != null) o.put("o", result.output());
      if (result != null && result.error() != null) o.put("e", result.error());
      if (result != null && result.cause() != null) o.put("c", result.cause());
      if (failure != null) o.put("e", "States.Runtime").put("c", String.valueOf(failure.getMessage()));
      return o;
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
      if (recordsChildren) settle(index, outcome(index, child, childStatus, result, failure, n));
      if (refused.remove(index) && !childStatus.equals("SUCCEEDED")) {
        notRedrivable++;
        notRedrivableItems += n;
      }
      if (!account(index, child, childStatus, result, failure, n)) return;
      save(false);
      pump();
    }

    /**
     * Counts an ended child, keeps its output and writes its result file entry; false if the run
     * failed for it (too many failures, or its result could not be written).
     */
    private boolean account(long index, ExecutionInfo child, String childStatus, Result result, Throwable failure, int n) {
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
          return false;
        }
      }
      if (exceeded()) {
        fail("States.ExceedToleratedFailureThreshold", "The specified tolerated failure threshold was exceeded");
        return false;
      }
      return true;
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
      for (Map.Entry<Long, ExecutionInfo> e : runningChildren.entrySet()) {
        // aborted: a redrive runs it again (a Standard one is redriven, not taken as it ended)
        if (recordsChildren) {
          settle(e.getKey(), outcome(e.getKey(), e.getValue(), "ABORTED", null, null, itemsOf.getOrDefault(e.getKey(), 1)));
        }
      }
      for (ExecutionInfo child : runningChildren.values()) children.stop(child.executionArn(), null, cause);
      runningChildren.clear();
      running = 0;
    }

    /** The block of child {@code index}, with what was recorded for it before if the run is resumed. */
    private Block block(long index) {
      long b = index / BLOCK;
      Block k = blocks.get(b);
      if (k == null) {
        ObjectNode stored = resumed ? records.children(arn, b).orElse(null) : null;
        k = new Block(stored != null ? stored : NODES.objectNode());
        blocks.put(b, k);
      }
      return k;
    }

    /**
     * Child {@code index} has settled in this attempt: it ended ({@code outcome}), or its earlier
     * outcome stands (null). A block is written once all its children have settled, and every
     * block still open when the run ends: a block at a time, so that recording costs little per child.
     */
    private void settle(long index, ObjectNode outcome) {
      if (!recordsChildren) return;
      Block k = block(index);
      if (outcome != null) k.rows.set(Long.toString(index), outcome);
      k.settled++;
      long b = index / BLOCK;
      if (k.settled >= Math.min(BLOCK, total - b * BLOCK)) {
        record(b, k.rows);
        blocks.remove(b);
      }
    }

    /** Writes a block (serialised and sealed on another thread: the run's lock stays free). */
    private void record(long b, ObjectNode rows) {
      recording = recording.thenRunAsync(() -> records.childrenEnded(arn, b, rows), RECORDER)
          .exceptionally(e -> null); // unrecorded: a redrive runs those children again
    }

    private void end(String finalStatus) {
      // how its children ended is recorded before the run answers (a redrive reads it)
      blocks.forEach((b, k) -> {
        if (k.rows.size() > 0) record(b, k.rows);
      });
      blocks.clear();
      status = finalStatus;
      stopDate = clock.instant();
      if (units != null) units.close();
      ended = true;
      s3Answers.clear();
      // deleted now, or when a download still under way completes
      for (CompletableFuture<Path> f : s3Files.values()) {
        f.thenAccept(p -> {
          try {
            java.nio.file.Files.deleteIfExists(p);
          } catch (java.io.IOException ignored) {
            // a temporary file
          }
        });
      }
      s3Files.clear();
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

    private void counts(ObjectNode c, long[] by, long all, long pending, long runningNow, long written,
        long failuresNotRedrivable, long toRedrive) {
      c.put("pending", "ABORTED".equals(status) || "FAILED".equals(status) ? 0 : pending);
      c.put("running", runningNow);
      c.put("succeeded", by[SUCCEEDED]);
      c.put("failed", by[FAILED]);
      c.put("timedOut", by[TIMED_OUT]);
      c.put("aborted", by[ABORTED]);
      c.put("total", all);
      c.put("resultsWritten", written);
      c.put("failuresNotRedrivable", failuresNotRedrivable);
      c.put("pendingRedrive", "RUNNING".equals(status) ? toRedrive : 0);
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
          writer == null ? 0 : writer.writtenItems(), notRedrivableItems, pendingRedriveItems);
      counts(r.putObject("executionCounts"), childTally, total, Math.max(0, total - nextIndex), running,
          writer == null ? 0 : writer.written(), notRedrivable, pendingRedrive);
      r.put("redriveCount", redriveCount);
      if (redriveDate != null) r.put("redriveDate", redriveDate.toEpochMilli());
      return r;
    }
  }

  /** Children whose outcomes are recorded together. */
  static final int BLOCK = 256;

  /**
   * Where blocks of outcomes are serialised, sealed and submitted: a thread of their own, since on
   * the runs' executor each block would wait behind every child's end queued there.
   */
  private static final Executor RECORDER = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "stepwise-map-run-records");
    t.setDaemon(true);
    return t;
  });

  private static final class Block {
    final ObjectNode rows;
    int settled;

    Block(ObjectNode rows) {
      this.rows = rows;
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
      return selector == null ? raw : selector.apply(i, raw, items.keyed());
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
