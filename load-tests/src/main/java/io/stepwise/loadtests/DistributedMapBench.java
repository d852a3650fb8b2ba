package io.stepwise.loadtests;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.DescribeMapRunResponse;

/**
 * A Distributed Map over {@code items} items of a JSONL object read from a bucket directory the
 * server maps ({@code stepwise.engine.bucket-directories.bench=DIR}), with Express children (one
 * Pass state each) and a ResultWriter (JSONL, COMPACT) into the same directory: items per second
 * from StartExecution to the execution's end, and the Map Run's counts.
 *
 * <p>Usage: DistributedMapBench ENDPOINT BUCKET-DIR [items=100000] [EXPRESS|STANDARD] [maxConcurrency=0] [batch=0]
 */
public final class DistributedMapBench {
  public static void main(String[] args) throws Exception {
    URI endpoint = URI.create(args[0]);
    Path bucket = Path.of(args[1]);
    int items = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
    String type = args.length > 3 ? args[3] : "EXPRESS";
    int concurrency = args.length > 4 ? Integer.parseInt(args[4]) : 0;
    int batch = args.length > 5 ? Integer.parseInt(args[5]) : 0;
    String key = "bench-" + items + ".jsonl";
    StringBuilder jsonl = new StringBuilder(items * 24);
    for (int i = 0; i < items; i++) jsonl.append("{\"n\":").append(i).append(",\"s\":\"item\"}\n");
    Files.writeString(bucket.resolve(key), jsonl);
    try (SfnClient sfn = ThroughputBench.client(endpoint, 4)) {
      String suffix = UUID.randomUUID().toString().substring(0, 8);
      String machine = sfn.createStateMachine(b -> b.name("bench-dmap-" + suffix).roleArn("arn:aws:iam::123456789012:role/bench")
          .definition("""
              {"StartAt": "Each", "States": {"Each": {"Type": "Map", "MaxConcurrency": %d,
                "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSONL"},
                  "Parameters": {"Bucket": "bench", "Key": "%s"}},
                %s
                "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "%s"},
                  "StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"got.$": "$"}, "End": true}}},
                "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "bench", "Prefix": "results"},
                  "WriterConfig": {"OutputType": "JSONL", "Transformation": "COMPACT"}},
                "End": true}}}""".formatted(concurrency, key,
              batch > 0 ? "\"ItemBatcher\": {\"MaxItemsPerBatch\": " + batch + "}," : "", type))).stateMachineArn();
      long start = System.nanoTime();
      String execution = sfn.startExecution(b -> b.stateMachineArn(machine).input("{}")).executionArn();
      DescribeExecutionResponse d;
      while ((d = sfn.describeExecution(b -> b.executionArn(execution))).statusAsString().equals("RUNNING")) {
        Thread.sleep(20);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (!d.statusAsString().equals("SUCCEEDED")) throw new IllegalStateException(d.error() + ": " + d.cause());
      String mapRun = sfn.listMapRuns(b -> b.executionArn(execution)).mapRuns().get(0).mapRunArn();
      DescribeMapRunResponse mr = sfn.describeMapRun(b -> b.mapRunArn(mapRun));
      System.out.printf("Distributed Map, %d items, %s children%s, MaxConcurrency %d: %.2f s, %.0f items/s; "
              + "children %d succeeded of %d, results written %d%n", items, type,
          batch > 0 ? " (batches of " + batch + ")" : "", concurrency, seconds, items / seconds,
          mr.executionCounts().succeeded(), mr.executionCounts().total(), mr.executionCounts().resultsWritten());
    }
  }
}
