package io.stepwise.api.http;

import java.util.Objects;

/**
 * Who sent an authenticated AWS request: the access key from the SigV4 credential scope, the
 * account that key belongs to, and the region the client signed for.
 */
public record Caller(String accessKeyId, String accountId, String region) {
  public Caller {
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(region, "region");
  }
}
