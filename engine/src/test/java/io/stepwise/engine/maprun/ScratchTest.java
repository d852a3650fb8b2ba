package io.stepwise.engine.maprun;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScratchTest {
  @TempDir Path dir;

  @Test
  void eachDataDirectoryHasItsOwn_outsideIt_ownerOnly_andPreparingEmptiesIt() throws Exception {
    Path a = dir.resolve("a");
    Path scratch = Scratch.prepare(a);
    assertThat(scratch).isEqualTo(Scratch.of(dir.resolve("b/../a/.")));
    assertThat(scratch).isNotEqualTo(Scratch.of(dir.resolve("b")));
    assertThat(scratch.startsWith(a)).isFalse();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(scratch))).isEqualTo("rwx------");
    Files.createDirectories(scratch.resolve("results/out"));
    Files.writeString(scratch.resolve("results/out/x.json"), "[]");
    Files.writeString(scratch.resolve("items.jsonl"), "{}");
    assertThat(Scratch.prepare(a)).isEqualTo(scratch);
    try (var left = Files.list(scratch)) {
      assertThat(left).isEmpty();
    }
    // gone while the server runs (a cleaner of the temporary directory): made again when next used
    Files.delete(scratch);
    assertThat(Scratch.ready(scratch)).isDirectory();
    Files.delete(scratch);
  }

  @Test
  void aNameTakenByALink_isNotUsed_andWhatItPointsToIsLeftAlone() throws Exception {
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Files.writeString(elsewhere.resolve("keep.txt"), "mine");
    Path data = dir.resolve("linked");
    Files.createSymbolicLink(Scratch.of(data), elsewhere);
    try {
      Path scratch = Scratch.prepare(data);
      assertThat(scratch).isNotEqualTo(Scratch.of(data));
      assertThat(Files.isSymbolicLink(scratch)).isFalse();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(scratch))).isEqualTo("rwx------");
      assertThat(elsewhere.resolve("keep.txt")).hasContent("mine");
      Files.delete(scratch);
    } finally {
      Files.delete(Scratch.of(data));
    }
  }

  @Test
  void aDirectoryOfOursOthersCouldWriteTo_isMadeOwnerOnly() throws Exception {
    Path data = dir.resolve("open");
    Path scratch = Files.createDirectories(Scratch.of(data));
    Files.setPosixFilePermissions(scratch, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThat(Scratch.prepare(data)).isEqualTo(scratch);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(scratch))).isEqualTo("rwx------");
    Files.delete(scratch);
  }
}
