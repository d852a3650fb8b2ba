package io.stepwise.persistence.journal;

import io.stepwise.persistence.keys.DataKeyLease;
import io.stepwise.persistence.keys.DataKeys;
import io.stepwise.persistence.keys.EncryptionTarget;
import io.stepwise.persistence.keys.KeySelector;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Group commit in three stages. The <em>ordering stage</em> (one thread at a time) admits ops in
 * arrival order: it pins their data key leases, takes their new persistence id numbers and gives
 * them their place in batch order. Several <em>sealer</em> threads then serialize and encrypt
 * admitted ops in parallel (ops of the same persistence id one after another, in order), and the
 * {@link BatchWriter} assembles them back into batch order and writes each batch as one LevelDB
 * WriteBatch with one fsync. Encryption is off the fsync's critical path and no longer limited
 * to one core.
 *
 * <p>An op whose lease is missing waits without holding back the ops behind it: it is set aside
 * until the key manager answers, with every later op that shares a persistence id with it, and
 * others are admitted meanwhile (the order this keeps is spelled out on {@link BatchOp}). A lease
 * near the end of its window is renewed in the background while it is still used, so windows
 * normally roll over without any op waiting; a lease that ends while an admitted op is sealed does
 * not reject it, since the op holds a pinned copy.
 */
public final class GroupCommitter {
  private final DataKeys dataKeys;
  private final Supplier<KeySelector> selector;
  private final Executor executor;
  private final Clock clock;
  private final int sealerThreads;
  private final SealState state;
  private final BatchWriter writer;

  // Ordering stage: submissions and key manager answers in, one thread at a time out.
  private final ConcurrentLinkedQueue<BatchOp> arrivals = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<LeaseAnswer> answers = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean ordering = new AtomicBoolean();
  // Owned by the ordering stage.
  private final Map<EncryptionTarget, DataKeyLease> leases = new HashMap<>();
  private final Map<EncryptionTarget, RuntimeException> refused = new HashMap<>();
  private final Set<EncryptionTarget> asked = new HashSet<>();
  private final Set<EncryptionTarget> renewing = new HashSet<>();
  private final List<Waiting> waiting = new ArrayList<>();
  private final Set<String> blockedPids = new HashSet<>();

  // Same-entity order between sealers: the last admitted, not yet prepared slot per persistence id.
  private final Object depLock = new Object();
  private final Map<String, SealSlot> lastByPid = new HashMap<>();

  private final ConcurrentLinkedQueue<SealSlot> ready = new ConcurrentLinkedQueue<>();
  private final AtomicInteger activeSealers = new AtomicInteger();
  private final AtomicLong prepareNanos = new AtomicLong();

  private record LeaseAnswer(EncryptionTarget target, boolean renewal, DataKeyLease lease, RuntimeException refusal) {}

  private record Waiting(BatchOp op, List<String> pids) {}

  public GroupCommitter(JournalStore store, EventCodec codec, DataKeys dataKeys, Supplier<KeySelector> selector,
      Executor executor, Clock clock, boolean fsync, int maxBatchEvents, Duration maxLinger, int sealerThreads) {
    if (sealerThreads < 1) {
      throw new IllegalArgumentException("sealer threads must be positive, was " + sealerThreads);
    }
    this.dataKeys = dataKeys;
    this.selector = selector;
    this.executor = executor;
    this.clock = clock;
    this.sealerThreads = sealerThreads;
    this.state = new SealState(store, codec, clock);
    this.writer = new BatchWriter(store, state, executor, fsync, maxBatchEvents, maxLinger.toNanos());
  }

  /** Queues {@code op}; call it from a thread of the I/O dispatcher (the plugin actors run there). */
  public void submit(BatchOp op) {
    Throwable f = writer.fatal();
    if (f != null) {
      op.failed(new IllegalStateException("journal unavailable after a failed write", f));
      return;
    }
    arrivals.add(op);
    runOrdering();
  }

  /** Why the journal can no longer write (a write failed), or null while it can. */
  public Throwable fatal() {
    return writer.fatal();
  }

  /** Calls {@code listener} once when a write fails and the journal turns fatal (at once if it has). */
  public void onFatal(Consumer<Throwable> listener) {
    writer.onFatal(listener);
  }

  /** Batches written so far (each one fsync when fsync is on). */
  public long batches() {
    return writer.batches.get();
  }

  public long batchedOps() {
    return writer.batchedOps.get();
  }

  /** Time spent serializing and encrypting, summed over the sealer threads. */
  public long prepareNanos() {
    return prepareNanos.get();
  }

  /** Time spent in LevelDB writes (including the fsync). */
  public long writeNanos() {
    return writer.writeNanos.get();
  }

  // ---- ordering stage ----

  private void runOrdering() {
    while (ordering.compareAndSet(false, true)) {
      try {
        order();
      } finally {
        ordering.set(false);
      }
      // Something may have arrived after order() looked and before the flag was cleared.
      if (arrivals.isEmpty() && answers.isEmpty()) {
        break;
      }
    }
    // The submitting thread is an I/O thread already: seal here rather than hand off, and wake
    // other sealers only for what it cannot do itself.
    startSealers(ready.size() - 1);
    seal();
  }

  private void order() {
    boolean answered = false;
    for (LeaseAnswer a; (a = answers.poll()) != null; ) {
      (a.renewal() ? renewing : asked).remove(a.target());
      if (a.lease() != null) {
        leases.put(a.target(), a.lease());
      } else if (!a.renewal()) {
        refused.put(a.target(), a.refusal());
      } // a failed renewal is asked again by the next op; the current lease serves until it ends
      answered = true;
    }
    if (answered && !waiting.isEmpty()) {
      admitWaiting();
    }
    for (BatchOp op; (op = arrivals.poll()) != null; ) {
      List<String> pids = pidsOf(op);
      if (!waiting.isEmpty() && overlaps(pids, blockedPids) || !tryAdmit(op, pids)) {
        waiting.add(new Waiting(op, pids));
        blockedPids.addAll(pids);
      }
    }
    // A refusal answers the ops that were waiting for it; later ones ask again.
    refused.clear();
  }

  /** Admits the waiting ops that can go now, in arrival order, each behind its entity's earlier ops. */
  private void admitWaiting() {
    blockedPids.clear();
    for (Iterator<Waiting> it = waiting.iterator(); it.hasNext(); ) {
      Waiting w = it.next();
      if (!overlaps(w.pids(), blockedPids) && tryAdmit(w.op(), w.pids())) {
        it.remove();
      } else {
        blockedPids.addAll(w.pids());
      }
    }
  }

  /** Admits {@code op} if every lease it needs is at hand, else asks for the missing ones. */
  private boolean tryAdmit(BatchOp op, List<String> pids) {
    Map<String, Object> keys = new HashMap<>();
    boolean missing = false;
    KeySelector keySelector = selector.get();
    Instant now = clock.instant();
    for (String pid : op.encryptsFor()) {
      EncryptionTarget t = keySelector.select(pid);
      if (t == null) {
        keys.put(pid, new IllegalStateException("No encryption key is known for " + pid
            + "; the write is refused rather than sealed under another key"));
        continue;
      }
      RuntimeException refusal = refused.get(t);
      if (refusal != null) {
        keys.put(pid, refusal); // prepare() rejects the write instead of asking forever
        continue;
      }
      DataKeyLease pinned = usableLease(t, now);
      if (pinned == null) {
        ask(t);
        missing = true;
      } else {
        keys.put(pid, pinned);
      }
    }
    if (missing) {
      return false;
    }
    dispatch(op, pids, keys);
    return true;
  }

  /** A pinned copy of a usable lease on {@code t}, renewing it in the background near its end. */
  private DataKeyLease usableLease(EncryptionTarget t, Instant now) {
    DataKeyLease held = leases.get(t);
    if (held == null || !held.usableAt(now)) {
      held = dataKeys.heldLease(t);
      if (held == null) {
        leases.remove(t);
        return null;
      }
      leases.put(t, held);
    }
    DataKeyLease pinned = held.pinned();
    if (pinned == null) {
      leases.remove(t);
      return null;
    }
    Instant renewBefore = now.plus(renewalMargin(t));
    if (!held.expiresAt().isAfter(renewBefore) && renewing.add(t)) {
      dataKeys.renew(t, renewBefore).whenComplete((l, err) -> answer(t, true, l, err));
    }
    return pinned;
  }

  /** How long before a window ends its successor is asked for: a tenth of the window, at most 10 s. */
  private static Duration renewalMargin(EncryptionTarget t) {
    Duration period = t.reusePeriod();
    // Duration.dividedBy goes through BigDecimal, and this is asked at every seal
    if (period.compareTo(MARGIN_CAP.multipliedBy(10)) >= 0) return MARGIN_CAP;
    return Duration.ofNanos(period.toNanos() / 10);
  }

  private static final Duration MARGIN_CAP = Duration.ofSeconds(10);

  private void ask(EncryptionTarget t) {
    if (asked.add(t)) {
      dataKeys.lease(t).whenComplete((l, err) -> answer(t, false, l, err));
    }
  }

  private void answer(EncryptionTarget t, boolean renewal, DataKeyLease lease, Throwable err) {
    Throwable cause = err instanceof CompletionException c && c.getCause() != null ? c.getCause() : err;
    answers.add(new LeaseAnswer(t, renewal, lease, cause == null ? null
        : cause instanceof RuntimeException re ? re : new IllegalStateException("no data key", cause)));
    // The key manager answers on its own thread: order on an I/O thread, as submissions do.
    executor.execute(this::runOrdering);
  }

  /** Gives {@code op} its place in batch order, its new ids, and its turn behind its entities' ops. */
  private void dispatch(BatchOp op, List<String> pids, Map<String, Object> keys) {
    Map<String, SealSlot.Reservation> reserved = new HashMap<>();
    SealSlot slot = new SealSlot(op, pids, keys, reserved, state);
    writer.enqueue(slot);
    boolean readyNow;
    synchronized (depLock) {
      for (String pid : op.encryptsFor()) {
        if (state.store.idOf(pid).isEmpty()) {
          // Re-checked inside: the writer publishes an id before it drops its reservation.
          SealSlot.Reservation r = state.reservations.computeIfAbsent(pid,
              p -> state.store.idOf(p).isPresent() ? null : new SealSlot.Reservation(state.store.nextId()));
          if (r != null) {
            reserved.put(pid, r);
          }
        }
      }
      for (String pid : pids) {
        SealSlot before = lastByPid.put(pid, slot);
        if (before != null) {
          before.successors.add(slot);
          slot.waitingOn++;
        }
      }
      readyNow = slot.waitingOn == 0; // after the lock, a predecessor may release it itself
    }
    if (readyNow) {
      ready.add(slot);
    }
  }

  // ---- sealers ----

  /** Wakes up to {@code wanted} more sealers, keeping one place for the thread that asks. */
  private void startSealers(int wanted) {
    int spare = Math.min(wanted, sealerThreads - 1 - activeSealers.get());
    for (int i = 0; i < spare; i++) {
      executor.execute(this::seal);
    }
  }

  /**
   * Seals on this thread while there is work and fewer than sealer-threads do so. Looks again
   * after giving its place back, since a slot made ready just then found no place free.
   */
  private void seal() {
    while (!ready.isEmpty()) {
      int active = activeSealers.get();
      if (active >= sealerThreads) {
        return;
      }
      if (activeSealers.compareAndSet(active, active + 1)) {
        try {
          drainReady();
        } finally {
          activeSealers.decrementAndGet();
        }
      }
    }
  }

  private void drainReady() {
    for (SealSlot slot; (slot = ready.poll()) != null; ) {
      long t0 = System.nanoTime();
      slot.prepare();
      prepareNanos.addAndGet(System.nanoTime() - t0);
      finished(slot);
    }
  }

  /** Lets the slot's successors go, hands back unused ids, and passes it to the assembler. */
  private void finished(SealSlot slot) {
    List<SealSlot> released = null;
    synchronized (depLock) {
      for (String pid : slot.pids) {
        lastByPid.remove(pid, slot);
      }
      for (SealSlot next : slot.successors) {
        if (--next.waitingOn == 0) {
          (released == null ? released = new ArrayList<>() : released).add(next);
        }
      }
      // A number nobody used goes back unless a later op of the entity holds it: taken by a
      // later op instead, it could become durable after higher numbers.
      slot.reserved().forEach((pid, r) -> {
        if (!r.claimed && !lastByPid.containsKey(pid)) {
          state.reservations.remove(pid, r);
        }
      });
    }
    if (released != null) {
      ready.addAll(released);
      startSealers(released.size() - 1);
    }
    if (slot.failure != null) {
      slot.op.failed(slot.failure);
    }
    writer.prepared(slot);
  }

  private static List<String> pidsOf(BatchOp op) {
    LinkedHashSet<String> pids = new LinkedHashSet<>(op.persistenceIds());
    pids.addAll(op.encryptsFor());
    return List.copyOf(pids);
  }

  private static boolean overlaps(List<String> pids, Set<String> blocked) {
    for (String pid : pids) {
      if (blocked.contains(pid)) {
        return true;
      }
    }
    return false;
  }
}
