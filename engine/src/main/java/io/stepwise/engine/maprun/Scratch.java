package io.stepwise.engine.maprun;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Where Map Runs keep S3 objects while they read them, and results before they upload them: a
 * directory of the system's temporary directory that belongs to one data directory
 * ({@code stepwise-scratch-<user>-<hash of its path>}, a real directory of this user's, readable
 * by them only). Outside the data directory, which holds nothing in clear; emptied when the server
 * starts, so that what a killed server left there does not stay. Should that name be taken by
 * anything else (another user's directory, a link), a fresh temporary directory serves instead.
 */
public final class Scratch {
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

  private Scratch() {}

  /** The scratch directory of {@code dataDir}, emptied (created if need be). */
  public static Path prepare(Path dataDir) {
    Path dir = of(dataDir);
    try {
      if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) return ready(dir);
      if (!ours(dir)) {
        return Files.createTempDirectory("stepwise-scratch-", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      }
      try (Stream<Path> all = Files.walk(dir)) { // the start is a real directory: walk follows no link
        for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
          if (!p.equals(dir)) Files.deleteIfExists(p);
        }
      }
      return dir;
    } catch (IOException | UnsupportedOperationException e) {
      throw new UncheckedIOException("Cannot prepare the scratch directory " + dir,
          e instanceof IOException io ? io : new IOException(e));
    }
  }

  /**
   * {@code dir}, made again if it went since (a cleaner of the temporary directory may remove it
   * while the server runs); fails if what is there is not a directory of this user's.
   */
  public static Path ready(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      try {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      } catch (UnsupportedOperationException e) { // not a POSIX file system
        Files.createDirectories(dir);
      }
    }
    if (!ours(dir)) throw new IOException("The scratch directory " + dir + " is not a directory of this user's only");
    return dir;
  }

  /** A real directory (not a link), owned by this user, owner-only (made so if it is not). */
  private static boolean ours(Path dir) throws IOException {
    BasicFileAttributes basic = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!basic.isDirectory() || basic.isSymbolicLink()) return false;
    if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) return true;
    PosixFileAttributes posix = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    var me = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(System.getProperty("user.name"));
    if (!posix.owner().equals(me)) return false;
    if (!posix.permissions().equals(OWNER_ONLY)) Files.setPosixFilePermissions(dir, OWNER_ONLY);
    return true;
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
