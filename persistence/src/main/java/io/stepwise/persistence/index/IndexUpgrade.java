package io.stepwise.persistence.index;

import io.stepwise.persistence.crypto.EventCipher;
import io.stepwise.persistence.crypto.RowNames;
import io.stepwise.persistence.internal.Db;
import java.util.ArrayList;
import java.util.List;
import org.iq80.leveldb.WriteBatch;

/**
 * Moves the index rows of an earlier version, whose keys held ARNs and names in clear, to the
 * layouts that hold only keyed hashes ({@link RowNames}), when the storage opens. Every row moves
 * in a synced batch together with the deletion of its old key, so a move cut short by a crash is
 * finished at the next open. The storage then rewrites the journal (live rows only, see
 * {@link Db#rewrite}), so no copy of an old key stays in any file.
 */
public final class IndexUpgrade {
  /** Rows moved per batch. */
  private static final int CHUNK = 1_000;

  private IndexUpgrade() {}

  /** Rewrites one old row ({@code key}, {@code value}) into {@code batch} in its new layout. */
  interface Mover {
    void move(byte[] key, byte[] value, WriteBatch batch);
  }

  /**
   * Moves every index row of an earlier layout; returns how many it moved. {@code listingKey}
   * opens the values an earlier version sealed under the listing key; it is asked for only if
   * there are such rows.
   */
  public static int run(Db db, java.util.function.Supplier<EventCipher> listingKey, RowNames names) {
    if (!pending(db)) return 0;
    EventCipher listing = listingKey.get();
    return ExecutionIndex.moveClearRows(db, listing, names)
        + ResourceIndex.moveClearRows(db, listing, names)
        + MapRunIndex.moveClearRows(db, listing, names)
        + WakeUpIndex.moveClearRows(db, names)
        + ActivityQueue.moveClearRows(db, names);
  }

  /** Whether there are index rows of an earlier layout to move. */
  public static boolean pending(Db db) {
    for (byte kind : new byte[] {'x', 'y', 'n', 'v', 'm', 'r', 'w', 'q'}) {
      boolean[] found = {false};
      db.scan(new byte[] {kind}, Db.prefixEnd(new byte[] {kind}), e -> {
        found[0] = true;
        return Db.Scan.STOP;
      });
      if (found[0]) return true;
    }
    return false;
  }

  /** Moves every row whose key starts with {@code kind}. */
  static void move(Db db, byte kind, Mover mover) {
    byte[] from = {kind};
    byte[] to = Db.prefixEnd(from);
    while (true) {
      List<byte[][]> rows = new ArrayList<>(CHUNK);
      db.scan(from, to, e -> {
        rows.add(new byte[][] {e.getKey(), e.getValue()});
        return rows.size() == CHUNK ? Db.Scan.STOP : Db.Scan.CONTINUE;
      });
      if (rows.isEmpty()) break;
      try (WriteBatch batch = db.newBatch()) {
        for (byte[][] row : rows) {
          mover.move(row[0], row[1], batch);
          batch.delete(row[0]);
        }
        db.write(batch, true);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
