package io.stepwise.persistence.kms;

import io.stepwise.persistence.StorageUnavailableException;
import io.stepwise.persistence.crypto.EventCipher;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.function.Function;
import javax.crypto.SecretKey;

/**
 * The 256-bit key that encrypts all KMS key material at rest. Taken base64 from the environment
 * variable when it is set (so it can live outside the data directory); otherwise read from, or on
 * first start generated into, {@code root.key} with owner-only permissions.
 */
public final class RootKey {
  public static final String FILE_NAME = "root.key";

  private RootKey() {}

  public static SecretKey load(Path kmsDir, String envVar, Function<String, String> env) {
    String fromEnv = envVar == null || envVar.isBlank() ? null : env.apply(envVar);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return decode(fromEnv.trim(), "environment variable " + envVar);
    }
    Path file = kmsDir.resolve(FILE_NAME);
    try {
      if (Files.exists(file)) {
        requireOwnerOnly(file);
        return decode(Files.readString(file, StandardCharsets.US_ASCII).trim(), file.toString());
      }
      Files.createDirectories(kmsDir);
      byte[] key = EventCipher.randomBytes(EventCipher.KEY_BYTES);
      writeOwnerOnly(file, Base64.getEncoder().encodeToString(key).getBytes(StandardCharsets.US_ASCII));
      return EventCipher.aesKey(key);
    } catch (IOException e) {
      throw new StorageUnavailableException("Cannot read or create the KMS root key " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * A root key file that others can read would let them open every key of the KMS: refused, as
   * ssh refuses a private key file others can read.
   */
  static void requireOwnerOnly(Path file) throws IOException {
    java.util.Set<java.nio.file.attribute.PosixFilePermission> perms;
    try {
      perms = Files.getPosixFilePermissions(file);
    } catch (UnsupportedOperationException e) {
      return; // no POSIX permissions on this file system
    }
    java.util.Set<java.nio.file.attribute.PosixFilePermission> open = java.util.EnumSet.copyOf(perms);
    open.retainAll(java.util.EnumSet.of(
        java.nio.file.attribute.PosixFilePermission.GROUP_READ, java.nio.file.attribute.PosixFilePermission.GROUP_WRITE,
        java.nio.file.attribute.PosixFilePermission.GROUP_EXECUTE, java.nio.file.attribute.PosixFilePermission.OTHERS_READ,
        java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE, java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE));
    if (!open.isEmpty()) {
      throw new StorageUnavailableException("The KMS root key " + file + " is accessible by others (permissions "
          + PosixFilePermissions.toString(perms) + "); it must be readable by its owner only: chmod 600 " + file);
    }
  }

  private static SecretKey decode(String base64, String source) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new StorageUnavailableException("The KMS root key in " + source + " is not valid base64");
    }
    if (key.length != EventCipher.KEY_BYTES) {
      throw new StorageUnavailableException(
          "The KMS root key in " + source + " must be 32 bytes (base64), was " + key.length);
    }
    return EventCipher.aesKey(key);
  }

  // Written to a temporary file that already has rw------- and then moved, so the key is never
  // readable by others, not even for a moment.
  private static void writeOwnerOnly(Path file, byte[] content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    try {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(tmp);
    }
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(content));
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
  }
}
