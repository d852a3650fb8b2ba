package io.stepwise.engine.integration;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpHeaders;

/** What the AWS SDK for Java 1.x adds to an optimized integration's output: the HTTP answer's metadata. */
final class SdkMetadata {
  private SdkMetadata() {}

  /** Adds {@code SdkHttpMetadata} (every header, the first of each, the status) and {@code SdkResponseMetadata}. */
  static void add(ObjectNode out, HttpHeaders headers, int status) {
    ObjectNode http = out.putObject("SdkHttpMetadata");
    ObjectNode all = http.putObject("AllHttpHeaders");
    ObjectNode first = http.putObject("HttpHeaders");
    headers.map().forEach((k, vs) -> {
      if (k.startsWith(":")) return;
      vs.forEach(all.putArray(k)::add);
      if (!vs.isEmpty()) first.put(k, vs.get(0));
    });
    http.put("HttpStatusCode", status);
    out.putObject("SdkResponseMetadata").put("RequestId",
        headers.firstValue("x-amzn-RequestId").or(() -> headers.firstValue("x-amz-request-id")).orElse(""));
  }
}
