package dev.tufrepo.storage.jdbc;

import dev.tufrepo.storage.StateStore;
import dev.tufrepo.storage.TaskRecord;
import dev.tufrepo.storage.embedded.QueueLogStateStore;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The child JVM of {@link H2CrashDurabilityTest}: opens the store named by the second argument,
 * enqueues batches until it is killed and prints {@code ACK <seq> <n>} once {@code enqueue} has
 * returned for batch {@code n}.
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

  /** {@code h2}: the database alone; {@code log}: the embedded default, the queue log in front. */
  static StateStore open(Path dataDir, String kind) {
    return switch (kind) {
      case "h2" -> JdbcStateStore.h2(dataDir);
      case "log" -> QueueLogStateStore.h2(dataDir, false);
      default -> throw new IllegalArgumentException(kind);
    };
  }

  public static void main(String[] args) {
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    StateStore store = open(Path.of(args[0]), args.length > 1 ? args[1] : "h2");
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
