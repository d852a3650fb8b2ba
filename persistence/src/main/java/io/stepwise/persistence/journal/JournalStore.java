package io.stepwise.persistence.journal;

import io.stepwise.persistence.internal.Db;
import io.stepwise.persistence.keys.DataKeyTable;
import io.stepwise.persistence.keys.StoredDataKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.iq80.leveldb.WriteBatch;

/**
 * Typed access to the journal's LevelDB (layout in {@link JournalKeys}). Reads are safe from any
 * thread; event, snapshot and id writes go only through the {@link GroupCommitter}, key-table rows
 * only through the key manager.
 */
public final class JournalStore implements DataKeyTable {
  /** A stored event or snapshot before decryption. */
  public record RawEntry(long sequenceNr, long timestamp, byte[] envelope) {}

  private static final String PID_COUNTER = "pid";
  // Ids are cached for the write path; past this many the cache starts over (lookups fall back to
  // LevelDB), so a server that has seen millions of executions does not hold them all in memory.
  private static final int ID_CACHE_LIMIT = 250_000;
  private volatile int idCacheLimit = ID_CACHE_LIMIT;
  private static final String DATA_KEY_COUNTER = "data-key";
  private static final String TYPE_COUNTER = "type";

  private final Db db;
  private final io.stepwise.persistence.crypto.EventCipher dataKeyRows;
  private final io.stepwise.persistence.crypto.RowNames names;
  private final Map<String, Long> ids = new ConcurrentHashMap<>();
  private final Map<Long, StoredDataKey> dataKeys = new ConcurrentHashMap<>();
  private final AtomicLong lastPid;
  private final AtomicLong lastDataKey;
  private final AtomicLong lastType;
  private final Map<PayloadType, Integer> typeIds = new ConcurrentHashMap<>();
  private final Map<Integer, PayloadType> types = new ConcurrentHashMap<>();

  /**
   * Without a cipher for data-key rows: for tools that read and write events only (a data-key row
   * can then be neither written nor read).
   */
  public JournalStore(Db db, io.stepwise.persistence.crypto.RowNames names) {
    this(db, null, names);
  }

  /**
   * {@code dataKeyRows} seals the data-key rows: they name a KMS key and an encryption context
   * (the ARN of a state machine or activity), which are not to be in clear on disk; {@code names}
   * hashes persistence ids in row keys and seals them where they are stored.
   */
  public JournalStore(Db db, io.stepwise.persistence.crypto.EventCipher dataKeyRows,
      io.stepwise.persistence.crypto.RowNames names) {
    this.db = db;
    this.dataKeyRows = dataKeyRows;
    this.names = java.util.Objects.requireNonNull(names);
    // Batches may record a lower counter after a higher one (a number taken early, used late), so
    // the highest id in the table counts too: a reused number would merge two entities.
    long lastId = 0;
    for (byte table : new byte[] {JournalKeys.PID_BY_ID, JournalKeys.CLEAR_PID_BY_ID}) {
      byte[] k = db.lastKey(new byte[] {table}, JournalKeys.after(table));
      if (k != null && k.length == 9) lastId = Math.max(lastId, JournalKeys.longAt(k, 1));
    }
    this.lastPid = new AtomicLong(Math.max(readCounter(PID_COUNTER), lastId));
    this.lastDataKey = new AtomicLong(readCounter(DATA_KEY_COUNTER));
    this.lastType = new AtomicLong(readCounter(TYPE_COUNTER));
  }

  /** The number of a payload type, if it is in the type table. */
  public java.util.OptionalInt typeIdOf(PayloadType type) {
    Integer id = typeIds.get(type);
    if (id != null) {
      return java.util.OptionalInt.of(id);
    }
    byte[] v = db.get(JournalKeys.typeByName(type));
    if (v == null) {
      return java.util.OptionalInt.empty();
    }
    int found = java.nio.ByteBuffer.wrap(v).getInt();
    typeIds.put(type, found);
    return java.util.OptionalInt.of(found);
  }

  /** The payload type numbered {@code typeId}. */
  public PayloadType payloadType(int typeId) {
    PayloadType t = types.get(typeId);
    if (t == null) {
      byte[] v = db.get(JournalKeys.type(typeId));
      if (v == null) {
        throw new IllegalStateException("unknown payload type " + typeId);
      }
      t = JournalKeys.typeOfValue(v);
      types.put(typeId, t);
    }
    return t;
  }

  /**
   * The number of {@code type}, adding it to the type table if new. A new type is written (and
   * synced) at once rather than with the batch that first uses it: types are few and rarely new,
   * and this way every event that names a type is durable after the type, whichever sealer thread
   * and whichever batch it goes through.
   */
  public int typeIdFor(PayloadType type) {
    java.util.OptionalInt known = typeIdOf(type);
    return known.isPresent() ? known.getAsInt() : addType(type);
  }

  private synchronized int addType(PayloadType type) {
    java.util.OptionalInt known = typeIdOf(type);
    if (known.isPresent()) {
      return known.getAsInt();
    }
    int id = Math.toIntExact(lastType.get() + 1);
    try (WriteBatch batch = db.newBatch()) {
      batch.put(JournalKeys.type(id), JournalKeys.typeValue(type));
      batch.put(JournalKeys.typeByName(type), JournalKeys.intBytes(id));
      batch.put(JournalKeys.counter(TYPE_COUNTER), JournalKeys.longBytes(id));
      db.write(batch, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    lastType.set(id);
    typeIds.put(type, id);
    types.put(id, type);
    return id;
  }

  public Db db() {
    return db;
  }

  public OptionalLong idOf(String persistenceId) {
    Long id = ids.get(persistenceId);
    if (id != null) {
      return OptionalLong.of(id);
    }
    byte[] v = db.get(JournalKeys.pid(names, persistenceId));
    if (v == null) {
      return OptionalLong.empty();
    }
    long found = JournalKeys.longOf(v);
    cacheIds(Map.of(persistenceId, found));
    return OptionalLong.of(found);
  }

  /**
   * Committer only: the next persistence id number. The committer takes numbers in the order its
   * ops are assembled into batches, so that ids become durable in increasing order (what the live
   * {@code persistenceIds} query relies on); a number taken but never used leaves a harmless gap.
   */
  long nextId() {
    return lastPid.incrementAndGet();
  }

  /** Committer only: the puts that record {@code id} as the number of {@code persistenceId}. */
  void recordId(String persistenceId, long id, java.util.function.BiConsumer<byte[], byte[]> put) {
    put.accept(JournalKeys.pid(names, persistenceId), JournalKeys.longBytes(id));
    put.accept(JournalKeys.pidById(id), names.sealString(persistenceId, JournalKeys.pidAssociatedData(id)));
    put.accept(JournalKeys.counter(PID_COUNTER), JournalKeys.longBytes(id));
  }

  /** How this store hashes and seals names in its rows (the indexes beside the journal use it too). */
  public io.stepwise.persistence.crypto.RowNames names() {
    return names;
  }

  /**
   * The persistence id numbered {@code id}, opened from its sealed row; null (and a warning) if
   * the row fails authentication, so that one damaged row hides one entity, not every one.
   */
  private String persistenceIdOf(long id, byte[] sealed) {
    try {
      return names.openString(sealed, JournalKeys.pidAssociatedData(id), "the persistence id row " + id);
    } catch (IllegalStateException e) {
      System.getLogger(JournalStore.class.getName()).log(System.Logger.Level.WARNING,
          e.getMessage() + ": its entity is skipped");
      return null;
    }
  }

  /**
   * Moves the persistence-id rows an earlier version stored in clear ({@code 'p'} and {@code 'i'})
   * to the hashed and sealed layout (the storage then rewrites the journal so that no clear copy
   * stays in any file). Each row moves in one batch with its deletion, so a move cut short is
   * finished at the next open. Returns how many persistence ids it moved.
   */
  public synchronized int sealClearPersistenceIds() {
    final int chunk = 1_000;
    int moved = 0;
    while (true) {
      List<byte[][]> clear = new ArrayList<>(chunk);
      db.scan(new byte[] {JournalKeys.CLEAR_PID_BY_ID}, JournalKeys.after(JournalKeys.CLEAR_PID_BY_ID), e -> {
        clear.add(new byte[][] {e.getKey(), e.getValue()});
        return clear.size() == chunk ? Db.Scan.STOP : Db.Scan.CONTINUE;
      });
      if (clear.isEmpty()) break;
      try (WriteBatch batch = db.newBatch()) {
        for (byte[][] row : clear) {
          long id = JournalKeys.longAt(row[0], 1);
          String pid = new String(row[1], StandardCharsets.UTF_8);
          recordId(pid, id, batch::put);
          batch.delete(row[0]);
          batch.delete(JournalKeys.clearPid(pid));
        }
        // recordId wrote each id as the counter: the highest one stays the counter.
        batch.put(JournalKeys.counter(PID_COUNTER), JournalKeys.longBytes(lastPid.get()));
        db.write(batch, true);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      moved += clear.size();
    }
    // A name row without its id row (none is written that way) goes too.
    while (true) {
      List<byte[]> orphans = new ArrayList<>(chunk);
      db.scan(new byte[] {JournalKeys.CLEAR_PID}, JournalKeys.after(JournalKeys.CLEAR_PID), e -> {
        orphans.add(e.getKey());
        return orphans.size() == chunk ? Db.Scan.STOP : Db.Scan.CONTINUE;
      });
      if (orphans.isEmpty()) break;
      try (WriteBatch batch = db.newBatch()) {
        for (byte[] k : orphans) batch.delete(k);
        db.write(batch, true);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return moved;
  }

  /** Whether persistence-id rows of an earlier version (ids in clear) are still to be moved. */
  public boolean hasClearPersistenceIds() {
    for (byte table : new byte[] {JournalKeys.CLEAR_PID, JournalKeys.CLEAR_PID_BY_ID}) {
      boolean[] found = {false};
      db.scan(new byte[] {table}, JournalKeys.after(table), e -> {
        found[0] = true;
        return Db.Scan.STOP;
      });
      if (found[0]) return true;
    }
    return false;
  }

  /** Tests: the id cache starts over past {@code limit} ids instead of {@value #ID_CACHE_LIMIT}. */
  void limitIdCache(int limit) {
    idCacheLimit = limit;
  }

  void publishIds(Map<String, Long> committed) {
    cacheIds(committed);
  }

  private void cacheIds(Map<String, Long> known) {
    if (ids.size() >= idCacheLimit) {
      ids.clear();
    }
    ids.putAll(known);
  }

  /**
   * The highest sequence number ever written for {@code id}: that of its last stored event, or the
   * one recorded when events were deleted, whichever is higher (so it survives deleting them all).
   */
  public long highestSequenceNr(long id) {
    byte[] v = db.get(JournalKeys.highest(id));
    long recorded = v == null ? 0L : JournalKeys.longOf(v);
    byte[] last = db.lastKey(JournalKeys.event(id, 0), JournalKeys.event(id + 1, 0));
    return Math.max(recorded, last == null ? 0L : JournalKeys.longAt(last, 9));
  }

  /**
   * Whether the highest sequence number of {@code id} is {@code sequenceNr}: cheaper than {@link
   * #highestSequenceNr} (point reads, no iterator). Stored events are contiguous, from the last
   * deletion (whose highest is recorded) to the highest.
   */
  public boolean endsAt(long id, long sequenceNr) {
    if (db.get(JournalKeys.event(id, sequenceNr + 1)) != null) return false;
    byte[] v = db.get(JournalKeys.highest(id));
    long recorded = v == null ? 0L : JournalKeys.longOf(v);
    if (recorded > sequenceNr) return false;
    return recorded == sequenceNr || db.get(JournalKeys.event(id, sequenceNr)) != null;
  }

  public long deletedTo(long id) {
    byte[] v = db.get(JournalKeys.deletedTo(id));
    return v == null ? 0L : JournalKeys.longOf(v);
  }

  /** Up to {@code max} events of {@code id} with {@code from <= seq <= to}, in order. */
  public List<RawEntry> readEvents(long id, long from, long to, int max) {
    List<RawEntry> out = new ArrayList<>();
    if (from > to || max <= 0) {
      return out;
    }
    byte[] end = to == Long.MAX_VALUE ? JournalKeys.event(id + 1, 0) : JournalKeys.event(id, to + 1);
    db.scan(JournalKeys.event(id, Math.max(from, 0)), end, e -> {
      out.add(new RawEntry(JournalKeys.longAt(e.getKey(), 9), 0L, e.getValue()));
      return out.size() >= max ? Db.Scan.STOP : Db.Scan.CONTINUE;
    });
    return out;
  }

  /** What {@link #scanEvents} hands over: one stored event, before decryption. */
  public interface EventVisitor {
    void visit(long id, long sequenceNr, byte[] envelope);
  }

  /**
   * Every stored event of every entity in one pass, in (entity id, sequence number) order: one
   * iterator over the journal instead of a read per entity.
   */
  public void scanEvents(EventVisitor visitor) {
    scanEvents(0, Long.MAX_VALUE, visitor);
  }

  /** As {@link #scanEvents(EventVisitor)}, the entities numbered {@code fromId} to {@code toId}. */
  public void scanEvents(long fromId, long toId, EventVisitor visitor) {
    byte[] end = toId == Long.MAX_VALUE ? JournalKeys.after(JournalKeys.EVENT) : JournalKeys.event(toId + 1, 0);
    db.scan(JournalKeys.event(fromId, 0), end, e -> {
      visitor.visit(JournalKeys.longAt(e.getKey(), 1), JournalKeys.longAt(e.getKey(), 9), e.getValue());
      return Db.Scan.CONTINUE;
    });
  }

  /** What {@link #scanSnapshots} hands over: one stored snapshot, before decryption. */
  public interface SnapshotVisitor {
    void visit(long id, RawEntry snapshot);
  }

  /** Every stored snapshot of every entity in one pass, in (entity id, sequence number) order. */
  public void scanSnapshots(SnapshotVisitor visitor) {
    db.scan(JournalKeys.snapshot(0, 0, 0), JournalKeys.after(JournalKeys.SNAPSHOT), e -> {
      visitor.visit(JournalKeys.longAt(e.getKey(), 1), new RawEntry(JournalKeys.longAt(e.getKey(), 9),
          JournalKeys.longAt(e.getKey(), 17), e.getValue()));
      return Db.Scan.CONTINUE;
    });
  }

  /** Keys of the events of {@code id} with {@code from <= seq <= to} (for deletion). */
  List<byte[]> eventKeys(long id, long from, long to) {
    List<byte[]> keys = new ArrayList<>();
    if (from <= to) {
      db.scan(JournalKeys.event(id, from), to == Long.MAX_VALUE ? JournalKeys.event(id + 1, 0)
          : JournalKeys.event(id, to + 1), e -> {
            keys.add(e.getKey());
            return Db.Scan.CONTINUE;
          });
    }
    return keys;
  }

  /** Snapshots of {@code id}, oldest first. */
  public List<RawEntry> snapshots(long id) {
    List<RawEntry> out = new ArrayList<>();
    db.scan(JournalKeys.snapshot(id, 0, 0), JournalKeys.snapshot(id + 1, 0, 0), e -> {
      out.add(new RawEntry(JournalKeys.longAt(e.getKey(), 9), JournalKeys.longAt(e.getKey(), 17), e.getValue()));
      return Db.Scan.CONTINUE;
    });
    return out;
  }

  public static byte[] snapshotKey(long id, long seq, long timestamp) {
    return JournalKeys.snapshot(id, seq, timestamp);
  }

  /**
   * The persistence ids of entity type {@code type} (its name and bar, as {@code "StateMachine|"}),
   * in id order, without reading the ids of other types.
   */
  public java.util.List<String> persistenceIdsOfType(String type) {
    if (JournalKeys.typePrefix(type + "x").length != type.length()) {
      throw new IllegalArgumentException("not an entity type: " + type);
    }
    byte[] from = JournalKeys.pidTypeRange(type);
    byte[] to = io.stepwise.persistence.internal.Db.prefixEnd(from);
    java.util.TreeSet<Long> ids = new java.util.TreeSet<>();
    db.scan(from, to, e -> {
      if (e.getKey().length == from.length + io.stepwise.persistence.crypto.RowNames.HASH_BYTES) {
        ids.add(JournalKeys.longOf(e.getValue()));
      }
      return Db.Scan.CONTINUE;
    });
    java.util.List<String> out = new java.util.ArrayList<>();
    for (long id : ids) {
      byte[] sealed = db.get(JournalKeys.pidById(id));
      String pid = sealed == null ? null : persistenceIdOf(id, sealed);
      if (pid != null) out.add(pid);
    }
    return out;
  }

  /** Persistence ids with their numeric ids, in the order they were first written, from {@code afterId}. */
  public LinkedHashMap<Long, String> persistenceIds(long afterId, int max) {
    LinkedHashMap<Long, String> out = new LinkedHashMap<>();
    // Read in pages of sealed rows, each page opened on every core (a journal's ids can be a
    // million decryptions: journal verify lists them all), kept in id order.
    final int page = 4096;
    long[] ids = new long[page];
    byte[][] sealed = new byte[page][];
    int[] n = {0};
    long[] after = {afterId};
    while (out.size() < max) {
      n[0] = 0;
      int wanted = Math.min(page, max - out.size());
      db.scan(JournalKeys.pidById(after[0] + 1), JournalKeys.after(JournalKeys.PID_BY_ID), e -> {
        ids[n[0]] = JournalKeys.longAt(e.getKey(), 1);
        sealed[n[0]++] = e.getValue();
        return n[0] >= wanted ? Db.Scan.STOP : Db.Scan.CONTINUE;
      });
      String[] opened = new String[n[0]];
      java.util.stream.IntStream range = java.util.stream.IntStream.range(0, n[0]);
      (n[0] >= 256 ? range.parallel() : range).forEach(i -> opened[i] = persistenceIdOf(ids[i], sealed[i]));
      for (int i = 0; i < n[0] && out.size() < max; i++) {
        if (opened[i] != null) out.put(ids[i], opened[i]);
      }
      if (n[0] < wanted) break;
      after[0] = ids[n[0] - 1];
    }
    return out;
  }

  @Override
  public synchronized long add(String kmsKeyId, Map<String, String> encryptionContext, byte[] wrapped) {
    long ref = lastDataKey.get() + 1;
    StoredDataKey row = new StoredDataKey(ref, kmsKeyId, Map.copyOf(encryptionContext), wrapped);
    try (WriteBatch batch = db.newBatch()) {
      batch.put(JournalKeys.dataKey(ref), seal(ref, encode(row)));
      batch.put(JournalKeys.counter(DATA_KEY_COUNTER), JournalKeys.longBytes(ref));
      db.write(batch, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    lastDataKey.set(ref);
    dataKeys.put(ref, row);
    return ref;
  }

  @Override
  public java.util.Optional<StoredDataKey> find(long ref) {
    StoredDataKey row = dataKeys.get(ref);
    if (row == null) {
      byte[] v = db.get(JournalKeys.dataKey(ref));
      if (v == null) {
        return java.util.Optional.empty();
      }
      row = decode(ref, open(ref, v));
      dataKeys.put(ref, row);
    }
    return java.util.Optional.of(row);
  }

  /**
   * Seals the data-key rows an earlier version stored in clear, then compacts their range so no
   * clear copy stays in any file, and records (in a sealed row) that the rows are sealed: from
   * then on a row in clear was put there by someone else and is refused. A sealing cut short is
   * finished, compaction included, at the next open. Returns how many rows it sealed.
   */
  public synchronized int sealClearDataKeyRows() {
    String state = dataKeyRowsState();
    if ("TAMPERED".equals(state)) {
      System.getLogger(JournalStore.class.getName()).log(System.Logger.Level.ERROR, "The journal's record that its "
          + "data-key rows are sealed fails authentication (changed outside Stepwise): rows in clear stay refused");
    }
    if ("SEALED".equals(state) || "TAMPERED".equals(state)) {
      acceptClearDataKeyRows = false;
      return 0;
    }
    List<byte[][]> clear = new ArrayList<>();
    db.scan(JournalKeys.dataKey(0), JournalKeys.after(JournalKeys.DATA_KEY), e -> {
      if (e.getValue().length > 0 && e.getValue()[0] == CLEAR_ROW) clear.add(new byte[][] {e.getKey(), e.getValue()});
      return Db.Scan.CONTINUE;
    });
    if (!clear.isEmpty() || "MIGRATING".equals(state)) {
      dataKeyRowsState("MIGRATING");
      try (WriteBatch batch = db.newBatch()) {
        for (byte[][] row : clear) batch.put(row[0], seal(JournalKeys.longAt(row[0], 1), row[1]));
        db.write(batch, true);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      db.compactRange(JournalKeys.dataKey(0), JournalKeys.dataKey(Long.MAX_VALUE));
    }
    dataKeyRowsState("SEALED");
    acceptClearDataKeyRows = false;
    return clear.size();
  }

  private static final byte[] DATA_KEY_ROWS_STATE = JournalKeys.counter("data-key-rows-state");

  /** Null (no record: an earlier version's journal, or a new one), MIGRATING, SEALED, or TAMPERED. */
  private String dataKeyRowsState() {
    byte[] v = db.get(DATA_KEY_ROWS_STATE);
    if (v == null) return null;
    try {
      String state = new String(dataKeyRows.decrypt(v, DATA_KEY_ROWS_STATE), StandardCharsets.UTF_8);
      return state.equals("MIGRATING") || state.equals("SEALED") ? state : "TAMPERED";
    } catch (java.security.GeneralSecurityException | RuntimeException e) {
      return "TAMPERED";
    }
  }

  private void dataKeyRowsState(String state) {
    db.put(DATA_KEY_ROWS_STATE, dataKeyRows.encrypt(state.getBytes(StandardCharsets.UTF_8), DATA_KEY_ROWS_STATE), true);
  }

  /** Whether a data-key row in clear is an earlier version's (until the rows are sealed). */
  private volatile boolean acceptClearDataKeyRows = true;

  /** The first byte of a data-key row: its encoding in clear (as earlier versions stored it), or sealed. */
  private static final byte CLEAR_ROW = 1;
  private static final byte SEALED_ROW = 2;

  private byte[] seal(long ref, byte[] clearRow) {
    if (dataKeyRows == null) throw new IllegalStateException("this journal store cannot write data-key rows");
    byte[] sealed = dataKeyRows.encrypt(clearRow, dataKeyRowAad(ref));
    byte[] out = new byte[1 + sealed.length];
    out[0] = SEALED_ROW;
    System.arraycopy(sealed, 0, out, 1, sealed.length);
    return out;
  }

  /** A row's encoding in clear, opening it first if it is sealed. */
  private byte[] open(long ref, byte[] stored) {
    if (stored.length == 0 || stored[0] != SEALED_ROW) {
      if (!acceptClearDataKeyRows) {
        throw new IllegalStateException("the data-key row " + ref + " is in clear in a journal whose rows are sealed"
            + " (changed outside Stepwise)");
      }
      return stored;
    }
    if (dataKeyRows == null) throw new IllegalStateException("this journal store cannot read data-key rows");
    try {
      return dataKeyRows.decrypt(java.util.Arrays.copyOfRange(stored, 1, stored.length), dataKeyRowAad(ref));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("the data-key row " + ref + " failed authentication (tampered, moved or wrong key)", e);
    }
  }

  private static byte[] dataKeyRowAad(long ref) {
    return java.nio.ByteBuffer.allocate(17).put("data-key|".getBytes(StandardCharsets.UTF_8)).putLong(ref).array();
  }

  private long readCounter(String name) {
    byte[] v = db.get(JournalKeys.counter(name));
    return v == null ? 0L : JournalKeys.longOf(v);
  }

  /** A data-key row as earlier versions stored it, in clear (for tests of the upgrade). */
  static byte[] clearEncoding(StoredDataKey row) {
    return encode(row);
  }

  private static byte[] encode(StoredDataKey row) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(CLEAR_ROW);
      out.writeUTF(row.kmsKeyId());
      out.writeInt(row.encryptionContext().size());
      for (var e : new java.util.TreeMap<>(row.encryptionContext()).entrySet()) {
        out.writeUTF(e.getKey());
        out.writeUTF(e.getValue());
      }
      out.writeInt(row.wrapped().length);
      out.write(row.wrapped());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static StoredDataKey decode(long ref, byte[] v) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(v))) {
      if (in.readByte() != 1) {
        throw new IllegalStateException("unknown data key row version for ref " + ref);
      }
      String kmsKeyId = in.readUTF();
      int n = in.readInt();
      Map<String, String> ctx = new java.util.HashMap<>();
      for (int i = 0; i < n; i++) {
        ctx.put(in.readUTF(), in.readUTF());
      }
      byte[] wrapped = new byte[in.readInt()];
      in.readFully(wrapped);
      return new StoredDataKey(ref, kmsKeyId, Map.copyOf(ctx), wrapped);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
