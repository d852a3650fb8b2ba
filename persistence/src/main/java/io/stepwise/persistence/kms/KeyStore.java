package io.stepwise.persistence.kms;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.persistence.internal.Db;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Durable KMS key records in their own LevelDB under {@code <data-dir>/kms}. Key material is
 * stored only sealed under the root key (see {@link LocalKms}); everything else is plain JSON so
 * an operator can inspect it.
 */
final class KeyStore implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] FROM = "key/".getBytes(StandardCharsets.UTF_8);
  private static final byte[] TO = "key0".getBytes(StandardCharsets.UTF_8);

  /** One key as stored; times are epoch millis. */
  record StoredKey(
      String keyId, String description, String keySpec, String keyUsage, String owner, String state,
      long createdMillis, Long deletionMillis, boolean rotationEnabled, int primaryMaterial,
      List<StoredMaterial> materials) {}

  /** One version of key material, base64 of {@code nonce | ciphertext | tag} under the root key. */
  record StoredMaterial(int version, long createdMillis, String sealed) {}

  private final Db db;

  KeyStore(Db db) {
    this.db = db;
  }

  List<StoredKey> loadAll() {
    List<StoredKey> keys = new ArrayList<>();
    db.scan(FROM, TO, e -> {
      keys.add(read(e.getValue()));
      return Db.Scan.CONTINUE;
    });
    return keys;
  }

  void save(StoredKey key) {
    try {
      db.put(keyOf(key.keyId()), JSON.writeValueAsBytes(key), true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void delete(String keyId) {
    try (var batch = db.newBatch()) {
      batch.delete(keyOf(keyId));
      db.write(batch, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    db.close();
  }

  private static byte[] keyOf(String keyId) {
    return ("key/" + keyId).getBytes(StandardCharsets.UTF_8);
  }

  private static StoredKey read(byte[] json) {
    try {
      return JSON.readValue(json, StoredKey.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
