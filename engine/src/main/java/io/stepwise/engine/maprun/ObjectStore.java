package io.stepwise.engine.maprun;

import com.fasterxml.jackson.databind.JsonNode;

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
