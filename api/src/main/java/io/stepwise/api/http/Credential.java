package io.stepwise.api.http;

import java.util.Objects;

/**
 * An access key pair and the account it authenticates as; with a session token for temporary
 * credentials, which a request must then carry in {@code X-Amz-Security-Token}.
 */
public record Credential(String accessKeyId, String secretAccessKey, String accountId, String sessionToken) {
  public Credential {
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    Objects.requireNonNull(accountId, "accountId");
    if (accessKeyId.isBlank()) {
      throw new IllegalArgumentException("accessKeyId must not be blank");
    }
    if (sessionToken != null && sessionToken.isBlank()) {
      sessionToken = null;
    }
  }

  /** Long-term credentials (no session token). */
  public Credential(String accessKeyId, String secretAccessKey, String accountId) {
    this(accessKeyId, secretAccessKey, accountId, null);
  }

  @Override
  public String toString() {
    return "Credential[accessKeyId=" + accessKeyId + ", accountId=" + accountId
        + (sessionToken == null ? "" : ", temporary") + "]";
  }
}
