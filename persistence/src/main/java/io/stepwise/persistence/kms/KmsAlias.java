package io.stepwise.persistence.kms;

import java.time.Instant;

/** An alias ({@code alias/<name>}) of an account and the key it points to, as ListAliases shows it. */
public record KmsAlias(String aliasName, String targetKeyId, Instant creationDate, Instant lastUpdatedDate, String account) {
  /** Aliases are named per account: the same name in two accounts is two aliases. */
  static String mapKey(String account, String aliasName) {
    return (account == null ? "" : account) + " " + aliasName;
  }

  String mapKey() {
    return mapKey(account, aliasName);
  }
}
