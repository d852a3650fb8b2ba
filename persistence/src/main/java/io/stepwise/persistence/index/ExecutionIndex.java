package io.stepwise.persistence.index;

import io.stepwise.persistence.crypto.EventCipher;
import io.stepwise.persistence.internal.Db;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The persisted listing index of executions: per state machine, newest first, with a second
 * keyspace per status so that a status filter reads only matching rows. It holds the metadata
 * AWS shows in listings, never inputs or outputs, and it is bounded by what is stored. Values are
 * sealed (AES-256-GCM under the {@link ServiceKeys#listingCipher listing key}, bound to their execution); the keys, which
 * order the listing, still hold the ARNs and start times in clear.
 *
 * <pre>
 *   'x' machine-arn 0x00 inverted-start-micros(8) execution-arn          -> value
 *   'y' machine-arn 0x00 status(1) inverted-start-micros(8) execution-arn -> value
 *   value = SEALED(1) seal(row, associated data "listing|" execution-arn)
 *   row   = status(1) start-micros(8) stop-micros(8, -1 while running) name(utf8)
 * </pre>
 *
 * <p>A value whose first byte is a status number (0-5) is a row stored in clear by an earlier
 * version, and reads as it is.
 */
public final class ExecutionIndex {
  static final byte ALL = 'x';
  static final byte BY_STATUS = 'y';
  /** AWS's execution statuses, numbered for the key; the order is part of the stored format. */
  private static final List<String> STATUSES =
      List.of("RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE");

  public record Row(String executionArn, String stateMachineArn, String name, String status, long startMicros,
      long stopMicros) {}

  /** One page; {@code next} is the key to continue after, or null at the end. */
  public record Page(List<Row> rows, byte[] next) {}

  private final Db db;
  private final EventCipher cipher;

  /** {@code db} may be null for an index that only writes (through the group commit). */
  public ExecutionIndex(Db db, EventCipher cipher) {
    this.db = db;
    this.cipher = cipher;
  }

  /** Writes {@code row}, removing its row under {@code previousStatus} (null when new). */
  public IndexOp put(IndexOp op, Row row, String previousStatus) {
    byte[] value = seal(row);
    op.put(key(ALL, row, null), value);
    if (previousStatus != null && !previousStatus.equals(row.status())) {
      op.delete(key(BY_STATUS, row, previousStatus));
    }
    return op.put(key(BY_STATUS, row, row.status()), value);
  }

  /**
   * Up to {@code max} rows of {@code machineArn}, newest first, with status {@code status} (null:
   * any), continuing after {@code after} (null: from the start). Blocking: call on the I/O executor.
   */
  public Page page(String machineArn, String status, byte[] after, int max) {
    byte[] prefix = status == null ? prefix(ALL, machineArn, null) : prefix(BY_STATUS, machineArn, status);
    byte[] end = Arrays.copyOf(prefix, prefix.length + 1);
    end[prefix.length] = (byte) 0xFF;
    byte[] from = prefix;
    if (after != null) {
      if (!startsWith(after, prefix)) throw new IllegalArgumentException("token of another listing");
      from = Arrays.copyOf(after, after.length + 1); // the first key after it
    }
    List<Row> rows = new ArrayList<>();
    byte[][] last = new byte[1][];
    boolean[] more = new boolean[1];
    db.scan(from, end, e -> {
      if (rows.size() == max) {
        more[0] = true;
        return Db.Scan.STOP;
      }
      rows.add(decode(e.getKey(), prefix.length + 8, machineArn, open(e.getKey(), prefix.length + 8, e.getValue())));
      last[0] = e.getKey();
      return Db.Scan.CONTINUE;
    });
    return new Page(rows, more[0] ? last[0] : null);
  }

  /**
   * The row of {@code executionArn} among the RUNNING executions of {@code machineArn}, if it is
   * running, for when nothing else tells its start date. Reads the machine's running rows in
   * order: blocking, call on the I/O executor.
   */
  public Optional<Row> running(String machineArn, String executionArn) {
    byte[] prefix = prefix(BY_STATUS, machineArn, "RUNNING");
    byte[] end = Arrays.copyOf(prefix, prefix.length + 1);
    end[prefix.length] = (byte) 0xFF;
    byte[] arn = executionArn.getBytes(StandardCharsets.UTF_8);
    int arnAt = prefix.length + 8;
    Row[] found = new Row[1];
    db.scan(prefix, end, e -> {
      byte[] k = e.getKey();
      if (k.length - arnAt == arn.length && Arrays.equals(k, arnAt, k.length, arn, 0, arn.length)) {
        found[0] = decode(k, arnAt, machineArn, open(k, arnAt, e.getValue()));
        return Db.Scan.STOP;
      }
      return Db.Scan.CONTINUE;
    });
    return Optional.ofNullable(found[0]);
  }

  private static byte[] prefix(byte kind, String machineArn, String status) {
    byte[] m = machineArn.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(1 + m.length + 1 + (status == null ? 0 : 1)).put(kind).put(m).put((byte) 0);
    if (status != null) b.put(statusByte(status));
    return b.array();
  }

  private static byte[] key(byte kind, Row row, String status) {
    byte[] p = prefix(kind, row.stateMachineArn(), status);
    byte[] e = row.executionArn().getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(p.length + 8 + e.length).put(p).putLong(Long.MAX_VALUE - row.startMicros()).put(e)
        .array();
  }

  private static final byte[] TAG = "listing|".getBytes(StandardCharsets.UTF_8);

  private byte[] seal(Row row) {
    return SealedValues.seal(cipher, value(row),
        SealedValues.associatedData(TAG, row.executionArn().getBytes(StandardCharsets.UTF_8)));
  }

  /** The row stored under {@code key}, whose execution ARN starts at {@code arnAt}. */
  private byte[] open(byte[] key, int arnAt, byte[] value) {
    if (!SealedValues.isSealed(value)) return value;
    return SealedValues.open(cipher, value, SealedValues.associatedData(TAG, Arrays.copyOfRange(key, arnAt, key.length)),
        new String(key, arnAt, key.length - arnAt, StandardCharsets.UTF_8));
  }

  private static byte[] value(Row row) {
    byte[] n = row.name().getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(17 + n.length).put(statusByte(row.status())).putLong(row.startMicros())
        .putLong(row.stopMicros()).put(n).array();
  }

  private static Row decode(byte[] key, int arnAt, String machineArn, byte[] v) {
    String arn = new String(key, arnAt, key.length - arnAt, StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.wrap(v);
    String status = STATUSES.get(b.get());
    long start = b.getLong();
    long stop = b.getLong();
    String name = new String(v, 17, v.length - 17, StandardCharsets.UTF_8);
    return new Row(arn, machineArn, name, status, start, stop);
  }

  private static byte statusByte(String status) {
    int i = STATUSES.indexOf(status);
    if (i < 0) throw new IllegalArgumentException("unknown status " + status);
    return (byte) i;
  }

  private static boolean startsWith(byte[] a, byte[] prefix) {
    return a.length >= prefix.length && Arrays.equals(a, 0, prefix.length, prefix, 0, prefix.length);
  }
}
