package io.stepwise.persistence.kms;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

/**
 * RSA key pairs for asymmetric KMS keys (RSA_2048, ENCRYPT_DECRYPT): real material, stored as
 * PKCS#8 sealed under the root key like symmetric material, encrypting with RSAES-OAEP as AWS's
 * {@code RSAES_OAEP_SHA_1} / {@code RSAES_OAEP_SHA_256} do.
 */
final class Rsa {
  static final String RSA_2048 = "RSA_2048";

  private Rsa() {}

  static byte[] generatePkcs8(int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(bits);
      return g.generateKeyPair().getPrivate().getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA is unavailable", e);
    }
  }

  static PrivateKey privateKey(byte[] pkcs8) throws GeneralSecurityException {
    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
  }

  static PublicKey publicKey(PrivateKey key) throws GeneralSecurityException {
    RSAPrivateCrtKey crt = (RSAPrivateCrtKey) key;
    return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
  }

  static byte[] encrypt(PrivateKey key, byte[] plaintext, String algorithm) {
    try {
      Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
      c.init(Cipher.ENCRYPT_MODE, publicKey(key), oaep(algorithm));
      return c.doFinal(plaintext);
    } catch (GeneralSecurityException e) {
      throw new KmsException(KmsException.Code.VALIDATION, "The plaintext is too long for this key and algorithm");
    }
  }

  static byte[] decrypt(PrivateKey key, byte[] ciphertext, String algorithm) {
    try {
      Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
      c.init(Cipher.DECRYPT_MODE, key, oaep(algorithm));
      return c.doFinal(ciphertext);
    } catch (GeneralSecurityException e) {
      throw KmsCiphertext.invalid();
    }
  }

  private static OAEPParameterSpec oaep(String algorithm) {
    boolean sha1 = "RSAES_OAEP_SHA_1".equals(algorithm);
    return new OAEPParameterSpec(sha1 ? "SHA-1" : "SHA-256", "MGF1",
        sha1 ? MGF1ParameterSpec.SHA1 : MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);
  }
}
