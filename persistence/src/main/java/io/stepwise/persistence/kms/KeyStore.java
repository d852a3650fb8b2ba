package io.stepwise.persistence.kms;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.persistence.crypto.EventCipher;
import io.stepwise.persistence.internal.Db;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Durable KMS key records in their own LevelDB under {@code <data-dir>/kms}. Every row is sealed
 * (AES-256-GCM under a key derived from the root key, the row's own LevelDB key as associated
 * data, so a row copied to another key fails to open); key material is sealed once more inside it
 * (see {@link LocalKms}). A key row's LevelDB key holds the key id (a random UUID); an alias row's
 * holds a keyed hash (HMAC-SHA256 under another key derived from the root key) of its account and
 * name, never the name. Rows written in clear by earlier versions are read as they are and
 * replaced by {@link LocalKms} when it opens the store.
 *
 * <pre>
 *   key/&lt;key id&gt;                   -&gt; SEALED(1) seal(StoredKey as JSON, "key/&lt;key id&gt;")
 *   als/&lt;hex hmac(account name)&gt;   -&gt; SEALED(1) seal(StoredAlias as JSON, that key)
 * </pre>
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

  /** Marks a sealed row; a row an earlier version wrote in clear starts with '{'. */
  static final byte SEALED = 0x7F;

  private final Db db;
  private final EventCipher rows;
  private final SecretKeySpec names;

  KeyStore(Db db, SecretKey rootKey) {
    this.db = db;
    this.rows = rowCipher(rootKey);
    this.names = new SecretKeySpec(derive(rootKey, "stepwise kms alias names v1"), "HmacSHA256");
  }

  /**
   * A key row as read: {@code key} is null when the row fails authentication (changed on disk, or
   * another root key); {@code clear} when an earlier version wrote it unsealed.
   */
  record LoadedKey(String keyId, StoredKey key, boolean clear) {}

  /** An alias row as read, with the LevelDB key it is stored under; {@code clear} as for keys. */
  record LoadedAlias(byte[] dbKey, StoredAlias alias, boolean clear) {}

  /**
   * Whether the rows are sealed, recorded in a sealed row of its own: {@code LEGACY} (no record: a
   * store of an earlier version, or a new one), {@code MIGRATING} (rows in clear are being sealed),
   * {@code SEALED} (every row is sealed: one in clear was put there by someone else), or
   * {@code TAMPERED} (the record does not authenticate).
   */
  enum RowsState { LEGACY, MIGRATING, SEALED, TAMPERED }

  private static final byte[] ROWS_STATE = "meta/rows".getBytes(StandardCharsets.UTF_8);

  RowsState rowsState() {
    byte[] value = db.get(ROWS_STATE);
    if (value == null) return RowsState.LEGACY;
    byte[] text = isSealed(value) ? open(ROWS_STATE, value) : null;
    if (text == null) return RowsState.TAMPERED;
    try {
      return RowsState.valueOf(new String(text, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return RowsState.TAMPERED;
    }
  }

  void rowsState(RowsState state) {
    byte[] sealed = rows.encrypt(state.name().getBytes(StandardCharsets.UTF_8), ROWS_STATE);
    byte[] value = new byte[1 + sealed.length];
    value[0] = SEALED;
    System.arraycopy(sealed, 0, value, 1, sealed.length);
    db.put(ROWS_STATE, value, true);
  }

  /** Whether any key or alias row is sealed ({@code sealed}) or in clear ({@code !sealed}). */
  boolean hasRows(boolean sealed) {
    boolean[] found = {false};
    for (byte[][] range : new byte[][][] {{FROM, TO}, {ALIAS_FROM, ALIAS_TO}}) {
      db.scan(range[0], range[1], e -> {
        found[0] = isSealed(e.getValue()) == sealed;
        return found[0] ? Db.Scan.STOP : Db.Scan.CONTINUE;
      });
      if (found[0]) return true;
    }
    return false;
  }

  /**
   * Every key row; one that does not authenticate (or does not parse, or is in clear when
   * {@code acceptClear} is false) comes back without its record.
   */
  List<LoadedKey> loadAll(boolean acceptClear) {
    List<LoadedKey> keys = new ArrayList<>();
    db.scan(FROM, TO, e -> {
      String keyId = new String(e.getKey(), FROM.length, e.getKey().length - FROM.length, StandardCharsets.UTF_8);
      boolean clear = !isSealed(e.getValue());
      byte[] json = clear && !acceptClear ? null : open(e.getKey(), e.getValue());
      keys.add(new LoadedKey(keyId, json == null ? null : readOrNull(json, StoredKey.class), clear));
      return Db.Scan.CONTINUE;
    });
    return keys;
  }

  void save(StoredKey key) {
    put(keyOf(key.keyId()), key);
  }

  /**
   * Every alias row that authenticates and parses (one that does not, or one in clear when
   * {@code acceptClear} is false, is left out: it names nothing usable).
   */
  List<LoadedAlias> loadAliases(boolean acceptClear) {
    List<LoadedAlias> aliases = new ArrayList<>();
    db.scan(ALIAS_FROM, ALIAS_TO, e -> {
      boolean clear = !isSealed(e.getValue());
      byte[] json = clear && !acceptClear ? null : open(e.getKey(), e.getValue());
      StoredAlias alias = json == null ? null : readOrNull(json, StoredAlias.class);
      if (alias != null) aliases.add(new LoadedAlias(e.getKey(), alias, clear));
      return Db.Scan.CONTINUE;
    });
    return aliases;
  }

  void saveAlias(StoredAlias alias) {
    put(aliasKey(alias.account(), alias.name()), alias);
  }

  void deleteAlias(String account, String name) {
    delete(aliasKey(account, name));
  }

  /** Deletes a row by its LevelDB key (an alias row an earlier version stored under its name). */
  void deleteRow(byte[] dbKey) {
    delete(dbKey);
  }

  /**
   * Compacts the whole store: no earlier version of any row survives in a table or log file. Over
   * the whole key space, so that what LevelDB records of the compaction (its largest key, kept in
   * the MANIFEST and its info log) is a key row's id, never an alias row's old name.
   */
  void compactAll() {
    db.compactRange(new byte[] {0}, new byte[] {(byte) 0xFF});
  }

  private void put(byte[] dbKey, Object row) {
    try {
      byte[] sealed = rows.encrypt(JSON.writeValueAsBytes(row), dbKey);
      byte[] value = new byte[1 + sealed.length];
      value[0] = SEALED;
      System.arraycopy(sealed, 0, value, 1, sealed.length);
      db.put(dbKey, value, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isSealed(byte[] value) {
    return value.length > 0 && value[0] == SEALED;
  }

  /** The row's JSON; null if a sealed row does not authenticate under this store's key and its LevelDB key. */
  private byte[] open(byte[] dbKey, byte[] value) {
    if (!isSealed(value)) return value;
    try {
      return rows.decrypt(java.util.Arrays.copyOfRange(value, 1, value.length), dbKey);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return null;
    }
  }

  /** The cipher of the rows: a key derived from the root key for this one purpose. */
  static EventCipher rowCipher(SecretKey rootKey) {
    return EventCipher.of(EventCipher.aesKey(derive(rootKey, "stepwise kms rows v1")));
  }

  private static byte[] derive(SecretKey rootKey, String purpose) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(rootKey.getEncoded(), "HmacSHA256"));
      return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
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

  /** {@code als/} and the hex HMAC of the account (empty for aliases from before accounts), a space and the name. */
  private byte[] aliasKey(String account, String name) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(names);
      byte[] hash = mac.doFinal(((account == null ? "" : account) + " " + name).getBytes(StandardCharsets.UTF_8));
      return ("als/" + java.util.HexFormat.of().formatHex(hash)).getBytes(StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
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

  private static <T> T readOrNull(byte[] json, Class<T> type) {
    try {
      return JSON.readValue(json, type);
    } catch (IOException e) {
      return null;
    }
  }
}
