package io.stepwise.persistence.index;

import io.stepwise.persistence.crypto.RowNames;
import io.stepwise.persistence.internal.Db;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The durable wake-up index: one row per pending deadline (a Wait, a retry back-off, a timeout)
 * of an entity, ordered by deadline, so that a scheduler can load only what is due soon and an
 * entity waiting on a timer can leave memory. Rows are written before the event that starts the
 * wait and deleted after the event that ends it; a row left behind by a crash only wakes an
 * entity that then finds nothing to do.
 *
 * <pre>  'W' deadline-millis(8) hash(entity-id 0x00 timer-id) -> seal(entity-id 0x00 timer-id)</pre>
 *
 * <p>The entity and timer ids (which hold ARNs and state names) are in a key only as their keyed
 * hash ({@link RowNames}), and sealed in the value, bound to the key. Earlier versions stored
 * {@code 'w' deadline-millis(8) entity-id 0x00 timer-id -> empty}; {@link #moveClearRows} moves
 * those rows to this layout.
 */
public final class WakeUpIndex {
  static final byte PREFIX = 'W';
  static final byte CLEAR_PREFIX = 'w';
  private static final byte[] TAG = "wake-up|".getBytes(StandardCharsets.UTF_8);

  /**
   * A pending deadline of one entity; {@code timerId} is unique within the entity. The index keeps
   * milliseconds, so the deadline is rounded up to the next one: a row read back equals the row
   * written, and it never falls due before the instant it stands for.
   */
  public record WakeUp(Instant deadline, String entityId, String timerId) implements Comparable<WakeUp> {
    public WakeUp {
      long millis = deadline.toEpochMilli();
      if (deadline.getNano() % 1_000_000 != 0) millis++;
      deadline = Instant.ofEpochMilli(millis);
    }

    @Override
    public int compareTo(WakeUp o) {
      int c = Long.compare(deadline.toEpochMilli(), o.deadline.toEpochMilli());
      if (c != 0) return c;
      c = entityId.compareTo(o.entityId);
      return c != 0 ? c : timerId.compareTo(o.timerId);
    }
  }

  private final Db db;
  private final RowNames names;

  public WakeUpIndex(Db db, RowNames names) {
    this.db = db;
    this.names = names;
  }

  private static byte[] ids(WakeUp w) {
    byte[] e = w.entityId().getBytes(StandardCharsets.UTF_8);
    byte[] t = w.timerId().getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(e.length + 1 + t.length).put(e).put((byte) 0).put(t).array();
  }

  static byte[] key(RowNames names, WakeUp w) {
    return ByteBuffer.allocate(1 + 8 + RowNames.HASH_BYTES).put(PREFIX).putLong(w.deadline().toEpochMilli())
        .put(names.hash(ids(w))).array();
  }

  private static IndexOp.Named named(WakeUp w) {
    return new IndexOp.Named(w, names -> key(names, w),
        (names, key) -> names.seal(ids(w), SealedValues.associatedData(TAG, key)));
  }

  public static IndexOp put(IndexOp op, WakeUp w) {
    return op.put(named(w));
  }

  public static IndexOp delete(IndexOp op, WakeUp w) {
    return op.delete(named(w));
  }

  /**
   * Rows with {@code after < deadline <= until} (epoch millis), in deadline order, at most
   * {@code max}. Blocking: call it on the I/O executor.
   */
  public List<WakeUp> scan(long after, long until, int max) {
    List<WakeUp> out = new ArrayList<>();
    if (until <= after) return out;
    byte[] from = ByteBuffer.allocate(9).put(PREFIX).putLong(after + 1).array();
    byte[] to = until == Long.MAX_VALUE
        ? Db.prefixEnd(new byte[] {PREFIX})
        : ByteBuffer.allocate(9).put(PREFIX).putLong(until + 1).array();
    db.scan(from, to, e -> {
      byte[] k = e.getKey();
      byte[] ids = names.open(e.getValue(), SealedValues.associatedData(TAG, k), "a wake-up row");
      out.add(decode(ByteBuffer.wrap(k, 1, 8).getLong(), ids, 0));
      return out.size() >= max ? Db.Scan.STOP : Db.Scan.CONTINUE;
    });
    return out;
  }

  /** The wake-up due at {@code millis} whose ids are {@code b} from {@code at}: entity id, 0x00, timer id. */
  private static WakeUp decode(long millis, byte[] b, int at) {
    int zero = at;
    while (b[zero] != 0) zero++;
    String entity = new String(b, at, zero - at, StandardCharsets.UTF_8);
    String timer = new String(b, zero + 1, b.length - zero - 1, StandardCharsets.UTF_8);
    return new WakeUp(Instant.ofEpochMilli(millis), entity, timer);
  }

  /** Moves an earlier version's rows (ids in clear in the key) to this layout; returns how many. */
  static int moveClearRows(Db db, RowNames names) {
    int[] moved = {0};
    IndexUpgrade.move(db, CLEAR_PREFIX, (k, v, batch) -> {
      WakeUp w = decode(ByteBuffer.wrap(k, 1, 8).getLong(), k, 9);
      byte[] key = key(names, w);
      batch.put(key, names.seal(ids(w), SealedValues.associatedData(TAG, key)));
      moved[0]++;
    });
    return moved[0];
  }
}
