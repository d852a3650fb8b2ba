package io.stepwise.persistence.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The stored form of one encrypted event or snapshot: {@code version (1) | data key ref (8) |
 * nonce | ciphertext | tag}. The data key ref names a row of the key table, which names the KMS
 * key and holds the wrapped data key once for all the events written under it.
 */
public record Envelope(long dataKeyRef, byte[] sealed) {
  public static final byte VERSION = 1;
  private static final int HEADER = 1 + 8;

  public byte[] toBytes() {
    return ByteBuffer.allocate(HEADER + sealed.length).put(VERSION).putLong(dataKeyRef).put(sealed).array();
  }

  /** The header that is also bound into the associated data, so it cannot be edited either. */
  public byte[] header() {
    return header(dataKeyRef);
  }

  public static byte[] header(long dataKeyRef) {
    return ByteBuffer.allocate(HEADER).put(VERSION).putLong(dataKeyRef).array();
  }

  public static Envelope parse(byte[] stored) {
    if (stored.length < HEADER) {
      throw new IllegalArgumentException("envelope too short (" + stored.length + " bytes)");
    }
    if (stored[0] != VERSION) {
      throw new IllegalArgumentException("unknown envelope version " + stored[0]);
    }
    long ref = ByteBuffer.wrap(stored, 1, 8).getLong();
    return new Envelope(ref, Arrays.copyOfRange(stored, HEADER, stored.length));
  }

  /** Associated data for an event: binds it to its header, persistence id and sequence number. */
  public static byte[] eventAad(long dataKeyRef, String persistenceId, long sequenceNr) {
    return aad("event", dataKeyRef, persistenceId, sequenceNr, 0L);
  }

  /** Associated data for a snapshot; a snapshot cannot be passed off as an event or vice versa. */
  public static byte[] snapshotAad(long dataKeyRef, String persistenceId, long sequenceNr, long timestamp) {
    return aad("snapshot", dataKeyRef, persistenceId, sequenceNr, timestamp);
  }

  private static byte[] aad(String kind, long ref, String pid, long seq, long ts) {
    byte[] k = kind.getBytes(StandardCharsets.US_ASCII);
    byte[] p = pid.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(HEADER + 4 + k.length + 4 + p.length + 16)
        .put(header(ref))
        .putInt(k.length).put(k)
        .putInt(p.length).put(p)
        .putLong(seq).putLong(ts)
        .array();
  }
}
