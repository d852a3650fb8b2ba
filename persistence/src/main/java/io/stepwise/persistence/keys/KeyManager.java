package io.stepwise.persistence.keys;

import io.stepwise.persistence.crypto.EventCipher;
import io.stepwise.persistence.kms.DataKey;
import io.stepwise.persistence.kms.Kms;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.SecretKey;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The only issuer of data keys. Per encryption target it reuses one data key for at most the
 * target's reuse period, then asks the KMS for a new one; the wrapped key goes to the key table
 * before the plaintext is used. Plaintext keys live only in memory and are dropped when their
 * window ends. Stored data keys are unwrapped through KMS Decrypt into a bounded cache.
 *
 * <p>Runs on the I/O dispatcher: KMS calls and key-table writes block.
 */
public final class KeyManager extends AbstractBehavior<KeyManager.Command> {

  public sealed interface Command {}

  /**
   * Asks for a lease on the current data key of {@code target}, making one if needed. With
   * {@code renewBefore}, a current key whose window ends before then is replaced too, so that the
   * journal can renew a lease ahead of its end instead of stalling writes on a KMS call at the end.
   */
  public record IssueDataKey(EncryptionTarget target, Instant renewBefore, ActorRef<IssueReply> replyTo)
      implements Command {
    public IssueDataKey(EncryptionTarget target, ActorRef<IssueReply> replyTo) {
      this(target, null, replyTo);
    }
  }

  /** Asks for the plaintext of stored data key {@code ref} (for decryption). */
  public record UnwrapDataKey(long ref, ActorRef<UnwrapReply> replyTo) implements Command {}

  /** A KMS key changed state: its leases and cached keys must go at once. */
  public record KmsKeyChanged(String kmsKeyId) implements Command {}

  private enum Sweep implements Command { INSTANCE }

  public sealed interface IssueReply {}

  public record Granted(DataKeyLease lease) implements IssueReply {}

  public record IssueRefused(EncryptionTarget target, RuntimeException cause) implements IssueReply {}

  public sealed interface UnwrapReply {}

  public record Unwrapped(long ref, SecretKey key) implements UnwrapReply {}

  public record UnwrapRefused(long ref, RuntimeException cause) implements UnwrapReply {}

  private final Kms kms;
  private final DataKeyTable table;
  private final DataKeyCache cache;
  private final KeyMetrics metrics;
  private final Clock clock;
  private final Map<EncryptionTarget, DataKeyLease> current = new HashMap<>();

  public static Behavior<Command> create(
      Kms kms, DataKeyTable table, DataKeyCache cache, KeyMetrics metrics, Clock clock, Duration sweepEvery) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Sweep.INSTANCE, sweepEvery);
      return new KeyManager(ctx, kms, table, cache, metrics, clock);
    }));
  }

  private KeyManager(ActorContext<Command> ctx, Kms kms, DataKeyTable table, DataKeyCache cache,
      KeyMetrics metrics, Clock clock) {
    super(ctx);
    this.kms = kms;
    this.table = table;
    this.cache = cache;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(IssueDataKey.class, this::onIssue)
        .onMessage(UnwrapDataKey.class, this::onUnwrap)
        .onMessage(KmsKeyChanged.class, this::onKeyChanged)
        .onMessageEquals(Sweep.INSTANCE, this::onSweep)
        .build();
  }

  private Behavior<Command> onIssue(IssueDataKey cmd) {
    Instant now = clock.instant();
    DataKeyLease lease = current.get(cmd.target());
    boolean ending = lease != null && cmd.renewBefore() != null && !lease.expiresAt().isAfter(cmd.renewBefore());
    if (lease == null || !lease.usableAt(now) || ending) {
      if (lease != null) {
        lease.end();
      }
      current.remove(cmd.target());
      try {
        lease = generate(cmd.target(), now);
      } catch (RuntimeException e) {
        cmd.replyTo().tell(new IssueRefused(cmd.target(), e));
        return this;
      }
      current.put(cmd.target(), lease);
    }
    metrics.leasesGranted.incrementAndGet();
    cmd.replyTo().tell(new Granted(lease));
    return this;
  }

  private DataKeyLease generate(EncryptionTarget target, Instant now) {
    metrics.kmsCalls.incrementAndGet();
    DataKey dk = kms.generateDataKey(target.kmsKeyId(), target.encryptionContext());
    long ref = table.add(target.kmsKeyId(), target.encryptionContext(), dk.ciphertextBlob());
    metrics.dataKeysGenerated.incrementAndGet();
    SecretKey key = EventCipher.aesKey(dk.plaintext());
    Instant expiresAt = now.plus(target.reusePeriod());
    cache.put(ref, target.kmsKeyId(), key, expiresAt);
    getContext().getLog().debug("New data key {} under KMS key {}", ref, target.kmsKeyId());
    return new DataKeyLease(target, ref, key, expiresAt);
  }

  private Behavior<Command> onUnwrap(UnwrapDataKey cmd) {
    var cached = cache.get(cmd.ref());
    if (cached.isPresent()) {
      cmd.replyTo().tell(new Unwrapped(cmd.ref(), cached.get()));
      return this;
    }
    try {
      StoredDataKey stored = table.find(cmd.ref())
          .orElseThrow(() -> new IllegalStateException("unknown data key " + cmd.ref()));
      metrics.kmsCalls.incrementAndGet();
      metrics.kmsDecrypts.incrementAndGet();
      byte[] plain = kms.decrypt(stored.kmsKeyId(), stored.wrapped(), stored.encryptionContext());
      SecretKey key = EventCipher.aesKey(plain);
      cache.put(cmd.ref(), stored.kmsKeyId(), key, Instant.MAX);
      cmd.replyTo().tell(new Unwrapped(cmd.ref(), key));
    } catch (RuntimeException e) {
      cmd.replyTo().tell(new UnwrapRefused(cmd.ref(), e));
    }
    return this;
  }

  private Behavior<Command> onKeyChanged(KmsKeyChanged cmd) {
    current.values().removeIf(l -> {
      boolean affected = l.target().kmsKeyId().equals(cmd.kmsKeyId());
      if (affected) {
        l.end();
      }
      return affected;
    });
    cache.evictKmsKey(cmd.kmsKeyId());
    return this;
  }

  private Behavior<Command> onSweep() {
    Instant now = clock.instant();
    current.values().removeIf(l -> {
      boolean ended = !l.usableAt(now);
      if (ended) {
        l.end();
      }
      return ended;
    });
    cache.evictExpired();
    return this;
  }
}
