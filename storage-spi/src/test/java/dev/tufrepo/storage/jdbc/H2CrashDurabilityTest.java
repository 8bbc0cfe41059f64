package dev.tufrepo.storage.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.storage.QueuedBatch;
import dev.tufrepo.storage.StateStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kills a JVM that is enqueueing batches with SIGKILL and checks that every batch whose {@code
 * enqueue} had returned is still there: H2 must not keep acknowledged commits only in memory, nor
 * the queue log ({@code log}: the embedded default) acknowledged writes.
 */
class H2CrashDurabilityTest {
  private static final int ACKS_BEFORE_KILL = 400;

  @TempDir Path tempDir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "log"})
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void enqueue_jvmKilled_everyAcknowledgedBatchSurvives(String kind) throws Exception {
    Path dataDir = tempDir.resolve("data");
    Path childErr = tempDir.resolve("child.err");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                H2CrashChild.class.getName(),
                dataDir.toString(),
                kind)
            .redirectError(childErr.toFile())
            .start();
    Map<Long, Integer> acknowledged = new HashMap<>(); // seq -> batch number
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while (acknowledged.size() < ACKS_BEFORE_KILL && (line = out.readLine()) != null) {
        if (line.startsWith("ACK ")) {
          String[] parts = line.split(" ");
          acknowledged.put(Long.parseLong(parts[1]), Integer.parseInt(parts[2]));
        }
      }
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no close
      assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child exited");
    } finally {
      child.destroyForcibly();
    }
    assertEquals(
        ACKS_BEFORE_KILL,
        acknowledged.size(),
        () -> "child stopped early: " + readQuietly(childErr));
    assertFalse(child.exitValue() == 0, "child was killed, not finished");

    try (StateStore reopened = H2CrashChild.open(dataDir, kind)) {
      Map<Long, QueuedBatch> queued =
          reopened.queued(Integer.MAX_VALUE).stream()
              .collect(Collectors.toMap(QueuedBatch::seq, Function.identity()));
      List<Long> lost =
          acknowledged.keySet().stream().filter(seq -> !queued.containsKey(seq)).sorted().toList();
      assertEquals(List.of(), lost, "acknowledged batches lost by the crash");
      for (Map.Entry<Long, Integer> ack : acknowledged.entrySet()) {
        int n = ack.getValue();
        QueuedBatch batch = queued.get(ack.getKey());
        assertEquals(H2CrashChild.taskId(n), batch.taskId());
        assertArrayEquals(H2CrashChild.payload(n), batch.payload(), "payload of batch " + n);
        assertNotNull(reopened.task(H2CrashChild.taskId(n)).orElse(null), "task of batch " + n);
      }
    }
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
