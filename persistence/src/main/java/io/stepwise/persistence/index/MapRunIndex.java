package io.stepwise.persistence.index;

import io.stepwise.persistence.crypto.EventCipher;
import io.stepwise.persistence.internal.Db;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The Map Runs of Distributed Maps: each run's record (what DescribeMapRun shows) under its ARN,
 * and its ARN under its parent execution's, for ListMapRuns. Records are sealed like the
 * listings' and bound to their key.
 *
 * <pre>
 *   'm' map-run-arn                          -> SEALED(1) seal(record, as its owner encodes it)
 *   'r' execution-arn 0x00 map-run-arn       -> (empty)
 * </pre>
 */
public final class MapRunIndex {
  static final byte RECORD = 'm';
  static final byte BY_EXECUTION = 'r';
  private static final byte[] TAG = "maprun|".getBytes(StandardCharsets.UTF_8);

  private final Db db;
  private final EventCipher cipher;

  public MapRunIndex(Db db, EventCipher cipher) {
    this.db = db;
    this.cipher = cipher;
  }

  /** Writes (or rewrites) the record of {@code mapRunArn}, listed under {@code executionArn}. */
  public IndexOp put(IndexOp op, String executionArn, String mapRunArn, byte[] record) {
    byte[] key = key(RECORD, mapRunArn);
    op.put(key, SealedValues.seal(cipher, record, SealedValues.associatedData(TAG, key)));
    return op.put(byExecution(executionArn, mapRunArn), new byte[0]);
  }

  /** The record of {@code mapRunArn}, if there is one. Blocking: call on the I/O executor. */
  public Optional<byte[]> get(String mapRunArn) {
    byte[] key = key(RECORD, mapRunArn);
    byte[] v = db.get(key);
    return v == null ? Optional.empty() : Optional.of(SealedValues.open(cipher, v, SealedValues.associatedData(TAG, key), mapRunArn));
  }

  /** The Map Runs of {@code executionArn}, in ARN order. Blocking: call on the I/O executor. */
  public List<String> of(String executionArn) {
    byte[] from = byExecution(executionArn, "");
    byte[] to = Arrays.copyOf(from, from.length + 1);
    to[from.length] = (byte) 0xFF;
    List<String> out = new ArrayList<>();
    db.scan(from, to, e -> {
      byte[] k = e.getKey();
      out.add(new String(k, from.length, k.length - from.length, StandardCharsets.UTF_8));
      return Db.Scan.CONTINUE;
    });
    return out;
  }

  private static byte[] key(byte kind, String arn) {
    byte[] a = arn.getBytes(StandardCharsets.UTF_8);
    byte[] k = new byte[1 + a.length];
    k[0] = kind;
    System.arraycopy(a, 0, k, 1, a.length);
    return k;
  }

  private static byte[] byExecution(String executionArn, String mapRunArn) {
    byte[] e = executionArn.getBytes(StandardCharsets.UTF_8);
    byte[] m = mapRunArn.getBytes(StandardCharsets.UTF_8);
    byte[] k = new byte[2 + e.length + m.length];
    k[0] = BY_EXECUTION;
    System.arraycopy(e, 0, k, 1, e.length);
    k[1 + e.length] = 0;
    System.arraycopy(m, 0, k, 2 + e.length, m.length);
    return k;
  }
}
