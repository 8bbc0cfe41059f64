package dev.tufrepo.cli;

import dev.tufrepo.storage.MetadataStore;
import dev.tufrepo.storage.StorageException;
import dev.tufrepo.storage.fs.FileSystemMetadataStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The file system store, with the files of a publish forced to disk by many threads at once instead
 * of one after the other: the file system merges concurrent flushes into few journal commits, which
 * matters when one publish writes 16,384 bins. Durability is the same as the plain store's: every
 * versioned file and the directory are forced before {@link #writeVersioned} returns, so before the
 * timestamp that makes them visible is written, and the timestamp is forced before {@link
 * #writeTimestamp} returns. A crash in between leaves only invisible files, which the next publish
 * writes again.
 */
final class ParallelSyncMetadataStore implements MetadataStore {
  private static final int THREADS = 32;

  private final Path dir;
  private final FileSystemMetadataStore files;
  private final ExecutorService pool =
      Executors.newFixedThreadPool(
          THREADS,
          r -> {
            Thread t = new Thread(r, "tufrepo-fsync");
            t.setDaemon(true);
            return t;
          });

  ParallelSyncMetadataStore(Path dir) {
    this.files = FileSystemMetadataStore.builder(dir).fsync(false).build();
    this.dir = files.directory();
  }

  @Override
  public void writeVersioned(Map<String, byte[]> group) {
    files.writeVersioned(group);
    force(new ArrayList<>(group.keySet()));
  }

  @Override
  public void writeTimestamp(byte[] bytes) {
    files.writeTimestamp(bytes);
    force(List.of(TIMESTAMP));
  }

  private void force(List<String> names) {
    List<Future<?>> futures = new ArrayList<>();
    int per = Math.max(1, (names.size() + THREADS - 1) / THREADS);
    for (int i = 0; i < names.size(); i += per) {
      List<String> slice = names.subList(i, Math.min(names.size(), i + per));
      futures.add(
          pool.submit(
              () -> {
                for (String n : slice) {
                  forceFile(dir.resolve(n), false);
                }
                return null;
              }));
    }
    try {
      for (Future<?> f : futures) {
        f.get();
      }
      forceFile(dir, true);
    } catch (ExecutionException e) {
      throw new StorageException("cannot force metadata to disk: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("interrupted while forcing metadata to disk", e);
    }
  }

  private static void forceFile(Path p, boolean metadata) {
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      ch.force(metadata);
    } catch (IOException e) {
      throw new StorageException("cannot force " + p + " to disk: " + e, e);
    }
  }

  @Override
  public Optional<byte[]> read(String name) {
    return files.read(name);
  }

  @Override
  public List<String> list() {
    return files.list();
  }

  @Override
  public void delete(String name) {
    files.delete(name);
  }

  @Override
  public void close() {
    pool.shutdownNow();
    files.close();
  }
}
