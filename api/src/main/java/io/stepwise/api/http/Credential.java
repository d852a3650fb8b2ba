package io.stepwise.api.http;

import java.util.Objects;

/** An access key pair and the account it authenticates as. */
public record Credential(String accessKeyId, String secretAccessKey, String accountId) {
  public Credential {
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    Objects.requireNonNull(accountId, "accountId");
    if (accessKeyId.isBlank()) {
      throw new IllegalArgumentException("accessKeyId must not be blank");
    }
  }

  @Override
  public String toString() {
    return "Credential[accessKeyId=" + accessKeyId + ", accountId=" + accountId + "]";
  }
}
