package io.stepwise.persistence.kms;

import static io.stepwise.persistence.kms.LocalKmsTest.assertNoFileContains;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.persistence.TestStorage.MutableClock;
import io.stepwise.persistence.internal.Db;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The KMS key store of an earlier version, whose rows were in clear (key rows as JSON, alias rows
 * under their names): sealed when it is next opened, with nothing of it left in any file, even if
 * that open is cut short; and once a store is sealed, a row in clear is never taken for a real one.
 */
class KeyStoreUpgradeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  private LocalKms open() {
    return LocalKms.open(dir.resolve("kms"), dir, "STEPWISE_TEST_UNSET_ROOT_KEY", clock);
  }

  private Db db() {
    return Db.open(dir.resolve("kms/store"), dir);
  }

  private static void delete(Db db, byte[] key) throws Exception {
    try (var batch = db.newBatch()) {
      batch.delete(key);
      db.write(batch, true);
    }
  }

  /** Turns the store into what an earlier version wrote: every row in clear, aliases under their names, no state row. */
  private void toLegacy() throws Exception {
    SecretKey root = RootKey.load(dir.resolve("kms"), "STEPWISE_TEST_NO_ENV", n -> null);
    var cipher = KeyStore.rowCipher(root);
    try (Db db = db()) {
      List<byte[][]> rows = new ArrayList<>();
      db.scan("als/".getBytes(StandardCharsets.UTF_8), "meta0".getBytes(StandardCharsets.UTF_8), e -> {
        rows.add(new byte[][] {e.getKey(), e.getValue()});
        return Db.Scan.CONTINUE;
      });
      for (byte[][] row : rows) {
        String key = new String(row[0], StandardCharsets.UTF_8);
        if (key.equals("meta/rows")) {
          delete(db, row[0]);
          continue;
        }
        byte[] json = cipher.decrypt(Arrays.copyOfRange(row[1], 1, row[1].length), row[0]);
        if (key.startsWith("als/")) {
          var alias = JSON.readTree(json);
          String account = alias.path("account").isNull() ? null : alias.path("account").asText(null);
          delete(db, row[0]);
          db.put(("als/" + (account == null ? "" : account + " ") + alias.get("name").asText()).getBytes(StandardCharsets.UTF_8),
              json, true);
        } else {
          db.put(row[0], json, true);
        }
      }
      db.compactRange(new byte[] {0}, new byte[] {(byte) 0xFF});
    }
  }

  @RepeatedTest(4)
  void legacyStore_isSealedAtOpen_andLeavesNoNameOrDescriptionInAnyFile() throws Exception {
    String canary = "legacy" + UUID.randomUUID().toString().replace("-", "");
    String keyId;
    byte[] ciphertext;
    try (LocalKms kms = open()) {
      keyId = kms.createKey("111111111111", canary + "-description", null, null, null, Map.of(canary + "-t", "v")).keyId();
      kms.createAlias("111111111111", "alias/" + canary + "-a", keyId);
      kms.createAlias("alias/" + canary + "-noaccount", keyId);
      ciphertext = kms.encrypt(keyId, new byte[] {5}, Map.of());
    }
    toLegacy();
    try (LocalKms kms = open()) {
      kms.adoptUnowned("111111111111");
      assertThat(kms.decrypt(keyId, ciphertext, Map.of())).containsExactly(5);
      assertThat(kms.resolveKeyId("111111111111", "alias/" + canary + "-a")).isEqualTo(keyId);
      assertThat(kms.resolveKeyId("111111111111", "alias/" + canary + "-noaccount")).isEqualTo(keyId);
      assertThat(kms.describeKey(keyId).description()).isEqualTo(canary + "-description");
    }
    assertNoFileContains(dir.resolve("kms"), canary); // tables, logs, MANIFEST and LevelDB's info logs
  }

  /** An open that dies after re-sealing some rows but before compacting: the next one finishes, compaction included. */
  @Test
  void anUpgradeCutShort_isFinishedByTheNextOpen() throws Exception {
    String canary = "cut" + UUID.randomUUID().toString().replace("-", "");
    String keyId;
    try (LocalKms kms = open()) {
      keyId = kms.createKey("111111111111", canary, null, null, null, Map.of()).keyId();
    }
    byte[] rowKey = ("key/" + keyId).getBytes(StandardCharsets.UTF_8);
    byte[] sealedRow;
    try (Db db = db()) {
      sealedRow = db.get(rowKey);
    }
    toLegacy();
    SecretKey root = RootKey.load(dir.resolve("kms"), "STEPWISE_TEST_NO_ENV", n -> null);
    try (Db db = db()) {
      KeyStore store = new KeyStore(db, root);
      store.rowsState(KeyStore.RowsState.MIGRATING); // what an upgrading open writes first
      db.put(rowKey, sealedRow, true); // then it re-sealed this row, and died
    }
    try (LocalKms kms = open()) {
      assertThat(kms.describeKey(keyId).description()).isEqualTo(canary);
    }
    assertNoFileContains(dir.resolve("kms"), canary);
  }

  /** A start with the wrong root key refuses to open an earlier version's store and writes nothing to it. */
  @Test
  void aLegacyStoreOpenedWithTheWrongRootKey_isLeftAsItWas() throws Exception {
    String keyId;
    byte[] ciphertext;
    try (LocalKms kms = open()) {
      keyId = kms.createKey("111111111111", "d", null, null, null, Map.of()).keyId();
      ciphertext = kms.encrypt(keyId, new byte[] {5}, Map.of());
    }
    toLegacy();
    Path rootFile = dir.resolve("kms/root.key");
    String good = java.nio.file.Files.readString(rootFile);
    java.nio.file.Files.writeString(rootFile, java.util.Base64.getEncoder().encodeToString(new byte[32]));
    assertThatThrownBy(this::open).isInstanceOf(io.stepwise.persistence.StorageUnavailableException.class)
        .hasMessageContaining("root key does not open");
    java.nio.file.Files.writeString(rootFile, good);
    try (LocalKms kms = open()) {
      assertThat(kms.decrypt(keyId, ciphertext, Map.of())).containsExactly(5);
    }
  }

  /** A damaged row (even its first byte) costs its own key only; the store still opens. */
  @Test
  void aDamagedRow_makesOnlyItsKeyUnusable() throws Exception {
    String damaged;
    String other;
    try (LocalKms kms = open()) {
      damaged = kms.createKey("111111111111", "d", null, null, null, Map.of()).keyId();
      other = kms.createKey("111111111111", "o", null, null, null, Map.of()).keyId();
    }
    byte[] rowKey = ("key/" + damaged).getBytes(StandardCharsets.UTF_8);
    try (Db db = db()) {
      byte[] row = db.get(rowKey);
      row[0] = '{';
      db.put(rowKey, row, true);
    }
    try (LocalKms kms = open()) {
      assertThat(kms.serviceOwnedKeyId()).isNotNull();
      assertThatThrownBy(() -> kms.encrypt(damaged, new byte[] {1}, Map.of())).isInstanceOf(KmsException.class);
      assertThat(kms.decrypt(other, kms.encrypt(other, new byte[] {7}, Map.of()), Map.of())).containsExactly(7);
    }
  }

  /** Once the store is sealed, rows in clear are someone else's: an alias row is ignored, a key row is unusable. */
  @Test
  void rowsInClearInASealedStore_areNotTakenForRealOnes() throws Exception {
    String victim;
    String attacker;
    try (LocalKms kms = open()) {
      victim = kms.createKey("111111111111", "victim", null, null, null, Map.of()).keyId();
      attacker = kms.createKey("222222222222", "attacker", null, null, null, Map.of()).keyId();
      kms.createAlias("111111111111", "alias/prod", victim);
    }
    String forgedKey = UUID.randomUUID().toString();
    try (Db db = db()) {
      db.put("als/zzz".getBytes(StandardCharsets.UTF_8), ("{\"name\":\"alias/prod\",\"keyId\":\"" + attacker
          + "\",\"createdMillis\":1,\"updatedMillis\":1,\"account\":\"111111111111\"}").getBytes(StandardCharsets.UTF_8), true);
      db.put(("key/" + forgedKey).getBytes(StandardCharsets.UTF_8), ("{\"keyId\":\"" + forgedKey + "\",\"description\":\"x\","
          + "\"keySpec\":\"SYMMETRIC_DEFAULT\",\"keyUsage\":\"ENCRYPT_DECRYPT\",\"owner\":\"CUSTOMER\",\"state\":\"ENABLED\","
          + "\"createdMillis\":1,\"rotationEnabled\":false,\"primaryMaterial\":1,\"materials\":[],\"account\":\"111111111111\"}")
          .getBytes(StandardCharsets.UTF_8), true);
    }
    try (LocalKms kms = open()) {
      assertThat(kms.resolveKeyId("111111111111", "alias/prod")).isEqualTo(victim);
      assertThat(kms.listKeys("111111111111")).extracting(KeyMetadata::keyId).containsExactly(victim);
      assertThatThrownBy(() -> kms.encrypt(forgedKey, new byte[] {1}, Map.of())).isInstanceOf(KmsException.class);
    }
  }
}
