package io.stepwise.persistence.index;

import io.stepwise.persistence.crypto.RowNames;
import io.stepwise.persistence.journal.BatchContext;
import io.stepwise.persistence.journal.BatchOp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Puts and deletes of index rows, written in the journal's group commit: an index op submitted
 * before an event write is durable no later than that write, so an index row never lags the
 * events it stands for (it may lead them, which readers tolerate).
 */
public final class IndexOp implements BatchOp {
  /**
   * A row whose key and value are made with the store's {@link RowNames} when the op is sealed
   * into a batch (by writers that do not hold them); {@code row} is what it stands for.
   */
  record Named(Object row, Function<RowNames, byte[]> key, BiFunction<RowNames, byte[], byte[]> value) {}

  private final List<Object> keys = new ArrayList<>(); // byte[] or Named
  private final List<byte[]> values = new ArrayList<>(); // null = delete
  private final CompletableFuture<Void> done = new CompletableFuture<>();

  public IndexOp put(byte[] key, byte[] value) {
    keys.add(key);
    values.add(value);
    return this;
  }

  public IndexOp delete(byte[] key) {
    keys.add(key);
    values.add(null);
    return this;
  }

  IndexOp put(Named row) {
    keys.add(row);
    values.add(EMPTY);
    return this;
  }

  IndexOp delete(Named row) {
    keys.add(row);
    values.add(null);
    return this;
  }

  private static final byte[] EMPTY = new byte[0];

  /** What this op deletes, in order: a key, or the row (as a wake-up or queued task) a key is made for. */
  public List<Object> deleted() {
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      if (values.get(i) == null) out.add(keys.get(i) instanceof Named n ? n.row() : keys.get(i));
    }
    return out;
  }

  public boolean isEmpty() {
    return keys.isEmpty();
  }

  /** Completes once the rows are durable. */
  public CompletionStage<Void> done() {
    return done;
  }

  @Override
  public int size() {
    return Math.max(1, keys.size() / 8);
  }

  @Override
  public void prepare(BatchContext ctx) {
    addTo(ctx);
  }

  /** Adds the rows to a batch another op is preparing. */
  public void addTo(BatchContext ctx) {
    for (int i = 0; i < keys.size(); i++) {
      Object k = keys.get(i);
      if (k instanceof Named n) {
        RowNames names = ctx.store().names();
        byte[] key = n.key().apply(names);
        if (values.get(i) == null) ctx.delete(key);
        else ctx.put(key, n.value().apply(names, key));
      } else if (values.get(i) == null) {
        ctx.delete((byte[]) k);
      } else {
        ctx.put((byte[]) k, values.get(i));
      }
    }
  }

  @Override
  public void committed() {
    done.complete(null);
  }

  @Override
  public void failed(Throwable cause) {
    done.completeExceptionally(cause);
  }
}
