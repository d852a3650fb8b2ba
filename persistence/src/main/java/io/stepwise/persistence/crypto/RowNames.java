package io.stepwise.persistence.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How the journal's store names its rows without naming anything: a persistence id, an ARN, an
 * execution or state name is never part of a LevelDB key in clear, only its keyed hash
 * (HMAC-SHA256 under a service key, first 16 bytes), and wherever the name itself must be read
 * back it is stored sealed in the row's value (AES-256-GCM, with associated data that binds it to
 * its row). Without the key the hashes neither reveal a name nor confirm a guess.
 *
 * <p>Both keys are derived from one 256-bit service key (its material is wrapped by the
 * service-owned KMS key), one HMAC label each.
 */
public final class RowNames {
  /** Bytes of a name's keyed hash in a row key. */
  public static final int HASH_BYTES = 16;

  private final SecretKeySpec hashKey;
  private final EventCipher cipher;
  private final ThreadLocal<Mac> macs;
  private static final int RECURRING_LIMIT = 4_096;
  private final java.util.Map<String, byte[]> recurring = new java.util.concurrent.ConcurrentHashMap<>();

  private RowNames(byte[] hashKey, byte[] sealKey) {
    this.hashKey = new SecretKeySpec(hashKey, "HmacSHA256");
    this.cipher = EventCipher.of(EventCipher.aesKey(sealKey));
    this.macs = ThreadLocal.withInitial(() -> mac(this.hashKey));
  }

  /** Derives the hashing and the sealing key from {@code material} (32 bytes, left unchanged). */
  public static RowNames fromMaterial(byte[] material) {
    SecretKeySpec root = new SecretKeySpec(material, "HmacSHA256");
    byte[] hash = derive(root, "stepwise row names: hash");
    byte[] seal = derive(root, "stepwise row names: seal");
    try {
      return new RowNames(hash, seal);
    } finally {
      Arrays.fill(seal, (byte) 0);
    }
  }

  /** The keyed hash of {@code name} (UTF-8), {@value #HASH_BYTES} bytes. */
  public byte[] hash(String name) {
    return hash(name.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * As {@link #hash(String)}, for a name that comes back again and again (an activity's ARN in
   * the key of each of its queued tasks): kept, up to a few thousand names. The array is shared:
   * read it, never change it.
   */
  public byte[] hashRecurring(String name) {
    byte[] h = recurring.get(name);
    if (h == null) {
      if (recurring.size() >= RECURRING_LIMIT) {
        recurring.clear();
      }
      h = hash(name);
      recurring.put(name, h);
    }
    return h;
  }

  public byte[] hash(byte[] name) {
    return Arrays.copyOf(macs.get().doFinal(name), HASH_BYTES);
  }

  /** {@code value} sealed, bound to {@code associatedData} (typically the row's key). */
  public byte[] seal(byte[] value, byte[] associatedData) {
    return cipher.encrypt(value, associatedData);
  }

  /**
   * A value {@link #seal}ed with the same associated data.
   *
   * @throws IllegalStateException if it fails authentication; {@code what} names the row in the message
   */
  public byte[] open(byte[] sealed, byte[] associatedData, String what) {
    try {
      return cipher.decrypt(sealed, associatedData);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalStateException(what + " failed authentication (tampered, moved or wrong key)", e);
    }
  }

  public byte[] sealString(String value, byte[] associatedData) {
    return seal(value.getBytes(StandardCharsets.UTF_8), associatedData);
  }

  public String openString(byte[] sealed, byte[] associatedData, String what) {
    return new String(open(sealed, associatedData, what), StandardCharsets.UTF_8);
  }

  private static byte[] derive(SecretKeySpec root, String label) {
    return mac(root).doFinal(label.getBytes(StandardCharsets.UTF_8));
  }

  private static Mac mac(SecretKeySpec key) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(key);
      return m;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
