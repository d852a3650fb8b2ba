package io.stepwise.persistence.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NativeLibraryTest {
  @TempDir Path dir;

  /** The platforms the README names: Linux and macOS, each on x86-64 and on arm64 (aarch64). */
  @ParameterizedTest
  @ValueSource(strings = {
      "linux64/libleveldbjni.so", "linux64/aarch64/libleveldbjni.so",
      "osx/libleveldbjni.jnilib", "osx64/aarch64/libleveldbjni.jnilib"})
  void levelDbNatives_shipForEverySupportedPlatform(String library) throws Exception {
    try (var in = Db.class.getClassLoader().getResourceAsStream("META-INF/native/" + library)) {
      assertThat(in).as(library).isNotNull();
      assertThat(in.readNBytes(4)).as("a native library, not a placeholder").hasSize(4);
    }
  }

  @Test
  void levelDbNative_loadsOnThisMachinesArchitecture() throws Exception {
    try (Db db = Db.open(dir.resolve("arch"), dir)) {
      db.put("k".getBytes(), ("v-" + System.getProperty("os.arch")).getBytes(), true);
      assertThat(new String(db.get("k".getBytes()))).isEqualTo("v-" + System.getProperty("os.arch"));
    }
  }

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
