package io.stepwise.persistence.internal;

import io.stepwise.persistence.StorageUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.fusesource.leveldbjni.JniDBFactory;
import org.iq80.leveldb.CompressionType;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBException;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.WriteBatch;
import org.iq80.leveldb.WriteOptions;

/**
 * A LevelDB handle that is safe to close while other threads still hold it: every call takes a
 * read lock and fails with {@link IllegalStateException} once closed, because calling into a
 * closed native handle would crash the JVM rather than throw.
 */
public final class Db implements AutoCloseable {
  private static final int WRITE_BUFFER_BYTES = 32 << 20;

  private final Path dir;
  private final DB db;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private volatile boolean closed;

  private Db(Path dir, DB db) {
    this.dir = dir;
    this.db = db;
  }

  /** Opens (creating if missing) the LevelDB in {@code dir}; {@code owner} names the data dir in errors. */
  public static Db open(Path dir, Path owner) {
    NativeLibrary.prepareLevelDb();
    if (Files.exists(sibling(dir, ".rewrite")) || Files.exists(sibling(dir, ".old"))) {
      try (RewriteLock lock = RewriteLock.take(dir, owner)) {
        finishRewrite(dir);
      }
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StorageUnavailableException("Cannot create data directory " + dir + ": " + e.getMessage(), e);
    }
    // Sealed records do not compress. A 32 MiB memtable (LevelDB's default is 4 MiB) flushes and
    // compacts an eighth as often under a steady write load; it fills only as data arrives.
    Options options = new Options().createIfMissing(true).compressionType(CompressionType.NONE)
        .paranoidChecks(true).writeBufferSize(WRITE_BUFFER_BYTES);
    try {
      return new Db(dir, JniDBFactory.factory.open(dir.toFile(), options));
    } catch (IOException | DBException e) {
      String msg = String.valueOf(e.getMessage());
      if (msg.contains("Corruption")) {
        // A process killed while LevelDB appended to its write-ahead log leaves that last record
        // torn: a write never acknowledged (acknowledged ones are complete, and synced unless
        // --no-fsync). Strict checking refuses the whole store for it; LevelDB's own recovery drops
        // the torn record (journal/LOG says how many bytes) and keeps everything before it.
        try {
          DB recovered = JniDBFactory.factory.open(dir.toFile(), options.paranoidChecks(false));
          System.getLogger(Db.class.getName()).log(System.Logger.Level.WARNING,
              "The store in " + dir + " ended in an unfinished write (" + msg + "); opened without it, as "
                  + "LevelDB recovers a torn log record (see " + dir.resolve("LOG") + ")");
          return new Db(dir, recovered);
        } catch (IOException | DBException again) {
          e.addSuppressed(again);
        }
      }
      if (msg.contains("lock") || msg.contains("LOCK")) {
        throw new StorageUnavailableException(
            "Data directory " + owner + " is in use by another Stepwise server (LevelDB lock held)", e);
      }
      throw new StorageUnavailableException(
          "Cannot open the store in " + dir + " (corrupt or unreadable): " + msg, e);
    }
  }

  public Path dir() {
    return dir;
  }

  public byte[] get(byte[] key) {
    lock.readLock().lock();
    try {
      checkOpen();
      return db.get(key);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** A batch to fill and hand to {@link #write}; always close it. */
  public WriteBatch newBatch() {
    lock.readLock().lock();
    try {
      checkOpen();
      return db.createWriteBatch();
    } finally {
      lock.readLock().unlock();
    }
  }

  public void write(WriteBatch batch, boolean sync) {
    lock.readLock().lock();
    try {
      checkOpen();
      db.write(batch, new WriteOptions().sync(sync));
    } finally {
      lock.readLock().unlock();
    }
  }

  public void put(byte[] key, byte[] value, boolean sync) {
    lock.readLock().lock();
    try {
      checkOpen();
      db.put(key, value, new WriteOptions().sync(sync));
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Compacts the keys {@code from <= key <= to} down to the last level (flushing the memtable
   * first), so that deleted rows leave no copy in any table or log file of the store.
   */
  public void compactRange(byte[] from, byte[] to) {
    lock.readLock().lock();
    try {
      checkOpen();
      db.compactRange(from, to);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * The first key after every key that starts with {@code prefix}, the end of a scan over that
   * prefix: the prefix with its last byte below 0xFF raised by one and what follows cut off; null
   * (no end) when every byte is 0xFF. Not {@code prefix + 0xFF}: a key whose next byte is 0xFF
   * (one keyed hash in 256) sorts after that and would be left out.
   */
  public static byte[] prefixEnd(byte[] prefix) {
    for (int i = prefix.length - 1; i >= 0; i--) {
      if (prefix[i] != (byte) 0xFF) {
        byte[] end = Arrays.copyOf(prefix, i + 1);
        end[i]++;
        return end;
      }
    }
    return null;
  }

  /** What a scan callback tells the scan. */
  public enum Scan { CONTINUE, STOP }

  /** Visits the entries with {@code from <= key < to} (no end: {@code to} null) in key order until the visitor stops. */
  public void scan(byte[] from, byte[] to, java.util.function.Function<Map.Entry<byte[], byte[]>, Scan> visitor) {
    lock.readLock().lock();
    try {
      checkOpen();
      try (DBIterator it = db.iterator()) {
        for (it.seek(from); it.hasNext(); ) {
          Map.Entry<byte[], byte[]> e = it.next();
          if (to != null && Arrays.compareUnsigned(e.getKey(), to) >= 0 || visitor.apply(e) == Scan.STOP) {
            break;
          }
        }
      } catch (IOException e) {
        throw new DBException(e);
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The last key with {@code from <= key < to}, or null. */
  public byte[] lastKey(byte[] from, byte[] to) {
    lock.readLock().lock();
    try {
      checkOpen();
      try (DBIterator it = db.iterator()) {
        it.seek(to);
        byte[] candidate;
        if (it.hasNext()) {
          candidate = it.hasPrev() ? it.peekPrev().getKey() : null;
        } else {
          // Seeking past the end leaves the iterator invalid; the last key is the candidate.
          it.seekToLast();
          candidate = it.hasNext() ? it.peekNext().getKey() : null;
        }
        return candidate != null && Arrays.compareUnsigned(candidate, from) >= 0
            && Arrays.compareUnsigned(candidate, to) < 0 ? candidate : null;
      } catch (IOException e) {
        throw new DBException(e);
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Closes this store, copies every live row but {@code skip} into a new store beside it and puts
   * the copy in its place; returns the copy, open. The copy's files hold only live rows: no
   * deleted row, no key of one in its MANIFEST (LevelDB keeps the last key of past compactions
   * there) and no info log. A rewrite cut short is finished or undone by the next {@link #open}:
   * the old store is set aside only once the copy is complete and synced.
   */
  public Db rewrite(byte[] skip, Path owner) {
    Path copy = sibling(dir, ".rewrite");
    Path old = sibling(dir, ".old");
    try (RewriteLock lock = RewriteLock.take(dir, owner)) {
      copyAndSwap(skip, owner, copy, old);
    }
    return open(dir, owner);
  }

  private void copyAndSwap(byte[] skip, Path owner, Path copy, Path old) {
    deleteTree(copy);
    Db target = open(copy, owner);
    try {
      lock.readLock().lock();
      try (DBIterator it = db.iterator()) {
        checkOpen();
        WriteBatch batch = target.db.createWriteBatch();
        int rows = 0;
        long bytes = 0;
        for (it.seekToFirst(); it.hasNext(); ) {
          Map.Entry<byte[], byte[]> e = it.next();
          if (Arrays.equals(e.getKey(), skip)) continue;
          batch.put(e.getKey(), e.getValue());
          rows++;
          bytes += e.getKey().length + e.getValue().length;
          if (rows == 10_000 || bytes > 8 << 20) {
            target.db.write(batch, new WriteOptions().sync(false));
            batch.close();
            batch = target.db.createWriteBatch();
            rows = 0;
            bytes = 0;
          }
        }
        target.db.write(batch, new WriteOptions().sync(true));
        batch.close();
      } catch (IOException e) {
        throw new DBException(e);
      } finally {
        lock.readLock().unlock();
      }
      target.close();
    } catch (RuntimeException e) {
      target.close();
      throw e;
    }
    close();
    try {
      Files.move(dir, old, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      Files.move(copy, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      syncDirectory(dir.getParent());
    } catch (IOException e) {
      throw new StorageUnavailableException("Cannot put the rewritten store in place of " + dir + ": " + e.getMessage(), e);
    }
    deleteTree(old);
  }

  private static Path sibling(Path dir, String suffix) {
    return dir.resolveSibling(dir.getFileName() + suffix);
  }

  /**
   * Held while a store is rewritten, and while an opening finishes a rewrite cut short, so that
   * two processes (a server and an offline tool) never both move the store's directories.
   */
  private static final class RewriteLock implements AutoCloseable {
    private final java.nio.channels.FileChannel channel;
    private final java.nio.channels.FileLock lock;

    private RewriteLock(java.nio.channels.FileChannel channel, java.nio.channels.FileLock lock) {
      this.channel = channel;
      this.lock = lock;
    }

    static RewriteLock take(Path dir, Path owner) {
      java.nio.channels.FileChannel ch = null;
      try {
        ch = java.nio.channels.FileChannel.open(sibling(dir, ".rewrite-lock"), java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.WRITE);
        java.nio.channels.FileLock l = ch.tryLock();
        if (l == null) throw new java.nio.channels.OverlappingFileLockException();
        return new RewriteLock(ch, l);
      } catch (java.nio.channels.OverlappingFileLockException e) {
        close(ch);
        throw new StorageUnavailableException(
            "Data directory " + owner + " is in use by another Stepwise server (its store is being rewritten)", e);
      } catch (IOException e) {
        close(ch);
        throw new StorageUnavailableException("Cannot lock " + dir + " to rewrite it: " + e.getMessage(), e);
      }
    }

    private static void close(java.nio.channels.FileChannel ch) {
      try {
        if (ch != null) ch.close();
      } catch (IOException ignored) {
        // nothing held
      }
    }

    @Override
    public void close() {
      try {
        lock.release();
      } catch (IOException ignored) {
        // released with the channel
      }
      close(channel);
    }
  }

  /** Whether a store is in {@code dir}, or will be once a {@link #rewrite} cut short is finished. */
  public static boolean exists(Path dir) {
    return Files.isDirectory(dir) || Files.isDirectory(sibling(dir, ".old"));
  }

  /** Finishes (or undoes) a {@link #rewrite} cut short, before the store in {@code dir} opens. */
  private static void finishRewrite(Path dir) {
    Path copy = sibling(dir, ".rewrite");
    Path old = sibling(dir, ".old");
    try {
      if (!Files.exists(dir) && Files.exists(copy) && Files.exists(old)) {
        // The copy was complete (the old store is set aside only then): it takes the old one's place.
        Files.move(copy, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(dir.getParent());
      } else if (!Files.exists(dir) && Files.exists(old)) {
        // Only the old store (moved aside by hand, or its copy lost): it is the store.
        Files.move(old, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(dir.getParent());
      }
    } catch (IOException e) {
      throw new StorageUnavailableException("Cannot finish rewriting the store in " + dir + ": " + e.getMessage(), e);
    }
    if (Files.exists(dir)) {
      deleteTree(copy); // an unfinished copy: the rewrite is done again (its marker is still in the store)
      deleteTree(old);
    }
  }

  private static void syncDirectory(Path d) throws IOException {
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(d, java.nio.file.StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some file systems cannot sync a directory; the renames are atomic either way.
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) return;
    try (var walk = Files.walk(root)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new StorageUnavailableException("Cannot remove " + root + ": " + e.getMessage(), e);
    }
  }

  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        db.close();
      }
    } catch (IOException e) {
      throw new DBException(e);
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("The store in " + dir + " is closed");
    }
  }
}
