package io.stepwise.api.http;

import com.typesafe.config.Config;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Looks up the secret and account of an access key id, for SigV4 verification. */
@FunctionalInterface
public interface CredentialStore {
  String DEFAULT_ACCOUNT_ID = "123456789012";

  Optional<Credential> find(String accessKeyId);

  /** {@code test}/{@code test} for account {@code 123456789012}, as design §2 specifies. */
  static CredentialStore defaults() {
    return of(new Credential("test", "test", DEFAULT_ACCOUNT_ID));
  }

  static CredentialStore of(Credential... credentials) {
    return of(Arrays.asList(credentials));
  }

  static CredentialStore of(Collection<Credential> credentials) {
    Map<String, Credential> byKey =
        credentials.stream()
            .collect(Collectors.toUnmodifiableMap(Credential::accessKeyId, Function.identity()));
    return key -> Optional.ofNullable(byKey.get(key));
  }

  /**
   * Reads a list of {@code {access-key-id, secret-access-key, account-id, session-token}} objects
   * (the last two optional), e.g. the
   * {@code stepwise.api.credentials} list of this module's reference.conf.
   */
  static CredentialStore fromConfig(Config config, String path) {
    return fromConfig(config, path, DEFAULT_ACCOUNT_ID);
  }

  /** As {@link #fromConfig(Config, String)}; an entry without {@code account-id} acts as {@code defaultAccount}. */
  static CredentialStore fromConfig(Config config, String path, String defaultAccount) {
    List<Credential> credentials =
        config.getConfigList(path).stream()
            .map(
                c ->
                    new Credential(
                        c.getString("access-key-id"),
                        c.getString("secret-access-key"),
                        c.hasPath("account-id") ? c.getString("account-id") : defaultAccount,
                        c.hasPath("session-token") ? c.getString("session-token") : null))
            .toList();
    return of(credentials);
  }
}
