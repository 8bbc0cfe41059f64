package dev.tufrepo.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tufrepo.engine.internal.SettingKeys;
import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonArray;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.TargetFile;
import dev.tufrepo.model.Timestamp;
import dev.tufrepo.storage.RoleVersion;
import dev.tufrepo.storage.TaskRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A separate JVM ({@link CrashChild}) submits and publishes against embedded stores and is killed
 * with {@code kill -9} ({@link Process#destroyForcibly()}); then an engine restarted on the same
 * stores must show clients a valid repository, drain the queue, and have published every batch the
 * dead process acknowledged, with no version going backwards. Three rounds on one repository, each
 * with its own kill point: at a random acknowledgement (wherever the publish thread then is), in
 * the middle of a group of versioned writes (before the state store commit), and between the state
 * store commit and the {@code timestamp.json} write.
 *
 * <p>Set {@code -Dcrash.seed=<n>} to replay a run; the seed is printed.
 */
class CrashRecoveryTest {
  private static final int BINS = 256;
  private static final int BATCH = 200;
  private static final long PAUSE_MILLIS = 3_000;
  private static final long SUBMIT_PAUSE_MILLIS = 10;
  private static final Duration LINE_TIMEOUT = Duration.ofSeconds(30);
  private static final String EOF = "\u0000EOF";
  private static final Pattern PATH =
      Pattern.compile("(r[0-9]+)/pkg-([0-9]+)/pkg-([0-9]+)-1\\.0\\.tar\\.gz");

  /** Where the kill lands. */
  private enum Mode {
    /** Right after a random acknowledgement, wherever the publish thread is. */
    RANDOM("none"),
    /** While half of a publish's versioned files are written, before the commit. */
    MID_VERSIONED_WRITE("versioned"),
    /** After the state store commit, before {@code timestamp.json} is replaced. */
    BEFORE_TIMESTAMP_WRITE("timestamp");

    final String childArg;

    Mode(String childArg) {
      this.childArg = childArg;
    }
  }

  private record Ack(String taskId, String firstPath, int count, String prefix, int from) {}

  private record Versions(int timestamp, int snapshot) {
    boolean notBefore(Versions o) {
      return timestamp >= o.timestamp && snapshot >= o.snapshot;
    }
  }

  @TempDir Path dir;
  private TestRepository repo;
  private RepositoryEngine engine;
  private Process child;

  @AfterEach
  void cleanUp() throws InterruptedException {
    if (child != null && child.isAlive()) {
      child.destroyForcibly();
      child.waitFor(10, TimeUnit.SECONDS);
    }
    if (engine != null) {
      engine.close();
    }
    if (repo != null) {
      try {
        repo.close();
      } catch (RuntimeException alreadyClosed) {
        // closed at the end of the last round
      }
    }
  }

  @Test
  @Timeout(value = 150, unit = TimeUnit.SECONDS)
  void killDuringPublish_restartLosesNothingAcknowledged() throws Exception {
    long seed = Long.getLong("crash.seed", System.nanoTime());
    Random random = new Random(seed);
    System.out.println("CrashRecoveryTest seed " + seed);

    repo = new TestRepository(dir);
    engine = repo.engine();
    assertTrue(engine.bootstrap(repo.bootstrapRequest(BINS)).status());
    engine.close();
    engine = null;
    byte[] trustedRoot = repo.trustedRoot();
    repo.closeStores(); // H2 takes one process at a time

    List<Mode> modes = new ArrayList<>(List.of(Mode.values()));
    Collections.shuffle(modes, random);
    List<Ack> allAcks = new ArrayList<>();
    Versions lastVerified = new Versions(1, 1);
    int killsInsidePublish = 0;
    List<String> summary = new ArrayList<>();

    for (int round = 0; round < modes.size(); round++) {
      Mode mode = modes.get(round);
      int killAt = 20 + random.nextInt(181); // 20..200 acknowledgements
      String prefix = "r" + round;
      repo.clock.advance(Duration.ofMinutes(1));

      // ---- the child runs until killed
      ProcessBuilder pb =
          new ProcessBuilder(
              System.getProperty("java.home") + "/bin/java",
              "-Xmx512m",
              "-cp",
              System.getProperty("java.class.path"),
              CrashChild.class.getName(),
              dir.toString(),
              prefix,
              Long.toString(repo.clock.instant().toEpochMilli()),
              Integer.toString(BATCH),
              mode.childArg,
              Integer.toString(killAt),
              Long.toString(PAUSE_MILLIS),
              Long.toString(SUBMIT_PAUSE_MILLIS));
      Path stderr = dir.resolve("child-" + round + ".err");
      Path stdout = dir.resolve("child-" + round + ".out");
      pb.redirectError(stderr.toFile());
      pb.redirectOutput(stdout.toFile());
      long started = System.nanoTime();
      child = pb.start();
      BlockingQueue<String> lines = tailLines(stdout, child);

      ChildOutput out = new ChildOutput(prefix, lastVerified);
      while (true) {
        String line = lines.poll(LINE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
          fail("round " + round + ": the child was silent for " + LINE_TIMEOUT + childErr(stderr));
        }
        if (line.equals(EOF) || line.startsWith("FAILED")) {
          fail("round " + round + ": the child stopped on its own: " + line + childErr(stderr));
        }
        out.accept(line);
        if (mode == Mode.RANDOM ? out.acks.size() >= killAt : line.startsWith("IN_PUBLISH ")) {
          break;
        }
      }
      // what a client could see just before the kill
      Versions visibleBeforeKill = max(out.published, visibleOnDisk());
      child.destroyForcibly(); // SIGKILL
      assertTrue(child.waitFor(20, TimeUnit.SECONDS), "the child did not die");
      int exit = child.exitValue();
      assertEquals(137, exit, "killed by SIGKILL" + childErr(stderr));
      // what the child wrote before it died: acknowledgements and publishes count too
      for (String line = lines.take(); !line.equals(EOF); line = lines.take()) {
        assertFalse(line.startsWith("FAILED"), line + childErr(stderr));
        out.accept(line);
      }
      visibleBeforeKill = max(visibleBeforeKill, out.published);
      double childSeconds = (System.nanoTime() - started) / 1e9;
      if (out.inPublish) {
        killsInsidePublish++;
      }
      List<Ack> acks = out.acks;
      allAcks.addAll(acks);

      // ---- what the crash left, before any engine touches it
      repo.openStores();
      RepositoryVerifier.Report raw =
          RepositoryVerifier.verify(repo.metadata, trustedRoot, repo.clock.instant(), false);
      assertEquals(List.of(), raw.problems(), "round " + round + ": as left by the crash");
      Versions rawVersions = new Versions(raw.timestampVersion(), raw.snapshotVersion());
      assertTrue(
          rawVersions.notBefore(visibleBeforeKill),
          "round " + round + ": went back from " + visibleBeforeKill + " to " + rawVersions);
      byte[] committedTs =
          repo.state
              .setting(SettingKeys.TIMESTAMP_JSON)
              .orElseThrow()
              .getBytes(StandardCharsets.UTF_8);
      boolean staleTimestamp =
          !java.util.Arrays.equals(committedTs, repo.metadata.read("timestamp.json").orElseThrow());
      int orphans = uncommittedFiles();
      if (mode == Mode.BEFORE_TIMESTAMP_WRITE) {
        assertTrue(staleTimestamp, "the kill landed between the commit and timestamp.json");
      }
      if (mode == Mode.MID_VERSIONED_WRITE) {
        assertTrue(orphans > 0, "the kill left versioned files of an uncommitted publish");
        assertFalse(staleTimestamp);
      }

      // ---- restart: the committed state is what clients see, before anything is published
      engine = repo.engineBuilder().leaseTtl(Duration.ofSeconds(15)).build();
      RepositoryVerifier.Report loaded = repo.verify();
      assertEquals(List.of(), loaded.problems(), "round " + round + ": after restart");
      Versions loadedVersions = new Versions(loaded.timestampVersion(), loaded.snapshotVersion());
      assertTrue(loadedVersions.notBefore(rawVersions), loadedVersions + " < " + rawVersions);
      assertEquals(
          Metadata.parseTimestamp(committedTs).signed().version(),
          loaded.timestampVersion(),
          "the restart shows the committed timestamp");
      assertArrayEquals(
          committedTs,
          repo.metadata.read("timestamp.json").orElseThrow(),
          "a stale timestamp.json is replaced by the committed one on restart");

      // ---- drain the queue
      long depthAtRestart = engine.queueDepth();
      long drainStarted = System.nanoTime();
      int publishes = 0;
      double firstPublishSeconds = 0;
      while (engine.queueDepth() > 0) {
        assertTrue(++publishes <= 10, "the queue does not drain");
        engine.publish();
        if (publishes == 1) {
          // includes waiting for the dead child's publish lease to expire
          firstPublishSeconds = (System.nanoTime() - drainStarted) / 1e9;
        }
      }
      double drainSeconds = (System.nanoTime() - drainStarted) / 1e9;

      // ---- nothing acknowledged is lost, and the repository is valid
      RepositoryVerifier.Report after = repo.verify();
      assertEquals(List.of(), after.problems(), "round " + round + ": after draining");
      Versions afterVersions = new Versions(after.timestampVersion(), after.snapshotVersion());
      assertTrue(afterVersions.notBefore(loadedVersions), afterVersions + " < " + loadedVersions);
      if (depthAtRestart > 0) {
        assertTrue(after.snapshotVersion() > loaded.snapshotVersion());
        assertTrue(after.timestampVersion() > loaded.timestampVersion());
      }
      Map<String, TargetFile> targets = after.targets();
      assertNotNull(targets);
      long expectedTargets = 0;
      for (Ack a : allAcks) { // every round so far: nothing from an earlier round went missing
        TaskRecord task = engine.task(a.taskId).orElse(null);
        assertNotNull(task, "acknowledged task " + a.taskId + " is unknown");
        assertEquals(TaskStates.SUCCESS, task.state(), "task " + a.taskId + ": " + task.result());
        JsonObject details = (JsonObject) ((JsonObject) Json.parse(task.result())).get("details");
        assertEquals(a.count, ((JsonArray) details.get("added_artifacts")).values().size());
        for (Artifact art : TestRepository.artifacts(a.prefix, a.from, a.count)) {
          assertEquals(
              art.info(),
              targets.get(art.path()),
              "acknowledged artifact " + art.path() + " (task " + a.taskId + ")");
        }
        expectedTargets += a.count;
      }
      // a batch queued but not yet acknowledged when the child died may be there too; nothing else
      for (Map.Entry<String, TargetFile> t : targets.entrySet()) {
        Matcher m = PATH.matcher(t.getKey());
        assertTrue(m.matches(), "unexpected target " + t.getKey());
        int index = Integer.parseInt(m.group(2));
        assertEquals(TestRepository.artifact(t.getKey(), index).info(), t.getValue(), t.getKey());
        assertTrue(Integer.parseInt(m.group(1).substring(1)) <= round, t.getKey());
      }
      assertTrue(targets.size() >= expectedTargets, targets.size() + " < " + expectedTargets);
      assertTrue(
          targets.size() <= expectedTargets + (round + 1L) * BATCH,
          "at most one unacknowledged batch per kill: " + targets.size());

      String s =
          String.format(
              Locale.ROOT,
              "round %d %-22s killAt=%3d acks=%3d childPublishes=%d child=%.1fs exit=%d"
                  + " lastMarker=[%s] inPublish=%s before=%s crashLeft=%s staleTimestamp=%s"
                  + " uncommittedFiles=%d restart=%s queued=%d drained in %d publish(es)"
                  + " %.1fs (first %.1fs) -> %s targets=%d",
              round,
              mode,
              killAt,
              acks.size(),
              out.publishes,
              childSeconds,
              exit,
              out.lastMarker,
              out.inPublish,
              visibleBeforeKill,
              rawVersions,
              staleTimestamp,
              orphans,
              loadedVersions,
              depthAtRestart,
              publishes,
              drainSeconds,
              firstPublishSeconds,
              afterVersions,
              targets.size());
      summary.add(s);
      System.out.println(s);

      lastVerified = afterVersions;
      engine.close();
      engine = null;
      repo.closeStores();
    }
    System.out.println(
        "CrashRecoveryTest: "
            + killsInsidePublish
            + " of "
            + modes.size()
            + " kills inside publish");
    // the two paused rounds land inside publish by construction
    assertTrue(killsInsidePublish >= 2, String.join("\n", summary));
  }

  /** What the child's stdout told so far. */
  private static final class ChildOutput {
    final String prefix;
    final List<Ack> acks = new ArrayList<>();
    Versions published;
    int publishes;
    boolean inPublish;
    String lastMarker = "none";

    ChildOutput(String prefix, Versions start) {
      this.prefix = prefix;
      this.published = start;
    }

    void accept(String line) {
      if (line.startsWith("ACK ")) {
        acks.add(ack(line, prefix, acks.size()));
      } else if (line.startsWith("PUBLISHED ")) {
        String[] f = line.split(" ");
        published = max(published, new Versions(Integer.parseInt(f[1]), Integer.parseInt(f[2])));
        publishes++;
      }
      if (line.startsWith("PUBLISH_BEGIN")
          || line.startsWith("W_")
          || line.startsWith("IN_PUBLISH")
          || line.startsWith("PUBLISHED")) {
        lastMarker = line;
        inPublish = !line.startsWith("PUBLISHED");
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Complete lines the child writes to {@code out}, then {@link #EOF} once it is dead and all read
   * (a line cut short by the kill would be dropped). A file rather than the process pipe: the JDK
   * drains and closes a dead process's pipe under a reader's feet.
   */
  private static BlockingQueue<String> tailLines(Path out, Process process) {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread t =
        new Thread(
            () -> {
              ByteArrayOutputStream current = new ByteArrayOutputStream();
              ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
              try (FileChannel ch = FileChannel.open(out, StandardOpenOption.READ)) {
                while (true) {
                  boolean dead = !process.isAlive();
                  buf.clear();
                  int n = ch.read(buf);
                  if (n <= 0) {
                    if (dead) {
                      break; // dead before this read found nothing: everything is read
                    }
                    Thread.sleep(1);
                    continue;
                  }
                  for (int i = 0; i < n; i++) {
                    byte b = buf.get(i);
                    if (b == '\n') {
                      lines.add(current.toString(StandardCharsets.UTF_8));
                      current.reset();
                    } else {
                      current.write(b);
                    }
                  }
                }
              } catch (IOException | InterruptedException e) {
                lines.add("FAILED reading the child's output: " + e);
              } finally {
                lines.add(EOF);
              }
            },
            "crash-child-stdout");
    t.setDaemon(true);
    t.start();
    return lines;
  }

  /** Parses {@code ACK <task> <first path> <count>}; the n-th batch starts at n * BATCH. */
  private static Ack ack(String line, String prefix, int n) {
    String[] f = line.split(" ");
    assertEquals(4, f.length, line);
    Ack a = new Ack(f[1], f[2], Integer.parseInt(f[3]), prefix, n * BATCH);
    assertEquals(BATCH, a.count, line);
    assertEquals(
        TestRepository.artifacts(prefix, a.from, 1).get(0).path(), a.firstPath, "batch " + n);
    return a;
  }

  private static Versions max(Versions a, Versions b) {
    return new Versions(Math.max(a.timestamp, b.timestamp), Math.max(a.snapshot, b.snapshot));
  }

  /** The published timestamp.json as a client would fetch it now. */
  private Versions visibleOnDisk() throws IOException {
    try {
      Timestamp ts =
          Metadata.parseTimestamp(Files.readAllBytes(dir.resolve("metadata/timestamp.json")))
              .signed();
      return new Versions(ts.version(), ts.snapshotMeta().version());
    } catch (NoSuchFileException e) {
      return new Versions(0, 0);
    }
  }

  /**
   * Versioned files (bins, targets, snapshot) above the committed version of their role: written by
   * a publish that never committed, unreachable from any timestamp, to be overwritten later.
   */
  private int uncommittedFiles() {
    Map<String, RoleVersion> committed = repo.state.roleVersions();
    Pattern p = Pattern.compile("([0-9]+)\\.(bins-[0-9a-f]+|targets|snapshot)\\.json");
    int n = 0;
    for (String name : repo.metadata.list()) {
      Matcher m = p.matcher(name);
      if (m.matches() && Integer.parseInt(m.group(1)) > committed.get(m.group(2)).version()) {
        n++;
      }
    }
    return n;
  }

  private static String childErr(Path stderr) {
    try {
      String s = Files.readString(stderr);
      return s.isBlank() ? "" : "\nchild stderr:\n" + s.substring(Math.max(0, s.length() - 4000));
    } catch (IOException e) {
      return "";
    }
  }
}
