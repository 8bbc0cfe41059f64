package dev.tufrepo.engine;

import dev.tufrepo.keyvault.FileKeyVault;
import dev.tufrepo.keyvault.KeyVault;
import dev.tufrepo.storage.MetadataStore;
import dev.tufrepo.storage.StateStore;
import dev.tufrepo.storage.embedded.QueueLogStateStore;
import dev.tufrepo.storage.fs.FileSystemMetadataStore;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The process {@link CrashRecoveryTest} kills: opens the repository the test made, submits batches
 * of artifacts on the main thread and publishes on another, until it is killed with {@code kill
 * -9}. It never exits on its own unless something fails.
 *
 * <p>Arguments: {@code <data dir> <path prefix> <clock epoch millis> <batch size> <pause mode> <arm
 * after acks> <pause millis> <submit pause millis>}. The pause mode is {@code none}, {@code
 * versioned} (the first versioned write after arming writes half of its files, prints {@code
 * IN_PUBLISH versioned} and sleeps before writing the rest) or {@code timestamp} (the first {@code
 * timestamp.json} write after arming, which comes after the state store commit, prints {@code
 * IN_PUBLISH timestamp} and sleeps). Between two submissions the main thread sleeps {@code <submit
 * pause millis>}, so that several publishes happen before the kill.
 *
 * <p>Every line on stdout is written with one {@code write} call, so a kill never leaves half a
 * line:
 *
 * <ul>
 *   <li>{@code READY} once the engine is open;
 *   <li>{@code ACK <taskId> <first path> <count>} after each {@code submit} returned;
 *   <li>{@code PUBLISH_BEGIN}, {@code W_VERSIONED_BEGIN <n>}, {@code W_VERSIONED_END}, {@code
 *       W_TIMESTAMP_BEGIN}, {@code W_TIMESTAMP_END}, {@code PUBLISHED <timestamp version> <snapshot
 *       version> <batches>}: where the publish thread is;
 *   <li>{@code FAILED <reason>} before exiting with status 3 when something threw.
 * </ul>
 */
public final class CrashChild {
  private static final FileOutputStream OUT = new FileOutputStream(FileDescriptor.out);

  private CrashChild() {}

  /** One line to stdout in one unbuffered write: it is in the pipe when this returns. */
  static synchronized void emit(String line) {
    try {
      OUT.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void main(String[] args) {
    try {
      run(args);
    } catch (Throwable t) {
      fail(t);
    }
  }

  private static void fail(Throwable t) {
    t.printStackTrace();
    emit("FAILED " + String.valueOf(t).replace('\n', ' '));
    System.exit(3);
  }

  private static void run(String[] args) {
    Path dir = Path.of(args[0]);
    String prefix = args[1];
    Instant now = Instant.ofEpochMilli(Long.parseLong(args[2]));
    int batchSize = Integer.parseInt(args[3]);
    String pauseMode = args[4];
    int armAfter = Integer.parseInt(args[5]);
    long pauseMillis = Long.parseLong(args[6]);
    long submitPauseMillis = Long.parseLong(args[7]);

    PausingStore metadata =
        new PausingStore(
            FileSystemMetadataStore.builder(dir.resolve("metadata")).fsync(true).build(),
            pauseMode,
            pauseMillis);
    StateStore state = QueueLogStateStore.h2(dir.resolve("state"), true);
    KeyVault vault = FileKeyVault.of(dir.resolve("keys"));
    RepositoryEngine engine =
        RepositoryEngine.builder()
            .metadataStore(metadata)
            .stateStore(state)
            .keyVault(vault)
            .clock(Clock.fixed(now, ZoneOffset.UTC))
            // The publish lease outlives a kill -9 (the restarted engine has a new node id and
            // must wait for it to expire): keep it short so the test's restart does not wait long.
            .leaseTtl(Duration.ofSeconds(2))
            .build();
    emit("READY");

    Thread publisher =
        new Thread(
            () -> {
              try {
                while (true) {
                  if (engine.queueDepth() == 0) {
                    Thread.sleep(2);
                    continue;
                  }
                  emit("PUBLISH_BEGIN");
                  PublishResult r = engine.publish();
                  emit(
                      "PUBLISHED "
                          + r.timestampVersion()
                          + " "
                          + r.snapshotVersion()
                          + " "
                          + r.batches());
                }
              } catch (Throwable t) {
                fail(t);
              }
            },
            "crash-child-publisher");
    publisher.setDaemon(true);
    publisher.start();

    for (long n = 0; ; n++) {
      List<Artifact> batch = TestRepository.artifacts(prefix, (int) (n * batchSize), batchSize);
      String task = engine.submit(ArtifactBatch.add(batch));
      if (n + 1 >= armAfter) {
        metadata.armed = true;
      }
      emit("ACK " + task + " " + batch.get(0).path() + " " + batch.size());
      PausingStore.sleep(submitPauseMillis);
    }
  }

  /**
   * Reports each write on stdout and, once armed, pauses inside the first write of its mode so that
   * the test can kill the process there.
   */
  static final class PausingStore extends ForwardingMetadataStore {
    private final String mode;
    private final long pauseMillis;
    volatile boolean armed;
    private boolean paused;

    PausingStore(MetadataStore delegate, String mode, long pauseMillis) {
      super(delegate);
      this.mode = mode;
      this.pauseMillis = pauseMillis;
    }

    private boolean pauseNow(String writeMode, boolean possible) {
      if (possible && armed && !paused && mode.equals(writeMode)) {
        paused = true;
        return true;
      }
      return false;
    }

    @Override
    public void writeVersioned(Map<String, byte[]> files) {
      emit("W_VERSIONED_BEGIN " + files.size());
      if (pauseNow("versioned", files.size() > 1)) {
        // as if the process died in the middle of the group: half the files are in place
        List<Map.Entry<String, byte[]>> entries = new ArrayList<>(files.entrySet());
        int half = entries.size() / 2;
        for (Map.Entry<String, byte[]> e : entries.subList(0, half)) {
          delegate.writeVersioned(Map.of(e.getKey(), e.getValue()));
        }
        emit("IN_PUBLISH versioned " + half + "/" + entries.size());
        sleep(pauseMillis);
        for (Map.Entry<String, byte[]> e : entries.subList(half, entries.size())) {
          delegate.writeVersioned(Map.of(e.getKey(), e.getValue()));
        }
      } else {
        delegate.writeVersioned(files);
      }
      emit("W_VERSIONED_END");
    }

    /**
     * In mode {@code versioned}, the group goes through {@link #writeVersioned} and its pause; in
     * the other modes through the real store's streaming group, whose files are written while the
     * publish still signs, so a kill can land in the middle of them.
     */
    @Override
    public WriteGroup beginWrite() {
      if (mode.equals("versioned")) {
        return super.beginWrite();
      }
      WriteGroup group = delegate.beginWrite();
      return new WriteGroup() {
        private final java.util.concurrent.atomic.AtomicInteger added =
            new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public void add(String name, byte[] bytes) {
          added.incrementAndGet();
          group.add(name, bytes);
        }

        @Override
        public void commit() {
          emit("W_VERSIONED_BEGIN " + added.get());
          group.commit();
          emit("W_VERSIONED_END");
        }

        @Override
        public void close() {
          group.close();
        }
      };
    }

    @Override
    public void writeTimestamp(byte[] bytes) {
      emit("W_TIMESTAMP_BEGIN");
      if (pauseNow("timestamp", true)) {
        // the publish is committed in the state store; timestamp.json is not replaced yet
        emit("IN_PUBLISH timestamp");
        sleep(pauseMillis);
      }
      delegate.writeTimestamp(bytes);
      emit("W_TIMESTAMP_END");
    }

    static void sleep(long millis) {
      if (millis <= 0) {
        return;
      }
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
