package io.stepwise.server;

import io.stepwise.engine.execution.Lifecycle;
import io.stepwise.persistence.crypto.Envelope;
import io.stepwise.persistence.journal.EventCodec;
import io.stepwise.persistence.journal.EventReader;
import io.stepwise.persistence.journal.JournalStore;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.SecretKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stepwise journal verify}: offline checks of a data directory's journal. */
@Command(name = "journal", mixinStandardHelpOptions = true,
    description = "Offline tools on a data directory's journal (the server stopped, or on a copy).",
    subcommands = {JournalCommand.Verify.class})
public final class JournalCommand {

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = {"Reads every event and snapshot of every entity and checks that it decrypts under its associated",
          "data, that sequence numbers are contiguous and that no execution ended twice without a redrive between.",
          "Lists each problem (the entity, the event, why: tampered, key disabled, key deleted...) and exits 1",
          "if there is any. A progress line on a terminal, plain lines otherwise."})
  static final class Verify implements Callable<Integer> {
    @Option(names = "--data-dir", paramLabel = "DIR", description = "The data directory (default ./data).")
    Path dataDir = Path.of("data");

    @Option(names = "--deep", description = {"Also deserializes every event into the class the server reads it as, as",
        "recovery would (catches events this version cannot read; about three times slower)."})
    boolean deep;

    PrintStream out = System.out;
    boolean progress = System.console() != null;

    @Override
    public Integer call() {
      if (!io.stepwise.persistence.internal.Db.exists(dataDir.resolve("journal"))) {
        System.err.println("stepwise journal verify: no journal in " + dataDir.toAbsolutePath());
        return 2;
      }
      Report r = verify(dataDir, out, progress, deep);
      out.printf("%d entities, %d events in %.1f s (%.0f events/s): %s%n", r.entities, r.events, r.seconds,
          r.events / Math.max(r.seconds, 1e-9), r.problems.isEmpty() ? "no problems" : r.problems.size() + " problems");
      return r.problems.isEmpty() ? 0 : 1;
    }
  }

  /** What a verification found. */
  public record Report(long entities, long events, double seconds, List<String> problems) {}

  /** Rows handed to a worker at a time; a batch ends only where an entity does. */
  private static final int BATCH = 2_000;

  /**
   * Verifies the journal of {@code dataDir}, printing each problem to {@code out} as it is found.
   * One pass over the stored events in (entity, sequence number) order: the scanning thread cuts it
   * into batches of whole entities, which workers (one per core) decrypt and check. Without
   * {@code deep}, an event is authenticated and decompressed but not deserialized: an execution's
   * steps are read only as far as telling whether they ended it ({@link Lifecycle#of(String, byte[])}).
   */
  public static Report verify(Path dataDir, PrintStream out, boolean progress, boolean deep) {
    try (HistoryCommand.Offline offline = new HistoryCommand.Offline(dataDir)) {
      var handles = offline.handles();
      long start = System.nanoTime();
      Map<Long, String> pids = handles.store().persistenceIds(0, Integer.MAX_VALUE);
      Checker checker = new Checker(handles, pids, out, progress, deep);
      handles.store().scanSnapshots((id, snapshot) -> checker.snapshot(id, snapshot));
      int workers = Math.max(1, Runtime.getRuntime().availableProcessors());
      ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
        Thread t = new Thread(r, "journal-verify");
        t.setDaemon(true);
        return t;
      });
      int window = workers * 2;
      Semaphore inFlight = new Semaphore(window);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      List<long[]> keys = new ArrayList<>(BATCH);
      List<byte[]> envelopes = new ArrayList<>(BATCH);
      try {
        handles.store().scanEvents((id, seq, envelope) -> {
          if (keys.size() >= BATCH && keys.get(keys.size() - 1)[0] != id) {
            submit(pool, inFlight, failure, checker, keys, envelopes);
          }
          keys.add(new long[] {id, seq});
          envelopes.add(envelope);
        });
        submit(pool, inFlight, failure, checker, keys, envelopes);
        inFlight.acquireUninterruptibly(window); // every batch done
        if (failure.get() != null) {
          throw new IllegalStateException("verification stopped: " + failure.get(), failure.get());
        }
      } finally {
        pool.shutdownNow();
      }
      if (progress) out.print("\r");
      return new Report(pids.size(), checker.events.get(), (System.nanoTime() - start) / 1e9,
          List.copyOf(checker.problems));
    }
  }

  private static void submit(ExecutorService pool, Semaphore inFlight, AtomicReference<Throwable> failure, Checker checker,
      List<long[]> keys, List<byte[]> envelopes) {
    if (keys.isEmpty()) return;
    List<long[]> k = List.copyOf(keys);
    List<byte[]> e = List.copyOf(envelopes);
    keys.clear();
    envelopes.clear();
    inFlight.acquireUninterruptibly();
    pool.execute(() -> {
      try {
        checker.batch(k, e);
      } catch (Throwable t) {
        failure.compareAndSet(null, t);
      } finally {
        inFlight.release();
      }
    });
  }

  /** The checks, shared by the workers; each batch holds whole entities, so one worker sees all of one. */
  private static final class Checker {
    private final io.stepwise.persistence.StepwiseStorage.Handles handles;
    private final Map<Long, String> pids;
    private final PrintStream out;
    private final boolean progress;
    private final boolean deep;
    private final Map<Long, Object> keys = new ConcurrentHashMap<>(); // data key ref -> SecretKey or why not
    final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    final AtomicLong events = new AtomicLong();

    Checker(io.stepwise.persistence.StepwiseStorage.Handles handles, Map<Long, String> pids, PrintStream out,
        boolean progress, boolean deep) {
      this.handles = handles;
      this.pids = pids;
      this.out = out;
      this.progress = progress;
      this.deep = deep;
    }

    void snapshot(long id, JournalStore.RawEntry snapshot) {
      String pid = pids.get(id);
      if (pid == null) {
        problem("entity #" + id, snapshot.sequenceNr(), "a snapshot of an entity id that has no readable persistence id");
        return;
      }
      try {
        Envelope env = Envelope.parse(snapshot.envelope());
        Object key = keyOf(env.dataKeyRef());
        if (!(key instanceof SecretKey k)) {
          problem(pid, snapshot.sequenceNr(), "snapshot unreadable: "
              + EventReader.keyUnavailable(env.dataKeyRef(), (Throwable) key));
          return;
        }
        handles.codec().openSnapshot(pid, snapshot.sequenceNr(), snapshot.timestamp(), env, k);
      } catch (Exception e) {
        problem(pid, snapshot.sequenceNr(), "snapshot unreadable: " + EventReader.unreadable(e));
      }
    }

    void batch(List<long[]> rows, List<byte[]> envelopes) {
      long entity = -1;
      String pid = null;
      boolean execution = false;
      long previous = -1;
      boolean ended = false;
      boolean orphan = false;
      for (int i = 0; i < rows.size(); i++) {
        long id = rows.get(i)[0];
        long seq = rows.get(i)[1];
        if (id != entity) {
          entity = id;
          pid = pids.get(id);
          orphan = pid == null;
          if (orphan) {
            // without its persistence id an event cannot be authenticated (it is the associated data)
            pid = "entity #" + id;
            problem(pid, seq, "events of an entity id that has no readable persistence id (from here on)");
          }
          execution = pid.startsWith("Execution|");
          previous = -1;
          ended = false;
        }
        if (orphan) {
          events.incrementAndGet();
          continue;
        }
        if (previous >= 0 && seq != previous + 1) {
          problem(pid, seq, "sequence numbers jump from " + previous + " to " + seq);
        }
        previous = seq;
        Lifecycle lifecycle = open(pid, seq, envelopes.get(i), execution);
        if (lifecycle == Lifecycle.REDRIVEN) {
          ended = false;
        } else if (lifecycle == Lifecycle.ENDED) {
          if (ended) problem(pid, seq, "a second terminal event without a redrive between");
          ended = true;
        }
        long n = events.incrementAndGet();
        if (progress && n % 10_000 == 0) {
          synchronized (out) {
            out.print("\rverified " + n + " events");
            out.flush();
          }
        }
      }
    }

    /** Decrypts one event (and reads what its execution needs); null if it is unreadable. */
    private Lifecycle open(String pid, long seq, byte[] envelope, boolean execution) {
      try {
        Envelope env = Envelope.parse(envelope);
        Object key = keyOf(env.dataKeyRef());
        if (!(key instanceof SecretKey k)) {
          problem(pid, seq, "unreadable: " + EventReader.keyUnavailable(env.dataKeyRef(), (Throwable) key));
          return null;
        }
        EventCodec.Opened opened = handles.codec().open(pid, seq, env, k);
        if (deep) {
          Object event = handles.codec().deserialize(opened);
          return execution ? Lifecycle.of(event) : Lifecycle.OTHER;
        }
        return execution ? Lifecycle.of(opened.type().manifest(), opened.payload()) : Lifecycle.OTHER;
      } catch (Exception e) {
        problem(pid, seq, "unreadable: " + EventReader.unreadable(e));
        return null;
      }
    }

    private Object keyOf(long ref) {
      return keys.computeIfAbsent(ref, r -> {
        SecretKey cached = handles.dataKeys().cached(r);
        if (cached != null) return cached;
        try {
          return handles.dataKeys().unwrap(r).toCompletableFuture().join();
        } catch (java.util.concurrent.CompletionException e) {
          return e.getCause() != null ? e.getCause() : e;
        } catch (RuntimeException e) {
          return e;
        }
      });
    }

    void problem(String pid, long seq, String why) {
      String line = pid + " #" + seq + ": " + why;
      problems.add(line);
      synchronized (out) {
        out.println(line);
      }
    }
  }
}
