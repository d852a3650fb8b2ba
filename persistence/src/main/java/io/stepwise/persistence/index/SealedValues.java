package io.stepwise.persistence.index;

import io.stepwise.persistence.crypto.EventCipher;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * Index values sealed under the {@link ServiceKeys#listingCipher listing key}: a marker byte, then AES-256-GCM of the value
 * with associated data that binds it to its row (a value copied to another row fails to open).
 */
final class SealedValues {
  /** Marks a sealed value; rows an earlier version stored in clear never start with it. */
  static final byte SEALED = 0x7F;

  private SealedValues() {}

  static byte[] seal(EventCipher cipher, byte[] value, byte[] associatedData) {
    byte[] sealed = cipher.encrypt(value, associatedData);
    byte[] out = new byte[1 + sealed.length];
    out[0] = SEALED;
    System.arraycopy(sealed, 0, out, 1, sealed.length);
    return out;
  }

  static boolean isSealed(byte[] stored) {
    return stored.length > 0 && stored[0] == SEALED;
  }

  /** @throws IllegalStateException if it fails authentication; {@code row} names it in the message */
  static byte[] open(EventCipher cipher, byte[] stored, byte[] associatedData, String row) {
    try {
      return cipher.decrypt(Arrays.copyOfRange(stored, 1, stored.length), associatedData);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the index row of " + row + " failed authentication (tampered, moved or wrong key)",
          e);
    }
  }

  /** {@code tag} then {@code bytes}. */
  static byte[] associatedData(byte[] tag, byte[] bytes) {
    byte[] ad = Arrays.copyOf(tag, tag.length + bytes.length);
    System.arraycopy(bytes, 0, ad, tag.length, bytes.length);
    return ad;
  }
}
