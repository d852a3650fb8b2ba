package io.stepwise.persistence.index;

import io.stepwise.persistence.journal.BatchContext;
import io.stepwise.persistence.journal.BatchOp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Puts and deletes of index rows, written in the journal's group commit: an index op submitted
 * before an event write is durable no later than that write, so an index row never lags the
 * events it stands for (it may lead them, which readers tolerate).
 */
public final class IndexOp implements BatchOp {
  private final List<byte[]> keys = new ArrayList<>();
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

  /** The keys this op deletes, in order. */
  public List<byte[]> deletedKeys() {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) if (values.get(i) == null) out.add(keys.get(i));
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
      if (values.get(i) == null) ctx.delete(keys.get(i));
      else ctx.put(keys.get(i), values.get(i));
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
