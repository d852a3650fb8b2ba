package io.stepwise.engine.maprun;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * S3 through its forwarded endpoint, for buckets without a local directory: an S3 operation
 * ({@code GetObject}, {@code ListObjectsV2}, {@code PutObject}) with Step Functions' parameters,
 * answered with its output. Blocking: called on a Map Run's own threads. A failure is the
 * {@link io.stepwise.asl.StatesError} an {@code aws-sdk:s3} task would fail with.
 */
public interface ObjectStore {
  JsonNode call(String operation, JsonNode parameters);

  /** Whether S3 has an endpoint to call. */
  boolean available();

  /**
   * GetObject's object (parameters Bucket, Key, VersionId) written to {@code file}. The endpoint's
   * store streams it to disk; this default, for stores that answer in memory, writes the body.
   */
  default void download(JsonNode parameters, Path file) {
    JsonNode object = call("GetObject", parameters);
    try {
      Files.writeString(file, object.path("Body").asText(""), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * PutObject of {@code file} with {@code parameters} (Bucket, Key, ...). The endpoint's store
   * streams it from disk; this default, for stores that take bodies in memory, reads it whole.
   */
  default void upload(JsonNode parameters, Path file) {
    try {
      com.fasterxml.jackson.databind.node.ObjectNode p = ((com.fasterxml.jackson.databind.node.ObjectNode) parameters).deepCopy();
      call("PutObject", p.put("Body", Files.readString(file, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where objects being read and results being written wait on disk (see {@link Scratch}). */
  default Path scratch() {
    return Path.of(System.getProperty("java.io.tmpdir"));
  }

  ObjectStore NONE = new ObjectStore() {
    @Override
    public JsonNode call(String operation, JsonNode parameters) {
      throw new IllegalStateException("no S3 endpoint");
    }

    @Override
    public boolean available() {
      return false;
    }
  };
}
