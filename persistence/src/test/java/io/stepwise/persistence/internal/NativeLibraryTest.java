package io.stepwise.persistence.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class NativeLibraryTest {
  @TempDir Path dir;

  @Test
  @EnabledOnOs(OS.LINUX)
  void levelDbLibrary_isLoadedFromOneCopyInAFolderOnlyItsUserCanWrite() throws Exception {
    try (Db db = Db.open(dir.resolve("db"), dir)) {
      db.put("k".getBytes(), "v".getBytes(), false);
    }
    String folder = System.getProperty("library.leveldbjni.path");
    assertThat(folder).isNotNull();
    Path lib = Path.of(folder, System.mapLibraryName("leveldbjni"));
    assertThat(lib).isRegularFile();
    assertThat(Files.getPosixFilePermissions(Path.of(folder))).containsExactlyInAnyOrder(
        PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
    assertThat(Files.getOwner(Path.of(folder)).getName()).isEqualTo(System.getProperty("user.name"));
    // No per-start copy in the temp directory, as HawtJNI makes on its own.
    try (var tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      long modifiedBefore = Files.getLastModifiedTime(lib).toMillis();
      assertThat(tmp.filter(p -> p.getFileName().toString().startsWith("libleveldbjni"))
          .filter(p -> p.toFile().lastModified() >= modifiedBefore)).isEmpty();
    }
  }
}
