package io.stepwise.persistence.kms;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.persistence.internal.Db;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Durable KMS key records in their own LevelDB under {@code <data-dir>/kms}. Key material is
 * stored only sealed under the root key (see {@link LocalKms}); everything else is plain JSON so
 * an operator can inspect it.
 */
final class KeyStore implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] FROM = "key/".getBytes(StandardCharsets.UTF_8);
  private static final byte[] TO = "key0".getBytes(StandardCharsets.UTF_8);
  private static final byte[] ALIAS_FROM = "als/".getBytes(StandardCharsets.UTF_8);
  private static final byte[] ALIAS_TO = "als0".getBytes(StandardCharsets.UTF_8);

  /** One key as stored; times are epoch millis. */
  record StoredKey(
      String keyId, String description, String keySpec, String keyUsage, String owner, String state,
      long createdMillis, Long deletionMillis, boolean rotationEnabled, int primaryMaterial,
      List<StoredMaterial> materials, String policy, Map<String, String> tags, String account) {}

  /** An alias ({@code alias/...}) and the key it points to. */
  record StoredAlias(String name, String keyId, long createdMillis, long updatedMillis, String account) {}

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

  List<StoredAlias> loadAliases() {
    List<StoredAlias> aliases = new ArrayList<>();
    db.scan(ALIAS_FROM, ALIAS_TO, e -> {
      try {
        aliases.add(JSON.readValue(e.getValue(), StoredAlias.class));
      } catch (IOException ex) {
        throw new UncheckedIOException(ex);
      }
      return Db.Scan.CONTINUE;
    });
    return aliases;
  }

  void saveAlias(StoredAlias alias) {
    try {
      db.put(aliasKey(alias.account(), alias.name()), JSON.writeValueAsBytes(alias), true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void deleteAlias(String account, String name) {
    delete(aliasKey(account, name));
  }

  void delete(String keyId) {
    delete(keyOf(keyId));
  }

  /**
   * Deletes a key for good: its row, then a compaction of the key rows so that no earlier version
   * of it (each change rewrote the row, sealed material included) survives in any file.
   */
  void erase(String keyId) {
    delete(keyOf(keyId));
    compactKeys();
  }

  /** Compacts the key rows: no earlier version of any of them survives in a file. */
  void compactKeys() {
    db.compactRange(FROM, TO);
  }

  private void delete(byte[] dbKey) {
    try (var batch = db.newBatch()) {
      batch.delete(dbKey);
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

  /** {@code als/<name>} for aliases written before aliases had accounts, else {@code als/<account> <name>}. */
  private static byte[] aliasKey(String account, String name) {
    return ("als/" + (account == null ? "" : account + " ") + name).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * What the sealed material of a key row is bound to: the row without its materials, tags in key
   * order, as JSON. Editing any field on disk (a state, a policy, an owner) makes the material's
   * associated data differ, so the material no longer opens.
   */
  static byte[] boundFields(StoredKey k) {
    StoredKey bare = new StoredKey(k.keyId(), k.description(), k.keySpec(), k.keyUsage(), k.owner(), k.state(),
        k.createdMillis(), k.deletionMillis(), k.rotationEnabled(), k.primaryMaterial(), List.of(), k.policy(),
        k.tags() == null ? null : new java.util.TreeMap<>(k.tags()), k.account());
    try {
      return JSON.writeValueAsBytes(bare);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static StoredKey read(byte[] json) {
    try {
      return JSON.readValue(json, StoredKey.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
