package io.stepwise.persistence.kms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KeyPolicyTest {
  private static final String ACCOUNT = "123456789012";
  private static final String ALICE = "arn:aws:iam::123456789012:user/alice";
  private static final String BOB = "arn:aws:iam::123456789012:user/bob";

  @Test
  void defaultPolicy_allowsEveryPrincipalOfTheAccountOnly() {
    assertThat(KeyPolicy.allows(null, ACCOUNT, ALICE, "kms:Decrypt")).isTrue();
    assertThat(KeyPolicy.allows(KeyPolicy.defaultPolicy("999999999999"), ACCOUNT, ALICE, "kms:Decrypt")).isFalse();
  }

  @Test
  void explicitDeny_winsOverAllow() {
    String policy = """
        {"Statement": [
          {"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "kms:*", "Resource": "*"},
          {"Effect": "Deny", "Principal": {"AWS": ["arn:aws:iam::123456789012:user/bob"]}, "Action": ["kms:Decrypt"], "Resource": "*"}
        ]}""";
    assertThat(KeyPolicy.allows(policy, ACCOUNT, ALICE, "kms:Decrypt")).isTrue();
    assertThat(KeyPolicy.allows(policy, ACCOUNT, BOB, "kms:Decrypt")).isFalse();
    assertThat(KeyPolicy.allows(policy, ACCOUNT, BOB, "kms:Encrypt")).isTrue();
  }

  @Test
  void actionsMatchWithWildcards_andNoMatchingAllowMeansNo() {
    String policy = """
        {"Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/alice"}, "Action": "kms:Gen*", "Resource": "*"}}""";
    assertThat(KeyPolicy.allows(policy, ACCOUNT, ALICE, "kms:GenerateDataKey")).isTrue();
    assertThat(KeyPolicy.allows(policy, ACCOUNT, ALICE, "kms:Decrypt")).isFalse();
    assertThat(KeyPolicy.allows(policy, ACCOUNT, BOB, "kms:GenerateDataKey")).isFalse();
  }

  @Test
  void statementWithCondition_isIgnored_soItOnlyRemovesAccess() {
    String policy = """
        {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]}""";
    assertThat(KeyPolicy.allows(policy, ACCOUNT, ALICE, "kms:Decrypt")).isFalse();
  }

  @Test
  void notAPolicy_isMalformed() {
    assertThatThrownBy(() -> KeyPolicy.validate("[]")).isInstanceOfSatisfying(KmsException.class,
        e -> assertThat(e.code()).isEqualTo(KmsException.Code.MALFORMED_POLICY));
    assertThatThrownBy(() -> KeyPolicy.validate("{\"Statement\": [{\"Effect\": \"Maybe\"}]}"))
        .isInstanceOf(KmsException.class);
  }
}
