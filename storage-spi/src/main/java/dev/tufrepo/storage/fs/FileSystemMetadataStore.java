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
 * are forced, then all are renamed, then the directory is forced once. A {@link #beginWrite()}
 * group writes, forces and renames each file on I/O threads as it is added, and forces the
 * directory once on commit. With {@code fsync(false)} nothing is forced (tests, or a file system
 * that is not the source of truth).
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
  private final int ioThreads;
  private final java.util.concurrent.Executor givenExecutor;
  private java.util.concurrent.ExecutorService ownExecutor;

  private FileSystemMetadataStore(
      Path dir, boolean fsync, int ioThreads, java.util.concurrent.Executor executor) {
    this.dir = dir;
    this.fsync = fsync;
    this.ioThreads = ioThreads;
    this.givenExecutor = executor;
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

  /**
   * Each added file is written on the store's I/O threads right away: to a temporary file, forced
   * (with fsync on), renamed to its name; {@link WriteGroup#commit()} waits for them and forces the
   * directory once. The forces of many files run in parallel, so the file system can make them
   * durable in a few journal commits instead of one per file.
   */
  @Override
  public WriteGroup beginWrite() {
    return new FileWriteGroup(io());
  }

  private synchronized java.util.concurrent.Executor io() {
    if (givenExecutor != null) {
      return givenExecutor;
    }
    if (ownExecutor == null) {
      AtomicLong n = new AtomicLong();
      ownExecutor =
          java.util.concurrent.Executors.newFixedThreadPool(
              ioThreads,
              r -> {
                Thread t = new Thread(r, "tufrepo-fs-io-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
    }
    return ownExecutor;
  }

  @Override
  public synchronized void close() {
    if (ownExecutor != null) {
      ownExecutor.shutdown();
      ownExecutor = null;
    }
  }

  /** The files of one {@link #beginWrite()} group, each written by an I/O task. */
  private final class FileWriteGroup implements WriteGroup {
    private final java.util.concurrent.Executor executor;
    private final List<java.util.concurrent.CompletableFuture<Void>> writes = new ArrayList<>();

    FileWriteGroup(java.util.concurrent.Executor executor) {
      this.executor = executor;
    }

    @Override
    public void add(String name, byte[] bytes) {
      Path target = resolve(name);
      Objects.requireNonNull(bytes, () -> "bytes of " + name);
      var write =
          java.util.concurrent.CompletableFuture.runAsync(() -> writeOne(target, bytes), executor);
      synchronized (this) {
        writes.add(write);
      }
    }

    @Override
    public void commit() {
      StorageException failure = awaitAll();
      if (failure != null) {
        throw failure;
      }
      boolean any;
      synchronized (this) {
        any = !writes.isEmpty();
      }
      if (fsync && any) {
        try {
          forceDirectory();
        } catch (IOException e) {
          throw failure("force", dir, e);
        }
      }
    }

    @Override
    public void close() {
      awaitAll();
    }

    private StorageException awaitAll() {
      List<java.util.concurrent.CompletableFuture<Void>> all;
      synchronized (this) {
        all = new ArrayList<>(writes);
      }
      StorageException first = null;
      for (var w : all) {
        try {
          w.join();
        } catch (java.util.concurrent.CompletionException
            | java.util.concurrent.CancellationException e) {
          if (first == null) {
            first =
                e.getCause() instanceof StorageException se
                    ? se
                    : new StorageException("metadata store: write failed: " + e.getCause(), e);
          }
        }
      }
      return first;
    }
  }

  /** Temporary file, written and forced, then renamed over {@code target}. */
  private void writeOne(Path target, byte[] bytes) {
    Path temp = dir.resolve(TEMP_PREFIX + tempStem + "-" + tempCounter.incrementAndGet());
    boolean moved = false;
    try {
      try (FileChannel channel = FileChannel.open(temp, CREATE_NEW, WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        if (fsync) {
          channel.force(false);
        }
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      moved = true;
    } catch (IOException e) {
      throw failure("write", target, e);
    } finally {
      if (!moved) {
        deleteQuietly(temp);
      }
    }
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
    private int ioThreads = 2;
    private java.util.concurrent.Executor executor;

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

    /**
     * How many threads of its own the store writes {@link #beginWrite()} groups with (default 2).
     * Creating and renaming files in one directory takes the directory's lock, so more threads
     * mostly contend: with 8 the 1 M-target publish benchmark was slower than writing after
     * signing. Ignored when an {@link #ioExecutor} is given.
     */
    public Builder ioThreads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("ioThreads must be >= 1, not " + threads);
      }
      this.ioThreads = threads;
      return this;
    }

    /**
     * Runs the writes of {@link #beginWrite()} groups on {@code executor} instead of own threads.
     */
    public Builder ioExecutor(java.util.concurrent.Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
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
      FileSystemMetadataStore store =
          new FileSystemMetadataStore(absolute, fsync, ioThreads, executor);
      store.deleteStaleTempFiles(clock.instant());
      return store;
    }
  }
}
