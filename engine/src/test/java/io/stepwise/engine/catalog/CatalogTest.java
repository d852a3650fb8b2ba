package io.stepwise.engine.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stepwise.engine.ServiceError;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Listing tokens: garbage, or a token of another account's listing, is AWS's InvalidToken. */
class CatalogTest {
  private static final String PREFIX = "arn:aws:states:us-east-1:123456789012:stateMachine:";
  // Tokens are checked before the index is read: no index is needed to refuse them.
  private final Catalog catalog = new Catalog(op -> {}, null, Runnable::run);

  @Test
  void garbageTokens_areInvalidTokens() {
    assertInvalid("%%%");
    assertThatThrownBy(() -> ListingTokens.decode("%%%"))
        .isInstanceOfSatisfying(ServiceError.class, e -> assertThat(e.code()).isEqualTo("InvalidToken"));
  }

  @Test
  void aTokenOfAnotherAccountsListing_isInvalid() {
    String other = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
        "arn:aws:states:us-east-1:999999999999:stateMachine:x".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertInvalid(other);
  }

  private void assertInvalid(String token) {
    assertThatThrownBy(() -> catalog.listStateMachines(PREFIX, 10, token).toCompletableFuture().join())
        .isInstanceOf(CompletionException.class)
        .cause().isInstanceOfSatisfying(ServiceError.class, e -> assertThat(e.code()).isEqualTo("InvalidToken"));
  }
}
