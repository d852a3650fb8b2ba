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
 *   row   = 0x40|status(1) start-micros(8) stop-micros(8, -1 while running) redrive-count(4)
 *           redrive-micros(8, -1 if never) name version-arn alias-arn   (each a 2-byte length, then utf8;
 *           empty when not started on a version or alias)
 * </pre>
 *
 * <p>An execution started on a version, or through an alias, has its rows under the machine's ARN
 * and also under the version's and the alias's ARN (ListExecutions accepts either).
 *
 * <p>A row sealed by an earlier version holds {@code status(1) start(8) stop(8) name} and reads as
 * never redriven, started on the machine.
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

  /**
   * One execution as listings show it. {@code stateMachineArn} is always the machine's own ARN; an
   * execution started on a version (or through an alias) is also listed under that version's (and
   * alias's) ARN. {@code redriveMicros} is -1 until it is redriven.
   */
  public record Row(String executionArn, String stateMachineArn, String name, String status, long startMicros,
      long stopMicros, String versionArn, String aliasArn, int redriveCount, long redriveMicros) {

    /** Started on the machine itself and never redriven. */
    public Row(String executionArn, String stateMachineArn, String name, String status, long startMicros,
        long stopMicros) {
      this(executionArn, stateMachineArn, name, status, startMicros, stopMicros, null, null, 0, -1);
    }

    /** The same execution with another status and stop time. */
    public Row with(String newStatus, long newStopMicros) {
      return new Row(executionArn, stateMachineArn, name, newStatus, startMicros, newStopMicros, versionArn, aliasArn,
          redriveCount, redriveMicros);
    }

    /** The ARNs it is listed under: its machine's, and its version's and alias's if it was started on one. */
    List<String> listedUnder() {
      if (versionArn == null && aliasArn == null) return List.of(stateMachineArn);
      List<String> arns = new ArrayList<>(3);
      arns.add(stateMachineArn);
      if (versionArn != null) arns.add(versionArn);
      if (aliasArn != null) arns.add(aliasArn);
      return arns;
    }
  }

  /** One page; {@code next} is the key to continue after, or null at the end. */
  public record Page(List<Row> rows, byte[] next) {}

  private final Db db;
  private final EventCipher cipher;

  /** {@code db} may be null for an index that only writes (through the group commit). */
  public ExecutionIndex(Db db, EventCipher cipher) {
    this.db = db;
    this.cipher = cipher;
  }

  /**
   * Writes {@code row} under every ARN it is listed under, removing its rows under
   * {@code previousStatus} (null when new).
   */
  public IndexOp put(IndexOp op, Row row, String previousStatus) {
    byte[] value = seal(row);
    for (String listed : row.listedUnder()) {
      op.put(key(ALL, listed, row, null), value);
      if (previousStatus != null && !previousStatus.equals(row.status())) {
        op.delete(key(BY_STATUS, listed, row, previousStatus));
      }
      op.put(key(BY_STATUS, listed, row, row.status()), value);
    }
    return op;
  }

  /**
   * Up to {@code max} rows listed under {@code listedArn} (a machine's ARN, or one of its versions'
   * or aliases'), newest first, with status {@code status} (null: any), continuing after
   * {@code after} (null: from the start). {@code machineArn} is the machine's own ARN. Blocking:
   * call on the I/O executor.
   */
  public Page page(String listedArn, String machineArn, String status, byte[] after, int max) {
    return page(listedArn, machineArn, status, after, max, r -> true);
  }

  /** With a filter, a page examines at most this many rows per row it may hold. */
  static final int EXAMINED_PER_ROW = 10;

  /** As {@link #page(String, String, String, byte[], int)}, keeping only the rows {@code keep} accepts. */
  public Page page(String listedArn, String machineArn, String status, byte[] after, int max,
      java.util.function.Predicate<Row> keep) {
    byte[] prefix = status == null ? prefix(ALL, listedArn, null) : prefix(BY_STATUS, listedArn, status);
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
    int[] examined = new int[1];
    int examine = Math.max(max, max * EXAMINED_PER_ROW);
    db.scan(from, end, e -> {
      // A filter that keeps few rows must not read the whole listing in one request: the page
      // ends after so many rows examined, possibly with fewer (or no) rows, and a token to go on.
      if (rows.size() == max || examined[0] == examine) {
        more[0] = true;
        return Db.Scan.STOP;
      }
      examined[0]++;
      Row row = decode(e.getKey(), prefix.length + 8, machineArn, open(e.getKey(), prefix.length + 8, e.getValue()));
      if (keep.test(row)) rows.add(row);
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

  /** Whether any execution of {@code machineArn} is listed as RUNNING. Blocking: call on the I/O executor. */
  public boolean hasRunning(String machineArn) {
    byte[] prefix = prefix(BY_STATUS, machineArn, "RUNNING");
    byte[] end = Arrays.copyOf(prefix, prefix.length + 1);
    end[prefix.length] = (byte) 0xFF;
    boolean[] found = {false};
    db.scan(prefix, end, e -> {
      found[0] = true;
      return Db.Scan.STOP;
    });
    return found[0];
  }

  private static byte[] prefix(byte kind, String machineArn, String status) {
    byte[] m = machineArn.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(1 + m.length + 1 + (status == null ? 0 : 1)).put(kind).put(m).put((byte) 0);
    if (status != null) b.put(statusByte(status));
    return b.array();
  }

  private static byte[] key(byte kind, String listedArn, Row row, String status) {
    byte[] p = prefix(kind, listedArn, status);
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
    byte[] v = utf8(row.versionArn());
    byte[] a = utf8(row.aliasArn());
    return ByteBuffer.allocate(1 + 8 + 8 + 4 + 8 + 6 + n.length + v.length + a.length)
        .put((byte) (V2 | statusByte(row.status()))).putLong(row.startMicros()).putLong(row.stopMicros())
        .putInt(row.redriveCount()).putLong(row.redriveMicros())
        .putShort((short) n.length).put(n).putShort((short) v.length).put(v).putShort((short) a.length).put(a).array();
  }

  /** Marks the second row layout (with version, alias and redrive fields); the first began with the bare status. */
  private static final int V2 = 0x40;

  private static Row decode(byte[] key, int arnAt, String machineArn, byte[] v) {
    String arn = new String(key, arnAt, key.length - arnAt, StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.wrap(v);
    int first = b.get();
    String status = STATUSES.get(first & 0x0F);
    long start = b.getLong();
    long stop = b.getLong();
    if ((first & V2) == 0) {
      return new Row(arn, machineArn, new String(v, 17, v.length - 17, StandardCharsets.UTF_8), status, start, stop);
    }
    int redriveCount = b.getInt();
    long redriveMicros = b.getLong();
    String name = string(b);
    String version = string(b);
    String alias = string(b);
    return new Row(arn, machineArn, name, status, start, stop, version.isEmpty() ? null : version,
        alias.isEmpty() ? null : alias, redriveCount, redriveMicros);
  }

  private static byte[] utf8(String s) {
    return s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
  }

  private static String string(ByteBuffer b) {
    int n = b.getShort() & 0xFFFF;
    String s = new String(b.array(), b.position(), n, StandardCharsets.UTF_8);
    b.position(b.position() + n);
    return s;
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
