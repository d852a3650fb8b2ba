package io.stepwise.persistence.journal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.iq80.leveldb.WriteBatch;

/**
 * The second half of group commit. Slots arrive in batch order and are sealed out of order by
 * several threads; they are assembled back into batch order here, and one writer at a time writes
 * each batch as one LevelDB WriteBatch with one fsync.
 *
 * <p>A failed write is fatal: the failed batch and every later op fail, since after an fsync error
 * nothing in the page cache can be trusted to reach the disk. The server has to be restarted,
 * which replays only what is durable; {@link #onFatal} tells it so.
 */
final class BatchWriter {
  private final JournalStore store;
  private final SealState state;
  private final Executor executor;
  private final boolean fsync;
  private final int maxBatchEvents;
  private final long maxLingerNanos;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition moreSealed = lock.newCondition();
  // Guarded by lock.
  private final ArrayDeque<SealSlot> assembling = new ArrayDeque<>();
  private final ArrayDeque<Sealed> sealed = new ArrayDeque<>();
  private boolean writing;
  private int expectedOps;
  private long lastWriteNanos;
  private boolean lingering;

  private volatile Throwable fatal;
  private final List<Consumer<Throwable>> fatalListeners = new CopyOnWriteArrayList<>();

  final AtomicLong batches = new AtomicLong();
  final AtomicLong batchedOps = new AtomicLong();
  final AtomicLong writeNanos = new AtomicLong();

  /** Puts and deletes of one future WriteBatch, and the ops waiting for it. */
  private static final class Sealed {
    final List<SealSlot> slots = new ArrayList<>();
    final Map<String, Long> newIds = new HashMap<>();
    final Map<Long, Long> highest = new HashMap<>();
    int events;
  }

  BatchWriter(JournalStore store, SealState state, Executor executor, boolean fsync, int maxBatchEvents,
      long maxLingerNanos) {
    this.store = store;
    this.state = state;
    this.executor = executor;
    this.fsync = fsync;
    this.maxBatchEvents = maxBatchEvents;
    this.maxLingerNanos = maxLingerNanos;
  }

  Throwable fatal() {
    return fatal;
  }

  /**
   * Calls {@code listener} once with the cause when the journal turns fatal (at once if it has).
   */
  void onFatal(Consumer<Throwable> listener) {
    fatalListeners.add(listener);
    Throwable f = fatal;
    if (f != null && fatalListeners.remove(listener)) {
      listener.accept(f);
    }
  }

  /** Takes the next place in batch order; called by the ordering stage, in that order. */
  void enqueue(SealSlot slot) {
    lock.lock();
    try {
      assembling.addLast(slot);
    } finally {
      lock.unlock();
    }
  }

  /** {@code slot} is prepared: it and any prepared slots after it join batches, in batch order. */
  void prepared(SealSlot slot) {
    boolean startWriter = false;
    lock.lock();
    try {
      slot.prepared = true;
      for (SealSlot head = assembling.peekFirst(); head != null && head.prepared; head = assembling.peekFirst()) {
        assembling.pollFirst();
        if (head.failure == null) {
          append(head);
        }
      }
      Sealed last = sealed.peekLast();
      if (last != null && !writing) {
        writing = true;
        startWriter = true;
      } else if (last != null && lingering && (sealed.size() > 1 || last.slots.size() >= expectedOps)) {
        moreSealed.signal();
      }
    } finally {
      lock.unlock();
    }
    if (startWriter) {
      executor.execute(this::write);
    }
  }

  private void append(SealSlot slot) {
    Sealed s = sealed.peekLast();
    int size = slot.op.size();
    if (s == null || s.events + size > maxBatchEvents && !s.slots.isEmpty()) {
      s = new Sealed();
      sealed.addLast(s);
    }
    s.slots.add(slot);
    s.newIds.putAll(slot.newIds);
    s.highest.putAll(slot.highest);
    s.events += size;
  }

  private void write() {
    while (true) {
      Sealed s = nextBatch();
      if (s == null) {
        return;
      }
      Throwable f = fatal;
      if (f == null) {
        try (WriteBatch batch = store.db().newBatch()) {
          for (SealSlot slot : s.slots) {
            for (int i = 0; i < slot.putKeys.size(); i++) {
              byte[] v = slot.putValues.get(i);
              if (v == null) {
                batch.delete(slot.putKeys.get(i));
              } else {
                batch.put(slot.putKeys.get(i), v);
              }
            }
          }
          long t1 = System.nanoTime();
          store.db().write(batch, fsync);
          long took = System.nanoTime() - t1;
          writeNanos.addAndGet(took);
          lock.lock();
          try {
            lastWriteNanos = took;
            // The writers just confirmed are likely to write again at once; wait briefly for them
            // (see nextBatch) so that they share the next fsync with those already waiting.
            expectedOps = s.slots.size() + (sealed.isEmpty() ? 0 : sealed.peekFirst().slots.size());
          } finally {
            lock.unlock();
          }
        } catch (Throwable t) {
          f = turnFatal(t);
        }
      }
      if (f != null) {
        for (SealSlot slot : s.slots) {
          slot.op.failed(f);
        }
        continue;
      }
      store.publishIds(s.newIds);
      state.durable(s.newIds, s.highest);
      batches.incrementAndGet();
      batchedOps.addAndGet(s.slots.size());
      List<BatchOp> ops = new ArrayList<>(s.slots.size());
      s.slots.forEach(slot -> ops.add(slot.op));
      executor.execute(new Completion(ops));
    }
  }

  private synchronized Throwable turnFatal(Throwable t) {
    if (fatal != null) {
      return fatal;
    }
    fatal = t;
    for (Consumer<Throwable> l : fatalListeners) {
      if (fatalListeners.remove(l)) {
        try {
          l.accept(t);
        } catch (RuntimeException e) {
          // A listener's failure must not stop the others or the writer.
        }
      }
    }
    return t;
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
    lock.lock();
    try {
      Sealed first = sealed.peekFirst();
      if (first == null) {
        writing = false;
        return null;
      }
      long remaining = Math.min(maxLingerNanos, lastWriteNanos / 2);
      while (remaining > 0 && first.slots.size() < expectedOps && first.events < maxBatchEvents
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
      lock.unlock();
    }
  }
}
