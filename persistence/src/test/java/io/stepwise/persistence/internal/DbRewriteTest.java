package io.stepwise.persistence.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Db#rewrite}: live rows only, and a rewrite cut short at any point is finished or undone. */
class DbRewriteTest {
  @TempDir
  Path root;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> rows(Db db) {
    List<String> out = new ArrayList<>();
    db.scan(new byte[] {0}, new byte[] {(byte) 0xFF}, e -> {
      out.add(new String(e.getKey(), StandardCharsets.UTF_8) + "=" + new String(e.getValue(), StandardCharsets.UTF_8));
      return Db.Scan.CONTINUE;
    });
    return out;
  }

  private static boolean anyFileHolds(Path dir, String text) throws Exception {
    byte[] needle = b(text);
    try (var walk = Files.walk(dir)) {
      for (Path f : walk.filter(Files::isRegularFile).toList()) {
        byte[] hay = Files.readAllBytes(f);
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
          for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
          return true;
        }
      }
    }
    return false;
  }

  @Test
  void aRewrite_keepsLiveRowsOnly_andNoFileNamesADeletedKey() throws Exception {
    Path dir = root.resolve("journal");
    Db db = Db.open(dir, root);
    db.put(b("a-kept"), b("1"), true);
    db.put(b("secret-deleted-key"), b("2"), true);
    db.put(b("marker"), b("x"), true);
    db.compactRange(null, null);
    try (var batch = db.newBatch()) {
      batch.delete(b("secret-deleted-key"));
      db.write(batch, true);
    }
    db.compactRange(null, null);
    Db copy = db.rewrite(b("marker"), root);
    try {
      assertThat(rows(copy)).containsExactly("a-kept=1");
    } finally {
      copy.close();
    }
    assertThat(anyFileHolds(dir, "secret-deleted-key")).isFalse();
    assertThat(Files.exists(root.resolve("journal.old"))).isFalse();
    assertThat(Files.exists(root.resolve("journal.rewrite"))).isFalse();
  }

  @Test
  void anUnfinishedCopy_isDropped_andTheStoreOpensAsItWas() throws Exception {
    Path dir = root.resolve("journal");
    try (Db db = Db.open(dir, root)) {
      db.put(b("k"), b("v"), true);
    }
    Path copy = root.resolve("journal.rewrite");
    Files.createDirectories(copy);
    Files.writeString(copy.resolve("000003.log"), "torn");
    try (Db db = Db.open(dir, root)) {
      assertThat(rows(db)).containsExactly("k=v");
    }
    assertThat(Files.exists(copy)).isFalse();
  }

  @Test
  void aCompleteCopy_whoseSwapWasCutShort_takesTheOldStoresPlace() throws Exception {
    Path dir = root.resolve("journal");
    try (Db db = Db.open(dir, root)) {
      db.put(b("k"), b("old"), true);
    }
    try (Db copy = Db.open(root.resolve("journal.rewrite"), root)) {
      copy.put(b("k"), b("copied"), true);
    }
    // The crash came after the old store was set aside, before the copy was moved in.
    Files.move(dir, root.resolve("journal.old"));
    try (Db db = Db.open(dir, root)) {
      assertThat(rows(db)).containsExactly("k=copied");
    }
    assertThat(Files.exists(root.resolve("journal.old"))).isFalse();
    assertThat(Files.exists(root.resolve("journal.rewrite"))).isFalse();
  }

  @Test
  void anOldStoreAlone_isTheStore() throws Exception {
    Path dir = root.resolve("journal");
    try (Db db = Db.open(dir, root)) {
      db.put(b("k"), b("v"), true);
    }
    Files.move(dir, root.resolve("journal.old"));
    assertThat(Db.exists(dir)).isTrue();
    try (Db db = Db.open(dir, root)) {
      assertThat(rows(db)).containsExactly("k=v");
    }
  }
}
