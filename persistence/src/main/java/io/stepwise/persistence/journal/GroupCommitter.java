package io.stepwise.persistence.journal;

import io.stepwise.persistence.keys.DataKeyLease;
import io.stepwise.persistence.keys.DataKeys;
import io.stepwise.persistence.keys.EncryptionTarget;
import io.stepwise.persistence.keys.KeySelector;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.iq80.leveldb.WriteBatch;

/**
 * Group commit in two stages. The <em>sealer</em> takes ops in arrival order, serializes and
 * encrypts them and appends their puts to the open batch; the <em>writer</em> takes whole sealed
 * batches and writes each as one LevelDB WriteBatch with one fsync. Everything that arrives while
 * a sync is in flight is sealed meanwhile and goes into the next single write, and encryption is
 * off the fsync's critical path. One sealer and one writer at a time keep arrival order as write
 * order, so each entity's writes stay in order.
 *
 * <p>A failed write is fatal for this committer: the failed batch and every later op fail, since
 * after an fsync error nothing in the page cache can be trusted to reach the disk. The server has
 * to be restarted, which replays only what is durable.
 */
public final class GroupCommitter {
  private final JournalStore store;
  private final EventCodec codec;
  private final DataKeys dataKeys;
  private final Supplier<KeySelector> selector;
  private final Executor executor;
  private final Clock clock;
  private final boolean fsync;
  private final int maxBatchEvents;

  private final ConcurrentLinkedQueue<BatchOp> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean sealing = new AtomicBoolean();
  private final ReentrantLock sealedLock = new ReentrantLock();
  private final Condition moreSealed = sealedLock.newCondition();
  private final ArrayDeque<Sealed> sealed = new ArrayDeque<>();
  private final long maxLingerNanos;
  // Guarded by sealedLock.
  private boolean writing;
  private int expectedOps;
  private long lastWriteNanos;
  private boolean lingering;
  private volatile Throwable fatal;

  // Ids and highest sequence numbers sealed but maybe not yet durable. Written by the sealer;
  // the writer removes entries once durable (unless the sealer has moved on) to keep them small.
  private final Map<String, Long> unpublishedIds = new ConcurrentHashMap<>();
  private final Map<Long, Long> sealedHighest = new ConcurrentHashMap<>();
  private final Map<PayloadType, Integer> unpublishedTypes = new ConcurrentHashMap<>();
  private final Map<EncryptionTarget, DataKeyLease> leases = new HashMap<>();
  // Why the key manager refused a target, kept until the op that asked has been prepared.
  private final Map<EncryptionTarget, Throwable> refused = new HashMap<>();

  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong batchedOps = new AtomicLong();
  private final AtomicLong prepareNanos = new AtomicLong();
  private final AtomicLong writeNanos = new AtomicLong();

  /** Puts and deletes of one future WriteBatch, and the ops waiting for it. */
  private static final class Sealed {
    final List<byte[]> keys = new ArrayList<>();
    final List<byte[]> values = new ArrayList<>(); // null value = delete
    final List<BatchOp> ops = new ArrayList<>();
    final Map<String, Long> newIds = new HashMap<>();
    final Map<PayloadType, Integer> newTypes = new HashMap<>();
    final Map<Long, Long> highest = new HashMap<>();
    int events;
  }

  public GroupCommitter(JournalStore store, EventCodec codec, DataKeys dataKeys, Supplier<KeySelector> selector,
      Executor executor, Clock clock, boolean fsync, int maxBatchEvents, java.time.Duration maxLinger) {
    this.store = store;
    this.codec = codec;
    this.dataKeys = dataKeys;
    this.selector = selector;
    this.executor = executor;
    this.clock = clock;
    this.fsync = fsync;
    this.maxBatchEvents = maxBatchEvents;
    this.maxLingerNanos = maxLinger.toNanos();
  }

  /** Queues {@code op}; call it from a thread of the I/O dispatcher (the plugin actors run there). */
  public void submit(BatchOp op) {
    Throwable f = fatal;
    if (f != null) {
      op.failed(new IllegalStateException("journal unavailable after a failed write", f));
      return;
    }
    queue.add(op);
    if (sealing.compareAndSet(false, true)) {
      // The plugin actors run on the I/O dispatcher, so sealing right here keeps crypto there and
      // saves a thread hand-off per write.
      seal();
    }
  }

  /** Batches written so far (each one fsync when fsync is on). */
  public long batches() {
    return batches.get();
  }

  public long batchedOps() {
    return batchedOps.get();
  }

  /** Time spent serializing and encrypting. */
  public long prepareNanos() {
    return prepareNanos.get();
  }

  /** Time spent in LevelDB writes (including the fsync). */
  public long writeNanos() {
    return writeNanos.get();
  }

  // ---- sealer ----

  private void seal() {
    while (true) {
      BatchOp op = queue.peek();
      if (op == null) {
        sealing.set(false);
        // An op may have arrived after peek() saw nothing but before the flag was cleared.
        if (queue.isEmpty() || !sealing.compareAndSet(false, true)) {
          return;
        }
        continue;
      }
      CompletableFuture<Void> missing = fetchMissingLeases(op);
      if (missing != null) {
        // Rare (a window ended): resume once the key manager answers, still in order.
        missing.whenCompleteAsync((v, err) -> seal(), executor);
        return;
      }
      queue.poll();
      sealOne(op);
    }
  }

  private CompletableFuture<Void> fetchMissingLeases(BatchOp op) {
    List<CompletableFuture<?>> pending = new ArrayList<>();
    KeySelector keySelector = selector.get();
    for (String pid : op.encryptsFor()) {
      EncryptionTarget t = keySelector.select(pid);
      if (refused.containsKey(t)) {
        continue; // just refused: prepare() rejects the write instead of asking forever
      }
      DataKeyLease held = leases.get(t);
      if (held != null && held.usableAt(clock.instant())) {
        continue;
      }
      DataKeyLease fromManager = dataKeys.heldLease(t);
      if (fromManager != null) {
        leases.put(t, fromManager);
        continue;
      }
      pending.add(dataKeys.lease(t).toCompletableFuture().handle((l, err) -> {
        synchronized (leases) {
          if (l != null) {
            leases.put(t, l);
          } else {
            leases.remove(t);
            refused.put(t, err instanceof CompletionException c ? c.getCause() : err);
          }
        }
        return null;
      }));
    }
    return pending.isEmpty() ? null : CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new));
  }

  private void sealOne(BatchOp op) {
    long t0 = System.nanoTime();
    Context ctx = new Context();
    try {
      synchronized (leases) {
        try {
          op.prepare(ctx);
        } finally {
          refused.clear();
        }
      }
    } catch (RuntimeException e) {
      // Ops record per-item failures themselves; this is a bug or an I/O error. Forget what the
      // op had sealed so that later ops do not build on it, and keep the sealer going.
      ctx.newIds.forEach(unpublishedIds::remove);
      ctx.newTypes.forEach(unpublishedTypes::remove);
      ctx.highest.forEach(sealedHighest::remove);
      op.failed(e);
      return;
    }
    prepareNanos.addAndGet(System.nanoTime() - t0);
    boolean startWriter = false;
    sealedLock.lock();
    try {
      Sealed s = sealed.peekLast();
      if (s == null || s.events + op.size() > maxBatchEvents && !s.ops.isEmpty()) {
        s = new Sealed();
        sealed.addLast(s);
      }
      s.keys.addAll(ctx.keys);
      s.values.addAll(ctx.values);
      s.newIds.putAll(ctx.newIds);
      s.newTypes.putAll(ctx.newTypes);
      s.highest.putAll(ctx.highest);
      s.ops.add(op);
      s.events += op.size();
      if (!writing) {
        writing = true;
        startWriter = true;
      } else if (lingering && (sealed.size() > 1 || s.ops.size() >= expectedOps)) {
        moreSealed.signal();
      }
    } finally {
      sealedLock.unlock();
    }
    if (startWriter) {
      executor.execute(this::write);
    }
  }

  // ---- writer ----

  private void write() {
    while (true) {
      Sealed s = nextBatch();
      if (s == null) {
        return;
      }
      Throwable f = fatal;
      if (f == null) {
        try (WriteBatch batch = store.db().newBatch()) {
          for (int i = 0; i < s.keys.size(); i++) {
            byte[] v = s.values.get(i);
            if (v == null) {
              batch.delete(s.keys.get(i));
            } else {
              batch.put(s.keys.get(i), v);
            }
          }
          long t1 = System.nanoTime();
          store.db().write(batch, fsync);
          long took = System.nanoTime() - t1;
          writeNanos.addAndGet(took);
          sealedLock.lock();
          try {
            lastWriteNanos = took;
            // The writers just confirmed are likely to write again at once; wait briefly for them
            // (see nextBatch) so that they share the next fsync with those already waiting.
            expectedOps = s.ops.size() + (sealed.isEmpty() ? 0 : sealed.peekFirst().ops.size());
          } finally {
            sealedLock.unlock();
          }
        } catch (Throwable t) {
          fatal = t;
          f = t;
        }
      }
      if (f != null) {
        for (BatchOp op : s.ops) {
          op.failed(f);
        }
        continue;
      }
      store.publishIds(s.newIds);
      store.publishTypes(s.newTypes);
      s.newIds.forEach(unpublishedIds::remove);
      s.newTypes.forEach(unpublishedTypes::remove);
      s.highest.forEach(sealedHighest::remove);
      batches.incrementAndGet();
      batchedOps.addAndGet(s.ops.size());
      executor.execute(new Completion(s.ops));
    }
  }

  /**
   * Completes a durable batch's ops off the writer thread, so the next fsync starts at once. As a
   * Pekko {@code Batchable}, the future callbacks it triggers on the same dispatcher (the journal's
   * replies) run in its batch on this one thread, instead of one task and one wake-up each.
   */
  private record Completion(List<BatchOp> ops) implements org.apache.pekko.dispatch.Batchable {
    @Override
    public boolean isBatchable() {
      return true;
    }

    @Override
    public void run() {
      for (BatchOp op : ops) {
        op.committed();
      }
    }
  }

  /**
   * The next sealed batch, after lingering at most half the last write's duration (capped by
   * max-linger) for the ops expected back from the previous batch. Without this, a fixed set of
   * writers that each wait for their confirmation splits into two groups that alternate, halving
   * the events per fsync. Null (and the writer stops) when nothing is sealed.
   */
  private Sealed nextBatch() {
    sealedLock.lock();
    try {
      Sealed first = sealed.peekFirst();
      if (first == null) {
        writing = false;
        return null;
      }
      long remaining = Math.min(maxLingerNanos, lastWriteNanos / 2);
      while (remaining > 0 && first.ops.size() < expectedOps && first.events < maxBatchEvents
          && sealed.size() == 1) {
        lingering = true;
        try {
          remaining = moreSealed.awaitNanos(remaining);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        } finally {
          lingering = false;
        }
      }
      return sealed.pollFirst();
    } finally {
      sealedLock.unlock();
    }
  }

  /** Collects one op's changes; runs on the sealer. */
  private final class Context implements BatchContext {
    final List<byte[]> keys = new ArrayList<>();
    final List<byte[]> values = new ArrayList<>();
    final Map<String, Long> newIds = new HashMap<>();
    final Map<PayloadType, Integer> newTypes = new HashMap<>();
    final Map<Long, Long> highest = new HashMap<>();
    private final long now = clock.millis();

    @Override
    public void put(byte[] key, byte[] value) {
      keys.add(key);
      values.add(value);
    }

    @Override
    public void delete(byte[] key) {
      keys.add(key);
      values.add(null);
    }

    @Override
    public JournalStore store() {
      return store;
    }

    @Override
    public EventCodec codec() {
      return codec;
    }

    @Override
    public long now() {
      return now;
    }

    @Override
    public long idFor(String persistenceId) {
      OptionalLong id = existingId(persistenceId);
      if (id.isPresent()) {
        return id.getAsLong();
      }
      long allocated = store.allocateId(persistenceId, this::put);
      newIds.put(persistenceId, allocated);
      unpublishedIds.put(persistenceId, allocated);
      return allocated;
    }

    @Override
    public int payloadTypeId(PayloadType type) {
      Integer fresh = unpublishedTypes.get(type);
      if (fresh != null) {
        return fresh;
      }
      java.util.OptionalInt known = store.typeIdOf(type);
      if (known.isPresent()) {
        return known.getAsInt();
      }
      int allocated = store.allocateType(type, this::put);
      newTypes.put(type, allocated);
      unpublishedTypes.put(type, allocated);
      return allocated;
    }

    @Override
    public OptionalLong existingId(String persistenceId) {
      Long fresh = unpublishedIds.get(persistenceId);
      return fresh != null ? OptionalLong.of(fresh) : store.idOf(persistenceId);
    }

    @Override
    public long highest(long id) {
      Long sealedSeq = sealedHighest.get(id);
      return Math.max(sealedSeq == null ? 0L : sealedSeq, store.highestSequenceNr(id));
    }

    @Override
    public void setHighest(long id, long sequenceNr) {
      Long before = sealedHighest.get(id);
      if (before == null || before < sequenceNr) {
        sealedHighest.put(id, sequenceNr);
        highest.put(id, sequenceNr);
      }
    }

    @Override
    public DataKeyLease lease(String persistenceId) {
      EncryptionTarget t = selector.get().select(persistenceId);
      DataKeyLease l = leases.get(t);
      if (l != null && !refused.containsKey(t)) {
        return l;
      }
      Throwable why = refused.get(t);
      if (why instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("no data key for " + persistenceId, why);
    }
  }
}
