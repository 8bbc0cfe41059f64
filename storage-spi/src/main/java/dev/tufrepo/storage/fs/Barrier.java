package dev.tufrepo.storage.fs;

import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import dev.tufrepo.storage.StorageException;
import java.io.File;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one durability barrier of a group of files, started before the group's first write and
 * completed after its last rename. With {@link Durability#SYNCFS} starting opens the directory, so
 * that {@code syncfs} reports any write-back error from then on; with {@link Durability#FORCE_EACH}
 * completing forces every written file on an executor, then the directory. Thread-safe.
 */
final class Barrier implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Barrier.class.getName());

  private final Path dir;
  private final Durability mode;
  private final Executor forceExecutor;
  private final int fd;
  private final IOException openFailure;
  private boolean closed;

  /** Under syncfs: bytes written between early write-backs; 0 for none. */
  private final long writeBackBytes;

  private final Executor writeBackExecutor;
  private final Runnable writeBackStarted;
  private final AtomicLong sinceWriteBack = new AtomicLong();
  private final AtomicBoolean writingBack = new AtomicBoolean();

  /** The early write-back started last; done when there is none. */
  private CompletableFuture<Void> writeBack = CompletableFuture.completedFuture(null);

  /** The descriptor of the early write-backs, opened by the first; -1 until then. */
  private int writeBackFd = -1;

  /**
   * @param mode {@link Durability#SYNCFS}, {@link Durability#FORCE_EACH}, or null for none (fsync
   *     off)
   * @param forceExecutor runs the forces of {@link Durability#FORCE_EACH}, one task per file
   */
  Barrier(Path dir, Durability mode, Executor forceExecutor) {
    this(dir, mode, forceExecutor, 0, null, () -> {});
  }

  /**
   * As above; under {@link Durability#SYNCFS}, also starts an early write-back ({@code syncfs} on
   * {@code writeBackExecutor}, one at a time) each time {@code writeBackBytes} more were {@link
   * #written}, and runs {@code writeBackStarted} when it does.
   */
  Barrier(
      Path dir,
      Durability mode,
      Executor forceExecutor,
      long writeBackBytes,
      Executor writeBackExecutor,
      Runnable writeBackStarted) {
    this.dir = dir;
    this.mode = mode;
    this.forceExecutor = forceExecutor;
    this.writeBackBytes =
        mode == Durability.SYNCFS && writeBackExecutor != null ? writeBackBytes : 0;
    this.writeBackExecutor = writeBackExecutor;
    this.writeBackStarted = writeBackStarted;
    int opened = -1;
    IOException failure = null;
    if (mode == Durability.SYNCFS) {
      try {
        opened = SyncFs.open(dir);
      } catch (IOException e) {
        failure = e; // reported by complete(): the group cannot be made durable
      }
    }
    this.fd = opened;
    this.openFailure = failure;
  }

  /**
   * The barrier a store in {@code dir} uses: {@code requested}, with {@link Durability#AUTO}
   * resolved to {@link Durability#SYNCFS} where {@code platform} allows it and to {@link
   * Durability#FORCE_EACH} elsewhere.
   *
   * @throws StorageException if {@code requested} is {@link Durability#SYNCFS} and {@code platform}
   *     does not allow it
   */
  static Durability choose(Durability requested, Path dir, SyncFs.Platform platform) {
    if (requested == Durability.FORCE_EACH) {
      return Durability.FORCE_EACH;
    }
    Optional<String> unsupported = platform.unsupported(dir);
    if (unsupported.isEmpty()) {
      return Durability.SYNCFS;
    }
    if (requested == Durability.SYNCFS) {
      throw new StorageException(
          "metadata store "
              + dir
              + ": durability SYNCFS is not available: "
              + unsupported.get()
              + "; use AUTO or FORCE_EACH");
    }
    LOG.log(
        Level.DEBUG,
        () -> "metadata store " + dir + ": forcing each file, not syncfs: " + unsupported.get());
    return Durability.FORCE_EACH;
  }

  /**
   * Makes {@code written} (the files written since the barrier started, already renamed to their
   * names) and their names durable.
   *
   * @throws StorageException naming the directory or file and the cause, if they may not be
   */
  synchronized void complete(List<Path> written) {
    if (mode == null || written.isEmpty()) {
      return;
    }
    if (closed) {
      throw new IllegalStateException("the write group was closed before its commit");
    }
    try {
      if (mode == Durability.SYNCFS) {
        if (openFailure != null) {
          throw openFailure;
        }
        SyncFs.sync(fd, dir);
      } else {
        forceAll(written);
        forceDirectory(dir);
      }
    } catch (IOException e) {
      throw new StorageException(
          String.format(
              Locale.ROOT,
              "metadata store: could not make %d files in %s durable (%s): %s",
              written.size(),
              dir,
              mode == Durability.SYNCFS ? "syncfs" : "force each file",
              e.getMessage()),
          e);
    }
  }

  /**
   * Notes that a file of {@code bytes} was written. Under syncfs, once enough were written since
   * the group started or the last early write-back did, starts one: the kernel then writes the
   * files back while the group goes on, and the barrier's own {@code syncfs} in {@link #complete}
   * has less left to write. A publish of 16,384 bins writes 140 MB, whose write-back took 200-280
   * ms of the commit on the development VM. An early write-back is only an early start: its errors
   * are logged, not reported; it uses a descriptor of its own, so the barrier's descriptor, opened
   * before the group's first write, still reports any write-back error to {@link #complete}.
   */
  void written(int bytes) {
    if (writeBackBytes <= 0
        || openFailure != null
        || sinceWriteBack.addAndGet(bytes) < writeBackBytes
        || !writingBack.compareAndSet(false, true)) {
      return;
    }
    sinceWriteBack.set(0);
    synchronized (this) {
      if (closed) {
        writingBack.set(false);
        return;
      }
      try {
        writeBack = CompletableFuture.runAsync(this::writeBackNow, writeBackExecutor);
      } catch (RejectedExecutionException e) {
        writingBack.set(false); // the store is closing: the barrier's syncfs does it all
        return;
      }
    }
    writeBackStarted.run();
  }

  private void writeBackNow() {
    try {
      int wbFd;
      synchronized (this) {
        if (closed) {
          return;
        }
        if (writeBackFd < 0) {
          writeBackFd = SyncFs.open(dir);
        }
        wbFd = writeBackFd;
      }
      SyncFs.sync(wbFd, dir); // close() waits for this before it closes wbFd
    } catch (IOException | RuntimeException | LinkageError e) {
      LOG.log(Level.DEBUG, () -> "early write-back of " + dir + " failed: " + e, e);
    } finally {
      writingBack.set(false);
    }
  }

  private void forceAll(List<Path> files) throws IOException {
    List<CompletableFuture<Void>> forces = new ArrayList<>(files.size());
    for (Path file : files) {
      forces.add(
          CompletableFuture.runAsync(
              () -> {
                try {
                  forceFile(file);
                } catch (IOException e) {
                  throw new CompletionException(
                      new IOException("could not force " + file + ": " + e, e));
                }
              },
              forceExecutor));
    }
    IOException first = null;
    for (CompletableFuture<Void> force : forces) {
      try {
        force.join();
      } catch (CompletionException e) {
        if (first == null) {
          first =
              e.getCause() instanceof IOException io
                  ? io
                  : new IOException("could not force a file: " + e.getCause(), e.getCause());
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** Forces the data of {@code file}, reopening it by name. */
  static void forceFile(Path file) throws IOException {
    // Reopening keeps the number of open descriptors bounded by the threads for any group size.
    try (FileChannel channel = FileChannel.open(file, WRITE)) {
      channel.force(false);
    }
  }

  /** Forces {@code dir}, so that new names in it are durable. */
  static void forceDirectory(Path dir) throws IOException {
    if (File.separatorChar == '\\') {
      return; // Windows cannot open a directory as a channel; NTFS journals renames itself.
    }
    try (FileChannel channel = FileChannel.open(dir, READ)) {
      channel.force(true);
    }
  }

  @Override
  public void close() {
    CompletableFuture<Void> last;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true; // an early write-back not yet started now does nothing
      last = writeBack;
      if (fd >= 0) {
        SyncFs.close(fd);
      }
    }
    last.handle((ok, failure) -> null).join(); // outside the lock, which writeBackNow takes
    synchronized (this) {
      if (writeBackFd >= 0) {
        SyncFs.close(writeBackFd);
        writeBackFd = -1;
      }
    }
  }
}
