package io.stepwise.persistence.index;

import io.stepwise.persistence.crypto.EventCipher;
import io.stepwise.persistence.crypto.RowNames;
import io.stepwise.persistence.internal.Db;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The Map Runs of Distributed Maps: each run's record (what DescribeMapRun shows) under its ARN,
 * and its ARN under its parent execution's, for ListMapRuns. Keys hold only keyed hashes of the
 * ARNs ({@link RowNames}); records and listed ARNs are sealed and bound to their key.
 *
 * <pre>
 *   'M' hash(map-run-arn)                          -> seal(record, as its owner encodes it)
 *   'R' hash(execution-arn) hash(map-run-arn)      -> seal(map-run-arn)
 *   'C' hash(map-run-arn) block (8 bytes)          -> seal(how a block of its children ended, as its owner encodes it)
 * </pre>
 *
 * <p>The 'C' rows let a redriven Map Run run again only the children that did not succeed.
 *
 * <p>Earlier versions stored {@code 'm' map-run-arn} and {@code 'r' execution-arn 0x00
 * map-run-arn} with the ARNs in clear; {@link #moveClearRows} moves them to this layout.
 */
public final class MapRunIndex {
  static final byte RECORD = 'M';
  static final byte BY_EXECUTION = 'R';
  static final byte CHILD = 'C';
  static final byte CLEAR_RECORD = 'm';
  static final byte CLEAR_BY_EXECUTION = 'r';
  private static final byte[] TAG = "maprun|".getBytes(StandardCharsets.UTF_8);
  private static final byte[] LISTED_TAG = "maprun-of|".getBytes(StandardCharsets.UTF_8);
  private static final byte[] CHILD_TAG = "maprun-child|".getBytes(StandardCharsets.UTF_8);

  private final Db db;
  private final RowNames names;

  public MapRunIndex(Db db, RowNames names) {
    this.db = db;
    this.names = names;
  }

  /** Writes (or rewrites) the record of {@code mapRunArn}, listed under {@code executionArn}. */
  public IndexOp put(IndexOp op, String executionArn, String mapRunArn, byte[] record) {
    byte[] key = key(RECORD, names.hash(mapRunArn));
    op.put(key, names.seal(record, SealedValues.associatedData(TAG, key)));
    byte[] listed = byExecution(names.hash(executionArn), names.hash(mapRunArn));
    return op.put(listed, names.sealString(mapRunArn, SealedValues.associatedData(LISTED_TAG, listed)));
  }

  /** The record of {@code mapRunArn}, if there is one. Blocking: call on the I/O executor. */
  public Optional<byte[]> get(String mapRunArn) {
    byte[] key = key(RECORD, names.hash(mapRunArn));
    byte[] v = db.get(key);
    return v == null ? Optional.empty()
        : Optional.of(names.open(v, SealedValues.associatedData(TAG, key), "the Map Run record of " + mapRunArn));
  }

  /**
   * Writes (or rewrites) how the children of block {@code block} of {@code mapRunArn} ended:
   * LZ4-compressed before it is sealed (a block's outcomes repeat themselves; sealed, nothing
   * compresses), as {@code original length (4 bytes) + compressed}.
   */
  public IndexOp putChildren(IndexOp op, String mapRunArn, long block, byte[] outcomes) {
    byte[] key = childrenKey(mapRunArn, block);
    byte[] packed = LZ4.fastCompressor().compress(outcomes);
    byte[] value = java.nio.ByteBuffer.allocate(4 + packed.length).putInt(outcomes.length).put(packed).array();
    return op.put(key, names.seal(value, SealedValues.associatedData(CHILD_TAG, key)));
  }

  /** How the children of block {@code block} of {@code mapRunArn} ended, if written. Blocking: call on the I/O executor. */
  public Optional<byte[]> children(String mapRunArn, long block) {
    byte[] key = childrenKey(mapRunArn, block);
    byte[] v = db.get(key);
    if (v == null) return Optional.empty();
    String what = "children block " + block + " of " + mapRunArn;
    java.nio.ByteBuffer value = java.nio.ByteBuffer.wrap(names.open(v, SealedValues.associatedData(CHILD_TAG, key), what));
    int length = value.getInt();
    try {
      return Optional.of(LZ4.safeDecompressor().decompress(value.array(), 4, value.remaining(), length));
    } catch (net.jpountz.lz4.LZ4Exception e) {
      throw new IllegalStateException(what + " is corrupt", e);
    }
  }

  private static final net.jpountz.lz4.LZ4Factory LZ4 = net.jpountz.lz4.LZ4Factory.fastestInstance();

  private byte[] childrenKey(String mapRunArn, long block) {
    byte[] prefix = key(CHILD, names.hash(mapRunArn));
    byte[] k = Arrays.copyOf(prefix, prefix.length + 8);
    for (int i = 0; i < 8; i++) k[prefix.length + i] = (byte) (block >>> (56 - 8 * i));
    return k;
  }

  /** The Map Runs of {@code executionArn}, in ARN order. Blocking: call on the I/O executor. */
  public List<String> of(String executionArn) {
    byte[] from = key(BY_EXECUTION, names.hash(executionArn));
    byte[] to = Db.prefixEnd(from);
    List<String> out = new ArrayList<>();
    db.scan(from, to, e -> {
      out.add(names.openString(e.getValue(), SealedValues.associatedData(LISTED_TAG, e.getKey()),
          "a Map Run of " + executionArn));
      return Db.Scan.CONTINUE;
    });
    java.util.Collections.sort(out);
    return out;
  }

  private static byte[] key(byte kind, byte[] hash) {
    byte[] k = new byte[1 + hash.length];
    k[0] = kind;
    System.arraycopy(hash, 0, k, 1, hash.length);
    return k;
  }

  private static byte[] byExecution(byte[] execution, byte[] mapRun) {
    byte[] k = Arrays.copyOf(key(BY_EXECUTION, execution), 1 + execution.length + mapRun.length);
    System.arraycopy(mapRun, 0, k, 1 + execution.length, mapRun.length);
    return k;
  }

  /**
   * Moves the rows an earlier version stored with ARNs in clear in their keys (records sealed
   * under {@code listing}) to this layout; returns how many. See {@link IndexUpgrade}.
   */
  static int moveClearRows(Db db, EventCipher listing, RowNames names) {
    int[] moved = {0};
    IndexUpgrade.move(db, CLEAR_RECORD, (k, v, batch) -> {
      String arn = new String(k, 1, k.length - 1, StandardCharsets.UTF_8);
      byte[] record = SealedValues.open(listing, v, SealedValues.associatedData(TAG, k), arn);
      byte[] key = key(RECORD, names.hash(arn));
      batch.put(key, names.seal(record, SealedValues.associatedData(TAG, key)));
      moved[0]++;
    });
    IndexUpgrade.move(db, CLEAR_BY_EXECUTION, (k, v, batch) -> {
      int zero = 1;
      while (k[zero] != 0) zero++;
      String execution = new String(k, 1, zero - 1, StandardCharsets.UTF_8);
      String mapRun = new String(k, zero + 1, k.length - zero - 1, StandardCharsets.UTF_8);
      byte[] listed = byExecution(names.hash(execution), names.hash(mapRun));
      batch.put(listed, names.sealString(mapRun, SealedValues.associatedData(LISTED_TAG, listed)));
      moved[0]++;
    });
    return moved[0];
  }
}
