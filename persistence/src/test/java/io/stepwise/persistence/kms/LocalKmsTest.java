package io.stepwise.persistence.kms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stepwise.persistence.StorageUnavailableException;
import io.stepwise.persistence.internal.Db;
import io.stepwise.persistence.TestStorage.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalKmsTest {
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final Map<String, String> ctx = Map.of("aws:states:stateMachineArn", "arn:aws:states:us-east-1:1:stateMachine:m");

  private LocalKms open() {
    return LocalKms.open(dir.resolve("kms"), dir, "STEPWISE_TEST_UNSET_ROOT_KEY", clock);
  }

  @Test
  void firstStart_createsOwnerOnlyRootKeyAndServiceKey() throws Exception {
    try (LocalKms kms = open()) {
      assertThat(kms.describeKey(kms.serviceOwnedKeyId()).owner()).isEqualTo(KeyOwner.AWS);
      assertThat(kms.listKeys()).isEmpty();
    }
    Path root = dir.resolve("kms/root.key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root))).isEqualTo("rw-------");
    assertThat(Base64.getDecoder().decode(Files.readString(root).trim())).hasSize(32);
  }

  @Test
  void dataKey_unwrapsAfterRestartWithSameContext() {
    String serviceKey;
    DataKey dk;
    try (LocalKms kms = open()) {
      serviceKey = kms.serviceOwnedKeyId();
      dk = kms.generateDataKey(serviceKey, ctx);
    }
    try (LocalKms kms = open()) {
      assertThat(kms.serviceOwnedKeyId()).isEqualTo(serviceKey);
      assertThat(kms.decrypt(serviceKey, dk.ciphertextBlob(), ctx)).isEqualTo(dk.plaintext());
      assertThat(kms.decrypt(null, dk.ciphertextBlob(), ctx)).isEqualTo(dk.plaintext());
    }
  }

  @Test
  void otherContext_isInvalidCiphertext() {
    try (LocalKms kms = open()) {
      DataKey dk = kms.generateDataKey(kms.serviceOwnedKeyId(), ctx);
      assertThatThrownBy(() -> kms.decrypt(null, dk.ciphertextBlob(), Map.of()))
          .isInstanceOfSatisfying(KmsException.class, e -> assertThat(e.code()).isEqualTo(KmsException.Code.INVALID_CIPHERTEXT));
    }
  }

  @Test
  void unknownKeyId_isNotFound() {
    try (LocalKms kms = open()) {
      assertThatThrownBy(() -> kms.generateDataKey("5f1b1d6e-0000-4000-8000-000000000000", ctx))
          .isInstanceOfSatisfying(KmsException.class, e -> assertThat(e.code()).isEqualTo(KmsException.Code.NOT_FOUND));
    }
  }

  @Test
  void blobOfOneKey_withOtherKeyId_isIncorrectKey() {
    try (LocalKms kms = open()) {
      KeyMetadata customer = kms.createKey("c", null);
      DataKey dk = kms.generateDataKey(kms.serviceOwnedKeyId(), ctx);
      assertThatThrownBy(() -> kms.decrypt(customer.keyId(), dk.ciphertextBlob(), ctx))
          .isInstanceOfSatisfying(KmsException.class, e -> assertThat(e.code()).isEqualTo(KmsException.Code.INCORRECT_KEY));
    }
  }

  @Test
  void disabledKey_refusesUntilEnabled() {
    try (LocalKms kms = open()) {
      String id = kms.createKey("c", null).keyId();
      DataKey dk = kms.generateDataKey(id, ctx);
      kms.disableKey(id);
      assertThatThrownBy(() -> kms.decrypt(id, dk.ciphertextBlob(), ctx))
          .isInstanceOfSatisfying(KmsException.class, e -> {
            assertThat(e.code()).isEqualTo(KmsException.Code.DISABLED);
            assertThat(e.keyState()).contains(KeyState.DISABLED);
          });
      kms.enableKey(id);
      assertThat(kms.decrypt(id, dk.ciphertextBlob(), ctx)).isEqualTo(dk.plaintext());
    }
  }

  @Test
  void rotation_keepsOldCiphertextsReadable() {
    try (LocalKms kms = open()) {
      String id = kms.createKey("c", null).keyId();
      DataKey before = kms.generateDataKey(id, ctx);
      assertThat(kms.rotateKeyOnDemand(id).primaryMaterial()).isEqualTo(2);
      DataKey after = kms.generateDataKey(id, ctx);
      assertThat(kms.decrypt(id, before.ciphertextBlob(), ctx)).isEqualTo(before.plaintext());
      assertThat(kms.decrypt(id, after.ciphertextBlob(), ctx)).isEqualTo(after.plaintext());
    }
    try (LocalKms kms = open()) {
      assertThat(kms.listKeys()).singleElement().satisfies(k -> assertThat(k.primaryMaterial()).isEqualTo(2));
    }
  }

  @Test
  void scheduledDeletion_destroysKeyWhenDue() {
    try (LocalKms kms = open()) {
      String id = kms.createKey("c", null).keyId();
      DataKey dk = kms.generateDataKey(id, ctx);
      kms.scheduleKeyDeletion(id, 7);
      assertThatThrownBy(() -> kms.decrypt(id, dk.ciphertextBlob(), ctx))
          .isInstanceOfSatisfying(KmsException.class, e -> assertThat(e.code()).isEqualTo(KmsException.Code.INVALID_STATE));
      clock.advance(Duration.ofDays(7));
      assertThatThrownBy(() -> kms.describeKey(id))
          .isInstanceOfSatisfying(KmsException.class, e -> assertThat(e.code()).isEqualTo(KmsException.Code.NOT_FOUND));
    }
    try (LocalKms kms = open()) {
      assertThat(kms.listKeys()).isEmpty();
    }
  }

  @Test
  void wrongRootKey_failsAtOpenWithClearMessage() throws Exception {
    open().close();
    Files.writeString(dir.resolve("kms/root.key"), Base64.getEncoder().encodeToString(new byte[32]));
    assertThatThrownBy(this::open)
        .isInstanceOf(StorageUnavailableException.class)
        .hasMessageContaining("root key does not open");
  }

  @Test
  void rootKeyReadableByOthers_isRefusedAtOpen() throws Exception {
    open().close();
    Path root = dir.resolve("kms/root.key");
    for (String perms : new String[] {"rw-r--r--", "rw-r-----", "rw----r--", "rw--w----"}) {
      Files.setPosixFilePermissions(root, PosixFilePermissions.fromString(perms));
      assertThatThrownBy(this::open).as(perms)
          .isInstanceOf(StorageUnavailableException.class)
          .hasMessageContaining("accessible by others").hasMessageContaining("chmod 600");
    }
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("r--------"));
    open().close();
  }

  @Test
  void kmsStore_neverHoldsDataKeyPlaintext() throws Exception {
    byte[] raw;
    try (LocalKms kms = open()) {
      String id = kms.createKey("c", null).keyId();
      raw = kms.generateDataKey(id, ctx).plaintext();
    }
    try (var files = Files.walk(dir.resolve("kms/store"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(indexOf(Files.readAllBytes(f), raw)).as(f.toString()).isEqualTo(-1);
      }
    }
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** Keys and aliases belong to an account; those from before keys had owners are given to the default account once. */
  @Test
  void keysAndAliases_arePerAccount_andUnownedOnesAreAdopted() {
    String legacyKey;
    try (LocalKms kms = open()) {
      legacyKey = kms.createKey("old", null).keyId();
      kms.createAlias("alias/old", legacyKey);
      String a = kms.createKey("111111111111", "a", null, null, null, java.util.Map.of()).keyId();
      String b = kms.createKey("222222222222", "b", null, null, null, java.util.Map.of()).keyId();
      kms.createAlias("111111111111", "alias/app", a);
      kms.createAlias("222222222222", "alias/app", b);
      assertThat(kms.resolveKeyId("111111111111", "alias/app")).isEqualTo(a);
      assertThat(kms.resolveKeyId("222222222222", "alias/app")).isEqualTo(b);
      assertThat(kms.listKeys("111111111111")).extracting(KeyMetadata::keyId).containsExactly(a);
      assertThatThrownBy(() -> kms.resolveKeyId("111111111111", b)).isInstanceOf(KmsException.class);
      assertThat(kms.resolveKeyId("111111111111", "arn:aws:kms:us-east-1:222222222222:key/" + b)).isEqualTo(b);
      assertThat(kms.resolveKeyId("111111111111", "arn:aws:kms:us-east-1:222222222222:alias/app")).isEqualTo(b);
      kms.adoptUnowned("111111111111");
    }
    try (LocalKms kms = open()) {
      assertThat(kms.describeKey(legacyKey).account()).isEqualTo("111111111111");
      assertThat(kms.resolveKeyId("111111111111", "alias/old")).isEqualTo(legacyKey);
      assertThat(kms.listAliases("111111111111")).extracting(KmsAlias::aliasName).containsExactly("alias/app", "alias/old");
      assertThat(kms.listAliases("222222222222")).extracting(KmsAlias::aliasName).containsExactly("alias/app");
    }
  }

  /**
   * A key's row is sealed and bound to its place: a row changed on disk (one bit of a DISABLED
   * key's row, say) leaves that key unusable instead of enabling it; other keys are unaffected.
   */
  @Test
  void keyRecordEditedOnDisk_makesTheKeyUnusable_notEnabled() throws Exception {
    String disabled;
    String other;
    try (LocalKms kms = open()) {
      disabled = kms.createKey("d", null).keyId();
      other = kms.createKey("o", null).keyId();
      kms.disableKey(disabled);
    }
    byte[] rowKey = ("key/" + disabled).getBytes(StandardCharsets.UTF_8);
    try (Db db = Db.open(dir.resolve("kms/store"), dir)) {
      byte[] row = db.get(rowKey);
      assertThat(row[0]).as("sealed").isEqualTo(KeyStore.SEALED);
      row[row.length / 2] ^= 1;
      db.put(rowKey, row, true);
    }
    try (LocalKms kms = open()) {
      assertThatThrownBy(() -> kms.encrypt(disabled, new byte[] {1}, Map.of()))
          .isInstanceOfSatisfying(KmsException.class, e -> assertThat(e.getMessage()).contains("changed outside Stepwise"));
      assertThatThrownBy(() -> kms.enableKey(disabled)).isInstanceOf(KmsException.class);
      assertThat(kms.listKeys("123456789012")).extracting(KeyMetadata::keyId).doesNotContain(disabled);
      assertThat(kms.decrypt(other, kms.encrypt(other, new byte[] {7}, Map.of()), Map.of())).containsExactly(7);
    }
  }

  /** Nothing a customer chose is in clear in any file of the KMS store: descriptions, tags, policies, alias names. */
  @Test
  void descriptionsTagsPoliciesAndAliasNames_areNotInClearInAnyFile() throws Exception {
    String canary = "kmscanary" + java.util.UUID.randomUUID().toString().replace("-", "");
    String policy = "{\"Version\":\"2012-10-17\",\"Id\":\"" + canary + "-policy\",\"Statement\":[{\"Effect\":\"Allow\","
        + "\"Principal\":{\"AWS\":\"arn:aws:iam::111111111111:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}";
    String keyId;
    try (LocalKms kms = open()) {
      keyId = kms.createKey("111111111111", canary + "-description", null, null, policy,
          Map.of(canary + "-tagkey", canary + "-tagvalue")).keyId();
      kms.createAlias("111111111111", "alias/" + canary + "-alias", keyId);
      kms.disableKey(keyId); // a state change rewrites the row
      kms.enableKey(keyId);
    }
    assertNoFileContains(dir.resolve("kms/store"), canary);
    try (LocalKms kms = open()) {
      assertThat(kms.describeKey(keyId).description()).isEqualTo(canary + "-description");
      assertThat(kms.tags(keyId)).containsEntry(canary + "-tagkey", canary + "-tagvalue");
      assertThat(kms.keyPolicy(keyId)).isEqualTo(policy);
      assertThat(kms.resolveKeyId("111111111111", "alias/" + canary + "-alias")).isEqualTo(keyId);
    }
  }

  static void assertNoFileContains(Path store, String canary) throws Exception {
    byte[] needle = canary.getBytes(StandardCharsets.UTF_8);
    try (var files = Files.walk(store)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(indexOf(Files.readAllBytes(f), needle)).as(f.toString()).isEqualTo(-1);
      }
    }
  }

  /** Material bound to its row opens again after a restart, and decrypts what it encrypted. */
  @Test
  void boundMaterial_opensAgainAfterARestart() throws Exception {
    String keyId;
    byte[] ciphertext;
    try (LocalKms kms = open()) {
      keyId = kms.createKey("k", null).keyId();
      ciphertext = kms.encrypt(keyId, new byte[] {9}, Map.of());
    }
    try (LocalKms kms = open()) {
      assertThat(kms.decrypt(keyId, ciphertext, Map.of())).containsExactly(9);
    }
  }
}
