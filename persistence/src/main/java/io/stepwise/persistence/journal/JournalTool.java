package io.stepwise.persistence.journal;

import io.stepwise.persistence.crypto.EventCipher;
import io.stepwise.persistence.internal.Db;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.BiFunction;

/**
 * Offline tools for tests and operators. Every method opens the journal of a data directory that
 * no server is using (it fails like a second server would otherwise) and closes it again.
 */
public final class JournalTool {
  private JournalTool() {}

  /** The environment variable that holds the root key when it is not in a file (the default setting). */
  private static final String ROOT_KEY_ENV = "STEPWISE_ROOT_KEY";

  /**
   * The journal's store of a data directory: persistence ids are in its keys only as keyed hashes,
   * so reading them takes the service key that the data directory's KMS holds.
   */
  public static JournalStore store(Db db, Path dataDir) {
    try (io.stepwise.persistence.kms.LocalKms kms = io.stepwise.persistence.kms.LocalKms.open(dataDir.resolve("kms"),
        dataDir, ROOT_KEY_ENV, java.time.Clock.systemUTC())) {
      return new JournalStore(db, io.stepwise.persistence.index.ServiceKeys.rowNames(db, kms));
    }
  }

  /** Persistence ids in the order they were first written. */
  public static List<String> listPersistenceIds(Path dataDir) {
    try (Db db = Db.open(dataDir.resolve("journal"), dataDir)) {
      return new ArrayList<>(store(db, dataDir).persistenceIds(0, Integer.MAX_VALUE).values());
    }
  }

  /** Sequence numbers of the stored events of {@code persistenceId}. */
  public static List<Long> sequenceNrs(Path dataDir, String persistenceId) {
    return sequenceNrsOf(dataDir, persistenceId,
        (store, id) -> store.readEvents(id, 0, Long.MAX_VALUE, Integer.MAX_VALUE));
  }

  /** Sequence numbers of the stored snapshots of {@code persistenceId}. */
  public static List<Long> snapshotSequenceNrs(Path dataDir, String persistenceId) {
    return sequenceNrsOf(dataDir, persistenceId, JournalStore::snapshots);
  }

  private static List<Long> sequenceNrsOf(Path dataDir, String persistenceId,
      BiFunction<JournalStore, Long, List<JournalStore.RawEntry>> entries) {
    try (Db db = Db.open(dataDir.resolve("journal"), dataDir)) {
      JournalStore store = store(db, dataDir);
      OptionalLong id = store.idOf(persistenceId);
      if (id.isEmpty()) {
        return List.of();
      }
      return entries.apply(store, id.getAsLong()).stream().map(JournalStore.RawEntry::sequenceNr).sorted().toList();
    }
  }

  /**
   * Rewrites one stored event with one bit of its ciphertext flipped, through LevelDB itself, so
   * the store's checksums still pass and only the event's own authentication can notice.
   *
   * @throws IllegalArgumentException if there is no such event
   */
  public static void flipCiphertextBit(Path dataDir, String persistenceId, long sequenceNr) {
    try (Db db = Db.open(dataDir.resolve("journal"), dataDir)) {
      JournalStore store = store(db, dataDir);
      long id = store.idOf(persistenceId)
          .orElseThrow(() -> new IllegalArgumentException("no persistence id " + persistenceId));
      byte[] key = JournalKeys.event(id, sequenceNr);
      byte[] value = db.get(key);
      if (value == null) {
        throw new IllegalArgumentException("no event " + persistenceId + "#" + sequenceNr);
      }
      // First ciphertext byte: after the envelope header (version + data key ref) and the nonce.
      int offset = 1 + 8 + EventCipher.NONCE_BYTES;
      value[offset] ^= 0x01;
      db.put(key, value, true);
    }
  }

  /** As {@link #flipCiphertextBit}, for the newest snapshot of {@code persistenceId}; its sequence number. */
  public static long flipSnapshotCiphertextBit(Path dataDir, String persistenceId) {
    try (Db db = Db.open(dataDir.resolve("journal"), dataDir)) {
      JournalStore store = store(db, dataDir);
      long id = store.idOf(persistenceId)
          .orElseThrow(() -> new IllegalArgumentException("no persistence id " + persistenceId));
      JournalStore.RawEntry newest = store.snapshots(id).stream()
          .max(java.util.Comparator.comparingLong(JournalStore.RawEntry::sequenceNr))
          .orElseThrow(() -> new IllegalArgumentException("no snapshot of " + persistenceId));
      byte[] key = JournalKeys.snapshot(id, newest.sequenceNr(), newest.timestamp());
      byte[] value = db.get(key);
      value[1 + 8 + EventCipher.NONCE_BYTES] ^= 0x01;
      db.put(key, value, true);
      return newest.sequenceNr();
    }
  }
}
