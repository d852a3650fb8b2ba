package io.stepwise.server;

import io.stepwise.engine.execution.ExecutionEntity;
import io.stepwise.persistence.UnreadableEvent;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.pekko.persistence.PersistentRepr;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stepwise journal verify}: offline checks of a data directory's journal. */
@Command(name = "journal", mixinStandardHelpOptions = true,
    description = "Offline tools on a data directory's journal (the server stopped, or on a copy).",
    subcommands = {JournalCommand.Verify.class})
public final class JournalCommand {

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = {"Reads every event of every entity and checks that it decrypts under its associated data,",
          "that sequence numbers are contiguous and that no execution ended twice without a redrive between.",
          "Lists each problem (the entity, the event, why: tampered, key disabled, key deleted...) and exits 1",
          "if there is any. A progress line on a terminal, plain lines otherwise."})
  static final class Verify implements Callable<Integer> {
    @Option(names = "--data-dir", paramLabel = "DIR", description = "The data directory (default ./data).")
    Path dataDir = Path.of("data");

    PrintStream out = System.out;
    boolean progress = System.console() != null;

    @Override
    public Integer call() {
      if (!Files.isDirectory(dataDir.resolve("journal"))) {
        System.err.println("stepwise journal verify: no journal in " + dataDir.toAbsolutePath());
        return 2;
      }
      Report r = verify(dataDir, out, progress);
      out.printf("%d entities, %d events in %.1f s (%.0f events/s): %s%n", r.entities, r.events, r.seconds,
          r.events / Math.max(r.seconds, 1e-9), r.problems.isEmpty() ? "no problems" : r.problems.size() + " problems");
      return r.problems.isEmpty() ? 0 : 1;
    }
  }

  /** What a verification found. */
  public record Report(long entities, long events, double seconds, List<String> problems) {}

  /** Verifies the journal of {@code dataDir}, printing each problem to {@code out} as it is found. */
  public static Report verify(Path dataDir, PrintStream out, boolean progress) {
    try (HistoryCommand.Offline offline = new HistoryCommand.Offline(dataDir)) {
      var handles = offline.handles();
      long start = System.nanoTime();
      List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
      java.util.concurrent.atomic.AtomicLong events = new java.util.concurrent.atomic.AtomicLong();
      long entities = 0;
      // entities are read concurrently (each replay is asynchronous), a bounded number at a time
      java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(32);
      List<java.util.concurrent.CompletableFuture<Void>> pending = new ArrayList<>();
      for (var entry : handles.store().persistenceIds(0, Integer.MAX_VALUE).entrySet()) {
        String pid = entry.getValue();
        entities++;
        EntityCheck check = new EntityCheck(pid, problems, out);
        // snapshots too: recovery starts from them
        for (var snapshot : handles.store().snapshots(entry.getKey())) {
          try {
            var env = io.stepwise.persistence.crypto.Envelope.parse(snapshot.envelope());
            var key = handles.dataKeys().unwrap(env.dataKeyRef()).toCompletableFuture().join();
            handles.codec().openSnapshot(pid, snapshot.sequenceNr(), snapshot.timestamp(), env, key);
          } catch (Exception e) {
            Throwable why = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            check.problem(snapshot.sequenceNr(), "snapshot unreadable: " + (why instanceof javax.crypto.AEADBadTagException
                ? "ciphertext failed authentication (tampered, moved or wrong key)" : why.getMessage()));
          }
        }
        window.acquireUninterruptibly();
        pending.add(handles.reader().replay(pid, 0, Long.MAX_VALUE, Long.MAX_VALUE, repr -> {
          check.accept(repr);
          long n = events.incrementAndGet();
          if (progress && n % 10_000 == 0) {
            synchronized (out) {
              out.print("\rverified " + n + " events");
              out.flush();
            }
          }
        }).toCompletableFuture().whenComplete((v, e) -> window.release()));
      }
      java.util.concurrent.CompletableFuture.allOf(pending.toArray(java.util.concurrent.CompletableFuture[]::new)).join();
      if (progress) out.print("\r");
      return new Report(entities, events.get(), (System.nanoTime() - start) / 1e9, List.copyOf(problems));
    }
  }

  /** The checks of one entity's events, in order. */
  private static final class EntityCheck {
    private final String pid;
    private final List<String> problems;
    private final PrintStream out;
    private final boolean execution;
    private long previous = -1;
    private boolean ended;

    EntityCheck(String pid, List<String> problems, PrintStream out) {
      this.pid = pid;
      this.problems = problems;
      this.out = out;
      this.execution = pid.startsWith("Execution|");
    }

    void accept(PersistentRepr repr) {
      long seq = repr.sequenceNr();
      if (previous >= 0 && seq != previous + 1) {
        problem(seq, "sequence numbers jump from " + previous + " to " + seq);
      }
      previous = seq;
      Object payload = repr.payload();
      if (payload instanceof UnreadableEvent u) {
        problem(seq, "unreadable: " + u.reason());
        return;
      }
      if (!execution) return;
      if (payload instanceof ExecutionEntity.Redriven) {
        ended = false;
      } else if ((payload instanceof ExecutionEntity.Stepped s && s.result() != null)
          || payload instanceof ExecutionEntity.KeyFailed) {
        if (ended) problem(seq, "a second terminal event without a redrive between");
        ended = true;
      }
    }

    void problem(long seq, String why) {
      String line = pid + " #" + seq + ": " + why;
      problems.add(line);
      synchronized (out) {
        out.println(line);
      }
    }
  }
}
