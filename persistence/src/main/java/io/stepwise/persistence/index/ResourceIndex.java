package io.stepwise.persistence.index;

import io.stepwise.persistence.crypto.EventCipher;
import io.stepwise.persistence.crypto.RowNames;
import io.stepwise.persistence.internal.Db;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The persisted listing of state machines and activities, one key range per account and region,
 * newest first (as AWS lists them). No ARN or name is in a key in clear: a key holds the keyed
 * hashes ({@link RowNames}) of the account and region's ARN prefix and of the resource's ARN, and
 * its creation time; a second row per resource finds its listing row from its ARN. Values are
 * sealed and bound to their key; they hold only what AWS shows in listings.
 *
 * <pre>
 *   kind(1) hash(arn prefix) inverted-creation-micros(8) hash(arn)
 *       -> seal(arn, name, type ("" for an activity), creation micros)
 *   'L' kind(1) hash(arn) inverted-creation-micros(8) -> (empty)
 *   kind: 'N' state machines, 'V' activities
 * </pre>
 *
 * <p>Earlier versions stored {@code kind(1) arn(utf8)} with kinds {@code 'n'} and {@code 'v'};
 * {@link #moveClearRows} moves those rows to this layout.
 */
public final class ResourceIndex {
  public enum Kind {
    STATE_MACHINE((byte) 'N', (byte) 'n'), ACTIVITY((byte) 'V', (byte) 'v');

    private final byte prefix;
    private final byte clearPrefix;

    Kind(byte prefix, byte clearPrefix) {
      this.prefix = prefix;
      this.clearPrefix = clearPrefix;
    }
  }

  /** One listed resource; {@code type} is null for an activity. */
  public record Entry(String arn, String name, String type, long creationMicros) {}

  /** Where a page ends: the next page starts after this entry. */
  public record Position(String arn, long creationMicros) {}

  /** One page; {@code last} is where the next page starts after, or null at the end. */
  public record Page(List<Entry> entries, Position last) {}

  private static final byte[] TAG = "resource|".getBytes(StandardCharsets.UTF_8);
  private static final byte LOOKUP = 'L';
  private static final int HASH = RowNames.HASH_BYTES;

  private final Db db;
  private final RowNames names;

  public ResourceIndex(Db db, RowNames names) {
    this.db = db;
    this.names = names;
  }

  public IndexOp put(IndexOp op, Kind kind, Entry entry) {
    byte[] key = key(kind, entry.arn(), entry.creationMicros());
    op.put(key, names.seal(value(entry), SealedValues.associatedData(TAG, key)));
    return op.put(lookup(kind, names.hash(entry.arn()), entry.creationMicros()), new byte[0]);
  }

  /** Deletes the rows of {@code arn} created at {@code creationMicros}. */
  public IndexOp delete(IndexOp op, Kind kind, String arn, long creationMicros) {
    op.delete(key(kind, arn, creationMicros));
    return op.delete(lookup(kind, names.hash(arn), creationMicros));
  }

  /**
   * Deletes every row of {@code arn} created at or before {@code createdBy} (micros), so not that
   * of a resource of the same ARN created since. Blocking (it reads which rows there are): call
   * on the I/O executor.
   */
  public IndexOp deleteAll(IndexOp op, Kind kind, String arn, long createdBy) {
    for (long created : creations(kind, arn)) {
      if (created > createdBy) continue;
      op.delete(key(kind, arn, created));
      op.delete(lookup(kind, names.hash(arn), created));
    }
    return op;
  }

  /** The entry of {@code arn}, if listed (the newest, should there be more). Blocking: call on the I/O executor. */
  public Optional<Entry> get(Kind kind, String arn) {
    List<Long> created = creations(kind, arn);
    if (created.isEmpty()) return Optional.empty();
    byte[] key = key(kind, arn, created.get(0));
    byte[] v = db.get(key);
    return v == null ? Optional.empty() : Optional.of(decode(key, v));
  }

  /** The creation times under which {@code arn} is listed, newest first. Blocking: call on the I/O executor. */
  public List<Long> creations(Kind kind, String arn) {
    byte[] from = lookup(kind, names.hash(arn), Long.MAX_VALUE);
    byte[] prefix = Arrays.copyOf(from, from.length - 8);
    byte[] end = Db.prefixEnd(prefix);
    List<Long> out = new ArrayList<>(1);
    db.scan(prefix, end, e -> {
      out.add(Long.MAX_VALUE - java.nio.ByteBuffer.wrap(e.getKey(), prefix.length, 8).getLong());
      return Db.Scan.CONTINUE;
    });
    return out;
  }

  /**
   * Up to {@code max} entries whose ARN starts with {@code arnPrefix} (an account and region's,
   * ending with the resource type and its colon), newest first, after {@code after} (null: from
   * the start). Blocking: call on the I/O executor.
   */
  public Page page(Kind kind, String arnPrefix, Position after, int max) {
    byte[] prefix = scopeKey(kind, arnPrefix);
    byte[] end = Db.prefixEnd(prefix);
    byte[] from = prefix;
    if (after != null) {
      byte[] last = key(kind, after.arn(), after.creationMicros());
      from = Arrays.copyOf(last, last.length + 1); // the first key after it
    }
    List<Entry> entries = new ArrayList<>();
    boolean[] more = new boolean[1];
    db.scan(from, end, e -> {
      if (entries.size() == max) {
        more[0] = true;
        return Db.Scan.STOP;
      }
      entries.add(decode(e.getKey(), e.getValue()));
      return Db.Scan.CONTINUE;
    });
    Entry last = more[0] ? entries.get(entries.size() - 1) : null;
    return new Page(entries, last == null ? null : new Position(last.arn(), last.creationMicros()));
  }

  /** The key range of one account and region: {@code arnPrefix} ends with the resource type and its colon. */
  private byte[] scopeKey(Kind kind, String arnPrefix) {
    byte[] k = new byte[1 + HASH];
    k[0] = kind.prefix;
    System.arraycopy(names.hash(arnPrefix), 0, k, 1, HASH);
    return k;
  }

  private byte[] key(Kind kind, String arn, long creationMicros) {
    return java.nio.ByteBuffer.allocate(1 + HASH + 8 + HASH).put(scopeKey(kind, scope(arn)))
        .putLong(Long.MAX_VALUE - creationMicros).put(names.hash(arn)).array();
  }

  private static byte[] lookup(Kind kind, byte[] arn, long creationMicros) {
    return java.nio.ByteBuffer.allocate(2 + HASH + 8).put(LOOKUP).put(kind.prefix).put(arn)
        .putLong(Long.MAX_VALUE - creationMicros).array();
  }

  /** The ARN up to and including its sixth colon ({@code arn:aws:states:region:account:stateMachine:}). */
  static String scope(String arn) {
    int at = -1;
    for (int i = 0; i < 6; i++) {
      at = arn.indexOf(':', at + 1);
      if (at < 0) return arn;
    }
    return arn.substring(0, at + 1);
  }

  /**
   * Moves the rows an earlier version stored with their ARN in clear in the key (values sealed
   * under {@code listing}) to this layout; returns how many. See {@link IndexUpgrade}.
   */
  static int moveClearRows(Db db, EventCipher listing, RowNames names) {
    ResourceIndex index = new ResourceIndex(db, names);
    int[] moved = {0};
    for (Kind kind : Kind.values()) {
      IndexUpgrade.move(db, kind.clearPrefix, (k, v, batch) -> {
        String arn = new String(k, 1, k.length - 1, StandardCharsets.UTF_8);
        byte[] clear = SealedValues.open(listing, v, SealedValues.associatedData(TAG, k), arn);
        Entry e;
        try {
          e = read(arn, new DataInputStream(new java.io.ByteArrayInputStream(clear)));
        } catch (IOException x) {
          throw new UncheckedIOException(x);
        }
        byte[] key = index.key(kind, arn, e.creationMicros());
        batch.put(key, names.seal(value(e), SealedValues.associatedData(TAG, key)));
        batch.put(lookup(kind, names.hash(arn), e.creationMicros()), new byte[0]);
        moved[0]++;
      });
    }
    return moved[0];
  }

  private static byte[] value(Entry entry) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeUTF(entry.arn());
      out.writeUTF(entry.name());
      out.writeUTF(entry.type() == null ? "" : entry.type());
      out.writeLong(entry.creationMicros());
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Entry decode(byte[] key, byte[] stored) {
    byte[] v = names.open(stored, SealedValues.associatedData(TAG, key), "a listing row of a state machine or activity");
    try {
      DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(v));
      return read(in.readUTF(), in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The rest of a value after its ARN (an earlier version's value is only this). */
  private static Entry read(String arn, DataInputStream in) throws IOException {
    String name = in.readUTF();
    String type = in.readUTF();
    return new Entry(arn, name, type.isEmpty() ? null : type, in.readLong());
  }
}
