package io.stepwise.persistence.index;

import io.stepwise.persistence.crypto.EventCipher;
import io.stepwise.persistence.crypto.RowNames;
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
 * AWS shows in listings, never inputs or outputs, and it is bounded by what is stored. No ARN or
 * name is in a key in clear: keys hold keyed hashes ({@link RowNames}) of the listed ARN and of
 * the execution's ARN, and the start time that orders the listing; values are sealed (AES-256-GCM,
 * bound to the execution's hash).
 *
 * <pre>
 *   'X' hash(listed-arn) inverted-start-micros(8) hash(execution-arn)           -> value
 *   'Y' hash(listed-arn) status(1) inverted-start-micros(8) hash(execution-arn) -> value
 *   value = seal(row, associated data "listing|" hash(execution-arn))
 *   row   = 0x60|status(1) start-micros(8) stop-micros(8, -1 while running) redrive-count(4)
 *           redrive-micros(8, -1 if never) name version-arn alias-arn execution-arn (each a 2-byte
 *           length, then utf8; version and alias empty when not started on one) [item-count(4), for
 *           a Map Run's child execution]
 * </pre>
 *
 * <p>An execution started on a version, or through an alias, has its rows under the machine's ARN
 * and also under the version's and the alias's ARN (ListExecutions accepts either).
 *
 * <p>Earlier versions kept the ARNs in clear in the keys ({@code 'x'} and {@code 'y'}, with values
 * sealed under the listing key or in clear); {@link #moveClearRows} moves them to this layout.
 */
public final class ExecutionIndex {
  static final byte ALL = 'X';
  static final byte BY_STATUS = 'Y';
  static final byte CLEAR_ALL = 'x';
  static final byte CLEAR_BY_STATUS = 'y';
  private static final int HASH = RowNames.HASH_BYTES;
  /** AWS's execution statuses, numbered for the key; the order is part of the stored format. */
  private static final List<String> STATUSES =
      List.of("RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE");

  /**
   * One execution as listings show it. {@code stateMachineArn} is always the machine's own ARN; an
   * execution started on a version (or through an alias) is also listed under that version's (and
   * alias's) ARN. {@code redriveMicros} is -1 until it is redriven. {@code itemCount} is the number
   * of items a Map Run's child execution processes (-1 for any other execution).
   */
  public record Row(String executionArn, String stateMachineArn, String name, String status, long startMicros,
      long stopMicros, String versionArn, String aliasArn, int redriveCount, long redriveMicros, int itemCount) {

    /** Not a Map Run's child. */
    public Row(String executionArn, String stateMachineArn, String name, String status, long startMicros,
        long stopMicros, String versionArn, String aliasArn, int redriveCount, long redriveMicros) {
      this(executionArn, stateMachineArn, name, status, startMicros, stopMicros, versionArn, aliasArn, redriveCount,
          redriveMicros, -1);
    }

    /** Started on the machine itself and never redriven. */
    public Row(String executionArn, String stateMachineArn, String name, String status, long startMicros,
        long stopMicros) {
      this(executionArn, stateMachineArn, name, status, startMicros, stopMicros, null, null, 0, -1);
    }

    /** The same execution with another status and stop time. */
    public Row with(String newStatus, long newStopMicros) {
      return new Row(executionArn, stateMachineArn, name, newStatus, startMicros, newStopMicros, versionArn, aliasArn,
          redriveCount, redriveMicros, itemCount);
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
  private final RowNames names;

  /** {@code db} may be null for an index that only writes (through the group commit). */
  public ExecutionIndex(Db db, RowNames names) {
    this.db = db;
    this.names = names;
  }

  /**
   * Writes {@code row} under every ARN it is listed under, removing its rows under
   * {@code previousStatus} (null when new).
   */
  public IndexOp put(IndexOp op, Row row, String previousStatus) {
    byte[] exec = names.hash(row.executionArn());
    byte[] value = names.seal(value(row), associatedData(exec));
    for (String listed : row.listedUnder()) {
      byte[] hashed = names.hash(listed);
      op.put(key(ALL, hashed, row.startMicros(), exec, null), value);
      if (previousStatus != null && !previousStatus.equals(row.status())) {
        op.delete(key(BY_STATUS, hashed, row.startMicros(), exec, previousStatus));
      }
      op.put(key(BY_STATUS, hashed, row.startMicros(), exec, row.status()), value);
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
    byte[] listed = names.hash(listedArn);
    byte[] prefix = status == null ? prefix(ALL, listed, null) : prefix(BY_STATUS, listed, status);
    byte[] end = Db.prefixEnd(prefix);
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
      Row row = decode(null, machineArn, open(e.getKey(), e.getValue()));
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
    byte[] prefix = prefix(BY_STATUS, names.hash(machineArn), "RUNNING");
    byte[] end = Db.prefixEnd(prefix);
    byte[] arn = names.hash(executionArn);
    int arnAt = prefix.length + 8;
    Row[] found = new Row[1];
    db.scan(prefix, end, e -> {
      byte[] k = e.getKey();
      if (k.length - arnAt == arn.length && Arrays.equals(k, arnAt, k.length, arn, 0, arn.length)) {
        found[0] = decode(null, machineArn, open(k, e.getValue()));
        return Db.Scan.STOP;
      }
      return Db.Scan.CONTINUE;
    });
    return Optional.ofNullable(found[0]);
  }

  /** Whether any execution of {@code machineArn} is listed as RUNNING. Blocking: call on the I/O executor. */
  public boolean hasRunning(String machineArn) {
    byte[] prefix = prefix(BY_STATUS, names.hash(machineArn), "RUNNING");
    byte[] end = Db.prefixEnd(prefix);
    boolean[] found = {false};
    db.scan(prefix, end, e -> {
      found[0] = true;
      return Db.Scan.STOP;
    });
    return found[0];
  }

  private static byte[] prefix(byte kind, byte[] listed, String status) {
    ByteBuffer b = ByteBuffer.allocate(1 + listed.length + (status == null ? 0 : 1)).put(kind).put(listed);
    if (status != null) b.put(statusByte(status));
    return b.array();
  }

  private static byte[] key(byte kind, byte[] listed, long startMicros, byte[] execution, String status) {
    byte[] p = prefix(kind, listed, status);
    return ByteBuffer.allocate(p.length + 8 + execution.length).put(p).putLong(Long.MAX_VALUE - startMicros)
        .put(execution).array();
  }

  private static final byte[] TAG = "listing|".getBytes(StandardCharsets.UTF_8);

  private static byte[] associatedData(byte[] executionHash) {
    return SealedValues.associatedData(TAG, executionHash);
  }

  /** The row stored under {@code key} (whose last bytes are its execution's hash), opened. */
  private byte[] open(byte[] key, byte[] value) {
    byte[] exec = Arrays.copyOfRange(key, key.length - HASH, key.length);
    return names.open(value, associatedData(exec), "the listing row of an execution");
  }

  /**
   * Moves the rows an earlier version stored with ARNs in clear in their keys to the hashed
   * layout (same order, same content), each with its deletion in one batch so a move cut short is
   * finished at the next open; {@code listing} opens their values if they are sealed. The caller
   * compacts the old ranges. Returns how many rows it moved.
   */
  static int moveClearRows(Db db, EventCipher listing, RowNames names) {
    int[] moved = {0};
    for (byte kind : new byte[] {CLEAR_ALL, CLEAR_BY_STATUS}) {
      IndexUpgrade.move(db, kind, (k, v, batch) -> {
        int zero = 1;
        while (k[zero] != 0) zero++;
        String listed = new String(k, 1, zero - 1, StandardCharsets.UTF_8);
        int at = zero + 1 + (kind == CLEAR_BY_STATUS ? 1 : 0);
        long start = Long.MAX_VALUE - ByteBuffer.wrap(k, at, 8).getLong();
        String arn = new String(k, at + 8, k.length - at - 8, StandardCharsets.UTF_8);
        byte[] clear = !SealedValues.isSealed(v) ? v
            : SealedValues.open(listing, v, SealedValues.associatedData(TAG, arn.getBytes(StandardCharsets.UTF_8)), arn);
        Row row = decode(arn, listed, clear);
        byte[] exec = names.hash(arn);
        String status = kind == CLEAR_BY_STATUS ? STATUSES.get(k[zero + 1]) : null;
        batch.put(key(kind == CLEAR_ALL ? ALL : BY_STATUS, names.hash(listed), start, exec, status),
            names.seal(value(row), associatedData(exec)));
        moved[0]++;
      });
    }
    return moved[0];
  }

  private static byte[] value(Row row) {
    byte[] n = row.name().getBytes(StandardCharsets.UTF_8);
    byte[] v = utf8(row.versionArn());
    byte[] a = utf8(row.aliasArn());
    byte[] e = row.executionArn().getBytes(StandardCharsets.UTF_8);
    boolean items = row.itemCount() >= 0;
    ByteBuffer b = ByteBuffer.allocate(1 + 8 + 8 + 4 + 8 + 8 + n.length + v.length + a.length + e.length + (items ? 4 : 0))
        .put((byte) (V3 | statusByte(row.status()))).putLong(row.startMicros()).putLong(row.stopMicros())
        .putInt(row.redriveCount()).putLong(row.redriveMicros())
        .putShort((short) n.length).put(n).putShort((short) v.length).put(v).putShort((short) a.length).put(a)
        .putShort((short) e.length).put(e);
    if (items) b.putInt(row.itemCount()); // a Map Run's child: its item count ends the row
    return b.array();
  }

  /** Marks the second row layout (with version, alias and redrive fields); the first began with the bare status. */
  private static final int V2 = 0x40;
  /** Marks the third: the second with the execution's ARN at the end (keys hold only its hash). */
  private static final int V3 = 0x60;

  /** A row; {@code arn} is its execution's ARN when the row does not hold it (an earlier layout's). */
  private static Row decode(String arn, String machineArn, byte[] v) {
    ByteBuffer b = ByteBuffer.wrap(v);
    int first = b.get();
    String status = STATUSES.get(first & 0x0F);
    if (arn == null && (first & V3) != V3) throw new IllegalStateException("a listing row without its execution ARN");
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
    if ((first & V3) == V3) arn = string(b);
    int itemCount = b.remaining() >= 4 ? b.getInt() : -1;
    return new Row(arn, machineArn, name, status, start, stop, version.isEmpty() ? null : version,
        alias.isEmpty() ? null : alias, redriveCount, redriveMicros, itemCount);
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
