package io.stepwise.persistence.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.zip.CRC32;

/**
 * LevelDB's JNI library, extracted once per machine and user rather than once per start. Left to
 * itself, leveldbjni (HawtJNI) writes a fresh copy of its 750 KB library into the temp directory
 * on every start and deletes it only on a clean exit, so every crash or {@code kill -9} leaves one
 * behind. On Linux the bundled library is copied once to
 * {@code <java.io.tmpdir>/stepwise-native-<user>/leveldbjni-<crc32>/} and HawtJNI is pointed at it
 * ({@code library.leveldbjni.path}); elsewhere, or when that property is already set, HawtJNI
 * behaves as before.
 */
final class NativeLibrary {
  private static final String PROPERTY = "library.leveldbjni.path";
  private static volatile boolean prepared;

  private NativeLibrary() {}

  static synchronized void prepareLevelDb() {
    if (prepared) return;
    prepared = true;
    if (System.getProperty(PROPERTY) != null) return;
    if (!System.getProperty("os.name", "").toLowerCase().startsWith("linux")) return;
    String name = System.mapLibraryName("leveldbjni");
    String arch = System.getProperty("os.arch", "");
    String resource = arch.equals("aarch64") || arch.equals("arm64")
        ? "META-INF/native/linux64/aarch64/" + name
        : "META-INF/native/linux" + System.getProperty("sun.arch.data.model", "64") + "/" + name;
    try (InputStream in = NativeLibrary.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) return;
      byte[] bytes = in.readAllBytes();
      CRC32 crc = new CRC32();
      crc.update(bytes);
      String user = System.getProperty("user.name", "user");
      Path base = Path.of(System.getProperty("java.io.tmpdir"), "stepwise-native-" + user);
      Path dir = base.resolve("leveldbjni-" + Long.toHexString(crc.getValue()));
      Path lib = dir.resolve(name);
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      // A shared temp directory: use only a folder of our own that nobody else can write to.
      for (Path p : new Path[] {base, dir}) {
        var perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        if (!Files.getOwner(p, LinkOption.NOFOLLOW_LINKS).getName().equals(user)
            || perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
          return;
        }
      }
      if (!Files.isRegularFile(lib, LinkOption.NOFOLLOW_LINKS) || !sameCrc(lib, crc.getValue())) {
        Path part = Files.createTempFile(dir, name, ".part");
        Files.write(part, bytes);
        Files.move(part, lib, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      System.setProperty(PROPERTY, dir.toString());
    } catch (IOException | RuntimeException e) {
      // HawtJNI extracts it itself, as before
    }
  }

  private static boolean sameCrc(Path file, long expected) throws IOException {
    CRC32 crc = new CRC32();
    crc.update(Files.readAllBytes(file));
    return crc.getValue() == expected;
  }
}
