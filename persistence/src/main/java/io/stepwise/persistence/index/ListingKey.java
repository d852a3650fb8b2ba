package io.stepwise.persistence.index;

import io.stepwise.persistence.crypto.EventCipher;
import io.stepwise.persistence.internal.Db;
import io.stepwise.persistence.kms.DataKey;
import io.stepwise.persistence.kms.Kms;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The data key that seals the values of the listing index: made once per data directory by the
 * KMS under the service-owned key and stored only wrapped, like the journal's data keys. The
 * listing shows executions of every machine, whatever its key, so it is sealed under the key
 * that is always usable, as AWS's listings keep working when a customer key is disabled.
 *
 * <pre>  'K' "listing" -> the data key wrapped by the service-owned KMS key (a KMS ciphertext blob)</pre>
 */
public final class ListingKey {
  static final byte PREFIX = 'K';
  private static final byte[] ROW = row("listing");
  private static final Map<String, String> CONTEXT = Map.of("stepwise:index", "listing");

  private ListingKey() {}

  /** The listing's cipher: the stored key unwrapped, or a new one made and stored (durably) first. */
  public static EventCipher open(Db db, Kms kms) {
    byte[] wrapped = db.get(ROW);
    byte[] plaintext;
    if (wrapped == null) {
      DataKey made = kms.generateDataKey(kms.serviceOwnedKeyId(), CONTEXT);
      db.put(ROW, made.ciphertextBlob(), true);
      plaintext = made.plaintext();
    } else {
      plaintext = kms.decrypt(kms.serviceOwnedKeyId(), wrapped, CONTEXT);
    }
    try {
      return EventCipher.of(EventCipher.aesKey(plaintext));
    } finally {
      java.util.Arrays.fill(plaintext, (byte) 0);
    }
  }

  private static byte[] row(String name) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    byte[] k = new byte[1 + n.length];
    k[0] = PREFIX;
    System.arraycopy(n, 0, k, 1, n.length);
    return k;
  }
}
