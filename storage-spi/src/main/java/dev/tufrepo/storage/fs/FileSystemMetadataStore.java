package dev.tufrepo.storage.fs;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import dev.tufrepo.storage.MetadataStore;
import dev.tufrepo.storage.StorageException;
import java.io.File;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link MetadataStore} in one flat directory, the layout a web server or CDN serves as is.
 *
 * <p>Every write goes to a temporary file in the same directory (named {@code .tmp-...}, which no
 * valid metadata name can be and {@link #list()} never returns), is forced to disk, and is then
 * renamed over its target with an atomic move; finally the directory is forced once so that the new
 * names are durable. A group of versioned files shares one barrier: all files are written, then all
 * are forced, then all are renamed, then the directory is forced once. With {@code fsync(false)}
 * nothing is forced (tests, or a file system that is not the source of truth).
 *
 * <p>Temporary files left behind by a crash are invisible; those older than an hour are deleted
 * when a store is opened. Deleting a file does not force the directory: losing a deletion in a
 * crash only keeps an old consistent snapshot a little longer.
 *
 * <p>Thread-safe: concurrent writers use distinct temporary files, and {@code timestamp.json}
 * writes are serialized so that the last call to return is the one readers see.
 */
public final class FileSystemMetadataStore implements MetadataStore {
  private static final System.Logger LOG =
      System.getLogger(FileSystemMetadataStore.class.getName());
  private static final String TEMP_PREFIX = ".tmp-";
  private static final Duration STALE_TEMP_AGE = Duration.ofHours(1);

  private final Path dir;
  private final boolean fsync;
  private final String tempStem = Long.toHexString(ThreadLocalRandom.current().nextLong());
  private final AtomicLong tempCounter = new AtomicLong();
  private final ReentrantLock timestampLock = new ReentrantLock();

  private FileSystemMetadataStore(Path dir, boolean fsync) {
    this.dir = dir;
    this.fsync = fsync;
  }

  /** Opens (creating it if needed) the store in {@code dir}, with fsync on. */
  public static FileSystemMetadataStore open(Path dir) {
    return builder(dir).build();
  }

  /** A builder for a store in {@code dir}. */
  public static Builder builder(Path dir) {
    return new Builder(dir);
  }

  /** The directory that holds the files. */
  public Path directory() {
    return dir;
  }

  @Override
  public void writeVersioned(Map<String, byte[]> files) {
    Objects.requireNonNull(files, "files");
    List<Path> targets = new ArrayList<>(files.size());
    List<byte[]> contents = new ArrayList<>(files.size());
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      targets.add(resolve(e.getKey()));
      contents.add(Objects.requireNonNull(e.getValue(), () -> "bytes of " + e.getKey()));
    }
    writeGroup(targets, contents);
  }

  @Override
  public void writeTimestamp(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    timestampLock.lock();
    try {
      writeGroup(List.of(resolve(TIMESTAMP)), List.of(bytes));
    } finally {
      timestampLock.unlock();
    }
  }

  @Override
  public Optional<byte[]> read(String name) {
    Path file = resolve(name);
    try {
      return Optional.of(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw failure("read", file, e);
    }
  }

  @Override
  public List<String> list() {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (isMetadataName(name)) {
          names.add(name);
        }
      }
    } catch (IOException e) {
      throw failure("list", dir, e);
    }
    names.sort(null);
    return names;
  }

  @Override
  public void delete(String name) {
    Path file = resolve(name);
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw failure("delete", file, e);
    }
  }

  /**
   * Write all, force all, rename all, force the directory once. Files given the very same byte
   * array (the engine's 16,384 identical empty bins at bootstrap) are written and forced once and
   * hard-linked under their other names; published files are never modified in place, so sharing an
   * inode is safe.
   */
  private void writeGroup(List<Path> targets, List<byte[]> contents) {
    if (targets.isEmpty()) {
      return;
    }
    List<Path> temps = new ArrayList<>(targets.size());
    List<Path> written = new ArrayList<>();
    java.util.IdentityHashMap<byte[], Path> firstCopy = new java.util.IdentityHashMap<>();
    int renamed = 0;
    try {
      for (byte[] bytes : contents) {
        Path temp = dir.resolve(TEMP_PREFIX + tempStem + "-" + tempCounter.incrementAndGet());
        temps.add(temp);
        Path first = firstCopy.get(bytes);
        if (first == null || !tryLink(temp, first)) {
          writeNew(temp, bytes);
          written.add(temp);
          firstCopy.putIfAbsent(bytes, temp);
        }
      }
      if (fsync) {
        for (Path temp : written) {
          forceFile(temp);
        }
      }
      for (; renamed < targets.size(); renamed++) {
        Files.move(
            temps.get(renamed),
            targets.get(renamed),
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      }
      if (fsync) {
        forceDirectory();
      }
    } catch (IOException e) {
      Path failed = renamed < targets.size() ? targets.get(renamed) : dir;
      throw failure("write", failed, e);
    } finally {
      for (int i = renamed; i < temps.size(); i++) {
        deleteQuietly(temps.get(i));
      }
    }
  }

  private static boolean tryLink(Path link, Path existing) {
    try {
      Files.createLink(link, existing);
      return true;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false; // a file system without hard links: write a copy instead
    }
  }

  private static void writeNew(Path file, byte[] bytes) throws IOException {
    try (FileChannel channel = FileChannel.open(file, CREATE_NEW, WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    }
  }

  private static void forceFile(Path file) throws IOException {
    // Reopening is cheap and keeps the number of open descriptors at one for any group size.
    try (FileChannel channel = FileChannel.open(file, WRITE)) {
      channel.force(false);
    }
  }

  private void forceDirectory() throws IOException {
    if (File.separatorChar == '\\') {
      return; // Windows cannot open a directory as a channel; NTFS journals renames itself.
    }
    try (FileChannel channel = FileChannel.open(dir, READ)) {
      channel.force(true);
    }
  }

  private Path resolve(String name) {
    MetadataStore.checkName(name);
    Path file = dir.resolve(name);
    if (!dir.equals(file.getParent())) {
      throw new IllegalArgumentException("invalid metadata file name \"" + name + "\"");
    }
    return file;
  }

  private static boolean isMetadataName(String name) {
    if (name.startsWith(".")) {
      return false; // our temporary files, and anything else hidden
    }
    try {
      MetadataStore.checkName(name);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private void deleteStaleTempFiles(Instant now) {
    Instant cutoff = now.minus(STALE_TEMP_AGE);
    try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, TEMP_PREFIX + "*")) {
      for (Path temp : temps) {
        if (Files.getLastModifiedTime(temp).toInstant().isBefore(cutoff)) {
          deleteQuietly(temp);
        }
      }
    } catch (IOException e) {
      LOG.log(Level.WARNING, "could not clean temporary files in " + dir, e);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "could not delete temporary file " + file, e);
    }
  }

  private static StorageException failure(String action, Path path, IOException e) {
    return new StorageException(
        String.format(Locale.ROOT, "metadata store: could not %s %s: %s", action, path, e), e);
  }

  @Override
  public String toString() {
    return "FileSystemMetadataStore[" + dir + (fsync ? "" : ", fsync off") + "]";
  }

  /** Options of a {@link FileSystemMetadataStore}. */
  public static final class Builder {
    private final Path dir;
    private boolean fsync = true;
    private Clock clock = Clock.systemUTC();

    Builder(Path dir) {
      this.dir = Objects.requireNonNull(dir, "dir");
    }

    /**
     * Whether writes are forced to disk before they return (default {@code true}). Turn it off only
     * where losing recent writes in a power failure is acceptable.
     */
    public Builder fsync(boolean fsync) {
      this.fsync = fsync;
      return this;
    }

    /** The clock that decides which leftover temporary files are stale (default: UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Creates the directory if needed and opens the store. */
    public FileSystemMetadataStore build() {
      Path absolute = dir.toAbsolutePath().normalize();
      try {
        Files.createDirectories(absolute);
      } catch (IOException e) {
        throw failure("create", absolute, e);
      }
      FileSystemMetadataStore store = new FileSystemMetadataStore(absolute, fsync);
      store.deleteStaleTempFiles(clock.instant());
      return store;
    }
  }
}
