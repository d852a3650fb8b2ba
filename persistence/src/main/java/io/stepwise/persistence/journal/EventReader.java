package io.stepwise.persistence.journal;

import io.stepwise.persistence.UnreadableEvent;
import io.stepwise.persistence.crypto.Envelope;
import io.stepwise.persistence.keys.DataKeys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.PersistentRepr$;

/**
 * Reads and decrypts events in chunks, for replay and for the read journal. An event that cannot
 * be read comes back as an {@link UnreadableEvent} payload instead of failing the read, so one
 * damaged event costs its own entity only. Data keys missing from the cache are unwrapped through
 * the key manager once per chunk, never per event.
 */
public final class EventReader {
  private final JournalStore store;
  private final EventCodec codec;
  private final DataKeys dataKeys;
  private final Executor executor;
  private final int chunkSize;

  public EventReader(JournalStore store, EventCodec codec, DataKeys dataKeys, Executor executor, int chunkSize) {
    this.store = store;
    this.codec = codec;
    this.dataKeys = dataKeys;
    this.executor = executor;
    this.chunkSize = chunkSize;
  }

  public CompletionStage<Long> highestSequenceNr(String persistenceId) {
    return CompletableFuture.supplyAsync(() -> {
      OptionalLong id = store.idOf(persistenceId);
      return id.isEmpty() ? 0L : store.highestSequenceNr(id.getAsLong());
    }, executor);
  }

  /** Calls {@code callback} for each event in order, from one thread at a time. */
  public CompletionStage<Void> replay(String persistenceId, long from, long to, long max,
      Consumer<PersistentRepr> callback) {
    return replayFrom(persistenceId, from, to, max, callback, new String[] {""});
  }

  private CompletionStage<Void> replayFrom(String pid, long from, long to, long remaining,
      Consumer<PersistentRepr> callback, String[] lastWriter) {
    if (remaining <= 0 || from > to) {
      return CompletableFuture.completedFuture(null);
    }
    int limit = (int) Math.min(chunkSize, remaining);
    return read(pid, from, to, limit, lastWriter).thenCompose(events -> {
      events.forEach(callback);
      if (events.size() < limit) {
        return CompletableFuture.completedFuture(null);
      }
      long next = events.get(events.size() - 1).sequenceNr() + 1;
      return replayFrom(pid, next, to, remaining - events.size(), callback, lastWriter);
    });
  }

  /** Up to {@code max} events with {@code from <= seq <= to}, decrypted. */
  public CompletionStage<List<PersistentRepr>> read(String persistenceId, long from, long to, int max) {
    return read(persistenceId, from, to, max, new String[] {""});
  }

  private CompletionStage<List<PersistentRepr>> read(String pid, long from, long to, int max, String[] lastWriter) {
    return CompletableFuture.supplyAsync(() -> {
      OptionalLong id = store.idOf(pid);
      if (id.isEmpty()) {
        return List.<JournalStore.RawEntry>of();
      }
      long start = Math.max(from, store.deletedTo(id.getAsLong()) + 1);
      return store.readEvents(id.getAsLong(), start, to, max);
    }, executor).thenCompose(raw -> open(pid, raw, lastWriter));
  }

  /** Events of {@code persistenceId} read from the store ({@link JournalStore#readEvents}), decrypted. */
  public CompletionStage<List<PersistentRepr>> open(String persistenceId, List<JournalStore.RawEntry> raw) {
    return open(persistenceId, raw, new String[] {""});
  }

  private CompletionStage<List<PersistentRepr>> open(String pid, List<JournalStore.RawEntry> raw, String[] lastWriter) {
    return keysFor(raw).thenApplyAsync(keys -> decodeAll(pid, raw, keys, lastWriter), executor);
  }

  /**
   * As {@link #open}, on the calling thread, if every data key the events need is in the cache;
   * null if one is not (then {@link #open} unwraps it).
   */
  public List<PersistentRepr> openCached(String persistenceId, List<JournalStore.RawEntry> raw) {
    Map<Long, Object> keys = new HashMap<>();
    for (JournalStore.RawEntry e : raw) {
      long ref;
      try {
        ref = Envelope.parse(e.envelope()).dataKeyRef();
      } catch (IllegalArgumentException ex) {
        continue; // decoded as unreadable
      }
      if (keys.containsKey(ref)) continue;
      SecretKey cached = dataKeys.cached(ref);
      if (cached == null) return null;
      keys.put(ref, cached);
    }
    return decodeAll(persistenceId, raw, keys, new String[] {""});
  }

  /**
   * The events decrypted but not deserialized, on the calling thread, if every data key they need
   * is in the cache and every one opens; null otherwise (then {@link #open} tells what is wrong).
   */
  public List<EventCodec.Opened> openedCached(String persistenceId, List<JournalStore.RawEntry> raw) {
    List<EventCodec.Opened> out = new ArrayList<>(raw.size());
    long ref = 0;
    SecretKey key = null; // an entity's events are mostly under one data key: looked up once
    for (JournalStore.RawEntry e : raw) {
      try {
        Envelope env = Envelope.parse(e.envelope());
        if (key == null || env.dataKeyRef() != ref) {
          ref = env.dataKeyRef();
          key = dataKeys.cached(ref);
          if (key == null) return null;
        }
        out.add(codec.open(persistenceId, e.sequenceNr(), env, key));
      } catch (Exception ex) {
        return null;
      }
    }
    return out;
  }

  private List<PersistentRepr> decodeAll(String pid, List<JournalStore.RawEntry> raw, Map<Long, Object> keys,
      String[] lastWriter) {
    List<PersistentRepr> out = new ArrayList<>(raw.size());
    for (JournalStore.RawEntry e : raw) {
      PersistentRepr repr = decode(pid, e, keys);
      if (repr.payload() instanceof UnreadableEvent) {
        repr = repr.update(repr.sequenceNr(), pid, false, null, lastWriter[0]);
      } else {
        lastWriter[0] = repr.writerUuid();
      }
      out.add(repr);
    }
    return out;
  }

  private PersistentRepr decode(String pid, JournalStore.RawEntry e, Map<Long, Object> keys) {
    String reason;
    try {
      Envelope env = Envelope.parse(e.envelope());
      Object key = keys.get(env.dataKeyRef());
      if (key instanceof SecretKey k) {
        return codec.openEvent(pid, e.sequenceNr(), env, k);
      }
      reason = keyUnavailable(env.dataKeyRef(), (Throwable) key);
    } catch (Exception ex) {
      reason = unreadable(ex);
    }
    return PersistentRepr$.MODULE$.apply(new UnreadableEvent(pid, e.sequenceNr(), reason), e.sequenceNr(), pid,
        "", false, null, "");
  }

  /** Why an event cannot be read when opening it threw {@code e}: the words of {@link UnreadableEvent#reason}. */
  public static String unreadable(Exception e) {
    return e instanceof AEADBadTagException ? "ciphertext failed authentication (tampered, moved or wrong key)"
        : "cannot decrypt or deserialize: " + e;
  }

  /** Why an event cannot be read when its data key could not be unwrapped ({@code why}, if known). */
  public static String keyUnavailable(long dataKeyRef, Throwable why) {
    return "data key " + dataKeyRef + " unavailable: " + (why == null ? "unknown" : why.getMessage());
  }

  /** Data key ref -> SecretKey, or the Throwable that explains why it is unavailable. */
  private CompletionStage<Map<Long, Object>> keysFor(List<JournalStore.RawEntry> raw) {
    Map<Long, Object> keys = new HashMap<>();
    List<CompletableFuture<?>> pending = new ArrayList<>();
    for (JournalStore.RawEntry e : raw) {
      long ref;
      try {
        ref = Envelope.parse(e.envelope()).dataKeyRef();
      } catch (IllegalArgumentException ex) {
        continue;
      }
      SecretKey cached;
      synchronized (keys) { // callbacks of earlier unwraps may be writing already
        if (keys.containsKey(ref)) {
          continue;
        }
        cached = dataKeys.cached(ref);
        keys.put(ref, cached);
      }
      if (cached == null) {
        pending.add(dataKeys.unwrap(ref).toCompletableFuture().handle((k, err) -> {
          synchronized (keys) {
            keys.put(ref, k != null ? k : (err instanceof CompletionException c ? c.getCause() : err));
          }
          return null;
        }));
      }
    }
    return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(v -> {
      synchronized (keys) {
        return new HashMap<>(keys);
      }
    });
  }
}
