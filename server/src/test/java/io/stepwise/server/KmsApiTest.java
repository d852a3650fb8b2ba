package io.stepwise.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.*;

/** The built-in KMS through the real AWS SDK KmsClient: shapes, ARNs, key states and errors. */
class KmsApiTest {
  private static final String ACCOUNT = "123456789012";
  private static final SdkBytes SECRET = SdkBytes.fromUtf8String("top secret");

  @TempDir Path dir;
  private final TestClock clock = new TestClock();
  private TestServer server;
  private KmsClient kms;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start(dir, clock);
    kms = server.kms();
  }

  @AfterEach
  void stop() {
    kms.close();
    server.close();
  }

  private String newKey() {
    return kms.createKey(b -> b.description("test key")).keyMetadata().keyId();
  }

  @Test
  void createKey_symmetricByDefault_describedWithAwsShape() {
    KeyMetadata m = kms.createKey(b -> b.description("orders").tags(Tag.builder().tagKey("team").tagValue("a").build()))
        .keyMetadata();
    assertThat(m.arn()).isEqualTo("arn:aws:kms:us-east-1:" + ACCOUNT + ":key/" + m.keyId());
    assertThat(m.awsAccountId()).isEqualTo(ACCOUNT);
    assertThat(m.keyState()).isEqualTo(KeyState.ENABLED);
    assertThat(m.enabled()).isTrue();
    assertThat(m.keySpec()).isEqualTo(KeySpec.SYMMETRIC_DEFAULT);
    assertThat(m.keyUsage()).isEqualTo(KeyUsageType.ENCRYPT_DECRYPT);
    assertThat(m.keyManager()).isEqualTo(KeyManagerType.CUSTOMER);
    assertThat(m.encryptionAlgorithms()).containsExactly(EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT);
    assertThat(kms.describeKey(b -> b.keyId(m.arn())).keyMetadata().description()).isEqualTo("orders");
    assertThat(kms.listKeys().keys()).extracting(KeyListEntry::keyId).containsExactly(m.keyId());
    assertThat(kms.listResourceTags(b -> b.keyId(m.keyId())).tags())
        .containsExactly(Tag.builder().tagKey("team").tagValue("a").build());
  }

  @Test
  void rsaKey_encryptsWithOaepAndRefusesDataKeys() {
    KeyMetadata m = kms.createKey(b -> b.keySpec(KeySpec.RSA_2048).keyUsage(KeyUsageType.ENCRYPT_DECRYPT)).keyMetadata();
    assertThat(m.keySpec()).isEqualTo(KeySpec.RSA_2048);
    assertThat(m.encryptionAlgorithms()).containsExactly(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256);
    SdkBytes blob = kms.encrypt(b -> b.keyId(m.keyId()).plaintext(SECRET)
        .encryptionAlgorithm(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256)).ciphertextBlob();
    assertThat(blob.asByteArray()).hasSize(256);
    assertThat(kms.decrypt(b -> b.keyId(m.keyId()).ciphertextBlob(blob)
        .encryptionAlgorithm(EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256)).plaintext()).isEqualTo(SECRET);
    assertThatThrownBy(() -> kms.generateDataKey(b -> b.keyId(m.keyId()).keySpec(DataKeySpec.AES_256)))
        .isInstanceOf(InvalidKeyUsageException.class);
    assertThatThrownBy(() -> kms.encrypt(b -> b.keyId(m.keyId()).plaintext(SECRET)))
        .isInstanceOf(InvalidKeyUsageException.class);
  }

  @Test
  void createKey_unsupportedSpec_isUnsupportedOperation() {
    assertThatThrownBy(() -> kms.createKey(b -> b.keySpec(KeySpec.ECC_NIST_P256).keyUsage(KeyUsageType.SIGN_VERIFY)))
        .isInstanceOf(software.amazon.awssdk.services.kms.model.UnsupportedOperationException.class);
  }

  @Test
  void unknownKey_isNotFound() {
    assertThatThrownBy(() -> kms.describeKey(b -> b.keyId("1234abcd-12ab-34cd-56ef-1234567890ab")))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void generateDataKey_plaintextDecryptsFromBlobOnlyWithItsContext() {
    String key = newKey();
    GenerateDataKeyResponse dk = kms.generateDataKey(b -> b.keyId(key).keySpec(DataKeySpec.AES_256)
        .encryptionContext(Map.of("purpose", "test")));
    assertThat(dk.plaintext().asByteArray()).hasSize(32);
    assertThat(dk.keyId()).endsWith(":key/" + key);
    assertThat(kms.decrypt(b -> b.ciphertextBlob(dk.ciphertextBlob()).encryptionContext(Map.of("purpose", "test")))
        .plaintext()).isEqualTo(dk.plaintext());
    assertThatThrownBy(() -> kms.decrypt(b -> b.ciphertextBlob(dk.ciphertextBlob())))
        .isInstanceOf(InvalidCiphertextException.class);
    assertThat(kms.generateDataKey(b -> b.keyId(key).numberOfBytes(16)).plaintext().asByteArray()).hasSize(16);
  }

  @Test
  void aliases_resolveByNameAndArn_andFollowUpdates() {
    String a = newKey();
    String b = newKey();
    kms.createAlias(r -> r.aliasName("alias/orders").targetKeyId(a));
    assertThat(kms.describeKey(r -> r.keyId("alias/orders")).keyMetadata().keyId()).isEqualTo(a);
    assertThat(kms.describeKey(r -> r.keyId("arn:aws:kms:us-east-1:" + ACCOUNT + ":alias/orders")).keyMetadata().keyId())
        .isEqualTo(a);
    AliasListEntry listed = kms.listAliases().aliases().get(0);
    assertThat(listed.aliasArn()).isEqualTo("arn:aws:kms:us-east-1:" + ACCOUNT + ":alias/orders");
    assertThat(listed.targetKeyId()).isEqualTo(a);

    kms.updateAlias(r -> r.aliasName("alias/orders").targetKeyId(b));
    SdkBytes blob = kms.encrypt(r -> r.keyId("alias/orders").plaintext(SECRET)).ciphertextBlob();
    assertThat(kms.decrypt(r -> r.ciphertextBlob(blob)).keyId()).endsWith(":key/" + b);
    assertThat(kms.listAliases(r -> r.keyId(a)).aliases()).isEmpty();

    kms.deleteAlias(r -> r.aliasName("alias/orders"));
    assertThatThrownBy(() -> kms.describeKey(r -> r.keyId("alias/orders"))).isInstanceOf(NotFoundException.class);
  }

  @Test
  void createAlias_twice_isAlreadyExists() {
    String key = newKey();
    kms.createAlias(r -> r.aliasName("alias/dup").targetKeyId(key));
    assertThatThrownBy(() -> kms.createAlias(r -> r.aliasName("alias/dup").targetKeyId(key)))
        .isInstanceOf(AlreadyExistsException.class);
  }

  @Test
  void createAlias_reservedPrefix_isInvalidAliasName() {
    String key = newKey();
    assertThatThrownBy(() -> kms.createAlias(r -> r.aliasName("alias/aws/states").targetKeyId(key)))
        .isInstanceOf(InvalidAliasNameException.class);
  }

  @Test
  void disabledKey_refusesCryptoUntilEnabled() {
    String key = newKey();
    kms.disableKey(b -> b.keyId(key));
    assertThat(kms.describeKey(b -> b.keyId(key)).keyMetadata().keyState()).isEqualTo(KeyState.DISABLED);
    assertThatThrownBy(() -> kms.encrypt(b -> b.keyId(key).plaintext(SECRET))).isInstanceOf(DisabledException.class);
    kms.enableKey(b -> b.keyId(key));
    assertThat(kms.encrypt(b -> b.keyId(key).plaintext(SECRET)).ciphertextBlob().asByteArray()).isNotEmpty();
  }

  @Test
  void scheduleKeyDeletion_outsideSevenToThirtyDays_isValidationError() {
    String key = newKey();
    assertThatThrownBy(() -> kms.scheduleKeyDeletion(b -> b.keyId(key).pendingWindowInDays(6)))
        .isInstanceOfSatisfying(KmsException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
    assertThatThrownBy(() -> kms.scheduleKeyDeletion(b -> b.keyId(key).pendingWindowInDays(31)))
        .isInstanceOfSatisfying(KmsException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
  }

  @Test
  void pendingDeletion_isInvalidState_cancelLeavesItDisabled_andTheDatePassingDeletesIt() {
    String key = newKey();
    ScheduleKeyDeletionResponse scheduled = kms.scheduleKeyDeletion(b -> b.keyId(key).pendingWindowInDays(7));
    assertThat(scheduled.keyState()).isEqualTo(KeyState.PENDING_DELETION);
    assertThat(scheduled.deletionDate()).isEqualTo(clock.instant().plus(Duration.ofDays(7)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    assertThatThrownBy(() -> kms.encrypt(b -> b.keyId(key).plaintext(SECRET))).isInstanceOf(KmsInvalidStateException.class);
    kms.cancelKeyDeletion(b -> b.keyId(key));
    assertThat(kms.describeKey(b -> b.keyId(key)).keyMetadata().keyState()).isEqualTo(KeyState.DISABLED);

    kms.scheduleKeyDeletion(b -> b.keyId(key).pendingWindowInDays(7));
    clock.advance(Duration.ofDays(7).plusSeconds(1));
    assertThatThrownBy(() -> kms.describeKey(b -> b.keyId(key))).isInstanceOf(NotFoundException.class);
    assertThat(kms.listKeys().keys()).isEmpty();
  }

  @Test
  void keyPolicy_defaultAllowsTheAccount_aDenyStatementLocksOneCallerOut() {
    String key = newKey();
    GetKeyPolicyResponse policy = kms.getKeyPolicy(b -> b.keyId(key).policyName("default"));
    assertThat(policy.policy()).contains("arn:aws:iam::" + ACCOUNT + ":root");
    SdkBytes blob = kms.encrypt(b -> b.keyId(key).plaintext(SECRET)).ciphertextBlob();
    try (KmsClient reader = server.kms("reader", "reader")) {
      assertThat(reader.decrypt(b -> b.ciphertextBlob(blob)).plaintext()).isEqualTo(SECRET);
      kms.putKeyPolicy(b -> b.keyId(key).policyName("default").policy(denyReaderDecrypt()));
      assertThatThrownBy(() -> reader.decrypt(b -> b.ciphertextBlob(blob)))
          .isInstanceOfSatisfying(KmsException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException"));
      assertThat(kms.decrypt(b -> b.ciphertextBlob(blob)).plaintext()).isEqualTo(SECRET);
    }
  }

  @Test
  void putKeyPolicy_notJson_isMalformedPolicyDocument() {
    String key = newKey();
    assertThatThrownBy(() -> kms.putKeyPolicy(b -> b.keyId(key).policyName("default").policy("{not json")))
        .isInstanceOf(MalformedPolicyDocumentException.class);
  }

  @Test
  void rotation_statusToggles_andCiphertextsFromBeforeRotateOnDemandStillDecrypt() {
    String key = newKey();
    assertThat(kms.getKeyRotationStatus(b -> b.keyId(key)).keyRotationEnabled()).isFalse();
    kms.enableKeyRotation(b -> b.keyId(key));
    assertThat(kms.getKeyRotationStatus(b -> b.keyId(key)).keyRotationEnabled()).isTrue();
    kms.disableKeyRotation(b -> b.keyId(key));
    assertThat(kms.getKeyRotationStatus(b -> b.keyId(key)).keyRotationEnabled()).isFalse();

    SdkBytes before = kms.encrypt(b -> b.keyId(key).plaintext(SECRET)).ciphertextBlob();
    kms.rotateKeyOnDemand(b -> b.keyId(key));
    SdkBytes after = kms.encrypt(b -> b.keyId(key).plaintext(SECRET)).ciphertextBlob();
    assertThat(after).isNotEqualTo(before);
    assertThat(kms.decrypt(b -> b.ciphertextBlob(before)).plaintext()).isEqualTo(SECRET);
    assertThat(kms.decrypt(b -> b.ciphertextBlob(after)).plaintext()).isEqualTo(SECRET);
  }

  @Test
  void tags_addReplaceAndRemove() {
    String key = newKey();
    kms.tagResource(b -> b.keyId(key).tags(tag("a", "1"), tag("b", "2")));
    kms.tagResource(b -> b.keyId(key).tags(tag("a", "3")));
    kms.untagResource(b -> b.keyId(key).tagKeys("b"));
    assertThat(kms.listResourceTags(b -> b.keyId(key)).tags()).containsExactly(tag("a", "3"));
  }

  @Test
  void keysAliasesAndCiphertexts_surviveRestart() throws Exception {
    String key = newKey();
    kms.createAlias(r -> r.aliasName("alias/durable").targetKeyId(key));
    SdkBytes blob = kms.encrypt(b -> b.keyId("alias/durable").plaintext(SECRET)).ciphertextBlob();
    kms.close();
    server.close();
    server = TestServer.start(dir, clock);
    kms = server.kms();
    assertThat(kms.describeKey(b -> b.keyId("alias/durable")).keyMetadata().keyId()).isEqualTo(key);
    assertThat(kms.decrypt(b -> b.ciphertextBlob(blob)).plaintext()).isEqualTo(SECRET);
  }

  static Tag tag(String k, String v) {
    return Tag.builder().tagKey(k).tagValue(v).build();
  }

  static String denyReaderDecrypt() {
    return """
        {"Version": "2012-10-17", "Statement": [
          {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"},
          {"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::123456789012:user/reader"}, "Action": "kms:Decrypt", "Resource": "*"}
        ]}""";
  }
}
