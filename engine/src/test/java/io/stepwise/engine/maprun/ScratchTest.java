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
    Files.delete(scratch);
  }
}
