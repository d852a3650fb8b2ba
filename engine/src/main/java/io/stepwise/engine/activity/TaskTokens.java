package io.stepwise.engine.activity;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Task tokens that name their execution and task and cannot be forged or guessed: base64url of
 * {@code executionArn LF effectId LF mac}, where mac is HMAC-SHA256 (first 16 bytes) under the
 * service's token key (made once per data directory, stored wrapped by the KMS), so a token stays
 * valid across restarts and SendTask* needs no lookup table.
 */
public final class TaskTokens {
  private static final int MAC_BYTES = 16;
  private final SecretKeySpec key;

  public TaskTokens(byte[] key) {
    this.key = new SecretKeySpec(key, "HmacSHA256");
  }

  public record Task(String executionArn, String effectId) {}

  public String encode(String executionArn, String effectId) {
    String body = executionArn + "\n" + effectId;
    String mac = Base64.getUrlEncoder().withoutPadding().encodeToString(mac(body));
    return Base64.getUrlEncoder().withoutPadding().encodeToString((body + "\n" + mac).getBytes(StandardCharsets.UTF_8));
  }

  /** The task a token names; empty when it is not a token this server made. */
  public Optional<Task> decode(String token) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      int last = raw.lastIndexOf('\n');
      int first = raw.indexOf('\n');
      if (first < 0 || last == first) return Optional.empty();
      String body = raw.substring(0, last);
      byte[] given = Base64.getUrlDecoder().decode(raw.substring(last + 1));
      if (!MessageDigest.isEqual(given, mac(body))) return Optional.empty();
      return Optional.of(new Task(body.substring(0, first), body.substring(first + 1)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private byte[] mac(String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return Arrays.copyOf(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)), MAC_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
