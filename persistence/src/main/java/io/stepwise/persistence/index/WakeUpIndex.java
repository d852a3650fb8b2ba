package io.stepwise.persistence.index;

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
 * <pre>  'w' deadline-millis(8) entity-id(utf8) 0x00 timer-id(utf8) -> empty</pre>
 */
public final class WakeUpIndex {
  static final byte PREFIX = 'w';
  private static final byte[] EMPTY = new byte[0];

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

  public WakeUpIndex(Db db) {
    this.db = db;
  }

  public static byte[] key(WakeUp w) {
    byte[] e = w.entityId().getBytes(StandardCharsets.UTF_8);
    byte[] t = w.timerId().getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + 8 + e.length + 1 + t.length)
        .put(PREFIX).putLong(w.deadline().toEpochMilli()).put(e).put((byte) 0).put(t).array();
  }

  public static IndexOp put(IndexOp op, WakeUp w) {
    return op.put(key(w), EMPTY);
  }

  public static IndexOp delete(IndexOp op, WakeUp w) {
    return op.delete(key(w));
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
        ? new byte[] {PREFIX + 1}
        : ByteBuffer.allocate(9).put(PREFIX).putLong(until + 1).array();
    db.scan(from, to, e -> {
      out.add(decode(e.getKey()));
      return out.size() >= max ? Db.Scan.STOP : Db.Scan.CONTINUE;
    });
    return out;
  }

  static WakeUp decode(byte[] k) {
    long at = ByteBuffer.wrap(k, 1, 8).getLong();
    int zero = 9;
    while (k[zero] != 0) zero++;
    String entity = new String(k, 9, zero - 9, StandardCharsets.UTF_8);
    String timer = new String(k, zero + 1, k.length - zero - 1, StandardCharsets.UTF_8);
    return new WakeUp(Instant.ofEpochMilli(at), entity, timer);
  }
}
