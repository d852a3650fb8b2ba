package io.stepwise.asl.interpreter;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Task tokens ({@code $$.Task.Token} for {@code .waitForTaskToken} resources) that name their
 * execution and effect, so SendTaskSuccess/Failure/Heartbeat can be routed without a lookup
 * table: base64url of {@code v1|executionArn|effectId|nonce}. The nonce comes from the
 * execution's deterministic sequence, so a replay yields the same token.
 */
public final class TaskToken {
  private TaskToken() {}

  public record Decoded(String executionArn, String effectId) {}

  public static String encode(String executionArn, String effectId, long nonce) {
    String raw = "v1|" + executionArn + "|" + effectId + "|" + Long.toHexString(nonce);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  /** Empty when the text is not a token this interpreter made. */
  public static Optional<Decoded> decode(String token) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      String[] p = raw.split("\\|");
      if (p.length != 4 || !p[0].equals("v1")) return Optional.empty();
      return Optional.of(new Decoded(p[1], p[2]));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
