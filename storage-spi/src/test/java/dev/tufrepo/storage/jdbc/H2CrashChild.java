package dev.tufrepo.storage.jdbc;

import dev.tufrepo.storage.StateStore;
import dev.tufrepo.storage.TaskRecord;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The child JVM of {@link H2CrashDurabilityTest}: enqueues batches until it is killed and prints
 * {@code ACK <seq> <n>} once {@code enqueue} has returned for batch {@code n}.
 */
public final class H2CrashChild {
  private H2CrashChild() {}

  /** The task id of batch {@code n}. */
  static String taskId(int n) {
    return String.format("%032x", n);
  }

  /** The payload of batch {@code n}: mostly small, every 25th large enough to be a stored LOB. */
  static byte[] payload(int n) {
    int size = n % 25 == 0 ? 256 * 1024 + n : 200 + (n * 37) % 2000;
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (n + i * 13);
    }
    return bytes;
  }

  public static void main(String[] args) {
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    StateStore store = JdbcStateStore.h2(Path.of(args[0]));
    out.println("READY");
    out.flush();
    for (int n = 1; ; n++) {
      long seq =
          store.enqueue(
              new TaskRecord(taskId(n), "add_artifacts", "PENDING", Instant.now(), null),
              payload(n));
      out.println("ACK " + seq + " " + n);
      out.flush();
    }
  }
}
