package io.stepwise.persistence.index;

import io.stepwise.persistence.crypto.EventCipher;
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
 * The persisted listing of state machines and activities, in ARN order (so one account and
 * region is one key range). Values are sealed like the execution listing's and bound to their
 * ARN; they hold only what AWS shows in listings.
 *
 * <pre>
 *   kind(1) arn(utf8) -> SEALED(1) seal(name, type ("" for an activity), creation micros)
 *   kind: 'n' state machines, 'v' activities
 * </pre>
 */
public final class ResourceIndex {
  public enum Kind {
    STATE_MACHINE((byte) 'n'), ACTIVITY((byte) 'v');

    private final byte prefix;

    Kind(byte prefix) {
      this.prefix = prefix;
    }
  }

  /** One listed resource; {@code type} is null for an activity. */
  public record Entry(String arn, String name, String type, long creationMicros) {}

  /** One page; {@code lastArn} is where the next page starts after, or null at the end. */
  public record Page(List<Entry> entries, String lastArn) {}

  private static final byte[] TAG = "resource|".getBytes(StandardCharsets.UTF_8);

  private final Db db;
  private final EventCipher cipher;

  public ResourceIndex(Db db, EventCipher cipher) {
    this.db = db;
    this.cipher = cipher;
  }

  public IndexOp put(IndexOp op, Kind kind, Entry entry) {
    byte[] key = key(kind, entry.arn());
    return op.put(key, SealedValues.seal(cipher, value(entry), SealedValues.associatedData(TAG, key)));
  }

  public static IndexOp delete(IndexOp op, Kind kind, String arn) {
    return op.delete(key(kind, arn));
  }

  /** The entry of {@code arn}, if listed. Blocking: call on the I/O executor. */
  public Optional<Entry> get(Kind kind, String arn) {
    byte[] key = key(kind, arn);
    byte[] v = db.get(key);
    return v == null ? Optional.empty() : Optional.of(decode(key, v));
  }

  /**
   * Up to {@code max} entries whose ARN starts with {@code arnPrefix}, in ARN order, after {@code
   * afterArn} (null: from the start). Blocking: call on the I/O executor.
   */
  public Page page(Kind kind, String arnPrefix, String afterArn, int max) {
    byte[] prefix = key(kind, arnPrefix);
    byte[] end = Arrays.copyOf(prefix, prefix.length + 1);
    end[prefix.length] = (byte) 0xFF;
    byte[] from = prefix;
    if (afterArn != null) {
      byte[] after = key(kind, afterArn);
      from = Arrays.copyOf(after, after.length + 1); // the first key after it
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
    return new Page(entries, more[0] ? entries.get(entries.size() - 1).arn() : null);
  }

  private static byte[] key(Kind kind, String arn) {
    byte[] a = arn.getBytes(StandardCharsets.UTF_8);
    byte[] k = new byte[1 + a.length];
    k[0] = kind.prefix;
    System.arraycopy(a, 0, k, 1, a.length);
    return k;
  }

  private static byte[] value(Entry entry) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeUTF(entry.name());
      out.writeUTF(entry.type() == null ? "" : entry.type());
      out.writeLong(entry.creationMicros());
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Entry decode(byte[] key, byte[] stored) {
    String arn = new String(key, 1, key.length - 1, StandardCharsets.UTF_8);
    byte[] v = SealedValues.open(cipher, stored, SealedValues.associatedData(TAG, key), arn);
    try {
      DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(v));
      String name = in.readUTF();
      String type = in.readUTF();
      return new Entry(arn, name, type.isEmpty() ? null : type, in.readLong());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
