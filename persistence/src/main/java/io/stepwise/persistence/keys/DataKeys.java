package io.stepwise.persistence.keys;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKey;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * The journal's side of the key manager: holds the current lease per target and asks the actor
 * only when a lease has expired or been revoked, and reads the decrypt cache before asking it to
 * unwrap. Thread-safe.
 */
public final class DataKeys {
  private final ActorRef<KeyManager.Command> manager;
  private final Scheduler scheduler;
  private final Duration timeout;
  private final Clock clock;
  private final DataKeyCache cache;
  private final Map<EncryptionTarget, DataKeyLease> leases = new ConcurrentHashMap<>();

  public DataKeys(ActorRef<KeyManager.Command> manager, Scheduler scheduler, Duration timeout, Clock clock,
      DataKeyCache cache) {
    this.manager = manager;
    this.scheduler = scheduler;
    this.timeout = timeout;
    this.clock = clock;
    this.cache = cache;
  }

  /** The held lease for {@code target} if it is still usable, else null. */
  public DataKeyLease heldLease(EncryptionTarget target) {
    DataKeyLease l = leases.get(target);
    return l != null && l.usableAt(clock.instant()) ? l : null;
  }

  public CompletionStage<DataKeyLease> lease(EncryptionTarget target) {
    DataKeyLease held = heldLease(target);
    if (held != null) {
      return CompletableFuture.completedFuture(held);
    }
    return ask(target, null);
  }

  private CompletionStage<DataKeyLease> ask(EncryptionTarget target, java.time.Instant renewBefore) {
    leases.values().removeIf(l -> !l.usableAt(clock.instant()));
    CompletionStage<KeyManager.IssueReply> reply = plain(AskPattern.ask(manager,
        r -> new KeyManager.IssueDataKey(target, renewBefore, r), timeout, scheduler));
    return reply.thenApply(r -> {
      if (r instanceof KeyManager.Granted g) {
        leases.put(target, g.lease());
        return g.lease();
      }
      throw ((KeyManager.IssueRefused) r).cause();
    });
  }

  /**
   * A lease on a data key of {@code target} whose window lasts past {@code renewBefore}: the held
   * one if it does, else a new one (the key manager then ends the old lease; writes admitted under
   * it hold a {@linkplain DataKeyLease#pinned pinned} copy).
   */
  public CompletionStage<DataKeyLease> renew(EncryptionTarget target, java.time.Instant renewBefore) {
    DataKeyLease held = heldLease(target);
    if (held != null && held.expiresAt().isAfter(renewBefore)) {
      return CompletableFuture.completedFuture(held);
    }
    return ask(target, renewBefore);
  }

  /** The cached plaintext of stored data key {@code ref}, or null. */
  public SecretKey cached(long ref) {
    return cache.get(ref).orElse(null);
  }

  public CompletionStage<SecretKey> unwrap(long ref) {
    SecretKey key = cached(ref);
    if (key != null) {
      return CompletableFuture.completedFuture(key);
    }
    CompletionStage<KeyManager.UnwrapReply> reply =
        plain(AskPattern.ask(manager, r -> new KeyManager.UnwrapDataKey(ref, r), timeout, scheduler));
    return reply.thenApply(r -> {
      if (r instanceof KeyManager.Unwrapped u) {
        return u.key();
      }
      throw ((KeyManager.UnwrapRefused) r).cause();
    });
  }

  /**
   * Pekko's javadsl ask answers with Scala's CompletableFuture wrapper, whose dependent stages run
   * on the JDK's default async executor (a new thread per stage on fewer than three cores); the
   * reply is handed on, on the thread that completes it, as a plain future instead.
   */
  private static <T> CompletionStage<T> plain(CompletionStage<T> stage) {
    CompletableFuture<T> out = new CompletableFuture<>();
    stage.whenCompleteAsync((value, failure) -> {
      if (failure != null) out.completeExceptionally(failure);
      else out.complete(value);
    }, Runnable::run);
    return out;
  }
}
