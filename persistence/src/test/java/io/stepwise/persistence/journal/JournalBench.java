package io.stepwise.persistence.journal;

import com.typesafe.config.ConfigFactory;
import io.stepwise.persistence.StepwiseStorage;
import io.stepwise.persistence.TestEntity;
import io.stepwise.persistence.TestStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.PersistentEnvelope;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.PersistentRepr$;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Journal throughput with fsync on: N writers (distinct persistence ids) each send one event,
 * wait for the journal's confirmation, and send the next, as a persistent actor does, through
 * the plugin's real protocol ({@code WriteMessages} to the journal actor). Events are ~250 bytes
 * encrypted (a Jackson-serialized record).
 *
 * <p>Run: {@code java -cp persistence/target/classes:persistence/target/test-classes:$(cat cp.txt)
 * io.stepwise.persistence.journal.JournalBench [seconds] [writers...]}
 */
public final class JournalBench {
  private static final String DATA = "x".repeat(167);
  /** -Dbench.mode=entities drives typed EventSourcedBehaviors instead of the plugin protocol. */
  private static final boolean ENTITIES = "entities".equals(System.getProperty("bench.mode"));

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    List<Integer> writerCounts = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      writerCounts.add(Integer.parseInt(args[i]));
    }
    if (writerCounts.isEmpty()) {
      writerCounts = List.of(1, 100);
    }
    for (int writers : writerCounts) {
      run(writers, seconds);
    }
  }

  private static void run(int writers, int seconds) throws Exception {
    Path dir = Files.createTempDirectory("stepwise-bench");
    var config = ConfigFactory.parseString("stepwise.journal.fsync = " + System.getProperty("bench.fsync", "on")).withFallback(TestStorage.config(dir))
        .withFallback(ConfigFactory.load());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "bench", config);
    try {
      StepwiseStorage storage = StepwiseStorage.get(system);
      storage.open();
      var classic = Adapter.toClassic(system);
      ActorRef journal = Persistence.get(classic).journalFor("stepwise.journal", ConfigFactory.empty());
      AtomicLong confirmed = new AtomicLong();
      for (int i = 0; i < writers; i++) {
        String pid = "bench-" + i;
        if (ENTITIES) {
          system.systemActorOf(Driver.create(pid, confirmed), "driver-" + i,
              org.apache.pekko.actor.typed.Props.empty());
        } else {
          ((org.apache.pekko.actor.ExtendedActorSystem) classic).systemActorOf(
              Props.create(Writer.class, () -> new Writer(journal, pid, confirmed)), pid);
        }
      }
      Thread.sleep(5_000); // warm-up, JIT included
      var committer = storage.handles().committer();
      long batches0 = committer.batches();
      long prep0 = committer.prepareNanos();
      long write0 = committer.writeNanos();
      var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      long cpu0 = os.getProcessCpuTime();
      long c0 = confirmed.get();
      long t0 = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      long events = confirmed.get() - c0;
      double secs = (System.nanoTime() - t0) / 1e9;
      double cpuUsPerEvent = (os.getProcessCpuTime() - cpu0) / 1e3 / Math.max(1, events);
      long batches = storage.handles().committer().batches() - batches0;
      long stored = storedEventBytes(storage);
      double prepMs = (committer.prepareNanos() - prep0) / 1e6 / Math.max(1, batches);
      double writeMs = (committer.writeNanos() - write0) / 1e6 / Math.max(1, batches);
      System.out.printf((ENTITIES ? "entities" : "plugin writers") + "=%d  events/s=%,.0f  fsync'd batches/s=%,.0f  events/batch=%.1f  stored event=%d bytes"
              + "  per batch: encrypt %.2f ms, write+fsync %.2f ms  process CPU/event %.1f us%n",
          writers, events / secs, batches / secs, batches == 0 ? 0.0 : (double) events / batches, stored, prepMs, writeMs,
          cpuUsPerEvent);
      replay(storage, writers);
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get();
      try (var walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Replays (reads, decrypts, deserializes) every writer's events, one entity after another. */
  private static void replay(StepwiseStorage storage, int writers) throws Exception {
    AtomicLong replayed = new AtomicLong();
    long t0 = System.nanoTime();
    for (int i = 0; i < writers; i++) {
      storage.handles().reader().replay("bench-" + i, 1, Long.MAX_VALUE, Long.MAX_VALUE,
          r -> replayed.incrementAndGet()).toCompletableFuture().get();
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    System.out.printf("  replay: %,d events in %.2f s = %,.0f events/s%n", replayed.get(), secs, replayed.get() / secs);
  }

  private static long storedEventBytes(StepwiseStorage storage) {
    var store = storage.handles().store();
    long id = store.idOf("bench-0").orElseThrow();
    return store.readEvents(id, 1, 1, 1).get(0).envelope().length;
  }

  /** Asks one event-sourced entity to persist, again and again, one event in flight. */
  static final class Driver {
    static org.apache.pekko.actor.typed.Behavior<org.apache.pekko.Done> create(String pid, AtomicLong confirmed) {
      return Behaviors.setup(ctx -> {
        var entity = ctx.spawn(new CountingEntity(pid), pid);
        entity.tell(new CountingEntity.Append(DATA, ctx.getSelf()));
        return Behaviors.receiveMessage(done -> {
          confirmed.incrementAndGet();
          entity.tell(new CountingEntity.Append(DATA, ctx.getSelf()));
          return Behaviors.same();
        });
      });
    }
  }

  /** An entity whose state stays small however many events it persists. */
  static final class CountingEntity extends org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior<
      CountingEntity.Append, TestEntity.Added, Long> {
    record Append(String data, org.apache.pekko.actor.typed.ActorRef<org.apache.pekko.Done> replyTo) {}

    CountingEntity(String pid) {
      super(org.apache.pekko.persistence.typed.PersistenceId.ofUniqueId(pid));
    }

    @Override
    public Long emptyState() {
      return 0L;
    }

    @Override
    public org.apache.pekko.persistence.typed.javadsl.CommandHandler<Append, TestEntity.Added, Long> commandHandler() {
      return (state, cmd) -> Effect().persist(new TestEntity.Added(cmd.data() + state))
          .thenReply(cmd.replyTo(), s -> org.apache.pekko.Done.getInstance());
    }

    @Override
    public org.apache.pekko.persistence.typed.javadsl.EventHandler<Long, TestEntity.Added> eventHandler() {
      return (state, event) -> state + 1;
    }
  }

  /** One persistent-actor-like writer: one event in flight at a time. */
  static final class Writer extends AbstractActor {
    private final ActorRef journal;
    private final String pid;
    private final AtomicLong confirmed;
    private final String writerUuid = UUID.randomUUID().toString();
    private long seq;

    Writer(ActorRef journal, String pid, AtomicLong confirmed) {
      this.journal = journal;
      this.pid = pid;
      this.confirmed = confirmed;
    }

    @Override
    public void preStart() {
      writeNext();
    }

    private void writeNext() {
      seq++;
      PersistentRepr repr = PersistentRepr$.MODULE$.apply(new TestEntity.Added(DATA + seq), seq, pid, "", false,
          self(), writerUuid);
      List<PersistentEnvelope> batch = List.of(new AtomicWrite(CollectionConverters.asScala(List.of(repr)).toList()));
      journal.tell(new JournalProtocol.WriteMessages(CollectionConverters.asScala(batch).toList(), self(), 1), self());
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .match(JournalProtocol.WriteMessageSuccess.class, m -> {
            confirmed.incrementAndGet();
            writeNext();
          })
          .match(JournalProtocol.WriteMessagesSuccessful$.class, m -> { })
          .match(JournalProtocol.WriteMessageFailure.class, m -> {
            throw new IllegalStateException("write failed", m.cause());
          })
          .match(JournalProtocol.WriteMessageRejected.class, m -> {
            throw new IllegalStateException("write rejected", m.cause());
          })
          .build();
    }
  }
}
