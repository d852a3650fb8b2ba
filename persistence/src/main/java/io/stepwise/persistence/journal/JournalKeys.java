package io.stepwise.persistence.journal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Key layout of the journal's LevelDB. Persistence ids are mapped to numeric ids once so that
 * event keys are 17 bytes and sort by (entity, sequence number); big-endian longs keep LevelDB's
 * byte order equal to numeric order.
 *
 * <pre>
 *   'p' pid(utf8)            -> id(8)             persistence id -> numeric id
 *   'i' id(8)                -> pid(utf8)         numeric id -> persistence id (creation order)
 *   'e' id(8) seq(8)         -> event envelope
 *   'h' id(8)                -> highest seq(8)    recorded on deletion, so it survives it
 *   'd' id(8)                -> deleted-to seq(8)
 *   's' id(8) seq(8) ts(8)   -> snapshot envelope
 *   'k' ref(8)               -> wrapped data key row
 *   't' type(4)              -> serializer id(4) manifest(utf8)
 *   'T' serializer id(4) manifest(utf8) -> type(4)
 *   'c' name                 -> counter(8)
 * </pre>
 */
final class JournalKeys {
  static final byte PID = 'p';
  static final byte PID_BY_ID = 'i';
  static final byte EVENT = 'e';
  static final byte HIGHEST = 'h';
  static final byte DELETED_TO = 'd';
  static final byte SNAPSHOT = 's';
  static final byte DATA_KEY = 'k';
  static final byte COUNTER = 'c';
  static final byte TYPE = 't';
  static final byte TYPE_BY_NAME = 'T';

  private JournalKeys() {}

  static byte[] pid(String persistenceId) {
    byte[] p = persistenceId.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + p.length).put(PID).put(p).array();
  }

  static byte[] pidById(long id) {
    return ByteBuffer.allocate(9).put(PID_BY_ID).putLong(id).array();
  }

  static byte[] event(long id, long seq) {
    return ByteBuffer.allocate(17).put(EVENT).putLong(id).putLong(seq).array();
  }

  static byte[] highest(long id) {
    return ByteBuffer.allocate(9).put(HIGHEST).putLong(id).array();
  }

  static byte[] deletedTo(long id) {
    return ByteBuffer.allocate(9).put(DELETED_TO).putLong(id).array();
  }

  static byte[] snapshot(long id, long seq, long timestamp) {
    return ByteBuffer.allocate(25).put(SNAPSHOT).putLong(id).putLong(seq).putLong(timestamp).array();
  }

  static byte[] dataKey(long ref) {
    return ByteBuffer.allocate(9).put(DATA_KEY).putLong(ref).array();
  }

  static byte[] type(int typeId) {
    return ByteBuffer.allocate(5).put(TYPE).putInt(typeId).array();
  }

  static byte[] typeByName(PayloadType t) {
    byte[] m = t.manifest().getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(5 + m.length).put(TYPE_BY_NAME).putInt(t.serializerId()).put(m).array();
  }

  static byte[] typeValue(PayloadType t) {
    byte[] m = t.manifest().getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(4 + m.length).putInt(t.serializerId()).put(m).array();
  }

  static PayloadType typeOfValue(byte[] v) {
    return new PayloadType(ByteBuffer.wrap(v).getInt(), new String(v, 4, v.length - 4, StandardCharsets.UTF_8));
  }

  static byte[] intBytes(int v) {
    return ByteBuffer.allocate(4).putInt(v).array();
  }

  static byte[] counter(String name) {
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    return ByteBuffer.allocate(1 + n.length).put(COUNTER).put(n).array();
  }

  /** The first key after every key that starts with {@code prefix}. */
  static byte[] after(byte prefix) {
    return new byte[] {(byte) (prefix + 1)};
  }

  static byte[] prefix(byte prefix) {
    return new byte[] {prefix};
  }

  static byte[] longBytes(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  static long longOf(byte[] b) {
    return ByteBuffer.wrap(b).getLong();
  }

  /** Reads a big-endian long at {@code offset}. */
  static long longAt(byte[] b, int offset) {
    return ByteBuffer.wrap(b, offset, 8).getLong();
  }
}
