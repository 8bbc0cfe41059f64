package dev.tufrepo.storage.fs;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;

import dev.tufrepo.storage.MetadataStore;
import dev.tufrepo.storage.StorageException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link MetadataStore} in one flat directory, the layout a web server or CDN serves as is.
 *
 * <p><b>How a file is written.</b> A versioned name that does not exist yet, the usual case, is
 * created ({@code O_CREAT|O_EXCL}) and written in place: nothing can read it before a {@code
 * timestamp.json} written later refers to it, so a reader never sees it half-written. That is one
 * directory operation per file instead of three (create a temporary file, then rename it, which
 * looks up both names): on a directory of 300,000 files it took 27 µs of kernel time per 9.5 kB
 * file instead of 45 µs. A name that exists (left by a publish that crashed or failed before its
 * timestamp), a root, and {@code timestamp.json} are written to a temporary file in the same
 * directory (named {@code .tmp-...}, which no valid metadata name can be and {@link #list()} never
 * returns) and renamed over their name with an atomic move, so a reader sees the old file or the
 * whole new one.
 *
 * <p><b>Durability: one barrier per group, not one per file.</b> The files of a {@link
 * #beginWrite()} group (or of one {@link #writeVersioned} call) are written (and renamed) without
 * being forced one by one; {@link WriteGroup#commit()} then makes all of them, and their names,
 * durable with one barrier (see {@link Durability}): one {@code syncfs(2)} of the file system on
 * Linux 5.8 or later, or else {@code fdatasync} of every file on many threads followed by a force
 * of the directory. Naming a file before the barrier is safe because a versioned file is
 * unreachable until a {@code timestamp.json} written after the barrier refers to it (through the
 * snapshot the same group wrote). The engine commits its state only after the group committed and
 * writes the timestamp after that; if the system crashes before the barrier completes, or the
 * barrier fails, the group's files may be missing, empty or partial on disk, but no timestamp
 * refers to them, and the next publish, starting from the previous state, writes the same names
 * again and replaces them. The exception is {@code N.root.json}: TUF clients fetch the next root by
 * its name, without the timestamp (spec section 5.3), so a root file is forced before its rename,
 * so that its name never points at an incomplete file. {@code timestamp.json} is written to a
 * temporary file, forced, renamed and the directory forced before {@link #writeTimestamp} returns.
 *
 * <p>With {@code fsync(false)} nothing is forced (tests, or a file system that is not the source of
 * truth).
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
  private static final String ROOT_SUFFIX = ".root.json";

  private final Path dir;
  private final boolean fsync;
  private final Durability barrier;
  private final String tempStem = Long.toHexString(ThreadLocalRandom.current().nextLong());
  private final AtomicLong tempCounter = new AtomicLong();
  private final ReentrantLock timestampLock = new ReentrantLock();
  private final int ioThreads;
  private final int forceThreads;
  private final long writeBackBytes;
  private final Executor givenExecutor;
  private ExecutorService ownExecutor;
  private ExecutorService ownForceExecutor;
  private ExecutorService writeBackExecutor;
  private final AtomicLong writeBacksStarted = new AtomicLong();

  private FileSystemMetadataStore(Path dir, boolean fsync, Durability barrier, Builder b) {
    this.dir = dir;
    this.fsync = fsync;
    this.barrier = barrier;
    this.ioThreads = b.ioThreads;
    this.forceThreads = b.forceThreads;
    this.writeBackBytes = b.writeBackBytes;
    this.givenExecutor = b.executor;
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

  /**
   * The barrier that makes a group durable: {@link Durability#SYNCFS} or {@link
   * Durability#FORCE_EACH} ({@link Durability#AUTO} resolved when the store was built), or empty
   * with fsync off.
   */
  public Optional<Durability> durability() {
    return Optional.ofNullable(barrier);
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
   * Each added file is written on the store's I/O threads right away: to a temporary file, renamed
   * to its name; {@link WriteGroup#commit()} waits for them and makes the group durable with one
   * barrier (see the class comment).
   */
  @Override
  public WriteGroup beginWrite() {
    return new FileWriteGroup(io(), newBarrier());
  }

  private Barrier newBarrier() {
    boolean early = barrier == Durability.SYNCFS && writeBackBytes > 0;
    return new Barrier(
        dir,
        barrier,
        barrier == Durability.FORCE_EACH ? forcer() : null,
        writeBackBytes,
        early ? writeBacker() : null,
        writeBacksStarted::incrementAndGet);
  }

  /** The thread of the early write-backs (one at a time: each is a syncfs of the file system). */
  private synchronized Executor writeBacker() {
    if (writeBackExecutor == null) {
      writeBackExecutor = pool("tufrepo-fs-writeback-", 1);
    }
    return writeBackExecutor;
  }

  /** How many early write-backs groups of this store started (tests). */
  long writeBacksStarted() {
    return writeBacksStarted.get();
  }

  private synchronized Executor io() {
    if (givenExecutor != null) {
      return givenExecutor;
    }
    if (ownExecutor == null) {
      ownExecutor = pool("tufrepo-fs-io-", ioThreads);
    }
    return ownExecutor;
  }

  private synchronized Executor forcer() {
    if (givenExecutor != null) {
      return givenExecutor;
    }
    if (ownForceExecutor == null) {
      ownForceExecutor = pool("tufrepo-fs-force-", forceThreads);
    }
    return ownForceExecutor;
  }

  private static ExecutorService pool(String name, int threads) {
    AtomicLong n = new AtomicLong();
    return Executors.newFixedThreadPool(
        threads,
        r -> {
          Thread t = new Thread(r, name + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  @Override
  public synchronized void close() {
    if (ownExecutor != null) {
      ownExecutor.shutdown();
      ownExecutor = null;
    }
    if (ownForceExecutor != null) {
      ownForceExecutor.shutdown();
      ownForceExecutor = null;
    }
    if (writeBackExecutor != null) {
      writeBackExecutor.shutdown();
      writeBackExecutor = null;
    }
  }

  /** The files of one {@link #beginWrite()} group, each written by an I/O task. */
  private final class FileWriteGroup implements WriteGroup {
    private final Executor executor;
    private final Barrier barrier;
    private final List<CompletableFuture<Void>> writes = new ArrayList<>();
    private final List<Path> targets = new ArrayList<>();

    FileWriteGroup(Executor executor, Barrier barrier) {
      this.executor = executor;
      this.barrier = barrier;
    }

    @Override
    public void add(String name, byte[] bytes) {
      Path target = resolve(name);
      Objects.requireNonNull(bytes, () -> "bytes of " + name);
      var write =
          CompletableFuture.runAsync(
              () -> {
                writeOne(target, bytes);
                barrier.written(bytes.length);
              },
              executor);
      synchronized (this) {
        writes.add(write);
        targets.add(target);
      }
    }

    @Override
    public void commit() {
      StorageException failure = awaitAll();
      if (failure != null) {
        throw failure;
      }
      List<Path> written;
      synchronized (this) {
        written = List.copyOf(targets);
      }
      barrier.complete(written);
    }

    @Override
    public void close() {
      awaitAll();
      barrier.close();
    }

    private StorageException awaitAll() {
      List<CompletableFuture<Void>> all;
      synchronized (this) {
        all = new ArrayList<>(writes);
      }
      StorageException first = null;
      for (var w : all) {
        try {
          w.join();
        } catch (CompletionException | CancellationException e) {
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

  /**
   * A new name is created and written in place; a name that exists (left by a publish that never
   * became visible) or a root goes through a temporary file that is renamed over it.
   */
  private void writeOne(Path target, byte[] bytes) {
    if (!isRoot(target)) {
      try {
        if (createAndWrite(target, bytes)) {
          return;
        }
      } catch (IOException e) {
        throw failure("write", target, e);
      }
    }
    replace(target, bytes);
  }

  /** Temporary file, written (and forced if it is a root), then renamed over {@code target}. */
  private void replace(Path target, byte[] bytes) {
    Path temp = newTemp();
    boolean moved = false;
    try {
      writeNew(temp, bytes, forcedBeforeRename(target));
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

  /**
   * Creates {@code target} and writes {@code bytes} into it; false, touching nothing, if the name
   * exists. A file this call created and could not fill is deleted again.
   */
  private static boolean createAndWrite(Path target, byte[] bytes) throws IOException {
    FileChannel channel;
    try {
      channel = FileChannel.open(target, CREATE_NEW, WRITE);
    } catch (FileAlreadyExistsException e) {
      return false;
    }
    boolean written = false;
    try (channel) {
      writeAll(channel, bytes);
      written = true;
    } finally {
      if (!written) {
        deleteQuietly(target);
      }
    }
    return true;
  }

  /** Temporary file, written and forced, renamed, directory forced: durable and atomic. */
  @Override
  public void writeTimestamp(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    Path target = resolve(TIMESTAMP);
    timestampLock.lock();
    Path temp = newTemp();
    boolean moved = false;
    try {
      writeNew(temp, bytes, fsync);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      moved = true;
      if (fsync) {
        Barrier.forceDirectory(dir);
      }
    } catch (IOException e) {
      throw failure("write", moved ? dir : target, e);
    } finally {
      if (!moved) {
        deleteQuietly(temp);
      }
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
   * Create and write each new name in place, one barrier. Names that exist, and roots, are written
   * to temporary files first and renamed over their names after every file is written. Files given
   * the very same byte array (the engine's 16,384 identical empty bins at bootstrap) are written
   * once and hard-linked under their other names; published files are never modified in place, so
   * sharing an inode is safe, and the barrier forces each inode once.
   */
  private void writeGroup(List<Path> targets, List<byte[]> contents) {
    if (targets.isEmpty()) {
      return;
    }
    List<Path> temps = new ArrayList<>();
    List<Path> renamedTo = new ArrayList<>();
    List<Path> written = new ArrayList<>();
    IdentityHashMap<byte[], Path> firstCopy = new IdentityHashMap<>();
    int renamed = 0;
    Path current = dir;
    try (Barrier group = newBarrier()) {
      for (int i = 0; i < targets.size(); i++) {
        Path target = targets.get(i);
        current = target;
        byte[] bytes = contents.get(i);
        Path first = firstCopy.get(bytes);
        if (!isRoot(target)
            && (first == null ? createAndWrite(target, bytes) : link(target, first))) {
          if (first == null) {
            written.add(target);
            firstCopy.put(bytes, target);
          }
          continue;
        }
        Path temp = newTemp();
        temps.add(temp);
        renamedTo.add(target);
        if (first == null || !link(temp, first)) {
          writeNew(temp, bytes, forcedBeforeRename(target));
          written.add(target);
          firstCopy.putIfAbsent(bytes, temp);
        }
      }
      for (; renamed < temps.size(); renamed++) {
        current = renamedTo.get(renamed);
        Files.move(
            temps.get(renamed),
            current,
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      }
      current = dir;
      group.complete(written);
    } catch (IOException e) {
      throw failure("write", current, e);
    } finally {
      for (int i = renamed; i < temps.size(); i++) {
        deleteQuietly(temps.get(i));
      }
    }
  }

  /**
   * Hard-links {@code link} to {@code existing}; false if {@code link} exists or the file system
   * has no hard links.
   */
  private static boolean link(Path link, Path existing) {
    try {
      Files.createLink(link, existing);
      return true;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false; // the name exists, or a file system without hard links: write a copy instead
    }
  }

  private static boolean isRoot(Path target) {
    return target.getFileName().toString().endsWith(ROOT_SUFFIX);
  }

  /** A root is fetched by its name alone (TUF 5.3), so its name must never show a partial file. */
  private boolean forcedBeforeRename(Path target) {
    return fsync && isRoot(target);
  }

  private Path newTemp() {
    return dir.resolve(TEMP_PREFIX + tempStem + "-" + tempCounter.incrementAndGet());
  }

  private static void writeNew(Path file, byte[] bytes, boolean force) throws IOException {
    try (FileChannel channel = FileChannel.open(file, CREATE_NEW, WRITE)) {
      writeAll(channel, bytes);
      if (force) {
        channel.force(false);
      }
    }
  }

  private static void writeAll(FileChannel channel, byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
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
    String how;
    if (barrier == null) {
      how = "fsync off";
    } else if (barrier == Durability.SYNCFS) {
      how =
          "one syncfs per group"
              + (writeBackBytes > 0
                  ? ", early write-back every " + writeBackBytes + " bytes"
                  : ", no early write-back");
    } else {
      how = "force each file" + (givenExecutor == null ? " on " + forceThreads + " threads" : "");
    }
    return "FileSystemMetadataStore[" + dir + ", " + how + "]";
  }

  /** Options of a {@link FileSystemMetadataStore}. */
  public static final class Builder {
    private final Path dir;
    private boolean fsync = true;
    private Durability durability = Durability.AUTO;
    private Clock clock = Clock.systemUTC();
    private int ioThreads = 2;
    private int forceThreads = 16;
    private long writeBackBytes = 1L << 20;
    private Executor executor;
    private SyncFs.Platform platform = SyncFs.Platform.current();

    Builder(Path dir) {
      this.dir = Objects.requireNonNull(dir, "dir");
    }

    /**
     * Whether writes are made durable before they return (default {@code true}). Turn it off only
     * where losing recent writes in a power failure is acceptable; then nothing is forced, whatever
     * the {@link #durability}.
     */
    public Builder fsync(boolean fsync) {
      this.fsync = fsync;
      return this;
    }

    /** How a group of files is made durable (default {@link Durability#AUTO}). */
    public Builder durability(Durability durability) {
      this.durability = Objects.requireNonNull(durability, "durability");
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
     * How many threads of its own the store forces files with under {@link Durability#FORCE_EACH}
     * (default 16). Many concurrent {@code fdatasync} calls share journal commits: on ext4, 970
     * files took about 60 ms with 16 threads and 200 ms with 2. Ignored when an {@link #ioExecutor}
     * is given.
     */
    public Builder forceThreads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("forceThreads must be >= 1, not " + threads);
      }
      this.forceThreads = threads;
      return this;
    }

    /**
     * Runs the writes of {@link #beginWrite()} groups, and the forces of {@link
     * Durability#FORCE_EACH}, on {@code executor} instead of own threads.
     */
    public Builder ioExecutor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Under {@link Durability#SYNCFS}, a {@link #beginWrite()} group starts writing its files back
     * to the disk in the background (a {@code syncfs} on a thread of the store, one at a time) each
     * time it has written this many more bytes (default 1 MiB; 0: never), so that the disk writes
     * while the rest of the group is still being made and the barrier of its commit has little
     * left. Measured on the development VM (ext4 on virtio): a publish of a thousand targets into
     * 16,384 bins writes about 9 MB; its barrier waited 29-32 ms for the disk at the median with a
     * threshold of 64 MiB (no early write-back at that size) against 1-2 ms with 1 MiB, and the
     * publish took 207-230 ms against 135-156 ms, runs interleaved. A publish of 16,384 bins (140
     * MB) took as long with either. But each early {@code syncfs} also flushes the disk that other
     * writers' {@code fdatasync} calls wait on: beside the REST service's queue log at 500
     * requests/s (a publish of about 10 MB every 250 ms), requests acknowledged behind one took
     * 40-90 ms, and the request p99 was 36-44 ms with 1 MiB against 22-29 ms with none, runs
     * interleaved on a fast host. The server therefore turns it off by default.
     */
    public Builder earlyWriteBackBytes(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("earlyWriteBackBytes must be >= 0, not " + bytes);
      }
      this.writeBackBytes = bytes;
      return this;
    }

    /** Poses as another platform (tests). */
    Builder platform(SyncFs.Platform platform) {
      this.platform = Objects.requireNonNull(platform, "platform");
      return this;
    }

    /**
     * Creates the directory if needed and opens the store.
     *
     * @throws StorageException if the directory cannot be created, or {@link Durability#SYNCFS} was
     *     asked for with fsync on and is not available (the message says why)
     */
    public FileSystemMetadataStore build() {
      Path absolute = dir.toAbsolutePath().normalize();
      try {
        Files.createDirectories(absolute);
      } catch (IOException e) {
        throw failure("create", absolute, e);
      }
      Durability barrier = fsync ? Barrier.choose(durability, absolute, platform) : null;
      FileSystemMetadataStore store = new FileSystemMetadataStore(absolute, fsync, barrier, this);
      LOG.log(Level.DEBUG, () -> "opened " + store);
      store.deleteStaleTempFiles(clock.instant());
      return store;
    }
  }
}
