package io.stepwise.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.stepwise.api.sfn.Shapes;
import io.stepwise.asl.interpreter.HistoryEvent;
import io.stepwise.engine.execution.ExecutionHistory;
import io.stepwise.persistence.StepwiseStorage;
import io.stepwise.persistence.UnreadableEvent;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import io.stepwise.persistence.journal.EventCodec;
import io.stepwise.persistence.journal.JournalStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.SnapshotProtocol;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code stepwise history export}: executions' histories read offline from a data directory. */
@Command(name = "history", mixinStandardHelpOptions = true,
    description = "Offline tools on the executions of a data directory (the server stopped, or on a copy).",
    subcommands = {HistoryCommand.Export.class})
public final class HistoryCommand {
  static final ObjectMapper JSON = new ObjectMapper();

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = {"Prints an execution's history exactly as GetExecutionHistory returns it (every event, oldest",
          "first), decrypted with the KMS keys of the data directory; --all prints every execution of a machine.",
          "json: {\"events\": [...]} (with --all: {\"executions\": [{\"executionArn\", \"events\"}, ...]});",
          "jsonl: one event a line (with --all, each with its executionArn)."})
  static final class Export implements Callable<Integer> {
    @Mixin
    RecordedExecutions executions = new RecordedExecutions();

    @Option(names = "--format", paramLabel = "json|jsonl", description = "Output format (default json).")
    String format = "json";

    PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
      if (executions.problem() != null) {
        System.err.println("stepwise history export: " + executions.problem());
        return 2;
      }
      if (!format.equals("json") && !format.equals("jsonl")) {
        System.err.println("stepwise history export: --format takes json or jsonl, got " + format);
        return 2;
      }
      java.io.OutputStream w = new java.io.BufferedOutputStream(out, 1 << 16);
      boolean all = executions.all();
      boolean jsonl = format.equals("jsonl");
      int[] written = {0};
      boolean[] failed = {false};
      try (Offline offline = new Offline(executions.dataDir)) {
        if (all && !jsonl) w.write("{\"executions\":[".getBytes(StandardCharsets.UTF_8));
        java.util.function.Consumer<Offline.Read> sink = rendered -> {
          try {
            if (rendered.failure() != null) {
              // one execution that cannot be read (a damaged event or snapshot) does not stop the others
              w.flush();
              System.err.println("stepwise history export: " + rendered.executionArn() + ": " + rendered.failure().getMessage());
              failed[0] = true;
              return;
            }
            if (all && !jsonl && written[0]++ > 0) w.write(',');
            if (rendered.transcoded() != null) {
              rendered.transcoded().writeTo(w);
              release(rendered.transcoded());
            } else {
              w.write(rendered.text());
            }
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        };
        if (all) {
          // every execution of a machine: their events read in passes over the journal
          offline.eachOfMachine(executions.machineArn, (arn, raw) -> export(offline, arn, raw, all, jsonl), sink);
        } else {
          offline.each(executions.arns(offline), arn -> export(offline, arn, null, all, jsonl), sink);
        }
        if (all && !jsonl) w.write("]}\n".getBytes(StandardCharsets.UTF_8));
        w.flush();
      } catch (Offline.ListingUnreadable e) {
        w.flush();
        System.err.println("stepwise history export: " + e.getMessage());
        return 1;
      }
      if (failed[0]) return 1; // with --all, after every other execution was printed
      return 0;
    }
  }

  /**
   * One execution as {@code history export} prints it: straight from its stored events when they
   * are of the plain case ({@link HistoryTranscoder}), else from its history rebuilt.
   */
  static Offline.Read export(Offline offline, String arn, List<io.stepwise.persistence.journal.JournalStore.RawEntry> raw,
      boolean all, boolean jsonl) {
    try {
      return exportOrThrow(offline, arn, raw, all, jsonl);
    } catch (RuntimeException e) {
      return new Offline.Read(arn, null, null, e); // reported with its execution; the others go on
    }
  }

  private static Offline.Read exportOrThrow(Offline offline, String arn,
      List<io.stepwise.persistence.journal.JournalStore.RawEntry> raw, boolean all, boolean jsonl) {
    List<EventCodec.Opened> opened;
    try {
      opened = offline.openedEvents(arn, raw);
    } catch (RuntimeException e) {
      opened = null; // the general way reads it again, and reports what is wrong
    }
    if (opened != null) {
      HistoryTranscoder.Out text = transcodeInto(arn, opened, all, jsonl);
      if (text != null) return new Offline.Read(arn, null, null, null, text);
    }
    Offline.Read read = offline.read(arn);
    return read.failure() != null ? read : render(read, all, jsonl);
  }

  // The executions' JSON is written into buffers that go round: taken by a reader, written out
  // and handed back by the printing thread (copying each execution's bytes out of one buffer a
  // thread was a quarter of what a million-event export allocated). A buffer that grew past KEPT
  // for a long history is let go.
  private static final int KEPT = 256 << 10;
  private static final java.util.concurrent.ConcurrentLinkedQueue<HistoryTranscoder.Out> FREE =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  private static HistoryTranscoder.Out buffer() {
    HistoryTranscoder.Out out = FREE.poll();
    return out != null ? out : new HistoryTranscoder.Out(16 << 10);
  }

  /** Hands a transcoded execution's buffer back, once its text is written. */
  static void release(HistoryTranscoder.Out out) {
    if (FREE.size() < 64) FREE.offer(out.reset(KEPT));
  }

  /** As {@link #render}, from the stored events; null if they are not of the plain case. */
  static byte[] transcode(String arn, List<EventCodec.Opened> events, boolean all, boolean jsonl) {
    HistoryTranscoder.Out out = transcodeInto(arn, events, all, jsonl);
    if (out == null) return null;
    byte[] text = out.toByteArray();
    release(out);
    return text;
  }

  /** {@link #transcode}'s text in a buffer to {@link #release} once written; null if not of the plain case. */
  static HistoryTranscoder.Out transcodeInto(String arn, List<EventCodec.Opened> events, boolean all, boolean jsonl) {
    HistoryTranscoder.Out out = buffer();
    if (!jsonl) {
      out.raw('{');
      if (all) {
        out.raw("\"executionArn\":");
        out.string(arn);
        out.raw(',');
      }
      out.raw("\"events\":[");
    }
    if (!HistoryTranscoder.write(events, out, jsonl && all ? arn : null, jsonl)) {
      release(out);
      return null;
    }
    if (!jsonl) {
      out.raw("]}");
      if (!all) out.raw('\n');
    }
    return out;
  }

  /** One execution as {@code history export} prints it: jsonl lines, or one JSON document or item (UTF-8). */
  static Offline.Read render(Offline.Read read, boolean all, boolean jsonl) {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(256 * read.history().size());
    try (com.fasterxml.jackson.core.JsonGenerator g = JSON.getFactory().createGenerator(bytes)) {
      g.setRootValueSeparator(null); // jsonl: lines, not values joined by spaces
      if (!jsonl) {
        g.writeStartObject();
        if (all) g.writeStringField("executionArn", read.executionArn());
        g.writeArrayFieldStart("events");
      }
      for (HistoryEvent e : read.history()) {
        ObjectNode event = Shapes.historyEvent(e, true);
        if (jsonl && all) {
          g.writeStartObject();
          g.writeStringField("executionArn", read.executionArn());
          for (var it = event.fields(); it.hasNext(); ) {
            var field = it.next();
            g.writeFieldName(field.getKey());
            g.writeTree(field.getValue());
          }
          g.writeEndObject();
        } else {
          g.writeTree(event);
        }
        if (jsonl) g.writeRaw('\n');
      }
      if (!jsonl) {
        g.writeEndArray();
        g.writeEndObject();
        if (!all) g.writeRaw('\n');
      }
    } catch (java.io.IOException e) {
      return new Offline.Read(read.executionArn(), null, null, e);
    }
    return new Offline.Read(read.executionArn(), null, bytes.toByteArray(), null);
  }

  /** A data directory's storage opened without an engine: nothing runs, nothing is written. */
  static final class Offline implements AutoCloseable {
    private final ActorSystem<Void> system;
    private final StepwiseStorage.Handles handles;

    StepwiseStorage.Handles handles() {
      return handles;
    }

    Offline(Path dataDir) {
      // a local actor system: nothing offline is sharded or reached over the network
      Config config = ConfigFactory.parseMap(Map.of("stepwise.data-dir", dataDir.toAbsolutePath().toString(),
              "pekko.loglevel", "ERROR", "pekko.stdout-loglevel", "OFF", "pekko.actor.provider", "local"))
          .withFallback(ConfigFactory.load());
      system = ActorSystem.create(Behaviors.empty(), "stepwise-offline", config);
      handles = StepwiseStorage.get(system).open();
    }

    private final Map<String, Long> ids = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile java.util.Set<Long> snapshotted;

    private static String prefixOf(String machineArn) {
      return "Execution|" + machineArn.replace(":stateMachine:", ":execution:") + ":";
    }

    /** The (Standard) executions of a machine, in the order they were first written. */
    List<String> executionsOf(String machineArn) {
      String prefix = prefixOf(machineArn);
      List<String> out = new ArrayList<>();
      for (var e : handles.store().persistenceIds(0, Integer.MAX_VALUE).entrySet()) {
        if (e.getValue().startsWith(prefix)) {
          out.add(e.getValue().substring("Execution|".length()));
          ids.put(e.getValue(), e.getKey());
        }
      }
      return out;
    }

    /**
     * One execution's history ({@code history}) or why it could not be read ({@code failure}); or,
     * once rendered, its text.
     */
    record Read(String executionArn, List<HistoryEvent> history, byte[] text, Exception failure,
        HistoryTranscoder.Out transcoded) {
      Read(String executionArn, List<HistoryEvent> history, byte[] text, Exception failure) {
        this(executionArn, history, text, failure, null);
      }
    }

    /**
     * Reads and rebuilds the histories of {@code arns} on every core, applies {@code work} to each
     * there, and hands the results to {@code sink} on the calling thread, in the order of {@code arns}.
     */
    <T> void eachHistory(List<String> arns, java.util.function.Function<Read, T> work,
        java.util.function.Consumer<T> sink) {
      each(arns, arn -> work.apply(read(arn)), sink);
    }

    /**
     * Applies {@code work} to each of {@code arns} on every core, and hands the results to
     * {@code sink} on the calling thread, in the order of {@code arns}.
     */
    <T> void each(List<String> arns, java.util.function.Function<String, T> work, java.util.function.Consumer<T> sink) {
      int workers = WORKERS;
      java.util.concurrent.ExecutorService pool = readers();
      java.util.ArrayDeque<java.util.concurrent.CompletableFuture<List<T>>> window = new java.util.ArrayDeque<>();
      try {
        for (int from = 0; from < arns.size(); from += CHUNK) {
          List<String> chunk = arns.subList(from, Math.min(arns.size(), from + CHUNK));
          window.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            List<T> out = new ArrayList<>(chunk.size());
            for (String arn : chunk) out.add(work.apply(arn));
            return out;
          }, pool));
          if (window.size() >= 2 * workers) window.poll().join().forEach(sink);
        }
        while (!window.isEmpty()) window.poll().join().forEach(sink);
      } finally {
        pool.shutdownNow();
      }
    }

    private static final int WORKERS = Math.max(1, Runtime.getRuntime().availableProcessors());

    /** A thread a core for reading histories (daemons: an export cut short does not wait for them). */
    private static java.util.concurrent.ExecutorService readers() {
      return java.util.concurrent.Executors.newFixedThreadPool(WORKERS, r -> {
        Thread t = new Thread(r, "history-reader");
        t.setDaemon(true);
        return t;
      });
    }

    // Executions read by one task, and (with the window of two tasks a core, four for a machine's
    // executions) what is held at once: 8 x 2 (or 4) x cores histories, however long each is.
    private static final int CHUNK = 8;

    /**
     * The execution's stored events decrypted, not deserialized, when they can be exported
     * straight: every event there (no snapshot, none deleted) and every data key in the cache;
     * else null.
     */
    List<EventCodec.Opened> openedEvents(String executionArn, List<JournalStore.RawEntry> stored) {
      String pid = "Execution|" + executionArn;
      Long known = ids.get(pid);
      java.util.OptionalLong id = known != null ? java.util.OptionalLong.of(known) : handles.store().idOf(pid);
      if (id.isEmpty() || snapshotted().contains(id.getAsLong())) return null;
      var store = handles.store();
      if (store.deletedTo(id.getAsLong()) > 0) return null;
      var raw = stored != null ? stored : store.readEvents(id.getAsLong(), 1, Long.MAX_VALUE, Integer.MAX_VALUE);
      return handles.reader().openedCached(pid, raw);
    }

    /**
     * As {@link #each}, for every (Standard) execution of {@code machineArn} in the order they were
     * first written ({@link #executionsOf}'s): the listing is read a page at a time, and each page's
     * executions have their events read in one pass over the journal and handed to {@code work}
     * with each (null for one that has none) while the next page is listed.
     */
    <T> void eachOfMachine(String machineArn, java.util.function.BiFunction<String, List<JournalStore.RawEntry>, T> work,
        java.util.function.Consumer<T> sink) {
      eachOfMachine(machineArn, LISTING_PAGE, work, sink);
    }

    <T> void eachOfMachine(String machineArn, int listingPage,
        java.util.function.BiFunction<String, List<JournalStore.RawEntry>, T> work, java.util.function.Consumer<T> sink) {
      String prefix = prefixOf(machineArn);
      try (Passes<T> passes = new Passes<>(work, sink)) {
        long after = 0;
        while (true) {
          java.util.Map<Long, String> page;
          try {
            page = handles.store().persistenceIds(after, listingPage);
          } catch (RuntimeException e) {
            passes.drain(); // what was listed before is printed; the command then fails
            throw new ListingUnreadable("the journal's persistence ids could not be read past number " + after + ": "
                + e.getMessage(), e);
          }
          if (page.isEmpty()) break;
          List<String> arns = new ArrayList<>();
          long[] wanted = new long[page.size()];
          for (var e : page.entrySet()) {
            after = e.getKey();
            if (e.getValue().startsWith(prefix)) {
              wanted[arns.size()] = e.getKey();
              arns.add(e.getValue().substring("Execution|".length()));
              ids.put(e.getValue(), e.getKey());
            }
          }
          passes.pass(arns, java.util.Arrays.copyOf(wanted, arns.size()));
        }
        passes.drain();
      }
    }

    private static final int LISTING_PAGE = 4096;

    /** The listing of a machine's executions stopped on a damaged part of the journal. */
    static final class ListingUnreadable extends RuntimeException {
      ListingUnreadable(String message, Throwable cause) {
        super(message, cause);
      }
    }

    /**
     * One pass over the journal's events for executions listed in id order at a time, their reading
     * on every core; the results handed to the sink in order on the calling thread.
     */
    private final class Passes<T> implements AutoCloseable {
      private final java.util.function.BiFunction<String, List<JournalStore.RawEntry>, T> work;
      private final java.util.function.Consumer<T> sink;
      private final java.util.concurrent.ExecutorService pool = readers();
      private final java.util.ArrayDeque<java.util.concurrent.CompletableFuture<List<T>>> window = new java.util.ArrayDeque<>();
      private final List<Object[]> chunk = new ArrayList<>(CHUNK);
      private boolean broken;

      Passes(java.util.function.BiFunction<String, List<JournalStore.RawEntry>, T> work, java.util.function.Consumer<T> sink) {
        this.work = work;
        this.sink = sink;
      }

      private void flush() {
        List<Object[]> mine = new ArrayList<>(chunk);
        chunk.clear();
        window.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          List<T> out = new ArrayList<>(mine.size());
          for (Object[] item : mine) {
            @SuppressWarnings("unchecked")
            List<JournalStore.RawEntry> r = (List<JournalStore.RawEntry>) item[1];
            out.add(work.apply((String) item[0], r));
          }
          return out;
        }, pool));
        // a window of tasks ahead of the printing: the readers keep busy while it writes or lists
        if (window.size() >= 4 * WORKERS) window.poll().join().forEach(sink);
      }

      /**
       * Hands over {@code arns} (numbered {@code wanted}, ascending) with their events. Once the
       * journal could not be read through (a damaged block), the executions not handed over, and
       * those of every later pass, are read one at a time, each failing on its own.
       */
      void pass(List<String> arns, long[] wanted) {
        if (broken) {
          drain();
          each(arns, arn -> work.apply(arn, null), sink);
          return;
        }
        int[] next = {0}; // the next of arns to hand over
        long[] current = {-1};
        List<JournalStore.RawEntry>[] rows = new List[] {null};
        // hands over every listed execution before id (with no events), then id's (with its events)
        java.util.function.BiConsumer<Long, List<JournalStore.RawEntry>> handOver = (id, events) -> {
          while (next[0] < wanted.length && wanted[next[0]] <= id) {
            int i = next[0]++;
            chunk.add(new Object[] {arns.get(i), wanted[i] == id ? events : null});
            if (chunk.size() == CHUNK) flush();
          }
        };
        try {
          // from the first listed execution to the last: the journal's other entities are not read
          if (wanted.length > 0) handles.store().scanEvents(wanted[0], wanted[wanted.length - 1], (id, seq, envelope) -> {
            if (id != current[0]) {
              if (rows[0] != null) handOver.accept(current[0], rows[0]);
              current[0] = id;
              int at = java.util.Arrays.binarySearch(wanted, id);
              rows[0] = at >= 0 ? new ArrayList<>() : null;
            }
            if (rows[0] != null) rows[0].add(new JournalStore.RawEntry(seq, 0, envelope));
          });
          if (rows[0] != null) handOver.accept(current[0], rows[0]);
          handOver.accept(Long.MAX_VALUE, null);
        } catch (RuntimeException e) {
          broken = true;
          drain();
          each(arns.subList(next[0], arns.size()), arn -> work.apply(arn, null), sink);
        }
      }

      /** Every execution handed over so far, its result handed to the sink. */
      void drain() {
        if (!chunk.isEmpty()) flush();
        while (!window.isEmpty()) window.poll().join().forEach(sink);
      }

      @Override
      public void close() {
        pool.shutdownNow();
      }
    }

    Read read(String arn) {
      try {
        return new Read(arn, history(arn), null, null);
      } catch (Exception e) {
        return new Read(arn, null, null, e);
      }
    }

    /** The history, from its latest snapshot (if any) and the events after it. */
    List<HistoryEvent> history(String executionArn) throws Exception {
      String pid = "Execution|" + executionArn;
      Long known = ids.get(pid);
      java.util.OptionalLong id = known != null ? java.util.OptionalLong.of(known) : handles.store().idOf(pid);
      if (id.isEmpty()) throw new ExecutionHistoryMissing(executionArn);
      if (!snapshotted().contains(id.getAsLong())) {
        return ExecutionHistory.rebuild(null, events(pid, id.getAsLong(), 1)); // no snapshot: every event is there
      }
      var classic = Adapter.toClassic(system);
      var snapshots = Persistence.get(classic).snapshotStoreFor("stepwise.snapshot-store", ConfigFactory.empty());
      Object reply = Patterns.ask(snapshots,
          new SnapshotProtocol.LoadSnapshot(pid, SnapshotSelectionCriteria.latest(), Long.MAX_VALUE),
          Duration.ofSeconds(60)).toCompletableFuture().get();
      if (!(reply instanceof SnapshotProtocol.LoadSnapshotResult loaded)) {
        Throwable why = reply instanceof SnapshotProtocol.LoadSnapshotFailed f ? f.cause() : null;
        throw new ExecutionHistory.Unavailable("its snapshot cannot be read: " + (why == null ? reply : why.getMessage())) {};
      }
      Object snapshot = null;
      long from = 1;
      if (loaded.snapshot().isDefined()) {
        snapshot = loaded.snapshot().get().snapshot();
        from = loaded.snapshot().get().metadata().sequenceNr() + 1;
      }
      List<Object> events = events(pid, id.getAsLong(), from);
      if (snapshot == null && events.isEmpty()) throw new ExecutionHistoryMissing(executionArn);
      return ExecutionHistory.rebuild(snapshot, events);
    }

    /** Ids of the entities that have a snapshot: one scan, the first time it is needed. */
    private java.util.Set<Long> snapshotted() {
      java.util.Set<Long> s = snapshotted;
      if (s == null) {
        synchronized (this) {
          if (snapshotted == null) {
            java.util.Set<Long> found = new java.util.HashSet<>();
            handles.store().scanSnapshots((id, snapshot) -> found.add(id));
            snapshotted = found;
          }
          s = snapshotted;
        }
      }
      return s;
    }

    /** The events of {@code pid} from {@code from}, read and decrypted on the calling thread. */
    private List<Object> events(String pid, long id, long from) {
      var store = handles.store();
      var raw = store.readEvents(id, Math.max(from, store.deletedTo(id) + 1), Long.MAX_VALUE, Integer.MAX_VALUE);
      List<org.apache.pekko.persistence.PersistentRepr> reprs = handles.reader().openCached(pid, raw);
      if (reprs == null) reprs = handles.reader().open(pid, raw).toCompletableFuture().join();
      List<Object> events = new ArrayList<>(reprs.size());
      for (var repr : reprs) {
        Object p = repr.payload();
        events.add(p instanceof UnreadableEvent u ? "event #" + u.sequenceNr() + " is unreadable: " + u.reason() : p);
      }
      return events;
    }

    @Override
    public void close() {
      system.terminate();
      try {
        system.getWhenTerminated().toCompletableFuture().get();
      } catch (Exception e) {
        // shutting down
      }
    }
  }

  /** No journal of that execution (never started, an Express execution, or another data directory). */
  static final class ExecutionHistoryMissing extends ExecutionHistory.Unavailable {
    ExecutionHistoryMissing(String arn) {
      super("no execution " + arn + " in this data directory");
    }
  }
}
