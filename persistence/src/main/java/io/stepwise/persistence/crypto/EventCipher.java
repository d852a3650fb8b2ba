package io.stepwise.persistence.crypto;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM AEAD under one data key (DEK). Every {@link #encrypt} draws a fresh 12-byte random
 * nonce and returns {@code nonce | ciphertext | tag}; the associated data is authenticated but not
 * stored, so a ciphertext only decrypts in the place (persistence id, sequence number) it was
 * written for.
 */
public final class EventCipher {
  public static final int KEY_BYTES = 32;
  public static final int NONCE_BYTES = 12;
  public static final int TAG_BITS = 128;

  // One cipher per thread and direction: re-initialised with the key it had, a cipher skips the AES
  // key expansion, and a thread that opens old events and seals new ones alternates between keys.
  private static final ThreadLocal<Cipher> ENCRYPTING = ThreadLocal.withInitial(EventCipher::newCipher);
  private static final ThreadLocal<Cipher> DECRYPTING = ThreadLocal.withInitial(EventCipher::newCipher);
  private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(SecureRandom::new);

  private final SecretKey key;

  private EventCipher(SecretKey key) {
    this.key = key;
  }

  public static EventCipher of(SecretKey key) {
    byte[] material = key.getEncoded(); // a copy each call
    if (material == null || material.length != KEY_BYTES) {
      throw new IllegalArgumentException("EventCipher needs a 256-bit AES key");
    }
    return new EventCipher(key);
  }

  public static SecretKey aesKey(byte[] material) {
    if (material.length != KEY_BYTES) {
      throw new IllegalArgumentException("expected " + KEY_BYTES + " key bytes, got " + material.length);
    }
    return new SecretKeySpec(material, "AES");
  }

  public static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.get().nextBytes(b);
    return b;
  }

  public byte[] encrypt(byte[] plaintext, byte[] associatedData) {
    byte[] nonce = randomBytes(NONCE_BYTES);
    try {
      Cipher c = ENCRYPTING.get();
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(associatedData);
      byte[] out = new byte[NONCE_BYTES + c.getOutputSize(plaintext.length)];
      System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
      c.doFinal(plaintext, 0, plaintext.length, out, NONCE_BYTES);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  /** @throws AEADBadTagException if the ciphertext, its key or its associated data do not match */
  public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
    if (ciphertext.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new AEADBadTagException("ciphertext too short");
    }
    Cipher c = DECRYPTING.get();
    c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, ciphertext, 0, NONCE_BYTES));
    c.updateAAD(associatedData);
    return c.doFinal(ciphertext, NONCE_BYTES, ciphertext.length - NONCE_BYTES);
  }

  private static Cipher newCipher() {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/GCM/NoPadding unavailable", e);
    }
  }
}
