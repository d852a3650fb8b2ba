package io.stepwise.persistence.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;

class EventCipherTest {
  private final SecretKey key = EventCipher.aesKey(EventCipher.randomBytes(32));
  private final byte[] plaintext = "{\"input\":\"hello\"}".getBytes(StandardCharsets.UTF_8);
  private final byte[] aad = Envelope.eventAad(7, "Execution|abc", 3);

  @Test
  void encryptThenDecrypt_returnsPlaintext() throws Exception {
    byte[] ct = EventCipher.of(key).encrypt(plaintext, aad);
    assertThat(ct).hasSize(12 + plaintext.length + 16);
    assertThat(EventCipher.of(key).decrypt(ct, aad)).isEqualTo(plaintext);
  }

  @Test
  void sameEventTwice_usesFreshNonces() {
    byte[] a = EventCipher.of(key).encrypt(plaintext, aad);
    byte[] b = EventCipher.of(key).encrypt(plaintext, aad);
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void otherSequenceNr_failsToDecrypt() {
    byte[] ct = EventCipher.of(key).encrypt(plaintext, aad);
    assertThatThrownBy(() -> EventCipher.of(key).decrypt(ct, Envelope.eventAad(7, "Execution|abc", 4)))
        .isInstanceOf(AEADBadTagException.class);
  }

  @Test
  void otherPersistenceId_failsToDecrypt() {
    byte[] ct = EventCipher.of(key).encrypt(plaintext, aad);
    assertThatThrownBy(() -> EventCipher.of(key).decrypt(ct, Envelope.eventAad(7, "Execution|abd", 3)))
        .isInstanceOf(AEADBadTagException.class);
  }

  @Test
  void snapshotAad_doesNotOpenAnEvent() {
    byte[] ct = EventCipher.of(key).encrypt(plaintext, aad);
    assertThatThrownBy(() -> EventCipher.of(key).decrypt(ct, Envelope.snapshotAad(7, "Execution|abc", 3, 0)))
        .isInstanceOf(AEADBadTagException.class);
  }

  @Test
  void anyFlippedByte_failsToDecrypt() {
    byte[] ct = EventCipher.of(key).encrypt(plaintext, aad);
    for (int i = 0; i < ct.length; i++) {
      byte[] bad = ct.clone();
      bad[i] ^= 0x01;
      assertThatThrownBy(() -> EventCipher.of(key).decrypt(bad, aad)).isInstanceOf(AEADBadTagException.class);
    }
  }

  @Test
  void otherKey_failsToDecrypt() {
    byte[] ct = EventCipher.of(key).encrypt(plaintext, aad);
    SecretKey other = EventCipher.aesKey(EventCipher.randomBytes(32));
    assertThatThrownBy(() -> EventCipher.of(other).decrypt(ct, aad)).isInstanceOf(AEADBadTagException.class);
  }

  @Test
  void envelope_roundTripsAndRejectsUnknownVersion() {
    Envelope e = new Envelope(42, new byte[] {1, 2, 3});
    Envelope back = Envelope.parse(e.toBytes());
    assertThat(back.dataKeyRef()).isEqualTo(42);
    assertThat(back.sealed()).containsExactly(1, 2, 3);
    byte[] bad = e.toBytes();
    bad[0] = 9;
    assertThatThrownBy(() -> Envelope.parse(bad)).hasMessageContaining("version");
  }
}
