package dev.tufrepo.storage.fs;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code syncfs(2)} through JNA, and the checks that decide whether it can be a durability barrier.
 *
 * <p>{@code syncfs} writes back every dirty page and inode of one file system and commits its
 * journal, so it makes any number of new files and renames durable at the cost of one journal
 * commit. Since Linux 5.8 it also reports a write-back error that happened on the file system after
 * the descriptor it is called on was opened (earlier kernels returned 0 even when pages were lost),
 * which is why it is only used from 5.8 on, and why a group opens its descriptor before its first
 * write.
 */
final class SyncFs {
  private static final int MIN_MAJOR = 5;
  private static final int MIN_MINOR = 8;
  private static final Pattern KERNEL = Pattern.compile("^(\\d+)\\.(\\d+)");

  /** File systems whose {@code sync_fs} commits the journal and flushes the device's cache. */
  static final Set<String> FILE_SYSTEMS = Set.of("ext4", "ext3", "xfs", "btrfs", "f2fs", "tmpfs");

  private SyncFs() {}

  /**
   * What the store asks of the platform before it picks a barrier: the OS name and version (the
   * {@code os.name} and {@code os.version} properties) and a probe of the directory ({@link
   * #probe}). A seam, so tests can pose as another OS.
   */
  record Platform(String osName, String osVersion, Function<Path, Optional<String>> probe) {
    static Platform current() {
      return new Platform(
          System.getProperty("os.name", ""), System.getProperty("os.version", ""), SyncFs::probe);
    }

    /** Why {@code dir} cannot use {@code syncfs} as a barrier here, or empty if it can. */
    Optional<String> unsupported(Path dir) {
      return unsupportedOs(osName, osVersion).or(() -> probe.apply(dir));
    }
  }

  /** Why the OS cannot use {@code syncfs} as a barrier, or empty if it can. */
  static Optional<String> unsupportedOs(String osName, String osVersion) {
    if (!"Linux".equals(osName)) {
      return Optional.of("syncfs(2) is Linux only, this is " + osName);
    }
    Matcher m = KERNEL.matcher(osVersion);
    if (!m.find()) {
      return Optional.of("cannot tell the Linux kernel version from \"" + osVersion + "\"");
    }
    int major = Integer.parseInt(m.group(1));
    int minor = Integer.parseInt(m.group(2));
    if (major < MIN_MAJOR || (major == MIN_MAJOR && minor < MIN_MINOR)) {
      return Optional.of(
          String.format(
              Locale.ROOT,
              "Linux %d.%d is older than %d.%d, the first whose syncfs(2) reports write-back"
                  + " errors",
              major,
              minor,
              MIN_MAJOR,
              MIN_MINOR));
    }
    return Optional.empty();
  }

  /**
   * Why {@code dir}'s file system cannot use {@code syncfs} as a barrier, or empty if it can: its
   * type is one of {@link #FILE_SYSTEMS}, JNA loads, and one call succeeds.
   */
  static Optional<String> probe(Path dir) {
    String type;
    try {
      type = Files.getFileStore(dir).type();
    } catch (IOException e) {
      return Optional.of("cannot tell the file system type of " + dir + ": " + e);
    }
    if (!FILE_SYSTEMS.contains(type)) {
      return Optional.of(
          "syncfs(2) is not known to be a durability barrier on file system type \""
              + type
              + "\" (only on "
              + String.join(", ", FILE_SYSTEMS.stream().sorted().toList())
              + ")");
    }
    try {
      int fd = open(dir);
      try {
        sync(fd, dir);
      } finally {
        close(fd);
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(e.getMessage());
    } catch (LinkageError e) {
      return Optional.of("JNA cannot call syncfs(2): " + e);
    }
  }

  /** Opens {@code dir} read-only; the descriptor to pass to {@link #sync} and {@link #close}. */
  static int open(Path dir) throws IOException {
    int fd = LibC.open(dir.toString(), LibC.O_RDONLY | LibC.O_DIRECTORY);
    if (fd < 0) {
      throw new IOException("open(" + dir + ") failed: " + errno(Native.getLastError()));
    }
    return fd;
  }

  /** {@code syncfs(fd)}; {@code dir} only names the file system in the message of a failure. */
  static void sync(int fd, Path dir) throws IOException {
    if (LibC.syncfs(fd) != 0) {
      throw new IOException(
          "syncfs(2) of the file system of " + dir + " failed: " + errno(Native.getLastError()));
    }
  }

  static void close(int fd) {
    LibC.close(fd); // a read-only descriptor: nothing to report
  }

  private static String errno(int errno) {
    String text;
    try {
      text = LibC.strerror(errno);
    } catch (LinkageError e) {
      text = null;
    }
    return "errno " + errno + (text == null ? "" : " (" + text + ")");
  }

  /** The libc functions, bound by JNA direct mapping when this class is first used. */
  private static final class LibC {
    static final int O_RDONLY = 0;
    static final int O_DIRECTORY = oDirectory(System.getProperty("os.arch", ""));

    static {
      Native.register(LibC.class, NativeLibrary.getInstance(com.sun.jna.Platform.C_LIBRARY_NAME));
    }

    private LibC() {}

    static native int open(String path, int flags);

    static native int syncfs(int fd);

    static native int close(int fd);

    static native String strerror(int errno);

    /** O_DIRECTORY differs between architectures; 0 (a plain open) where we do not know it. */
    private static int oDirectory(String arch) {
      if (arch.equals("aarch64") || arch.startsWith("arm") || arch.startsWith("ppc")) {
        return 040000;
      }
      return Set.of("amd64", "x86_64", "x86", "i386", "riscv64", "s390x", "loongarch64")
              .contains(arch)
          ? 0200000
          : 0;
    }
  }
}
