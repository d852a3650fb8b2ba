package io.stepwise.persistence.kms;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The local KMS's ciphertext blob: {@code version (1) | key id length (1) | key id | material
 * version (4) | nonce | ciphertext | tag}. Like AWS's, it names its key so Decrypt needs no key id.
 */
record KmsCiphertext(String keyId, int materialVersion, byte[] sealed) {
  private static final byte VERSION = 1;

  byte[] header() {
    byte[] id = keyId.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(2 + id.length + 4).put(VERSION).put((byte) id.length).put(id)
        .putInt(materialVersion).array();
  }

  byte[] toBytes() {
    byte[] h = header();
    byte[] out = Arrays.copyOf(h, h.length + sealed.length);
    System.arraycopy(sealed, 0, out, h.length, sealed.length);
    return out;
  }

  static KmsCiphertext parse(byte[] blob) {
    try {
      ByteBuffer b = ByteBuffer.wrap(blob);
      if (b.get() != VERSION) {
        throw invalid();
      }
      byte[] id = new byte[b.get() & 0xff];
      b.get(id);
      int material = b.getInt();
      byte[] sealed = new byte[b.remaining()];
      b.get(sealed);
      return new KmsCiphertext(new String(id, StandardCharsets.UTF_8), material, sealed);
    } catch (RuntimeException e) {
      throw invalid();
    }
  }

  /** The header plus the encryption context in a canonical (sorted) form. */
  byte[] associatedData(Map<String, String> context) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(header());
      for (Map.Entry<String, String> e : new TreeMap<>(context == null ? Map.of() : context).entrySet()) {
        out.writeUTF(e.getKey());
        out.writeUTF(e.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static KmsException invalid() {
    return new KmsException(KmsException.Code.INVALID_CIPHERTEXT,
        "The ciphertext is invalid, or was not made under this key and encryption context");
  }
}
