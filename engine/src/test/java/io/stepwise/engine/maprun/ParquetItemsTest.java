package io.stepwise.engine.maprun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.asl.StatesError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ItemReader InputType PARQUET: each row an item, its columns' values as JSON holds them. The
 * fixtures were written by Apache Parquet's own writer (src/test/resources/parquet/ParquetFixtures.java.txt):
 * one schema with every kind of column, compressed each way, and 5,000 rows in many row groups.
 */
class ParquetItemsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  private Path fixture(String name) throws Exception {
    Path file = dir.resolve(name);
    try (var in = getClass().getResourceAsStream("/parquet/" + name)) {
      Files.copy(in, file);
    }
    return file;
  }

  private List<JsonNode> read(String config, String key) throws Exception {
    JsonNode reader = JSON.readTree("{\"Resource\":\"arn:aws:states:::s3:getObject\",\"ReaderConfig\":" + config
        + ",\"Parameters\":{\"Bucket\":\"b\",\"Key\":\"" + key + "\"}}");
    List<JsonNode> out = new ArrayList<>();
    try (var items = ItemReaders.of(reader, Map.of("b", dir), ObjectStore.NONE)) {
      // as an item is written into a child's input, and read there
      while (items.hasNext()) out.add(JSON.readTree(JSON.writeValueAsString(items.next())));
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"uncompressed", "snappy", "gzip", "zstd", "lz4_raw", "v2"})
  void everyKindOfColumn_becomesItsJsonValue_whateverTheCodec(String codec) throws Exception {
    fixture("types-" + codec + ".parquet");
    List<JsonNode> rows = read("{\"InputType\":\"PARQUET\"}", "types-" + codec + ".parquet");
    assertThat(rows).hasSize(6);
    assertThat(rows.get(0)).isEqualTo(JSON.readTree("""
        {"id": 0, "big": 10000000000, "flag": true, "f": 0.0, "d": 0.0, "s": "row 0", "raw": null,
         "day": "2022-01-08", "at_ms": 1700000000123, "at_us": 1700000000123, "price": 123.45,
         "tags": [0], "attrs": {"k0": 0}, "point": {"x": 0, "label": "p0"}}"""));
    // binary without an annotation in base64; a list of two; micros floored to milliseconds
    assertThat(rows.get(1)).isEqualTo(JSON.readTree("""
        {"id": 1, "big": 10000000001, "flag": false, "f": 0.5, "d": 0.25, "s": "row 1", "raw": "AAH+",
         "day": "2022-01-09", "at_ms": 1700000000124, "at_us": 1700000000123, "price": 123.46,
         "tags": [10, 11], "attrs": {"k1": 1}, "point": {"x": 1, "label": "p1"}}"""));
    // absent values are null, every column is present
    assertThat(rows.get(2)).isEqualTo(JSON.readTree("""
        {"id": 2, "big": 10000000002, "flag": true, "f": 1.0, "d": 0.5, "s": null, "raw": null,
         "day": null, "at_ms": null, "at_us": null, "price": null, "tags": null, "attrs": null, "point": null}"""));
    assertThat(rows.get(4).get("tags")).isEqualTo(JSON.readTree("[40, 41]"));
    assertThat(rows.get(5).get("tags").isNull()).isTrue();
  }

  @Test
  void decimals_areExact_andTimestampsWholeMilliseconds() throws Exception {
    Path file = fixture("types-snappy.parquet");
    try (var items = ParquetItems.open(file, "types-snappy.parquet")) {
      JsonNode row = items.next();
      assertThat(row.get("price").isBigDecimal()).isTrue();
      assertThat(row.get("price").decimalValue()).isEqualByComparingTo("123.45");
      assertThat(row.get("price").decimalValue().scale()).isEqualTo(2);
      assertThat(row.get("at_us").isIntegralNumber()).isTrue();
    }
  }

  @Test
  void aCodecThisServerDoesNotRead_isNamedBeforeAnyRow() throws Exception {
    fixture("brotli.parquet");
    assertThatThrownBy(() -> read("{\"InputType\":\"PARQUET\"}", "brotli.parquet"))
        .isInstanceOfSatisfying(StatesError.class, e -> {
          assertThat(e.error()).isEqualTo("States.ItemReaderFailed");
          assertThat(e.cause()).contains("brotli.parquet", "BROTLI", "does not read");
        });
  }

  @Test
  void aClosedReader_hasNoMoreRows() throws Exception {
    Path file = fixture("many.parquet");
    var items = ParquetItems.open(file, "many.parquet");
    assertThat(items.next().get("id").asInt()).isZero();
    items.close();
    assertThat(items.hasNext()).isFalse();
  }

  @Test
  void manyRowGroups_areReadInOrder_andMaxItemsStopsEarly() throws Exception {
    fixture("many.parquet");
    List<JsonNode> rows = read("{\"InputType\":\"PARQUET\"}", "many.parquet");
    assertThat(rows).hasSize(5000);
    for (int i = 0; i < rows.size(); i++) assertThat(rows.get(i).get("id").asInt()).isEqualTo(i);
    assertThat(read("{\"InputType\":\"PARQUET\",\"MaxItems\":3}", "many.parquet")).extracting(r -> r.get("id").asInt())
        .containsExactly(0, 1, 2);
  }

  @Test
  void anAthenaManifestOfParquetFiles_readsEachInTurn() throws Exception {
    fixture("types-snappy.parquet");
    fixture("types-zstd.parquet");
    Files.writeString(dir.resolve("manifest.csv"), "s3://b/types-snappy.parquet\ns3://b/types-zstd.parquet\n");
    List<JsonNode> rows = read("{\"ManifestType\":\"ATHENA_DATA\",\"InputType\":\"PARQUET\"}", "manifest.csv");
    assertThat(rows).extracting(r -> r.get("id").asInt()).containsExactly(0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5);
  }

  @Test
  void anObjectThatIsNotParquet_failsTheReaderWithItsName() throws Exception {
    Files.writeString(dir.resolve("fake.parquet"), "{\"not\": \"parquet\"}");
    assertThatThrownBy(() -> read("{\"InputType\":\"PARQUET\"}", "fake.parquet"))
        .isInstanceOfSatisfying(StatesError.class, e -> {
          assertThat(e.error()).isEqualTo("States.ItemReaderFailed");
          assertThat(e.cause()).contains("fake.parquet").contains("not a readable Parquet file");
        });
  }
}
