package io.stepwise.engine.maprun;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * Where Map Runs keep S3 objects while they read them, and results before they upload them: a
 * directory of the system's temporary directory that belongs to one data directory
 * ({@code stepwise-scratch-<user>-<hash of its path>}, readable by its owner only). Outside the
 * data directory, which holds nothing in clear; emptied when the server starts, so that what a
 * killed server left there does not stay.
 */
public final class Scratch {
  private Scratch() {}

  /** The scratch directory of {@code dataDir}, emptied (created if need be). */
  public static Path prepare(Path dataDir) {
    Path dir = of(dataDir);
    try {
      if (Files.isDirectory(dir)) {
        try (Stream<Path> all = Files.walk(dir)) {
          for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
            if (!p.equals(dir)) Files.deleteIfExists(p);
          }
        }
      } else {
        try {
          Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) { // not a POSIX file system
          Files.createDirectories(dir);
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare the scratch directory " + dir, e);
    }
  }

  /** The scratch directory of {@code dataDir}. */
  public static Path of(Path dataDir) {
    String path = dataDir.toAbsolutePath().normalize().toString();
    byte[] hash;
    try {
      hash = java.security.MessageDigest.getInstance("SHA-256").digest(path.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
    return Path.of(System.getProperty("java.io.tmpdir"), "stepwise-scratch-" + user + "-"
        + HexFormat.of().formatHex(hash, 0, 8));
  }
}
