package io.stepwise.persistence.journal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Key layout of the journal's LevelDB. Persistence ids are mapped to numeric ids once so that
 * event keys are 17 bytes and sort by (entity, sequence number); big-endian longs keep LevelDB's
 * byte order equal to numeric order.
 *
 * <pre>
 *   'P' type| hash(16)       -> id(8)             persistence id -> numeric id
 *   'I' id(8)                -> sealed pid        numeric id -> persistence id (creation order)
 *   'e' id(8) seq(8)         -> event envelope
 *   'h' id(8)                -> highest seq(8)    recorded on deletion, so it survives it
 *   'd' id(8)                -> deleted-to seq(8)
 *   's' id(8) seq(8) ts(8)   -> snapshot envelope
 *   'k' ref(8)               -> wrapped data key row
 *   't' type(4)              -> serializer id(4) manifest(utf8)
 *   'T' serializer id(4) manifest(utf8) -> type(4)
 *   'c' name                 -> counter(8)
 * </pre>
 *
 * <p>A persistence id is never in a key in clear: {@code hash} is its keyed hash
 * ({@link io.stepwise.persistence.crypto.RowNames}), after its entity type ({@code Execution|},
 * {@code StateMachine|}, ...) so that the entities of one type are one key range; it is read back
 * only from the sealed value of its 'I' row, bound to the id. Earlier versions stored
 * {@code 'p' pid(utf8) -> id} and {@code 'i' id -> pid(utf8)} in clear; those rows are moved to
 * the layout above when the store opens.
 */
final class JournalKeys {
  static final byte PID = 'P';
  static final byte PID_BY_ID = 'I';
  static final byte CLEAR_PID = 'p';
  static final byte CLEAR_PID_BY_ID = 'i';
  static final byte EVENT = 'e';
  static final byte HIGHEST = 'h';
  static final byte DELETED_TO = 'd';
  static final byte SNAPSHOT = 's';
  static final byte DATA_KEY = 'k';
  static final byte COUNTER = 'c';
  static final byte TYPE = 't';
  static final byte TYPE_BY_NAME = 'T';

  private JournalKeys() {}

  static byte[] pid(io.stepwise.persistence.crypto.RowNames names, String persistenceId) {
    byte[] type = typePrefix(persistenceId);
    return ByteBuffer.allocate(1 + type.length + io.stepwise.persistence.crypto.RowNames.HASH_BYTES)
        .put(PID).put(type).put(names.hash(persistenceId)).array();
  }

  /** An earlier version's persistence-id row, in clear. */
  static byte[] clearPid(String persistenceId) {
    byte[] p = persistenceId.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + p.length).put(CLEAR_PID).put(p).array();
  }

  /** The first key of the persistence ids of entity type {@code type} (as {@code "Execution|"}). */
  static byte[] pidTypeRange(String type) {
    byte[] t = type.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + t.length).put(PID).put(t).array();
  }

  /**
   * The entity type of a persistence id, with its bar ({@code "Execution|"}), or nothing when it
   * does not start with one: only letters before the first bar count as a type.
   */
  static byte[] typePrefix(String persistenceId) {
    int bar = persistenceId.indexOf('|');
    if (bar <= 0) return new byte[0];
    for (int i = 0; i < bar; i++) {
      char c = persistenceId.charAt(i);
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return new byte[0];
    }
    return persistenceId.substring(0, bar + 1).getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] pidById(long id) {
    return ByteBuffer.allocate(9).put(PID_BY_ID).putLong(id).array();
  }

  /** What the sealed persistence id of an 'I' row is bound to. */
  static byte[] pidAssociatedData(long id) {
    return ByteBuffer.allocate(12).put("pid|".getBytes(StandardCharsets.US_ASCII)).putLong(id).array();
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
    return io.stepwise.persistence.internal.Db.prefixEnd(prefix(prefix));
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
