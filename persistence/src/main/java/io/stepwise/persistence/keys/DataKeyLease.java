package io.stepwise.persistence.keys;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.crypto.SecretKey;

/**
 * The right to encrypt with one plaintext data key until {@code expiresAt}, granted by the key
 * manager so the journal need not ask it per event. The key manager revokes a lease early when
 * its KMS key changes state (disabled, rotated, scheduled for deletion), and drops the plaintext
 * key from it when it ends, so that holders of an old lease do not keep the key alive.
 */
public final class DataKeyLease {
  private final EncryptionTarget target;
  private final long dataKeyRef;
  private volatile SecretKey key;
  private final Instant expiresAt;
  private final AtomicBoolean revoked = new AtomicBoolean();

  DataKeyLease(EncryptionTarget target, long dataKeyRef, SecretKey key, Instant expiresAt) {
    this.target = target;
    this.dataKeyRef = dataKeyRef;
    this.key = key;
    this.expiresAt = expiresAt;
  }

  public EncryptionTarget target() {
    return target;
  }

  public long dataKeyRef() {
    return dataKeyRef;
  }

  /** The plaintext data key, or null once the lease has ended and the key manager dropped it. */
  public SecretKey key() {
    return key;
  }

  public Instant expiresAt() {
    return expiresAt;
  }

  public boolean usableAt(Instant now) {
    return !revoked.get() && now.isBefore(expiresAt);
  }

  /**
   * A copy that keeps this lease's key while one op is sealed, or null if the key is gone already.
   * The journal pins a lease when it admits an op, so that the key manager ending the lease (its
   * window closed or was renewed meanwhile) cannot turn an admitted write into a rejected one.
   */
  public DataKeyLease pinned() {
    SecretKey k = key;
    return k == null || revoked.get() ? null : new DataKeyLease(target, dataKeyRef, k, expiresAt);
  }

  /** Ends the lease and forgets its plaintext key. */
  void end() {
    revoked.set(true);
    key = null;
  }
}
