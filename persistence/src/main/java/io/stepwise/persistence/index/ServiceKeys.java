package io.stepwise.persistence.index;

import io.stepwise.persistence.crypto.EventCipher;
import io.stepwise.persistence.internal.Db;
import io.stepwise.persistence.kms.DataKey;
import io.stepwise.persistence.kms.Kms;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Keys of the service itself, each made once per data directory by the KMS under the
 * service-owned key and stored only wrapped, like the journal's data keys: the one that seals the
 * values of the listing indexes (they list resources of every key, so they must stay readable
 * when a customer key is disabled, as AWS's listings do), the one that seals the journal's
 * data-key rows, the one that names rows by keyed hashes and seals the names, and the one that
 * signs task tokens.
 *
 * <pre>  'K' name -> the key wrapped by the service-owned KMS key (a KMS ciphertext blob)</pre>
 */
public final class ServiceKeys {
  static final byte PREFIX = 'K';

  private ServiceKeys() {}

  /** The listing indexes' cipher. */
  public static EventCipher listingCipher(Db db, Kms kms) {
    byte[] material = material(db, kms, "listing");
    try {
      return EventCipher.of(EventCipher.aesKey(material));
    } finally {
      Arrays.fill(material, (byte) 0);
    }
  }

  /** The cipher of the journal's data-key rows (what KMS key and encryption context each data key has). */
  public static EventCipher dataKeyRowCipher(Db db, Kms kms) {
    byte[] material = material(db, kms, "data-key-rows");
    try {
      return EventCipher.of(EventCipher.aesKey(material));
    } finally {
      Arrays.fill(material, (byte) 0);
    }
  }

  /** How the journal's store names rows by keyed hashes and seals the names (see {@link io.stepwise.persistence.crypto.RowNames}). */
  public static io.stepwise.persistence.crypto.RowNames rowNames(Db db, Kms kms) {
    byte[] material = material(db, kms, "row-names");
    try {
      return io.stepwise.persistence.crypto.RowNames.fromMaterial(material);
    } finally {
      Arrays.fill(material, (byte) 0);
    }
  }

  /** The 256-bit key that signs task tokens. */
  public static byte[] taskTokenKey(Db db, Kms kms) {
    return material(db, kms, "task-token");
  }

  /** The stored key {@code name} unwrapped, or a new one made and stored (durably) first. */
  private static byte[] material(Db db, Kms kms, String name) {
    byte[] row = row(name);
    Map<String, String> context = Map.of("stepwise:key", name);
    byte[] wrapped = db.get(row);
    if (wrapped != null) return kms.decrypt(kms.serviceOwnedKeyId(), wrapped, context);
    DataKey made = kms.generateDataKey(kms.serviceOwnedKeyId(), context);
    db.put(row, made.ciphertextBlob(), true);
    return made.plaintext();
  }

  private static byte[] row(String name) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    byte[] k = new byte[1 + n.length];
    k[0] = PREFIX;
    System.arraycopy(n, 0, k, 1, n.length);
    return k;
  }
}
