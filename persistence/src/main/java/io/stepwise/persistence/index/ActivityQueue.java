package io.stepwise.persistence.index;

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
 * <pre>  'q' activity-arn 0x00 scheduled-micros(8) execution-arn 0x00 effect-id -> empty</pre>
 */
public final class ActivityQueue {
  static final byte PREFIX = 'q';
  private static final byte[] EMPTY = new byte[0];

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

  public ActivityQueue(Db db) {
    this.db = db;
  }

  public static IndexOp put(IndexOp op, Task t) {
    return op.put(key(t), EMPTY);
  }

  public static IndexOp delete(IndexOp op, Task t) {
    return op.delete(key(t));
  }

  /** Up to {@code max} tasks of {@code activityArn}, oldest first. Blocking: call it on the I/O executor. */
  public List<Task> oldest(String activityArn, int max) {
    byte[] prefix = prefix(activityArn);
    byte[] end = Arrays.copyOf(prefix, prefix.length + 1);
    end[prefix.length] = (byte) 0xFF;
    List<Task> out = new ArrayList<>();
    db.scan(prefix, end, e -> {
      out.add(decode(activityArn, prefix.length, e.getKey()));
      return out.size() >= max ? Db.Scan.STOP : Db.Scan.CONTINUE;
    });
    return out;
  }

  private static byte[] prefix(String activityArn) {
    byte[] a = activityArn.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + a.length + 1).put(PREFIX).put(a).put((byte) 0).array();
  }

  private static byte[] key(Task t) {
    byte[] p = prefix(t.activityArn());
    byte[] e = t.executionArn().getBytes(StandardCharsets.UTF_8);
    byte[] id = t.effectId().getBytes(StandardCharsets.UTF_8);
    long micros = t.scheduledAt().getEpochSecond() * 1_000_000L + t.scheduledAt().getNano() / 1_000;
    return ByteBuffer.allocate(p.length + 8 + e.length + 1 + id.length).put(p).putLong(micros).put(e).put((byte) 0)
        .put(id).array();
  }

  private static Task decode(String activityArn, int at, byte[] k) {
    long micros = ByteBuffer.wrap(k, at, 8).getLong();
    int zero = at + 8;
    while (k[zero] != 0) zero++;
    String execution = new String(k, at + 8, zero - at - 8, StandardCharsets.UTF_8);
    String effect = new String(k, zero + 1, k.length - zero - 1, StandardCharsets.UTF_8);
    return new Task(activityArn, Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
        Math.floorMod(micros, 1_000_000L) * 1_000), execution, effect);
  }
}
