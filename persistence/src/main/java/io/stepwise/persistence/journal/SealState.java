package io.stepwise.persistence.journal;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What sealer threads share: ids taken for persistence ids not yet durable, and the highest
 * sequence numbers sealed but maybe not yet durable. Entries go once their batch is durable
 * (unless a later op has changed them meanwhile), which keeps both maps small.
 */
final class SealState {
  final JournalStore store;
  final EventCodec codec;
  final Clock clock;
  final Map<String, SealSlot.Reservation> reservations = new ConcurrentHashMap<>();
  final Map<Long, Long> sealedHighest = new ConcurrentHashMap<>();

  SealState(JournalStore store, EventCodec codec, Clock clock) {
    this.store = store;
    this.codec = codec;
    this.clock = clock;
  }

  /** The ids and highest sequence numbers of a batch are durable (and its ids published). */
  void durable(Map<String, Long> newIds, Map<Long, Long> highest) {
    newIds.forEach((pid, id) -> reservations.computeIfPresent(pid, (k, r) -> r.id == id ? null : r));
    highest.forEach(sealedHighest::remove);
  }
}
