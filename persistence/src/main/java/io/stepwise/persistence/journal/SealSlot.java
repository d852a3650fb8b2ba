package io.stepwise.persistence.journal;

import io.stepwise.persistence.keys.DataKeyLease;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One admitted op on its way into a batch: what the ordering stage settled for it (its place in
 * batch order, its leases, the ids it may claim) and, once a sealer thread has run its {@code
 * prepare}, the puts and deletes it adds. Each slot is prepared by one thread, so its buffers need
 * no locking; what it shares with other slots lives in {@link SealState}.
 */
final class SealSlot implements BatchContext {
  /** A persistence id number taken in batch order; the first op of that entity to use it records it. */
  static final class Reservation {
    final long id;
    volatile boolean claimed;

    Reservation(long id) {
      this.id = id;
    }
  }

  final BatchOp op;
  /** Every persistence id this op is ordered with (declared and encrypted for). */
  final List<String> pids;
  /** Per persistence id it encrypts for: a pinned lease, or the KMS refusal. */
  private final Map<String, Object> keys;
  private final Map<String, Reservation> reserved;
  private final SealState shared;

  // Dependencies, guarded by the ordering stage's lock: earlier slots of the same persistence ids.
  int waitingOn;
  final List<SealSlot> successors = new ArrayList<>(0);

  // Output, written by the one thread that prepares this slot, read by the assembler afterwards.
  final List<byte[]> putKeys = new ArrayList<>();
  final List<byte[]> putValues = new ArrayList<>(); // null value = delete
  final Map<String, Long> newIds = new HashMap<>();
  final Map<Long, Long> highest = new HashMap<>();
  private final Map<Long, Long> highestBefore = new HashMap<>();
  private final List<Reservation> claims = new ArrayList<>(0);
  RuntimeException failure;
  boolean prepared;
  private long now;

  SealSlot(BatchOp op, List<String> pids, Map<String, Object> keys, Map<String, Reservation> reserved,
      SealState shared) {
    this.op = op;
    this.pids = pids;
    this.keys = keys;
    this.reserved = reserved;
    this.shared = shared;
  }

  /** Runs the op's prepare on this thread; a throw fails the op alone and undoes what it sealed. */
  void prepare() {
    now = shared.clock.millis();
    try {
      op.prepare(this);
    } catch (RuntimeException e) {
      // Ops record per-item failures themselves; this is a bug or an I/O error. Forget what the op
      // sealed, so that the next op of the same entity does not build on it.
      failure = e;
      putKeys.clear();
      putValues.clear();
      newIds.clear();
      claims.forEach(r -> r.claimed = false);
      highest.forEach((id, seq) -> {
        Long before = highestBefore.get(id);
        if (before == null) {
          shared.sealedHighest.remove(id, seq);
        } else {
          shared.sealedHighest.replace(id, seq, before);
        }
      });
      highest.clear();
    }
  }

  /** Reservations this slot holds but nobody used, to hand back when it is done. */
  Map<String, Reservation> reserved() {
    return reserved;
  }

  @Override
  public void put(byte[] key, byte[] value) {
    putKeys.add(key);
    putValues.add(value);
  }

  @Override
  public void delete(byte[] key) {
    putKeys.add(key);
    putValues.add(null);
  }

  @Override
  public JournalStore store() {
    return shared.store;
  }

  @Override
  public EventCodec codec() {
    return shared.codec;
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
    Reservation r = reserved.get(persistenceId);
    if (r == null) {
      // Not declared: numbered now, so it may become durable after a higher number (only the live
      // persistenceIds query notices, and only until it is restarted).
      r = shared.reservations.computeIfAbsent(persistenceId, pid -> new Reservation(shared.store.nextId()));
    }
    r.claimed = true;
    claims.add(r);
    shared.store.recordId(persistenceId, r.id, this::put);
    newIds.put(persistenceId, r.id);
    return r.id;
  }

  @Override
  public OptionalLong existingId(String persistenceId) {
    Reservation r = reserved.get(persistenceId);
    if (r == null) {
      r = shared.reservations.get(persistenceId);
    }
    return r != null && r.claimed ? OptionalLong.of(r.id) : shared.store.idOf(persistenceId);
  }

  @Override
  public int payloadTypeId(PayloadType type) {
    return shared.store.typeIdFor(type);
  }

  @Override
  public long highest(long id) {
    Long sealedSeq = shared.sealedHighest.get(id);
    return Math.max(sealedSeq == null ? 0L : sealedSeq, shared.store.highestSequenceNr(id));
  }

  @Override
  public boolean endsAt(long id, long sequenceNr) {
    // A write sealed but not yet durable is newer than what the store holds.
    Long sealedSeq = shared.sealedHighest.get(id);
    return sealedSeq != null ? sealedSeq == sequenceNr : shared.store.endsAt(id, sequenceNr);
  }

  @Override
  public void setHighest(long id, long sequenceNr) {
    Long before = shared.sealedHighest.get(id);
    if (before == null || before < sequenceNr) {
      shared.sealedHighest.put(id, sequenceNr);
      if (!highestBefore.containsKey(id)) {
        highestBefore.put(id, before);
      }
      highest.put(id, sequenceNr);
    }
  }

  @Override
  public DataKeyLease lease(String persistenceId) {
    Object k = keys.get(persistenceId);
    if (k instanceof DataKeyLease l) {
      return l;
    }
    if (k instanceof RuntimeException refused) {
      throw refused;
    }
    throw new IllegalStateException("no data key for " + persistenceId + ": the op did not name it in encryptsFor()");
  }
}
