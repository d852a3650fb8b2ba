package io.stepwise.api.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An error AWS would return: the code the SDKs map to an exception class ({@code __type}), the
 * HTTP status, a message, and extra body fields some services add (e.g. KMS's
 * {@code kmsKeyState}). These are expected outcomes of bad requests, so no stack trace is taken.
 */
public class AwsServiceException extends RuntimeException {
  private final String code;
  private final int status;
  private final Map<String, Object> extraFields;

  public AwsServiceException(String code, String message) {
    this(code, 400, message, Map.of());
  }

  public AwsServiceException(String code, int status, String message) {
    this(code, status, message, Map.of());
  }

  /** Extra field values are written with Jackson (strings, numbers, booleans, JsonNodes). */
  public AwsServiceException(
      String code, int status, String message, Map<String, ?> extraFields) {
    super(message, null, false, false);
    this.code = Objects.requireNonNull(code, "code");
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("not an error status: " + status);
    }
    this.status = status;
    this.extraFields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extraFields));
  }

  /** The AWS error code, e.g. {@code StateMachineDoesNotExist}. */
  public String code() {
    return code;
  }

  public int status() {
    return status;
  }

  public Map<String, Object> extraFields() {
    return extraFields;
  }

  @Override
  public String toString() {
    return code + " (" + status + "): " + getMessage();
  }
}
