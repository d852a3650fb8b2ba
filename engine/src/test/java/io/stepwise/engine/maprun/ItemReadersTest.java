package io.stepwise.engine.maprun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.asl.StatesError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Item readers that fail leave no file open, and manifests cannot reach outside a bucket's directory. */
class ItemReadersTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  private static long openFiles() throws Exception {
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  private static JsonNode reader(String config, String key) throws Exception {
    return JSON.readTree("{\"Resource\":\"arn:aws:states:::s3:getObject\",\"ReaderConfig\":" + config
        + ",\"Parameters\":{\"Bucket\":\"b\",\"Key\":\"" + key + "\"}}");
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void readersThatFailAtTheirFirstItem_closeTheirFile() throws Exception {
    Files.writeString(dir.resolve("manifest.json"),
        "{\"fileFormat\":\"CSV\",\"fileSchema\":\"Bucket, Key\",\"files\":[{\"key\":\"data.csv.gz\"}]}");
    Files.writeString(dir.resolve("data.csv.gz"), "not gzip at all");
    Files.writeString(dir.resolve("bad.json"), "[{\"a\": ");
    Files.writeString(dir.resolve("object.json"), "{\"not\": \"an array\"}");
    Files.writeString(dir.resolve("bad.jsonl"), "{oops\n");
    Files.writeString(dir.resolve("bad.json.gz"), "not gzip either");
    JsonNode[] failing = {
        reader("{\"InputType\":\"MANIFEST\"}", "manifest.json"),
        reader("{\"InputType\":\"JSON\"}", "bad.json"),
        reader("{\"InputType\":\"JSON\"}", "object.json"),
        reader("{\"InputType\":\"JSONL\"}", "bad.jsonl"),
        reader("{\"InputType\":\"JSON\"}", "bad.json.gz")};
    long before = openFiles();
    for (int i = 0; i < 40; i++) {
      for (JsonNode r : failing) {
        assertThatThrownBy(() -> {
          try (var items = ItemReaders.of(r, Map.of("b", dir), ObjectStore.NONE)) {
            while (items.hasNext()) items.next();
          }
        }).isInstanceOf(StatesError.class);
      }
    }
    assertThat(openFiles() - before).as("files left open by 200 failed reads").isLessThan(5);
  }

  @Test
  void aManifestNamingAFileOutsideItsBucket_isRefused() throws Exception {
    Path bucket = Files.createDirectories(dir.resolve("bucket"));
    Files.writeString(dir.resolve("secret.csv"), "x,y\n1,2\n");
    Files.writeString(bucket.resolve("m.csv"), "s3://b/../secret.csv\n");
    try (var items = ItemReaders.of(reader("{\"ManifestType\":\"ATHENA_DATA\",\"InputType\":\"CSV\"}", "m.csv"),
        Map.of("b", bucket), ObjectStore.NONE)) {
      assertThatThrownBy(items::hasNext).hasMessageContaining("NoSuchKey");
    }
  }
}
