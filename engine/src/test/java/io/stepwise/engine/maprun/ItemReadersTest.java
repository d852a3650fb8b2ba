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
    Files.writeString(dir.resolve("scalar.json"), "\"neither an array nor an object\"");
    Files.writeString(dir.resolve("bad.jsonl"), "{oops\n");
    Files.writeString(dir.resolve("bad.json.gz"), "not gzip either");
    JsonNode[] failing = {
        reader("{\"InputType\":\"MANIFEST\"}", "manifest.json"),
        reader("{\"InputType\":\"JSON\"}", "bad.json"),
        reader("{\"InputType\":\"JSON\"}", "scalar.json"),
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

  /** A PARQUET object chosen by its VersionId fails before anything is read, in AWS's words (tiny-asl-machine's recorded AWS result). */
  @Test
  void parquetWithAVersionId_failsTheReader() throws Exception {
    JsonNode r = JSON.readTree("{\"Resource\":\"arn:aws:states:::s3:getObject\",\"ReaderConfig\":{\"InputType\":\"PARQUET\"},"
        + "\"Parameters\":{\"Bucket\":\"b\",\"Key\":\"rows.parquet\",\"VersionId\":\"v1\"}}");
    assertThatThrownBy(() -> ItemReaders.of(r, Map.of("b", dir), ObjectStore.NONE)).isInstanceOf(StatesError.class)
        .satisfies(e -> {
          assertThat(((StatesError) e).error()).isEqualTo("States.ItemReaderFailed");
          assertThat(((StatesError) e).cause()).isEqualTo("S3 Version ID selection is not currently supported for PARQUET files");
        });
  }

  /**
   * A JSON object (the file's top level, or where an ItemsPointer points) gives its key-value pairs
   * as items, each {@code {"Key", "Value"}}, in its order and marked keyed, as AWS reads it
   * (floci-io/floci#1588, observed); MaxItems counts pairs.
   */
  @Test
  void aJsonObject_isReadAsItsKeyValuePairs() throws Exception {
    Files.writeString(dir.resolve("object.json"), "{\"b\": {\"x\": 1}, \"a\": [2], \"c\": null}");
    Files.writeString(dir.resolve("nested.json"), "{\"data\": {\"k\": \"v\"}}");
    String[][] cases = {
        {"{\"InputType\":\"JSON\"}", "object.json", "[{\"Key\":\"b\",\"Value\":{\"x\":1}},{\"Key\":\"a\",\"Value\":[2]},{\"Key\":\"c\",\"Value\":null}]"},
        {"{\"InputType\":\"JSON\",\"MaxItems\":2}", "object.json", "[{\"Key\":\"b\",\"Value\":{\"x\":1}},{\"Key\":\"a\",\"Value\":[2]}]"},
        {"{\"InputType\":\"JSON\",\"ItemsPointer\":\"/data\"}", "nested.json", "[{\"Key\":\"k\",\"Value\":\"v\"}]"}};
    for (String[] c : cases) {
      var read = JSON.createArrayNode();
      try (var items = ItemReaders.of(reader(c[0], c[1]), Map.of("b", dir), ObjectStore.NONE)) {
        assertThat(items.keyed()).as(c[0]).isTrue();
        items.forEachRemaining(read::add);
      }
      assertThat(read).as(c[0]).isEqualTo(JSON.readTree(c[2]));
    }
    // read through the S3 endpoint, the object is a downloaded file: still its pairs
    try (var items = ItemReaders.of(reader("{\"InputType\":\"JSON\"}", "remote.json"), Map.of(),
        s3(Map.of("remote.json", "{\"r\": true}")))) {
      assertThat(items.keyed()).isTrue();
      assertThat(items.next()).isEqualTo(JSON.readTree("{\"Key\":\"r\",\"Value\":true}"));
    }
    var fromData = ItemReaders.fromData(reader("{\"InputType\":\"JSON\"}", "any.json"), "{\"k\": 1}");
    assertThat(fromData.keyed()).isTrue();
    assertThat(fromData.items()).isEqualTo(JSON.readTree("[{\"Key\":\"k\",\"Value\":1}]"));
    try (var items = ItemReaders.of(reader("{\"InputType\":\"JSON\"}", "nested.json").deepCopy(), Map.of("b", dir), ObjectStore.NONE)) {
      assertThat(items.next()).isEqualTo(JSON.readTree("{\"Key\":\"data\",\"Value\":{\"k\":\"v\"}}"));
    }
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

  private static long downloads() throws Exception {
    try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return files.filter(f -> f.getFileName().toString().startsWith("stepwise-items")).count();
    }
  }

  /** An S3 that answers GetObject from memory (a manifest and its data files), as a forwarded endpoint would. */
  private static ObjectStore s3(Map<String, String> objects) {
    return new ObjectStore() {
      @Override
      public JsonNode call(String operation, JsonNode parameters) {
        String body = objects.get(parameters.path("Key").asText());
        if (body == null) throw new StatesError("S3.NoSuchKeyException", "The specified key does not exist.", true);
        return JSON.createObjectNode().put("Body", body);
      }

      @Override
      public boolean available() {
        return true;
      }
    };
  }

  @Test
  void objectsReadThroughS3_areDeletedOnceRead_orWhenTheReaderFails() throws Exception {
    ObjectStore s3 = s3(Map.of("m.csv", "s3://b/a.jsonl\ns3://b/b.jsonl\n", "a.jsonl", "{\"n\":1}\n", "b.jsonl", "{\"n\":2}\n",
        "broken.csv", "s3://b/a.jsonl\ns3://b/missing.jsonl\n"));
    long before = downloads();
    try (var items = ItemReaders.of(reader("{\"ManifestType\":\"ATHENA_DATA\",\"InputType\":\"JSONL\"}", "m.csv"), Map.of(), s3)) {
      assertThat(items.next().get("n").asInt()).isEqualTo(1);
      long withTheFirst = downloads();
      assertThat(items.next().get("n").asInt()).isEqualTo(2);
      // the first data file went once read: the manifest and the second are left
      assertThat(downloads()).isEqualTo(withTheFirst).isEqualTo(before + 2);
      assertThat(items.hasNext()).isFalse();
    }
    assertThat(downloads()).isEqualTo(before);
    assertThatThrownBy(() -> {
      try (var items = ItemReaders.of(reader("{\"ManifestType\":\"ATHENA_DATA\",\"InputType\":\"JSONL\"}", "broken.csv"),
          Map.of(), s3)) {
        while (items.hasNext()) items.next();
      }
    }).isInstanceOfSatisfying(StatesError.class, e -> assertThat(e.cause()).contains("NoSuchKey"));
    assertThat(downloads()).isEqualTo(before);
    assertThatThrownBy(() -> ItemReaders.of(reader("{\"InputType\":\"JSONL\"}", "nothing.jsonl"), Map.of(), s3))
        .isInstanceOf(StatesError.class);
    assertThat(downloads()).isEqualTo(before);
    // a reader that fails as it opens names the object, not its temporary file
    ObjectStore objectS3 = s3(Map.of("scalar.json", "\"neither an array nor an object\""));
    assertThatThrownBy(() -> ItemReaders.of(reader("{\"InputType\":\"JSON\"}", "scalar.json"), Map.of(), objectS3))
        .isInstanceOfSatisfying(StatesError.class, e -> assertThat(e.cause()).contains("s3://b/scalar.json")
            .doesNotContain("stepwise-items"));
    assertThat(downloads()).isEqualTo(before);
  }
}
