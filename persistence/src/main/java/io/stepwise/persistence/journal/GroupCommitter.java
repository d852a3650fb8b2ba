package io.stepwise.persistence.journal;

import io.stepwise.persistence.keys.DataKeyLease;
import io.stepwise.persistence.keys.DataKeys;
import io.stepwise.persistence.keys.EncryptionTarget;
import io.stepwise.persistence.keys.KeySelector;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.iq80.leveldb.WriteBatch;

/**
 * Group commit: every op that arrives while a batch is being written waits in the queue, and the
 * next round takes all of them (up to the batch limit) into one LevelDB WriteBatch written with
 * one fsync. At most one round runs at a time, so the queue order is the write order and each
 * entity's writes stay in the order the journal received them.
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
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong batchedOps = new AtomicLong();

  public GroupCommitter(JournalStore store, EventCodec codec, DataKeys dataKeys, Supplier<KeySelector> selector,
      Executor executor, Clock clock, boolean fsync, int maxBatchEvents) {
    this.store = store;
    this.codec = codec;
    this.dataKeys = dataKeys;
    this.selector = selector;
    this.executor = executor;
    this.clock = clock;
    this.fsync = fsync;
    this.maxBatchEvents = maxBatchEvents;
  }

  public void submit(BatchOp op) {
    queue.add(op);
    if (running.compareAndSet(false, true)) {
      executor.execute(this::round);
    }
  }

  /** Batches written so far (each one fsync when fsync is on). */
  public long batches() {
    return batches.get();
  }

  public long batchedOps() {
    return batchedOps.get();
  }

  private void round() {
    List<BatchOp> ops = new ArrayList<>();
    int events = 0;
    for (BatchOp op; events < maxBatchEvents && (op = queue.poll()) != null; ) {
      ops.add(op);
      events += op.size();
    }
    if (ops.isEmpty()) {
      running.set(false);
      // An op may have been queued after poll() saw nothing but before running was cleared.
      if (!queue.isEmpty() && running.compareAndSet(false, true)) {
        executor.execute(this::round);
      }
      return;
    }
    Map<String, EncryptionTarget> targets = new HashMap<>();
    Map<EncryptionTarget, DataKeyLease> leases = new HashMap<>();
    List<CompletableFuture<?>> pending = new ArrayList<>();
    Map<EncryptionTarget, Throwable> refused = new HashMap<>();
    KeySelector keySelector = selector.get();
    for (BatchOp op : ops) {
      for (String pid : op.encryptsFor()) {
        EncryptionTarget t = targets.computeIfAbsent(pid, keySelector::select);
        if (!leases.containsKey(t)) {
          DataKeyLease held = dataKeys.heldLease(t);
          leases.put(t, held);
          if (held == null) {
            pending.add(dataKeys.lease(t).toCompletableFuture().whenComplete((l, err) -> {
              synchronized (leases) {
                if (err != null) {
                  refused.put(t, err instanceof java.util.concurrent.CompletionException c ? c.getCause() : err);
                } else {
                  leases.put(t, l);
                }
              }
            }));
          }
        }
      }
    }
    if (pending.isEmpty()) {
      commit(ops, targets, leases, refused);
      executor.execute(this::round);
    } else {
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).whenCompleteAsync((v, err) -> {
        synchronized (leases) {
          commit(ops, targets, leases, refused);
        }
        round();
      }, executor);
    }
  }

  private void commit(List<BatchOp> ops, Map<String, EncryptionTarget> targets,
      Map<EncryptionTarget, DataKeyLease> leases, Map<EncryptionTarget, Throwable> refused) {
    long idsBefore = store.lastAllocatedId();
    Map<String, Long> newIds = new HashMap<>();
    try (WriteBatch batch = store.db().newBatch()) {
      Context ctx = new Context(batch, newIds, targets, leases, refused);
      for (BatchOp op : ops) {
        op.prepare(ctx);
      }
      ctx.flushHighest();
      store.db().write(batch, fsync);
    } catch (Throwable t) {
      store.rollbackIds(idsBefore);
      for (BatchOp op : ops) {
        op.failed(t);
      }
      return;
    }
    store.publishIds(newIds);
    batches.incrementAndGet();
    batchedOps.addAndGet(ops.size());
    for (BatchOp op : ops) {
      op.committed();
    }
  }

  private final class Context implements BatchContext {
    private final WriteBatch batch;
    private final Map<String, Long> newIds;
    private final Map<String, EncryptionTarget> targets;
    private final Map<EncryptionTarget, DataKeyLease> leases;
    private final Map<EncryptionTarget, Throwable> refused;
    private final Map<Long, Long> highest = new HashMap<>();
    private final long now = clock.millis();

    Context(WriteBatch batch, Map<String, Long> newIds, Map<String, EncryptionTarget> targets,
        Map<EncryptionTarget, DataKeyLease> leases, Map<EncryptionTarget, Throwable> refused) {
      this.batch = batch;
      this.newIds = newIds;
      this.targets = targets;
      this.leases = leases;
      this.refused = refused;
    }

    @Override
    public WriteBatch batch() {
      return batch;
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
      long allocated = store.allocateId(persistenceId, batch);
      newIds.put(persistenceId, allocated);
      return allocated;
    }

    @Override
    public OptionalLong existingId(String persistenceId) {
      Long fresh = newIds.get(persistenceId);
      return fresh != null ? OptionalLong.of(fresh) : store.idOf(persistenceId);
    }

    @Override
    public long highest(long id) {
      Long inBatch = highest.get(id);
      return inBatch != null ? inBatch : store.highestSequenceNr(id);
    }

    @Override
    public void setHighest(long id, long sequenceNr) {
      highest.merge(id, sequenceNr, Math::max);
    }

    @Override
    public DataKeyLease lease(String persistenceId) {
      EncryptionTarget t = targets.get(persistenceId);
      DataKeyLease l = t == null ? null : leases.get(t);
      if (l != null) {
        return l;
      }
      Throwable why = t == null ? null : refused.get(t);
      if (why instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("no data key for " + persistenceId, why);
    }

    void flushHighest() {
      highest.forEach((id, seq) -> batch.put(JournalKeys.highest(id), JournalKeys.longBytes(seq)));
    }
  }
}
