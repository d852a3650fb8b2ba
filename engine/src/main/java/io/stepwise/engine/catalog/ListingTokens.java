package io.stepwise.engine.catalog;

import io.stepwise.engine.ServiceError;
import java.util.Base64;

/** nextToken of a listing read from a persisted index: the last key returned, opaque to the caller. */
public final class ListingTokens {
  private ListingTokens() {}

  public static String encode(byte[] key) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
  }

  public static byte[] decode(String token) {
    try {
      return Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
  }

  public static ServiceError invalid() {
    return new ServiceError("InvalidToken", "Invalid Token: 'Invalid token'");
  }
}
