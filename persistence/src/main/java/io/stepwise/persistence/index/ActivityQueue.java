package io.stepwise.persistence.index;

import io.stepwise.persistence.crypto.RowNames;
import io.stepwise.persistence.internal.Db;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The tasks scheduled for each activity that no worker has taken yet, oldest first, written in the
 * same group commit as the execution step that schedules them and deleted with the step that
 * starts (or ends) them. A row only points at its execution and task: the task's input stays in
 * the execution's journal, sealed with it.
 *
 * <pre>  'Q' hash(activity-arn) scheduled-micros(8) hash(execution-arn 0x00 effect-id)
 *        -> seal(execution-arn 0x00 effect-id)</pre>
 *
 * <p>ARNs and effect ids are in a key only as their keyed hash ({@link RowNames}), and sealed in
 * the value, bound to the key. Earlier versions stored {@code 'q' activity-arn 0x00
 * scheduled-micros(8) execution-arn 0x00 effect-id -> empty}; {@link #moveClearRows} moves those
 * rows to this layout.
 */
public final class ActivityQueue {
  static final byte PREFIX = 'Q';
  static final byte CLEAR_PREFIX = 'q';
  private static final byte[] TAG = "queued|".getBytes(StandardCharsets.UTF_8);

  /** A task waiting for a worker of {@code activityArn}; the index keeps microseconds, so {@code scheduledAt} does too. */
  public record Task(String activityArn, Instant scheduledAt, String executionArn, String effectId)
      implements Comparable<Task> {
    public Task {
      scheduledAt = scheduledAt.minusNanos(scheduledAt.getNano() % 1_000);
    }

    /** Oldest first, as the index orders them within an activity. */
    @Override
    public int compareTo(Task o) {
      int c = scheduledAt.compareTo(o.scheduledAt);
      if (c == 0) c = executionArn.compareTo(o.executionArn);
      return c != 0 ? c : effectId.compareTo(o.effectId);
    }
  }

  private final Db db;
  private final RowNames names;

  public ActivityQueue(Db db, RowNames names) {
    this.db = db;
    this.names = names;
  }

  private static IndexOp.Named named(Task t) {
    return new IndexOp.Named(t, names -> key(names, t),
        (names, key) -> names.seal(ids(t), SealedValues.associatedData(TAG, key)));
  }

  public static IndexOp put(IndexOp op, Task t) {
    return op.put(named(t));
  }

  public static IndexOp delete(IndexOp op, Task t) {
    return op.delete(named(t));
  }

  /** Up to {@code max} tasks of {@code activityArn}, oldest first. Blocking: call it on the I/O executor. */
  public List<Task> oldest(String activityArn, int max) {
    byte[] prefix = prefix(names, activityArn);
    byte[] end = Db.prefixEnd(prefix);
    List<Task> out = new ArrayList<>();
    db.scan(prefix, end, e -> {
      byte[] k = e.getKey();
      byte[] ids = names.open(e.getValue(), SealedValues.associatedData(TAG, k), "a queued activity task");
      out.add(decode(activityArn, ByteBuffer.wrap(k, prefix.length, 8).getLong(), ids, 0));
      return out.size() >= max ? Db.Scan.STOP : Db.Scan.CONTINUE;
    });
    return out;
  }

  private static byte[] prefix(RowNames names, String activityArn) {
    return ByteBuffer.allocate(1 + RowNames.HASH_BYTES).put(PREFIX).put(names.hashRecurring(activityArn)).array();
  }

  private static byte[] ids(Task t) {
    byte[] e = t.executionArn().getBytes(StandardCharsets.UTF_8);
    byte[] id = t.effectId().getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(e.length + 1 + id.length).put(e).put((byte) 0).put(id).array();
  }

  private static byte[] key(RowNames names, Task t) {
    long micros = t.scheduledAt().getEpochSecond() * 1_000_000L + t.scheduledAt().getNano() / 1_000;
    return ByteBuffer.allocate(1 + RowNames.HASH_BYTES + 8 + RowNames.HASH_BYTES).put(prefix(names, t.activityArn()))
        .putLong(micros).put(names.hash(ids(t))).array();
  }

  /** The task scheduled at {@code micros} whose ids are {@code b} from {@code at}: execution ARN, 0x00, effect id. */
  private static Task decode(String activityArn, long micros, byte[] b, int at) {
    int zero = at;
    while (b[zero] != 0) zero++;
    String execution = new String(b, at, zero - at, StandardCharsets.UTF_8);
    String effect = new String(b, zero + 1, b.length - zero - 1, StandardCharsets.UTF_8);
    return new Task(activityArn, Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
        Math.floorMod(micros, 1_000_000L) * 1_000), execution, effect);
  }

  /** Moves an earlier version's rows (ARNs in clear in the key) to this layout; returns how many. */
  static int moveClearRows(Db db, RowNames names) {
    int[] moved = {0};
    IndexUpgrade.move(db, CLEAR_PREFIX, (k, v, batch) -> {
      int zero = 1;
      while (k[zero] != 0) zero++;
      String activity = new String(k, 1, zero - 1, StandardCharsets.UTF_8);
      Task t = decode(activity, ByteBuffer.wrap(k, zero + 1, 8).getLong(), k, zero + 9);
      byte[] key = key(names, t);
      batch.put(key, names.seal(ids(t), SealedValues.associatedData(TAG, key)));
      moved[0]++;
    });
    return moved[0];
  }
}
