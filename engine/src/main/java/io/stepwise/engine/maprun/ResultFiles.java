package io.stepwise.engine.maprun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.asl.StatesError;
import io.stepwise.engine.Json;
import io.stepwise.engine.execution.ExecutionInfo;
import io.stepwise.engine.execution.Result;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Distributed Map's ResultWriter ({@code arn:aws:states:::s3:putObject}, Parameters Bucket and
 * Prefix), written to the bucket's local directory as AWS writes it to S3: under
 * {@code <Prefix>/<map run id>/}, a {@code SUCCEEDED_0.json} and a {@code FAILED_0.json} (each
 * only if it has something) and a {@code manifest.json} naming them. {@code WriterConfig}:
 * {@code OutputType} JSON (an array, the default) or JSONL (a line each); {@code Transformation}
 * NONE (each child's execution record: ARN, name, input, output, status, dates — the default),
 * COMPACT (outputs only; a failure's Error and Cause) or FLATTEN (as COMPACT, an output that is an
 * array giving its elements). Failures are {@code States.ResultWriterFailed}.
 */
final class ResultFiles {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final String bucket;
  private final Path root;
  private final Path dir;
  private final String keyPrefix;
  private final boolean jsonl;
  private final String transformation;
  private final Map<String, Sink> sinks = new LinkedHashMap<>();
  private long written;
  private long writtenItems;

  private final class Sink {
    final Path file;
    final BufferedWriter out;
    long count;

    Sink(String status) throws IOException {
      file = dir.resolve(status + "_0." + (jsonl ? "jsonl" : "json"));
      out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
      if (!jsonl) out.write('[');
    }

    void add(JsonNode value) throws IOException {
      if (jsonl) {
        out.write(Json.write(value));
        out.write('\n');
      } else {
        if (count > 0) out.write(',');
        out.write(Json.write(value));
      }
      count++;
    }

    void close() throws IOException {
      if (!jsonl) out.write(']');
      out.close();
    }
  }

  /** Where the files go when the run ends, or null when they are written to the bucket's directory. */
  private final ObjectStore upload;

  private ResultFiles(String bucket, Path root, Path dir, String keyPrefix, boolean jsonl, String transformation,
      ObjectStore upload) {
    this.upload = upload;
    this.bucket = bucket;
    this.root = root;
    this.dir = dir;
    this.keyPrefix = keyPrefix;
    this.jsonl = jsonl;
    this.transformation = transformation;
  }

  static StatesError failed(String cause) {
    return new StatesError("States.ResultWriterFailed", cause, true);
  }

  static ResultFiles of(JsonNode writer, String mapRunArn, Map<String, Path> buckets, ObjectStore s3) {
    JsonNode params = writer.path("Parameters");
    String bucket = params.path("Bucket").asText(null);
    if (bucket == null) throw failed("The ResultWriter's Parameters must name a Bucket");
    Path root = buckets.get(bucket);
    ObjectStore upload = null;
    if (root == null && s3.available()) {
      // written to a temporary directory, then put to S3 when the run ends
      try {
        root = Files.createTempDirectory(s3.scratch(), "stepwise-results");
      } catch (IOException e) {
        throw failed("Writing results failed: " + e.getMessage());
      }
      upload = s3;
    }
    if (root == null) {
      throw failed("No local directory is configured for bucket '" + bucket + "': set stepwise.engine.bucket-directories."
          + bucket + " to the directory results are written to (or stepwise.engine.endpoints.s3 to an S3 endpoint)");
    }
    String prefix = params.path("Prefix").asText("");
    String id = mapRunArn.substring(mapRunArn.lastIndexOf(':') + 1);
    String keyPrefix = (prefix.isEmpty() ? "" : prefix.endsWith("/") ? prefix : prefix + "/") + id + "/";
    Path dir = root.resolve(keyPrefix).normalize();
    if (!dir.startsWith(root.normalize())) throw failed("The ResultWriter's Prefix leaves the bucket: " + prefix);
    JsonNode config = writer.path("WriterConfig");
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw failed("Writing results failed: " + e.getMessage());
    }
    return new ResultFiles(bucket, root, dir, keyPrefix, config.path("OutputType").asText("JSON").equals("JSONL"),
        config.path("Transformation").asText("NONE"), upload);
  }

  long written() {
    return written;
  }

  long writtenItems() {
    return writtenItems;
  }

  /** A child's end: written to the file of its status (aborted and timed-out children are failures). */
  void add(String status, ExecutionInfo child, Result result, Throwable failure, int items) {
    writtenItems += items;
    String file = status.equals("SUCCEEDED") ? "SUCCEEDED" : "FAILED";
    try {
      Sink sink = sinks.get(file);
      if (sink == null) {
        sink = new Sink(file);
        sinks.put(file, sink);
      }
      if (transformation.equals("NONE")) {
        sink.add(record(status, child, result, failure));
      } else if (!status.equals("SUCCEEDED")) {
        ObjectNode err = NODES.objectNode();
        err.put("Error", failure != null ? "States.Runtime" : result.error());
        err.put("Cause", failure != null ? String.valueOf(failure.getMessage()) : result.cause());
        sink.add(err);
      } else {
        JsonNode out = result.output() == null ? NODES.nullNode() : Json.MAPPER.readTree(result.output());
        if (transformation.equals("FLATTEN") && out.isArray()) {
          for (JsonNode e : out) sink.add(e);
        } else {
          sink.add(out);
        }
      }
      written++;
    } catch (IOException e) {
      throw failed("Writing results failed: " + e.getMessage());
    }
  }

  private static ObjectNode record(String status, ExecutionInfo child, Result result, Throwable failure) {
    ObjectNode r = NODES.objectNode();
    r.put("ExecutionArn", child.executionArn());
    r.put("Input", child.input());
    r.putObject("InputDetails").put("Included", true);
    r.put("Name", child.name());
    if (result != null && result.output() != null) {
      r.put("Output", result.output());
      r.putObject("OutputDetails").put("Included", true);
    }
    if (result != null && result.error() != null) r.put("Error", result.error());
    if (result != null && result.cause() != null) r.put("Cause", result.cause());
    if (failure != null) r.put("Error", "States.Runtime").put("Cause", String.valueOf(failure.getMessage()));
    r.put("RedriveCount", child.redriveCount());
    if (status.equals("SUCCEEDED")) {
      r.put("RedriveStatus", "NOT_REDRIVABLE");
      r.put("RedriveStatusReason", "Execution is SUCCEEDED and cannot be redriven");
    } else {
      r.put("RedriveStatus", "REDRIVABLE_BY_MAP_RUN"); // the Map Run runs it again when its execution is redriven
    }
    r.put("StartDate", child.startDate().toString());
    r.put("StateMachineArn", child.stateMachineArn());
    r.put("Status", status);
    r.put("StopDate", (result == null ? Instant.now() : result.stopDate()).toString());
    return r;
  }

  /** Closes the files and writes the manifest; the Map's output names it. */
  JsonNode finish(String mapRunArn) {
    ObjectNode manifest = NODES.objectNode();
    manifest.put("DestinationBucket", bucket);
    manifest.put("MapRunArn", mapRunArn);
    ObjectNode files = manifest.putObject("ResultFiles");
    files.putArray("FAILED");
    files.putArray("PENDING");
    files.putArray("SUCCEEDED");
    try {
      for (Map.Entry<String, Sink> e : sinks.entrySet()) {
        e.getValue().close();
        ((com.fasterxml.jackson.databind.node.ArrayNode) files.get(e.getKey())).addObject()
            .put("Key", keyPrefix + e.getValue().file.getFileName()).put("Size", Files.size(e.getValue().file));
      }
      Files.writeString(dir.resolve("manifest.json"), Json.write(manifest), StandardCharsets.UTF_8);
      if (upload != null) {
        for (Sink sink : sinks.values()) put(keyPrefix + sink.file.getFileName(), sink.file);
        put(keyPrefix + "manifest.json", dir.resolve("manifest.json"));
      }
    } catch (IOException e) {
      throw failed("Writing results failed: " + e.getMessage());
    } catch (StatesError e) {
      throw failed(e.error() + ": " + e.cause());
    } finally {
      if (upload != null) deleteTemporary();
    }
    ObjectNode out = NODES.objectNode();
    out.put("MapRunArn", mapRunArn);
    out.putObject("ResultWriterDetails").put("Bucket", bucket).put("Key", keyPrefix + "manifest.json");
    return out;
  }

  /** Uploads a result file (streamed from disk by the endpoint's store). */
  private void put(String key, Path file) throws IOException {
    try {
      upload.upload(NODES.objectNode().put("Bucket", bucket).put("Key", key).put("ContentType", "application/json"), file);
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private void deleteTemporary() {
    try (var files = Files.walk(root)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory
    }
  }

  /** The run failed: the files written so far are closed as they are. */
  void abandon() {
    for (Sink s : sinks.values()) {
      try {
        s.close();
      } catch (IOException ignored) {
        // nothing more to do for a failed run
      }
    }
    if (upload != null) deleteTemporary();
  }
}
