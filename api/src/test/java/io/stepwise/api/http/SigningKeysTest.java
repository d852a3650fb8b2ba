package io.stepwise.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The signing-key cache gives the keys SigV4 derives, once per scope, and stays bounded. */
class SigningKeysTest {
  static final String SECRET = SigV4VerifierTest.SECRET;

  @Test
  void sameScope_sameKeyInstanceReused() {
    SigningKeys keys = new SigningKeys();
    byte[] first = keys.key(SECRET, "20150830", "us-east-1", "states");
    assertThat(keys.key(SECRET, "20150830", "us-east-1", "states")).isSameAs(first);
    assertThat(keys.size()).isEqualTo(1);
  }

  @Test
  void cachedKey_equalsUncachedDerivationAndAwsPublishedExample() {
    SigningKeys keys = new SigningKeys();
    assertThat(keys.key(SECRET, "20150830", "us-east-1", "states"))
        .isEqualTo(SigV4.signingKey(SECRET, "20150830", "us-east-1", "states"));
    // AWS's documented example of deriving a signing key (IAM, 2015-08-30, us-east-1).
    assertThat(HexFormat.of().formatHex(keys.key(SECRET, "20150830", "us-east-1", "iam")))
        .isEqualTo("c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
  }

  @Test
  void differentSecretDateRegionOrService_differentKey() {
    SigningKeys keys = new SigningKeys();
    byte[] base = keys.key(SECRET, "20150830", "us-east-1", "states");
    assertThat(keys.key("other-secret", "20150830", "us-east-1", "states")).isNotEqualTo(base);
    assertThat(keys.key(SECRET, "20150831", "us-east-1", "states")).isNotEqualTo(base);
    assertThat(keys.key(SECRET, "20150830", "eu-west-3", "states")).isNotEqualTo(base);
    assertThat(keys.key(SECRET, "20150830", "us-east-1", "kms")).isNotEqualTo(base);
    assertThat(keys.size()).isEqualTo(5);
  }

  @Test
  void fullCache_clearedAndStillCorrect() {
    SigningKeys keys = new SigningKeys(2);
    for (int day = 10; day < 20; day++) {
      String date = "201508" + day;
      assertThat(keys.key(SECRET, date, "us-east-1", "states"))
          .isEqualTo(SigV4.signingKey(SECRET, date, "us-east-1", "states"));
      assertThat(keys.size()).isLessThanOrEqualTo(2);
    }
  }
}
