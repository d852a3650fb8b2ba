package io.stepwise.persistence.journal;

import static org.assertj.core.api.Assertions.assertThat;

import org.assertj.core.api.InstanceOfAssertFactories;

import com.typesafe.config.ConfigFactory;
import io.stepwise.persistence.StepwiseStorage;
import io.stepwise.persistence.TestEntity;
import io.stepwise.persistence.TestStorage;
import io.stepwise.persistence.TestStorage.MutableClock;
import io.stepwise.persistence.keys.DataKeyCache;
import io.stepwise.persistence.keys.DataKeys;
import io.stepwise.persistence.keys.EncryptionTarget;
import io.stepwise.persistence.keys.KeyManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.PersistentRepr$;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/** The group committer with four sealer threads, driven directly with many submitting threads. */
class ParallelSealingTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
  private ActorTestKit kit;
  private StepwiseStorage storage;
  private GroupCommitter committer;

  @BeforeEach
  void start() {
    kit = ActorTestKit.create("parallel-sealing", ConfigFactory.parseString("stepwise.journal.sealer-threads = 4")
        .withFallback(TestStorage.config(dir)));
    storage = StepwiseStorage.get(kit.system());
    committer = storage.open(clock).committer();
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void manyThreadsWritingManyEntities_replayGapFreeInOrder() throws Exception {
    int threads = 8, entitiesPerThread = 25, events = 20;
    List<Thread> submitters = new ArrayList<>();
    ConcurrentLinkedQueue<CompletableFuture<Iterable<Optional<Exception>>>> results = new ConcurrentLinkedQueue<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      submitters.add(new Thread(() -> {
        // Several writes of each entity in flight at once: their order must survive parallel sealing.
        for (int seq = 1; seq <= events; seq++) {
          for (int e = 0; e < entitiesPerThread; e++) {
            WriteOp op = write("p-" + thread + "-" + e, seq);
            committer.submit(op);
            results.add(op.done());
          }
        }
      }));
    }
    submitters.forEach(Thread::start);
    for (Thread t : submitters) {
      t.join();
    }
    for (var r : results) {
      assertThat(r.get(WAIT.toSeconds(), TimeUnit.SECONDS)).containsOnly(Optional.empty());
    }
    List<Long> ids = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      for (int e = 0; e < entitiesPerThread; e++) {
        String pid = "p-" + t + "-" + e;
        List<String> replayed = replay(pid);
        List<String> expected = new ArrayList<>();
        for (int seq = 1; seq <= events; seq++) {
          expected.add(seq + ":" + pid + "#" + seq);
        }
        assertThat(replayed).as(pid).isEqualTo(expected);
        ids.add(storage.handles().store().idOf(pid).orElseThrow());
      }
    }
    assertThat(ids).doesNotHaveDuplicates();
    assertThat(committer.batches()).isLessThan(threads * entitiesPerThread * events);
  }

  @Test
  void opSubmittedFirstFromOneThread_isDurableNoLaterThanTheNext() throws Exception {
    List<Thread> submitters = new ArrayList<>();
    ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<CompletableFuture<?>> done = new ConcurrentLinkedQueue<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      submitters.add(new Thread(() -> {
        for (int i = 0; i < 200; i++) {
          String pid = "inv-" + thread + "-" + i;
          // An index entry before the write it indexes (no persistence id: nothing else orders it).
          byte[] indexKey = ("~index-" + pid).getBytes(StandardCharsets.UTF_8);
          committer.submit(new PutOp(indexKey, List.of()));
          WriteOp write = write(pid, 1);
          committer.submit(write);
          done.add(write.done().thenRun(() -> {
            if (storage.handles().db().get(indexKey) == null) {
              violations.add("event of " + pid + " durable before its index entry");
            }
          }));
          // An entry that names the entity it points at never overtakes that entity's write.
          byte[] pointer = ("~pointer-" + pid).getBytes(StandardCharsets.UTF_8);
          PutOp after = new PutOp(pointer, List.of(pid));
          committer.submit(after);
          done.add(after.done.thenRun(() -> {
            long numeric = storage.handles().store().idOf(pid).orElseThrow();
            if (storage.handles().db().get(JournalKeys.event(numeric, 1)) == null) {
              violations.add("pointer to " + pid + " durable before its event");
            }
          }));
        }
      }));
    }
    submitters.forEach(Thread::start);
    for (Thread t : submitters) {
      t.join();
    }
    CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(violations).isEmpty();
  }

  @Test
  void slowKmsForOneKey_doesNotHoldBackWritesUnderAnother() throws Exception {
    String customer = storage.kms().createKey("slow", null).keyId();
    EncryptionTarget slow = new EncryptionTarget(customer, Map.of(), Duration.ofSeconds(300));
    CompletableFuture<Void> kmsAnswers = new CompletableFuture<>();
    CountDownLatch asked = new CountDownLatch(1);
    ActorRef<KeyManager.Command> real = storage.handles().keyManager();
    // In front of the real key manager: requests for the slow key are held until the test lets go.
    ActorRef<KeyManager.Command> gate = kit.spawn(Behaviors.receiveMessage(cmd -> {
      if (cmd instanceof KeyManager.IssueDataKey issue && issue.target().equals(slow)) {
        asked.countDown();
        kmsAnswers.thenRun(() -> real.tell(cmd));
      } else {
        real.tell(cmd);
      }
      return Behaviors.same();
    }));
    var handles = storage.handles();
    DataKeys keys = new DataKeys(gate, kit.system().scheduler(), WAIT, clock,
        new DataKeyCache(100, Duration.ofMinutes(5), clock));
    GroupCommitter gated = new GroupCommitter(handles.store(), handles.codec(), keys,
        () -> pid -> pid.startsWith("slow") ? slow : storage.serviceOwnedTarget(), storage.ioExecutor(), clock,
        true, 4096, Duration.ofMillis(2), 4);

    WriteOp slow1 = write("slow-1", 1);
    gated.submit(slow1);
    assertThat(asked.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    WriteOp slow2 = write("slow-1", 2);
    gated.submit(slow2);
    List<WriteOp> fast = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      WriteOp op = write("fast-" + i, 1);
      gated.submit(op);
      fast.add(op);
    }
    for (WriteOp op : fast) {
      assertThat(op.done().get(WAIT.toSeconds(), TimeUnit.SECONDS)).containsOnly(Optional.empty());
    }
    assertThat(slow1.done()).isNotDone();
    assertThat(slow2.done()).as("waits behind its entity's earlier write").isNotDone();

    kmsAnswers.complete(null);
    assertThat(slow1.done().get(WAIT.toSeconds(), TimeUnit.SECONDS)).containsOnly(Optional.empty());
    assertThat(slow2.done().get(WAIT.toSeconds(), TimeUnit.SECONDS)).containsOnly(Optional.empty());
    assertThat(replay("slow-1")).containsExactly("1:slow-1#1", "2:slow-1#2");
  }

  @Test
  void leaseEndingWhileOpIsSealed_doesNotRejectIt() throws Exception {
    assertThat(submitAndWait(write("l", 1))).containsOnly(Optional.empty());
    EncryptionTarget target = storage.serviceOwnedTarget();
    var admitted = storage.handles().dataKeys().heldLease(target);
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch go = new CountDownLatch(1);
    WriteOp second = write("l", 2);
    BatchOp held = new BatchOp() {
      @Override
      public Collection<String> encryptsFor() {
        return second.encryptsFor();
      }

      @Override
      public void prepare(BatchContext ctx) {
        entered.countDown();
        try {
          go.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        second.prepare(ctx);
      }

      @Override
      public void committed() {
        second.committed();
      }

      @Override
      public void failed(Throwable cause) {
        second.failed(cause);
      }
    };
    new Thread(() -> committer.submit(held)).start();
    assertThat(entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    clock.advance(Duration.ofSeconds(301));
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (admitted.key() != null && System.nanoTime() < deadline) {
      Thread.sleep(20); // the key manager's sweep ends the lease within a second
    }
    assertThat(admitted.key()).as("the key manager ended the lease").isNull();
    go.countDown();

    assertThat(second.done().get(WAIT.toSeconds(), TimeUnit.SECONDS)).containsOnly(Optional.empty());
    assertThat(submitAndWait(write("l", 3))).containsOnly(Optional.empty());
    assertThat(replay("l")).containsExactly("1:l#1", "2:l#2", "3:l#3");
    assertThat(dataKeyRef("l", 3)).as("a new lease after the window").isNotEqualTo(admitted.dataKeyRef());
  }

  @Test
  void leaseNearItsEnd_isRenewedAheadWithoutFailingWrites() throws Exception {
    assertThat(submitAndWait(write("r", 1))).containsOnly(Optional.empty());
    EncryptionTarget target = storage.serviceOwnedTarget();
    long first = storage.handles().dataKeys().heldLease(target).dataKeyRef();
    clock.advance(Duration.ofSeconds(295));
    assertThat(submitAndWait(write("r", 2))).containsOnly(Optional.empty());
    assertThat(dataKeyRef("r", 2)).as("still inside the window").isEqualTo(first);
    long deadline = System.nanoTime() + WAIT.toNanos();
    // Renewed in the background; until the new lease lands the held one may already be gone (null).
    while (System.nanoTime() < deadline) {
      var held = storage.handles().dataKeys().heldLease(target);
      if (held != null && held.dataKeyRef() != first) break;
      Thread.sleep(10);
    }
    assertThat(submitAndWait(write("r", 3))).containsOnly(Optional.empty());
    assertThat(dataKeyRef("r", 3)).isNotEqualTo(first);
    assertThat(replay("r")).containsExactly("1:r#1", "2:r#2", "3:r#3");
  }

  @Test
  void failedWrite_failsTheOpAndLaterOpsAndMakesStorageUnhealthy() throws Exception {
    assertThat(storage.health()).isInstanceOf(io.stepwise.persistence.StorageHealth.Healthy.class);
    assertThat(submitAndWait(write("f", 1))).containsOnly(Optional.empty());
    ConcurrentLinkedQueue<Throwable> told = new ConcurrentLinkedQueue<>();
    storage.onFatal(told::add);
    storage.handles().db().close(); // the next LevelDB write throws

    // An op that reads nothing while sealed, so that the batch write itself fails.
    var failing = new io.stepwise.persistence.index.IndexOp().put(new byte[] {'t', 1}, new byte[] {1});
    committer.submit(failing);
    assertThat(failing.done()).failsWithin(WAIT).withThrowableThat().withMessageContaining("closed");
    // Queued while the failing batch is written: it fails when sealing reads the closed store, or after.
    WriteOp racing = write("f", 3);
    committer.submit(racing);
    assertThat(racing.done()).failsWithin(WAIT).withThrowableThat().withMessageMatching("(?s).*(unavailable|closed).*");

    assertThat(storage.health()).isInstanceOfSatisfying(io.stepwise.persistence.StorageHealth.Unhealthy.class,
        u -> assertThat(u.reason()).contains("journal write failed").contains("closed"));
    WriteOp later = write("f", 3);
    committer.submit(later);
    assertThat(later.done()).failsWithin(WAIT).withThrowableThat().withMessageContaining("unavailable");
    assertThat(told).hasSize(1);
    ConcurrentLinkedQueue<Throwable> lateListener = new ConcurrentLinkedQueue<>();
    storage.onFatal(lateListener::add);
    assertThat(lateListener).as("told at once when registered after the failure").hasSize(1);
    assertThat(told).hasSize(1);
  }

  /**
   * An entity's write must follow on its journal's last event: one whose state went stale (an
   * AppendWrite went on since it recovered) is rejected alone and writes nothing.
   */
  @Test
  void aWriteThatDoesNotFollowOnTheJournal_isRejected_andWritesNothing() throws Exception {
    assertThat(submitAndWait(write("g", 1))).containsOnly(Optional.empty());
    AppendWrite other = new AppendWrite("g", 1, List.of(new TestEntity.Added("g#2 by another writer")), "other",
        new io.stepwise.persistence.index.IndexOp());
    committer.submit(other);
    assertThat(other.done().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS))
        .isEqualTo(AppendWrite.Outcome.WRITTEN);
    Iterable<Optional<Exception>> stale = submitAndWait(write("g", 2));
    assertThat(stale).singleElement().satisfies(r -> assertThat(r).get(InstanceOfAssertFactories.THROWABLE)
        .hasMessageContaining("does not end at 1"));
    assertThat(submitAndWait(write("g", 4))).singleElement().satisfies(r -> assertThat(r).isPresent());
    assertThat(submitAndWait(write("g", 3))).containsOnly(Optional.empty());
    assertThat(replay("g")).containsExactly("1:g#1", "2:g#2 by another writer", "3:g#3");
  }

  /**
   * A persistence id looked up before it has a number is found by every lookup after its first
   * write, including lookups racing that write.
   */
  @Test
  void idsLookedUpBeforeAndWhileTheirFirstWriteCommits_areFoundAfterIt() throws Exception {
    idsLookedUpBeforeTheirFirstWrite_areFoundAfterIt();
  }

  /** As above with an id cache that starts over every few ids: an id it forgot is looked up again. */
  @Test
  void idsLookedUpBeforeTheirFirstWrite_areFoundAfterTheIdCacheStartsOver() throws Exception {
    storage.handles().store().limitIdCache(7);
    idsLookedUpBeforeTheirFirstWrite_areFoundAfterIt();
  }

  private void idsLookedUpBeforeTheirFirstWrite_areFoundAfterIt() throws Exception {
    var store = storage.handles().store();
    int n = 300;
    List<String> pids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      pids.add("fresh-" + i);
      assertThat(store.idOf("fresh-" + i)).isEmpty();
      assertThat(store.idOf("fresh-" + i)).isEmpty();
    }
    java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread looker = new Thread(() -> {
      while (writing.get()) {
        for (String pid : pids) store.idOf(pid);
      }
    });
    looker.start();
    List<WriteOp> ops = new ArrayList<>();
    for (String pid : pids) {
      WriteOp op = write(pid, 1);
      committer.submit(op);
      ops.add(op);
    }
    for (WriteOp op : ops) {
      assertThat(op.done().get(WAIT.toSeconds(), TimeUnit.SECONDS)).containsOnly(Optional.empty());
    }
    writing.set(false);
    looker.join();
    for (String pid : pids) {
      assertThat(store.idOf(pid)).as(pid).isPresent();
      assertThat(replay(pid)).containsExactly("1:" + pid + "#1");
      // A second write follows on the first: the journal is known to end at 1.
      assertThat(submitAndWait(write(pid, 2))).containsOnly(Optional.empty());
    }
    assertThat(store.idOf("never-written")).isEmpty();
  }

  private Iterable<Optional<Exception>> submitAndWait(WriteOp op) throws Exception {
    committer.submit(op);
    return op.done().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private List<String> replay(String pid) throws Exception {
    List<String> out = new ArrayList<>();
    storage.handles().reader().replay(pid, 1, Long.MAX_VALUE, Long.MAX_VALUE,
        r -> out.add(r.sequenceNr() + ":" + ((TestEntity.Added) r.payload()).text()))
        .toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    return out;
  }

  private long dataKeyRef(String pid, long seq) {
    var store = storage.handles().store();
    long id = store.idOf(pid).orElseThrow();
    return io.stepwise.persistence.crypto.Envelope.parse(store.readEvents(id, seq, seq, 1).get(0).envelope())
        .dataKeyRef();
  }

  private static WriteOp write(String pid, long seq) {
    PersistentRepr repr = PersistentRepr$.MODULE$.apply(new TestEntity.Added(pid + "#" + seq), seq, pid, "", false,
        null, "writer");
    return new WriteOp(List.of(new AtomicWrite(CollectionConverters.asScala(List.of(repr)).toList())));
  }

  /** Puts one key, ordered with {@code pids}: an index entry as the engine writes them. */
  private static final class PutOp implements BatchOp {
    private final byte[] key;
    private final List<String> pids;
    final CompletableFuture<Void> done = new CompletableFuture<>();

    PutOp(byte[] key, List<String> pids) {
      this.key = key;
      this.pids = pids;
    }

    @Override
    public Collection<String> persistenceIds() {
      return pids;
    }

    @Override
    public void prepare(BatchContext ctx) {
      ctx.put(key, new byte[] {1});
    }

    @Override
    public void committed() {
      done.complete(null);
    }

    @Override
    public void failed(Throwable cause) {
      done.completeExceptionally(cause);
    }
  }
}
