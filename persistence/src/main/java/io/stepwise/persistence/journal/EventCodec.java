package io.stepwise.persistence.journal;

import io.stepwise.persistence.crypto.Envelope;
import io.stepwise.persistence.crypto.EventCipher;
import io.stepwise.persistence.keys.DataKeyLease;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.util.UUID;
import javax.crypto.SecretKey;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.PersistentRepr$;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;

/**
 * Turns events and snapshots into encrypted envelopes and back. The plaintext inside is
 * {@code payload type | payload | writer uuid | adapter manifest | timestamp} for events and
 * {@code payload type | payload} for snapshots, where the payload type numbers a (serializer id,
 * manifest) pair in the journal's type table; payloads are serialized with
 * Pekko's serialization (so every persisted class needs a serializer binding). Event metadata
 * ({@code PersistentRepr.metadata}) is not stored.
 */
public final class EventCodec {
  private final Serialization serialization;
  private final java.util.function.IntFunction<PayloadType> types;

  /** {@code types} resolves the payload type numbers found in stored events and snapshots. */
  public EventCodec(Serialization serialization, java.util.function.IntFunction<PayloadType> types) {
    this.serialization = serialization;
    this.types = types;
  }

  public byte[] sealEvent(PersistentRepr repr, long timestamp, DataKeyLease lease, PayloadType.Numbering numbering) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writePayload(out, repr.payload(), numbering);
      writeWriterUuid(out, repr.writerUuid());
      out.writeUTF(repr.manifest());
      out.writeLong(timestamp);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] aad = Envelope.eventAad(lease.dataKeyRef(), repr.persistenceId(), repr.sequenceNr());
    return new Envelope(lease.dataKeyRef(), EventCipher.of(keyOf(lease)).encrypt(bytes.toByteArray(), aad)).toBytes();
  }

  /**
   * @throws GeneralSecurityException if the envelope does not authenticate under {@code key} for
   *     this persistence id and sequence number
   */
  public PersistentRepr openEvent(String persistenceId, long sequenceNr, Envelope envelope, SecretKey key)
      throws GeneralSecurityException {
    Opened opened = open(persistenceId, sequenceNr, envelope, key);
    return PersistentRepr$.MODULE$
        .apply(deserialize(opened), sequenceNr, persistenceId, opened.adapterManifest(), false, null, opened.writerUuid())
        .withTimestamp(opened.timestamp());
  }

  /**
   * An event's plaintext, authenticated and decompressed but not deserialized: what {@code journal
   * verify} needs to check every event without building it ({@link #deserialize} builds it).
   */
  public record Opened(PayloadType type, byte[] payload, String writerUuid, String adapterManifest, long timestamp) {}

  /**
   * @throws GeneralSecurityException if the envelope does not authenticate under {@code key} for
   *     this persistence id and sequence number
   */
  public Opened open(String persistenceId, long sequenceNr, Envelope envelope, SecretKey key)
      throws GeneralSecurityException {
    byte[] plain = EventCipher.of(key).decrypt(envelope.sealed(),
        Envelope.eventAad(envelope.dataKeyRef(), persistenceId, sequenceNr));
    try {
      Plain in = new Plain(plain);
      PayloadType type = types.apply(in.readInt());
      byte[] payloadBytes = in.payload();
      return new Opened(type, payloadBytes, in.writerUuid(), in.utf(), in.readLong());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * An event's plaintext read as {@link DataInputStream} reads it, without its streams (opening a
   * million events in {@code history export} spent a tenth of its time in them).
   */
  private static final class Plain {
    private final byte[] b;
    private int at;

    Plain(byte[] b) {
      this.b = b;
    }

    private void need(int n) throws IOException {
      if (n < 0 || at + n > b.length) throw new java.io.EOFException("event plaintext cut short");
    }

    int readInt() throws IOException {
      need(4);
      int v = ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
      at += 4;
      return v;
    }

    long readLong() throws IOException {
      long hi = readInt() & 0xFFFFFFFFL;
      return (hi << 32) | (readInt() & 0xFFFFFFFFL);
    }

    byte[] bytes(int n) throws IOException {
      need(n);
      byte[] out = java.util.Arrays.copyOfRange(b, at, at + n);
      at += n;
      return out;
    }

    byte[] payload() throws IOException {
      int length = readInt();
      if (length >= 0) return bytes(length);
      int original = readInt();
      if (length == Integer.MIN_VALUE) throw new IOException("corrupt compressed payload");
      return LZ4.decompress(bytes(-length), original);
    }

    String writerUuid() throws IOException {
      need(1);
      if (b[at++] != 0) return utf();
      long msb = readLong();
      long lsb = readLong();
      return uuidText(msb, lsb);
    }

    /** {@link DataInputStream#readUTF}: ASCII read at once, anything else by the stream. */
    String utf() throws IOException {
      need(2);
      int n = ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
      need(2 + n);
      for (int i = at + 2; i < at + 2 + n; i++) {
        if (b[i] <= 0) { // beyond ASCII, or a NUL (written as two bytes): modified UTF-8
          DataInputStream in = new DataInputStream(new ByteArrayInputStream(b, at, 2 + n));
          String s = in.readUTF();
          at += 2 + n;
          return s;
        }
      }
      String s = new String(b, at + 2, n, java.nio.charset.StandardCharsets.ISO_8859_1);
      at += 2 + n;
      return s;
    }
  }

  // The writer of an entity's events is the same from one event to the next: its text is kept.
  private record UuidText(long msb, long lsb, String text) {}

  private static volatile UuidText lastUuid = new UuidText(0, 0, new UUID(0, 0).toString());

  private static String uuidText(long msb, long lsb) {
    UuidText last = lastUuid;
    if (last.msb() == msb && last.lsb() == lsb) return last.text();
    String text = new UUID(msb, lsb).toString();
    lastUuid = new UuidText(msb, lsb, text);
    return text;
  }

  /** The event an {@link Opened} plaintext holds, through Pekko's serialization. */
  public Object deserialize(Opened opened) {
    return serialization.deserialize(opened.payload(), opened.type().serializerId(), opened.type().manifest()).get();
  }

  public byte[] sealSnapshot(String persistenceId, long sequenceNr, long timestamp, Object snapshot,
      DataKeyLease lease, PayloadType.Numbering numbering) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writePayload(out, snapshot, numbering);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] aad = Envelope.snapshotAad(lease.dataKeyRef(), persistenceId, sequenceNr, timestamp);
    return new Envelope(lease.dataKeyRef(), EventCipher.of(keyOf(lease)).encrypt(bytes.toByteArray(), aad)).toBytes();
  }

  public Object openSnapshot(String persistenceId, long sequenceNr, long timestamp, Envelope envelope,
      SecretKey key) throws GeneralSecurityException {
    byte[] plain = EventCipher.of(key).decrypt(envelope.sealed(),
        Envelope.snapshotAad(envelope.dataKeyRef(), persistenceId, sequenceNr, timestamp));
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(plain))) {
      PayloadType type = types.apply(in.readInt());
      byte[] payloadBytes = readPayload(in);
      return serialization.deserialize(payloadBytes, type.serializerId(), type.manifest()).get();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // Writer uuids are UUIDs in practice: 17 bytes instead of 38 on every event.
  private static void writeWriterUuid(DataOutputStream out, String writerUuid) throws IOException {
    if (writerUuid.length() == 36) {
      try {
        UUID u = UUID.fromString(writerUuid);
        if (u.toString().equals(writerUuid)) {
          out.writeByte(0);
          out.writeLong(u.getMostSignificantBits());
          out.writeLong(u.getLeastSignificantBits());
          return;
        }
      } catch (IllegalArgumentException notAUuid) {
        // stored as text below
      }
    }
    out.writeByte(1);
    out.writeUTF(writerUuid);
  }


  private static SecretKey keyOf(DataKeyLease lease) {
    SecretKey key = lease.key();
    if (key == null) {
      throw new IllegalStateException("data key " + lease.dataKeyRef() + " ended while in use; write again");
    }
    return key;
  }

  private void writePayload(DataOutputStream out, Object payload, PayloadType.Numbering numbering)
      throws IOException {
    Serializer serializer = serialization.findSerializerFor(payload);
    byte[] data = serializer.toBinary(payload);
    out.writeInt(numbering.idOf(new PayloadType(serializer.identifier(), Serializers.manifestFor(serializer, payload))));
    if (data.length >= COMPRESS_FROM) {
      // Compressed before sealing: fewer bytes to encrypt, write, compact and store. A negative
      // length marks it, so payloads written before compression existed read as they are.
      byte[] packed = LZ4.compress(data);
      if (packed.length < data.length) {
        out.writeInt(-packed.length);
        out.writeInt(data.length);
        out.write(packed);
        return;
      }
    }
    out.writeInt(data.length);
    out.write(data);
  }

  private static byte[] readPayload(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length >= 0) {
      byte[] data = new byte[length];
      in.readFully(data);
      return data;
    }
    int original = in.readInt();
    byte[] packed = new byte[-length];
    in.readFully(packed);
    return LZ4.decompress(packed, original);
  }

  /** Payloads below this size are stored as they are: compressing them saves too little. */
  static final int COMPRESS_FROM = 256;

  /** LZ4 block compression in pure Java (no native library to extract). */
  private static final class LZ4 {
    private static final net.jpountz.lz4.LZ4Factory FACTORY = net.jpountz.lz4.LZ4Factory.fastestInstance(); // its native build where it loads (2-3 times faster), else Java

    static byte[] compress(byte[] data) {
      return FACTORY.fastCompressor().compress(data);
    }

    static byte[] decompress(byte[] packed, int originalLength) throws IOException {
      try {
        return FACTORY.safeDecompressor().decompress(packed, originalLength);
      } catch (net.jpountz.lz4.LZ4Exception e) {
        throw new IOException("corrupt compressed payload", e);
      }
    }
  }
}
