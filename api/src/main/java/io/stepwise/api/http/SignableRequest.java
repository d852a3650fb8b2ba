package io.stepwise.api.http;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The parts of an HTTP request that Signature Version 4 covers, as they came over the wire.
 *
 * @param method the request method, e.g. {@code POST}
 * @param rawPath the path as sent, still percent-encoded
 * @param rawQuery the query string as sent, without {@code ?} ({@code ""} when there is none)
 * @param headers every header as (name, value) in arrival order; names in any case
 * @param body the payload bytes
 */
public record SignableRequest(
    String method,
    String rawPath,
    String rawQuery,
    List<Map.Entry<String, String>> headers,
    byte[] body) {
  public SignableRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(rawPath, "rawPath");
    rawQuery = rawQuery == null ? "" : rawQuery;
    headers = List.copyOf(headers);
    Objects.requireNonNull(body, "body");
  }

  /** The values of every header with this name (case-insensitive), in arrival order. */
  public List<String> headerValues(String name) {
    List<String> values = null;
    for (Map.Entry<String, String> h : headers) {
      if (h.getKey().equalsIgnoreCase(name)) {
        if (values == null) {
          values = new java.util.ArrayList<>(1);
        }
        values.add(h.getValue());
      }
    }
    return values == null ? List.of() : java.util.Collections.unmodifiableList(values);
  }

  public java.util.Optional<String> header(String name) {
    for (Map.Entry<String, String> h : headers) {
      if (h.getKey().equalsIgnoreCase(name)) {
        return java.util.Optional.of(h.getValue());
      }
    }
    return java.util.Optional.empty();
  }
}
