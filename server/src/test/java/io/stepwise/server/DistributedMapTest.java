package io.stepwise.server;

import static io.stepwise.server.ExecutionApiTest.awaitEnd;
import static io.stepwise.server.ExecutionApiTest.history;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.DescribeMapRunResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.MapRunStatus;

/**
 * Distributed Maps run as Map Runs of child executions, through the SDK: items from the state's
 * input or from an ItemReader over a local directory mapped to a bucket, ItemSelector,
 * ItemBatcher, tolerated failures, ResultWriter, and the Map Run actions.
 */
class DistributedMapTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  private static String create(SfnClient sfn, String name, String definition) {
    return sfn.createStateMachine(b -> b.name(name).roleArn(Definitions.ROLE).definition(definition)).stateMachineArn();
  }

  private static DescribeExecutionResponse run(SfnClient sfn, String machine, String input) throws Exception {
    return awaitEnd(sfn, sfn.startExecution(b -> b.stateMachineArn(machine).input(input)).executionArn());
  }

  @Test
  void tenThousandItemsFromJsonl_inBatches_withToleratedFailures_countedInDescribeMapRun() throws Exception {
    Path bucket = Files.createDirectories(dir.resolve("bucket"));
    StringBuilder jsonl = new StringBuilder();
    for (int i = 0; i < 10_000; i++) {
      // one item in 500 spoils its batch of 10 (at its place 7): 20 of the 1,000 children fail
      jsonl.append("{\"n\":").append(i).append(",\"bad\":").append(i % 500 == 7).append("}\n");
    }
    Files.createDirectories(bucket.resolve("in"));
    Files.writeString(bucket.resolve("in/items.jsonl"), jsonl);
    try (TestServer server = TestServer.start(dir.resolve("data"),
        Map.of("stepwise.engine.bucket-directories.my-bucket", bucket.toString())); SfnClient sfn = server.sfn()) {
      String machine = create(sfn, "batches", """
          {"StartAt": "Each", "States": {"Each": {"Type": "Map", "Label": "Batches",
            "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSONL"},
              "Parameters": {"Bucket": "my-bucket", "Key.$": "$.key"}},
            "ItemBatcher": {"MaxItemsPerBatch": 10, "BatchInput": {"run.$": "$.run"}},
            "ToleratedFailureCount": 250,
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
              "StartAt": "Check", "States": {
                "Check": {"Type": "Choice", "Choices": [{"Variable": "$.Items[7].bad", "BooleanEquals": true, "Next": "Spoiled"}],
                  "Default": "Sum"},
                "Spoiled": {"Type": "Fail", "Error": "Item.Bad", "Cause": "a bad item"},
                "Sum": {"Type": "Pass", "Parameters": {"first.$": "$.Items[0].n", "run.$": "$.BatchInput.run"}, "End": true}}},
            "ResultPath": null, "End": true}}}""");
      DescribeExecutionResponse d = run(sfn, machine, "{\"key\": \"in/items.jsonl\", \"run\": \"r1\"}");
      assertThat(d.status()).as(d.error() + " " + d.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);

      var runs = sfn.listMapRuns(b -> b.executionArn(d.executionArn())).mapRuns();
      assertThat(runs).hasSize(1);
      String mapRunArn = runs.get(0).mapRunArn();
      assertThat(mapRunArn).contains(":mapRun:batches/Batches:");
      DescribeMapRunResponse mr = sfn.describeMapRun(b -> b.mapRunArn(mapRunArn));
      assertThat(mr.status()).isEqualTo(MapRunStatus.SUCCEEDED);
      assertThat(mr.executionArn()).isEqualTo(d.executionArn());
      assertThat(mr.toleratedFailureCount()).isEqualTo(250);
      assertThat(mr.executionCounts().total()).isEqualTo(1000);
      assertThat(mr.executionCounts().succeeded()).isEqualTo(980);
      assertThat(mr.executionCounts().failed()).isEqualTo(20);
      assertThat(mr.executionCounts().running()).isZero();
      assertThat(mr.executionCounts().pending()).isZero();
      // failures are counted in items: each failed batch's 10
      assertThat(mr.itemCounts().total()).isEqualTo(10_000);
      assertThat(mr.itemCounts().succeeded()).isEqualTo(9_800);
      assertThat(mr.itemCounts().failed()).isEqualTo(200);
      assertThat(mr.stopDate()).isNotNull();

      // the parent's history: the run's events, no iteration of its own
      List<String> types = history(sfn, d.executionArn()).stream().map(HistoryEvent::typeAsString).toList();
      assertThat(types).containsSubsequence("MapStateEntered", "MapStateStarted", "MapRunStarted", "MapRunSucceeded",
          "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded");
      assertThat(types).doesNotContain("MapIterationStarted");

      // the children: listed under the Map Run, each its own execution of machine/label
      var page = sfn.listExecutions(b -> b.mapRunArn(mapRunArn).statusFilter("FAILED").maxResults(100));
      assertThat(page.executions()).hasSize(20);
      // each child processed its batch: itemCount, shown only when listing by Map Run (as AWS)
      assertThat(page.executions()).allSatisfy(e -> assertThat(e.itemCount()).isEqualTo(10));
      var child = page.executions().get(0);
      assertThat(child.stateMachineArn()).endsWith(":stateMachine:batches/Batches");
      assertThat(child.mapRunArn()).isEqualTo(mapRunArn);
      DescribeExecutionResponse c = sfn.describeExecution(b -> b.executionArn(child.executionArn()));
      assertThat(c.mapRunArn()).isEqualTo(mapRunArn);
      assertThat(c.error()).isEqualTo("Item.Bad");
      assertThat(JSON.readTree(c.input()).get("BatchInput").get("run").asText()).isEqualTo("r1");
      assertThat(JSON.readTree(c.input()).get("Items")).hasSize(10);
      var childMachine = sfn.describeStateMachineForExecution(b -> b.executionArn(child.executionArn()));
      assertThat(childMachine.mapRunArn()).isEqualTo(mapRunArn);
      assertThat(childMachine.label()).isEqualTo("Batches");
      assertThat(childMachine.stateMachineArn()).endsWith(":stateMachine:batches/Batches");
      assertThat(JSON.readTree(childMachine.definition()).get("StartAt").asText()).isEqualTo("Check");
      assertThat(childMachine.revisionId()).isNull();
      // a machine's listing does not show a Map Run's children
      assertThat(sfn.listExecutions(b -> b.stateMachineArn(machine)).executions()).hasSize(1)
          .allSatisfy(e -> assertThat(e.itemCount()).isNull());
    }
  }

  @Test
  void itemsFromInput_throughItemSelector_toExpressChildren_inItemOrder_andAThresholdThatIsExceeded() throws Exception {
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      String machine = create(sfn, "express-children", """
          {"StartAt": "Init", "States": {
            "Init": {"Type": "Pass", "Assign": {"factor": 3}, "Next": "Each"},
            "Each": {"Type": "Map", "ItemsPath": "$.values", "MaxConcurrency": 4,
              "ItemSelector": {"v.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index", "f.$": "$factor", "tag.$": "$.tag"},
              "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                "StartAt": "Times", "States": {
                  "Times": {"Type": "Choice", "Choices": [{"Variable": "$.v", "NumericLessThan": 0, "Next": "Negative"}],
                    "Default": "Ok"},
                  "Negative": {"Type": "Fail", "Error": "Negative"},
                  "Ok": {"Type": "Pass", "Parameters": {"r.$": "States.MathAdd($.v, $.f)", "i.$": "$.i", "tag.$": "$.tag"}, "End": true}}},
              "ToleratedFailurePercentage": 20,
              "Catch": [{"ErrorEquals": ["States.ExceedToleratedFailureThreshold"], "ResultPath": "$.error", "Next": "Over"}],
              "End": true},
            "Over": {"Type": "Pass", "End": true}}}""");
      StringBuilder values = new StringBuilder();
      for (int i = 0; i < 50; i++) values.append(i == 0 ? "" : ",").append(i);
      DescribeExecutionResponse ok = run(sfn, machine, "{\"values\": [" + values + "], \"tag\": \"t\"}");
      JsonNode out = JSON.readTree(ok.output());
      assertThat(out).hasSize(50);
      for (int i = 0; i < 50; i++) {
        assertThat(out.get(i).get("r").asInt()).isEqualTo(i + 3);
        assertThat(out.get(i).get("i").asInt()).isEqualTo(i);
        assertThat(out.get(i).get("tag").asText()).isEqualTo("t");
      }
      // 2 of 10 fail: 20% is tolerated; 3 of 10 is not
      DescribeExecutionResponse tolerated = run(sfn, machine, "{\"values\": [1,-1,2,-2,3,4,5,6,7,8], \"tag\": \"t\"}");
      assertThat(JSON.readTree(tolerated.output()).get(1).isNull()).isTrue();
      DescribeExecutionResponse over = run(sfn, machine, "{\"values\": [1,-1,2,-2,3,-3,5,6,7,8], \"tag\": \"t\"}");
      JsonNode err = JSON.readTree(over.output()).get("error");
      assertThat(err.get("Error").asText()).isEqualTo("States.ExceedToleratedFailureThreshold");
      assertThat(history(sfn, over.executionArn()).stream().map(HistoryEvent::typeAsString))
          .containsSubsequence("MapRunStarted", "MapRunFailed", "MapStateFailed");
      String mapRunArn = sfn.listMapRuns(b -> b.executionArn(over.executionArn())).mapRuns().get(0).mapRunArn();
      DescribeMapRunResponse mr = sfn.describeMapRun(b -> b.mapRunArn(mapRunArn));
      assertThat(mr.status()).isEqualTo(MapRunStatus.FAILED);
      assertThat(mr.maxConcurrency()).isEqualTo(4);
      assertThat(mr.toleratedFailurePercentage()).isEqualTo(20f);

      // a Retry runs the Map again as a Map Run of its own; a state name with a space labels its children
      String retried = create(sfn, "retried", """
          {"StartAt": "Each item", "States": {"Each item": {"Type": "Map", "ItemsPath": "$.values",
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
              "StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Always"}}},
            "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 1, "IntervalSeconds": 1}], "End": true}}}""");
      DescribeExecutionResponse r = run(sfn, retried, "{\"values\": [1, 2]}");
      assertThat(r.error()).isEqualTo("States.ExceedToleratedFailureThreshold");
      var mapRuns = sfn.listMapRuns(b -> b.executionArn(r.executionArn())).mapRuns();
      assertThat(mapRuns).hasSize(2);
      assertThat(mapRuns.get(0).mapRunArn()).isNotEqualTo(mapRuns.get(1).mapRunArn()).contains(":mapRun:retried/Each_item:");
      var children = sfn.listExecutions(b -> b.mapRunArn(mapRuns.get(1).mapRunArn())).executions();
      assertThat(children).hasSize(2);
      assertThat(sfn.describeExecution(b -> b.executionArn(children.get(0).executionArn())).error()).isEqualTo("Always");
    }
  }

  /**
   * A JSON object's key-value pairs are a Distributed Map's items, each {@code {"Key", "Value"}},
   * its name {@code $$.Map.Item.Key}: from the input, and from an ItemReader's JSON file.
   */
  @Test
  void jsonObjects_fromTheInputOrAFile_giveTheirKeyValuePairs() throws Exception {
    Path bucket = Files.createDirectories(dir.resolve("objects"));
    Files.writeString(bucket.resolve("servers.json"), "{\"web\": {\"port\": 80}, \"db\": {\"port\": 5432}}");
    try (TestServer server = TestServer.start(dir.resolve("data"),
        Map.of("stepwise.engine.bucket-directories.objects", bucket.toString())); SfnClient sfn = server.sfn()) {
      // an object's key-value pairs are the items, each {"Key", "Value"}, its name $$.Map.Item.Key
      String keyed = create(sfn, "keyed", """
          {"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemsPath": "$.servers",
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
              "StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"name.$": "$.Key", "port.$": "$.Value.port"}, "End": true}}},
            "End": true}}}""");
      DescribeExecutionResponse pairs = run(sfn, keyed, "{\"servers\": {\"web\": {\"port\": 80}, \"db\": {\"port\": 5432}}}");
      assertThat(JSON.readTree(pairs.output())).isEqualTo(JSON.readTree("[{\"name\": \"web\", \"port\": 80}, {\"name\": \"db\", \"port\": 5432}]"));
      String keyedSelector = create(sfn, "keyed-selector", """
          {"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemsPath": "$.servers",
            "ItemSelector": {"name.$": "$$.Map.Item.Key", "port.$": "$$.Map.Item.Value.port", "i.$": "$$.Map.Item.Index"},
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
              "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
            "End": true}}}""");
      DescribeExecutionResponse selected = run(sfn, keyedSelector, "{\"servers\": {\"web\": {\"port\": 80}, \"db\": {\"port\": 5432}}}");
      assertThat(JSON.readTree(selected.output())).isEqualTo(JSON.readTree(
          "[{\"name\": \"web\", \"port\": 80, \"i\": 0}, {\"name\": \"db\", \"port\": 5432, \"i\": 1}]"));

      String fromFile = create(sfn, "keyed-file", """
          {"StartAt": "Each", "States": {"Each": {"Type": "Map",
            "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"},
              "Parameters": {"Bucket": "objects", "Key": "servers.json"}},
            "ItemSelector": {"name.$": "$$.Map.Item.Key", "port.$": "$$.Map.Item.Value.port"},
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
              "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
            "End": true}}}""");
      DescribeExecutionResponse read = run(sfn, fromFile, "{}");
      assertThat(JSON.readTree(read.output())).isEqualTo(JSON.readTree(
          "[{\"name\": \"web\", \"port\": 80}, {\"name\": \"db\", \"port\": 5432}]"));
    }
  }

  @Test
  void csvItems_andAResultWriter_writeTheManifestAndResultFiles() throws Exception {
    Path bucket = Files.createDirectories(dir.resolve("bucket"));
    Files.writeString(bucket.resolve("people.csv"), "name;age\n\"Smith; J\";41\nLee;7\n");
    try (TestServer server = TestServer.start(dir.resolve("data"),
        Map.of("stepwise.engine.bucket-directories.b", bucket.toString())); SfnClient sfn = server.sfn()) {
      String machine = create(sfn, "csv", """
          {"StartAt": "Each", "States": {"Each": {"Type": "Map",
            "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
              "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "CSVDelimiter": "SEMICOLON"},
              "Parameters": {"Bucket": "b", "Key": "people.csv"}},
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
              "StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"who.$": "$.name"}, "End": true}}},
            "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "b", "Prefix": "out"},
              "WriterConfig": {"OutputType": "JSONL", "Transformation": "COMPACT"}},
            "End": true}}}""");
      DescribeExecutionResponse d = run(sfn, machine, "{}");
      assertThat(d.status()).as(d.error() + " " + d.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
      JsonNode out = JSON.readTree(d.output());
      String key = out.get("ResultWriterDetails").get("Key").asText();
      assertThat(out.get("ResultWriterDetails").get("Bucket").asText()).isEqualTo("b");
      JsonNode manifest = JSON.readTree(Files.readString(bucket.resolve(key)));
      assertThat(manifest.get("MapRunArn").asText()).isEqualTo(out.get("MapRunArn").asText());
      String succeeded = manifest.get("ResultFiles").get("SUCCEEDED").get(0).get("Key").asText();
      List<String> lines = Files.readAllLines(bucket.resolve(succeeded));
      assertThat(lines).containsExactlyInAnyOrder("{\"who\":\"Smith; J\"}", "{\"who\":\"Lee\"}");
      // without an ItemBatcher each child processes one item
      assertThat(sfn.listExecutions(b -> b.mapRunArn(out.get("MapRunArn").asText())).executions()).hasSize(2)
          .allSatisfy(e -> assertThat(e.itemCount()).isEqualTo(1));

      // a bucket without a directory fails the Map, naming the key to set
      String nowhere = create(sfn, "nowhere", """
          {"StartAt": "Each", "States": {"Each": {"Type": "Map",
            "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "Parameters": {"Bucket": "elsewhere", "Key": "k"}},
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
              "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}}""");
      DescribeExecutionResponse f = run(sfn, nowhere, "{}");
      assertThat(f.error()).isEqualTo("States.ItemReaderFailed");
      assertThat(f.cause()).contains("stepwise.engine.bucket-directories.elsewhere");
    }
  }

  @Test
  void parquetItems_fromABucketDirectory_eachRowAnItem() throws Exception {
    Path bucket = Files.createDirectories(dir.resolve("bucket"));
    try (var in = getClass().getResourceAsStream("/parquet/types-snappy.parquet")) {
      Files.copy(in, bucket.resolve("rows.parquet"));
    }
    try (TestServer server = TestServer.start(dir.resolve("data"),
        Map.of("stepwise.engine.bucket-directories.b", bucket.toString())); SfnClient sfn = server.sfn()) {
      String machine = create(sfn, "parquet", """
          {"StartAt": "Each", "States": {"Each": {"Type": "Map",
            "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "PARQUET"},
              "Parameters": {"Bucket": "b", "Key": "rows.parquet"}},
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
              "StartAt": "P", "States": {"P": {"Type": "Pass",
                "Parameters": {"id.$": "$.id", "at.$": "$.at_ms", "point.$": "$.point", "tags.$": "$.tags"}, "End": true}}},
            "End": true}}}""");
      DescribeExecutionResponse d = run(sfn, machine, "{}");
      assertThat(d.status()).as(d.error() + " " + d.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
      JsonNode out = JSON.readTree(d.output());
      assertThat(out).hasSize(6);
      assertThat(out.get(1)).isEqualTo(JSON.readTree("{\"id\":1,\"at\":1700000000124,\"point\":{\"x\":1,\"label\":\"p1\"},\"tags\":[10,11]}"));
      String mapRunArn = sfn.listMapRuns(b -> b.executionArn(d.executionArn())).mapRuns().get(0).mapRunArn();
      assertThat(sfn.describeMapRun(b -> b.mapRunArn(mapRunArn)).itemCounts().succeeded()).isEqualTo(6);
      assertThat(out.get(2).get("point").isNull()).isTrue();
    }
  }

  /** Gzips {@code text} into {@code file}, as S3 Inventory writes its data files. */
  private static void gzip(Path file, String text) throws Exception {
    Files.createDirectories(file.getParent());
    try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  private static String mapOver(String readerConfig, String bucket, String key) {
    return """
        {"StartAt": "Each", "States": {"Each": {"Type": "Map",
          "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": %s,
            "Parameters": {"Bucket": "%s", "Key": "%s"}},
          "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
            "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}}""".formatted(readerConfig, bucket, key);
  }

  /**
   * An S3 Inventory (its manifest.json and gzipped, headerless, quoted CSV data files in the
   * destination bucket) gives one item per object, named by fileSchema, every value a string; an
   * Athena manifest lists s3:// data files (CSV without a header row, or JSONL), read in order.
   */
  @Test
  void manifests_s3InventoryAndAthena_giveTheirDataFilesRows() throws Exception {
    Path inventory = Files.createDirectories(dir.resolve("inventory"));
    Path results = Files.createDirectories(dir.resolve("results"));
    Path unload = Files.createDirectories(dir.resolve("unload"));
    String prefix = "inv/source/config/2026-12-01T01-00Z";
    Files.createDirectories(inventory.resolve(prefix));
    Files.writeString(inventory.resolve(prefix + "/manifest.json"), """
        {"sourceBucket": "source", "destinationBucket": "arn:aws:s3:::inventory", "version": "2016-11-30",
         "fileFormat": "CSV", "fileSchema": "Bucket, Key, Size, LastModifiedDate",
         "files": [{"key": "inv/source/config/data/a.csv.gz", "size": 1, "MD5checksum": "x"},
                   {"key": "inv/source/config/data/b.csv.gz", "size": 1, "MD5checksum": "y"}]}""");
    gzip(inventory.resolve("inv/source/config/data/a.csv.gz"),
        "\"source\",\"csvDataset/titles.csv\",\"3399671\",\"2022-11-16T00:29:32.000Z\"\n\"source\",\"a, b.txt\",\"7\",\"2022-11-17T00:00:00.000Z\"\n");
    gzip(inventory.resolve("inv/source/config/data/b.csv.gz"), "\"source\",\"last.json\",\"12\",\"2022-11-18T00:00:00.000Z\"\n");
    Files.writeString(results.resolve("q1-manifest.csv"), "s3://unload/part-0\ns3://unload/part-1\n");
    Files.writeString(unload.resolve("part-0"), "1,alpha\n2,beta\n");
    Files.writeString(unload.resolve("part-1"), "3,gamma\n");
    Files.writeString(results.resolve("q2-manifest.csv"), "s3://unload/rows.jsonl\n");
    Files.writeString(unload.resolve("rows.jsonl"), "{\"n\":1}\n{\"n\":2}\n");
    Files.writeString(inventory.resolve("orc-manifest.json"), "{\"fileFormat\": \"ORC\", \"fileSchema\": \"x\", \"files\": []}");
    try (TestServer server = TestServer.start(dir.resolve("data"), Map.of(
        "stepwise.engine.bucket-directories.inventory", inventory.toString(),
        "stepwise.engine.bucket-directories.results", results.toString(),
        "stepwise.engine.bucket-directories.unload", unload.toString())); SfnClient sfn = server.sfn()) {
      for (String config : List.of("{\"InputType\": \"MANIFEST\"}", "{\"ManifestType\": \"S3_INVENTORY\"}")) {
        DescribeExecutionResponse d = run(sfn, create(sfn, "inv" + Math.abs(config.hashCode()),
            mapOver(config, "inventory", prefix + "/manifest.json")), "{}");
        assertThat(d.status()).as(d.error() + " " + d.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(JSON.readTree(d.output())).containsExactly(
            JSON.readTree("{\"Bucket\":\"source\",\"Key\":\"csvDataset/titles.csv\",\"Size\":\"3399671\",\"LastModifiedDate\":\"2022-11-16T00:29:32.000Z\"}"),
            JSON.readTree("{\"Bucket\":\"source\",\"Key\":\"a, b.txt\",\"Size\":\"7\",\"LastModifiedDate\":\"2022-11-17T00:00:00.000Z\"}"),
            JSON.readTree("{\"Bucket\":\"source\",\"Key\":\"last.json\",\"Size\":\"12\",\"LastModifiedDate\":\"2022-11-18T00:00:00.000Z\"}"));
      }
      DescribeExecutionResponse csv = run(sfn, create(sfn, "athena-csv", mapOver("""
          {"ManifestType": "ATHENA_DATA", "InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["id", "name"]}""",
          "results", "q1-manifest.csv")), "{}");
      assertThat(csv.status()).as(csv.error() + " " + csv.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(JSON.readTree(csv.output())).containsExactly(JSON.readTree("{\"id\":\"1\",\"name\":\"alpha\"}"),
          JSON.readTree("{\"id\":\"2\",\"name\":\"beta\"}"), JSON.readTree("{\"id\":\"3\",\"name\":\"gamma\"}"));
      DescribeExecutionResponse jsonl = run(sfn, create(sfn, "athena-jsonl",
          mapOver("{\"ManifestType\": \"ATHENA_DATA\", \"InputType\": \"JSONL\"}", "results", "q2-manifest.csv")), "{}");
      assertThat(JSON.readTree(jsonl.output())).containsExactly(JSON.readTree("{\"n\":1}"), JSON.readTree("{\"n\":2}"));

      // what AWS does not read fails the Map with States.ItemReaderFailed and says why
      for (String[] bad : List.of(
          new String[] {"{\"InputType\": \"MANIFEST\"}", "orc-manifest.json", "CSV format only"},
          new String[] {"{\"ManifestType\": \"S3_INVENTORY\", \"InputType\": \"CSV\", \"CSVHeaderLocation\": \"FIRST_ROW\"}", prefix + "/manifest.json", "must not be set"},
          new String[] {"{\"ManifestType\": \"ATHENA_DATA\"}", prefix + "/manifest.json", "needs ReaderConfig.InputType"})) {
        DescribeExecutionResponse f = run(sfn, create(sfn, "bad" + Math.abs((bad[0] + bad[1]).hashCode()),
            mapOver(bad[0], "inventory", bad[1])), "{}");
        assertThat(f.error()).isEqualTo("States.ItemReaderFailed");
        assertThat(f.cause()).contains(bad[2]);
      }
      // an inventory read as CSV without a header location is refused when it is created, as AWS does
      assertThatThrownBy(() -> create(sfn, "inv-csv", mapOver("{\"ManifestType\": \"S3_INVENTORY\", \"InputType\": \"CSV\"}", "inventory",
          prefix + "/manifest.json"))).hasMessageContaining("The field 'CSVHeaderLocation' is required at /States/Each/ItemReader/ReaderConfig");
    }
  }
}
