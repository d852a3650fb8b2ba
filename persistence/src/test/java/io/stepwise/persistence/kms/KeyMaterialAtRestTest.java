package io.stepwise.persistence.kms;

import static io.stepwise.persistence.kms.LocalKmsTest.indexOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.persistence.TestStorage.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key store holds key material only sealed under the root key: neither raw nor base64. */
class KeyMaterialAtRestTest {
  @TempDir Path dir;

  @Test
  void keyStore_holdsNoKeyMaterialInPlaintext_symmetricRotatedOrRsa() throws Exception {
    List<byte[]> secrets = new ArrayList<>();
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    try (LocalKms kms = LocalKms.open(dir.resolve("kms"), dir, "STEPWISE_TEST_UNSET_ROOT_KEY", clock)) {
      String symmetric = kms.createKey("s", null).keyId();
      kms.rotateKeyOnDemand(symmetric);
      String rsa = kms.createKey("r", "RSA_2048", "ENCRYPT_DECRYPT", null, Map.of("t", "v")).keyId();
      kms.createAlias("alias/r", rsa);
      secrets.add(kms.rawMaterial(symmetric, 1));
      secrets.add(kms.rawMaterial(symmetric, 2));
      secrets.add(kms.rawMaterial(kms.serviceOwnedKeyId(), 1));
      secrets.add(kms.rawMaterial(rsa, 1));
    }
    assertThat(secrets.get(0)).isNotEqualTo(secrets.get(1));
    List<Path> files;
    try (var walk = Files.walk(dir.resolve("kms/store"))) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    assertThat(files).isNotEmpty();
    for (Path f : files) {
      byte[] content = Files.readAllBytes(f);
      for (byte[] secret : secrets) {
        // An RSA key's PKCS#8 starts with a header every RSA key shares: look at its private part.
        byte[] head = secret.length > 64 ? java.util.Arrays.copyOfRange(secret, 300, 324) : java.util.Arrays.copyOf(secret, 24);
        assertThat(indexOf(content, head)).as("raw material in %s", f).isEqualTo(-1);
        byte[] b64 = Base64.getEncoder().encodeToString(head).substring(0, 28).getBytes(StandardCharsets.US_ASCII);
        assertThat(indexOf(content, b64)).as("base64 material in %s", f).isEqualTo(-1);
      }
    }
  }

  /**
   * Deleting a key erases its material: once its deletion date passes, no file of the data
   * directory holds any version of its sealed record (every change rewrote it), nor its raw material.
   */
  @Test
  void deletedKey_leavesNoSealedMaterialInAnyFile() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    List<byte[]> sealed = new ArrayList<>();
    byte[] raw;
    String keyId;
    try (LocalKms kms = LocalKms.open(dir.resolve("kms"), dir, "STEPWISE_TEST_UNSET_ROOT_KEY", clock)) {
      keyId = kms.createKey("doomed", null).keyId();
      raw = kms.rawMaterial(keyId, 1);
    }
    sealed.add(sealedRow(dir, keyId));
    // every change rewrites the sealed row (same material): each version must go
    try (LocalKms kms = LocalKms.open(dir.resolve("kms"), dir, "STEPWISE_TEST_UNSET_ROOT_KEY", clock)) {
      kms.tag(keyId, Map.of("a", "b"));
    }
    sealed.add(sealedRow(dir, keyId));
    try (LocalKms kms = LocalKms.open(dir.resolve("kms"), dir, "STEPWISE_TEST_UNSET_ROOT_KEY", clock)) {
      kms.setRotation(keyId, true);
    } // closed and opened again below, so that the rows are in table files, not only in the log
    sealed.add(sealedRow(dir, keyId));
    try (LocalKms kms = LocalKms.open(dir.resolve("kms"), dir, "STEPWISE_TEST_UNSET_ROOT_KEY", clock)) {
      for (byte[] s : sealed) assertThat(filesHolding(dir, s)).as("present before deletion").isNotEmpty();
      kms.scheduleKeyDeletion(keyId, 7);
      clock.advance(java.time.Duration.ofDays(8));
      kms.listKeys(); // destroys what is due
      for (byte[] s : sealed) assertThat(filesHolding(dir, s)).as("sealed row after deletion").isEmpty();
      assertThat(filesHolding(dir, java.util.Arrays.copyOf(raw, 24))).isEmpty();
    }
    for (byte[] s : sealed) assertThat(filesHolding(dir, s)).as("sealed row after close").isEmpty();
  }

  /** 32 bytes from the middle of the key's sealed row as it is stored now (the store closed). */
  private static byte[] sealedRow(Path dir, String keyId) {
    try (io.stepwise.persistence.internal.Db db = io.stepwise.persistence.internal.Db.open(dir.resolve("kms/store"), dir)) {
      byte[] row = db.get(("key/" + keyId).getBytes(StandardCharsets.UTF_8));
      assertThat(row[0]).as("sealed").isEqualTo(KeyStore.SEALED);
      return java.util.Arrays.copyOfRange(row, row.length / 2, row.length / 2 + 32);
    }
  }

  private static List<Path> filesHolding(Path dir, byte[] needle) throws Exception {
    List<Path> out = new ArrayList<>();
    try (var walk = Files.walk(dir)) {
      for (Path f : walk.filter(Files::isRegularFile).toList()) {
        if (indexOf(Files.readAllBytes(f), needle) >= 0) out.add(f);
      }
    }
    return out;
  }
}
