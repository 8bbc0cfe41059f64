package dev.tufrepo.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link StateStore} backend must have. A backend's test extends this class and
 * opens its store in {@link #newStore(Path)}; calling it again with the same directory must open
 * the same stored state (a reopen). Stores keep instants to at least the millisecond, so the
 * instants used here are whole milliseconds.
 */
public abstract class StateStoreContract {

  @TempDir protected Path tempDir;

  /** The store under test, opened before each test and closed after it. */
  protected StateStore store;

  /**
   * Opens the backend's store whose data lives in (or is keyed by) {@code tempDir}. Opening twice
   * with the same directory must give the same state.
   */
  protected abstract StateStore newStore(Path tempDir);

  @BeforeEach
  void openStore() {
    store = newStore(tempDir);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  /** Closes the store and opens it again on the same data. */
  protected void reopen() {
    store.close();
    store = newStore(tempDir);
  }

  private static final Instant T0 = Instant.parse("2030-01-02T03:04:05.678Z");

  private static TaskRecord task(String id) {
    return new TaskRecord(id, "add_artifacts", "PENDING", T0, null);
  }

  private static String taskId(int n) {
    return String.format("%032x", n);
  }

  private static byte[] payload(int n, int size) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (n * 7 + i);
    }
    return bytes;
  }

  private static PublishCommit commit(long token, List<Long> drained) {
    return new PublishCommit(token, Map.of(), drained, List.of(), Map.of());
  }

  // ---- settings

  @Test
  void setting_missing_returnsEmpty() {
    assertEquals(Optional.empty(), store.setting("expiration.targets"));
    assertEquals(Map.of(), store.settings());
  }

  @Test
  void putSettings_thenRead_returnsValues() {
    store.putSettings(Map.of("a", "1", "b", "two"));
    store.putSettings(Map.of("b", "2", "c", "3"));
    assertEquals(Optional.of("1"), store.setting("a"));
    assertEquals(Map.of("a", "1", "b", "2", "c", "3"), store.settings());
  }

  @Test
  void putSettings_nullValue_deletesKeyAndSetsOthersInSameCall() {
    store.putSettings(Map.of("a", "1", "b", "2"));
    Map<String, String> change = new HashMap<>();
    change.put("a", null);
    change.put("c", "3");
    change.put("absent", null);
    store.putSettings(change);
    assertEquals(Map.of("b", "2", "c", "3"), store.settings());
  }

  @Test
  void putSettings_longValue_keptWhole() {
    String value = "x".repeat(20_000);
    store.putSettings(Map.of("online_key", value));
    assertEquals(Optional.of(value), store.setting("online_key"));
  }

  @Test
  void compareAndSetSetting_absentExpected_setsOnlyWhenAbsent() {
    assertTrue(store.compareAndSetSetting("bootstrap", null, "pre-123"));
    assertFalse(store.compareAndSetSetting("bootstrap", null, "pre-456"));
    assertEquals(Optional.of("pre-123"), store.setting("bootstrap"));
  }

  @Test
  void compareAndSetSetting_matchingValue_replaces() {
    store.putSettings(Map.of("bootstrap", "pre-123"));
    assertTrue(store.compareAndSetSetting("bootstrap", "pre-123", "signing-123"));
    assertEquals(Optional.of("signing-123"), store.setting("bootstrap"));
  }

  @Test
  void compareAndSetSetting_otherValue_changesNothing() {
    store.putSettings(Map.of("bootstrap", "pre-123"));
    assertFalse(store.compareAndSetSetting("bootstrap", "pre-999", "signing-999"));
    assertFalse(store.compareAndSetSetting("bootstrap", "pre-999", null));
    assertFalse(store.compareAndSetSetting("missing", "x", "y"));
    assertEquals(Map.of("bootstrap", "pre-123"), store.settings());
  }

  @Test
  void compareAndSetSetting_nullNewValue_deletesWhenMatching() {
    store.putSettings(Map.of("bootstrap", "pre-123"));
    assertTrue(store.compareAndSetSetting("bootstrap", "pre-123", null));
    assertEquals(Optional.empty(), store.setting("bootstrap"));
  }

  @Test
  void compareAndSetSetting_absentToAbsent_trueOnlyWhenAbsent() {
    assertTrue(store.compareAndSetSetting("k", null, null));
    store.putSettings(Map.of("k", "v"));
    assertFalse(store.compareAndSetSetting("k", null, null));
    assertEquals(Optional.of("v"), store.setting("k"));
  }

  @Test
  void compareAndSetSetting_concurrentIncrements_noUpdateLost() throws Exception {
    int threads = 4;
    int increments = 25;
    runConcurrently(
        threads,
        t -> {
          for (int i = 0; i < increments; i++) {
            while (true) {
              Optional<String> current = store.setting("counter");
              String next = Integer.toString(current.map(Integer::parseInt).orElse(0) + 1);
              if (store.compareAndSetSetting("counter", current.orElse(null), next)) {
                break;
              }
            }
          }
          return null;
        });
    assertEquals(Optional.of(Integer.toString(threads * increments)), store.setting("counter"));
  }

  @Test
  void compareAndSetSetting_concurrentClaimsOfAbsentKey_exactlyOneWins() throws Exception {
    List<Boolean> wins =
        runConcurrently(8, t -> store.compareAndSetSetting("bootstrap", null, "owner-" + t));
    assertEquals(1, wins.stream().filter(w -> w).count());
    int winner = wins.indexOf(true);
    assertEquals(Optional.of("owner-" + winner), store.setting("bootstrap"));
  }

  // ---- queue

  @Test
  void enqueue_withPayload_returnsIncreasingSeqsAndStoresTask() {
    long first = store.enqueue(task(taskId(1)), payload(1, 10));
    long second = store.enqueue(task(taskId(2)), payload(2, 10));
    assertTrue(first > 0, "seq is positive");
    assertTrue(second > first, "seq grows");
    assertEquals(Optional.of(task(taskId(1))), store.task(taskId(1)));
    assertEquals(2, store.queueDepth());
  }

  @Test
  void enqueue_withoutPayload_storesTaskOnlyAndReturnsZero() {
    TaskRecord bootstrap = new TaskRecord(taskId(9), "bootstrap", "PENDING", T0, null);
    assertEquals(0, store.enqueue(bootstrap, null));
    assertEquals(Optional.of(bootstrap), store.task(taskId(9)));
    assertEquals(0, store.queueDepth());
    assertEquals(List.of(), store.queued(10));
  }

  @Test
  void queued_returnsBatchesInSeqOrderUpToLimit() {
    List<Long> seqs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      seqs.add(store.enqueue(task(taskId(i)), payload(i, 100 + i)));
    }

    List<QueuedBatch> firstThree = store.queued(3);
    assertEquals(seqs.subList(0, 3), firstThree.stream().map(QueuedBatch::seq).toList());
    for (int i = 0; i < 3; i++) {
      assertEquals(taskId(i), firstThree.get(i).taskId());
      assertArrayEquals(payload(i, 100 + i), firstThree.get(i).payload());
    }
    assertEquals(seqs, store.queued(100).stream().map(QueuedBatch::seq).toList());
    assertEquals(List.of(), store.queued(0));
    assertEquals(5, store.queueDepth());
  }

  @Test
  void enqueueAll_returnsSeqsInListOrderAndStoresEveryTask() {
    long before = store.enqueue(task(taskId(100)), payload(100, 5));
    TaskRecord noPayload = new TaskRecord(taskId(2), "bootstrap", "PENDING", T0, null);
    List<Long> seqs =
        store.enqueueAll(
            List.of(
                new TaskSubmission(task(taskId(1)), payload(1, 10)),
                new TaskSubmission(noPayload, null),
                new TaskSubmission(task(taskId(3)), payload(3, 20))));
    assertEquals(3, seqs.size());
    assertTrue(seqs.get(0) > before, "seq grows across calls");
    assertEquals(0L, seqs.get(1));
    assertTrue(seqs.get(2) > seqs.get(0), "seq grows in list order");
    assertEquals(Optional.of(task(taskId(1))), store.task(taskId(1)));
    assertEquals(Optional.of(noPayload), store.task(taskId(2)));
    assertEquals(Optional.of(task(taskId(3))), store.task(taskId(3)));
    List<QueuedBatch> queued = store.queued(10);
    assertEquals(
        List.of(before, seqs.get(0), seqs.get(2)), queued.stream().map(QueuedBatch::seq).toList());
    assertEquals(taskId(1), queued.get(1).taskId());
    assertArrayEquals(payload(1, 10), queued.get(1).payload());
    assertEquals(taskId(3), queued.get(2).taskId());
    assertArrayEquals(payload(3, 20), queued.get(2).payload());
  }

  @Test
  void enqueueAll_emptyList_queuesNothing() {
    assertEquals(List.of(), store.enqueueAll(List.of()));
    assertEquals(0, store.queueDepth());
  }

  @Test
  void enqueueAll_oneEntryRefused_nothingQueued() {
    String tooLong = "f".repeat(300);
    assertThrows(
        StorageException.class,
        () ->
            store.enqueueAll(
                List.of(
                    new TaskSubmission(task(taskId(1)), payload(1, 10)),
                    new TaskSubmission(task(tooLong), payload(2, 10)))));
    assertEquals(0, store.queueDepth());
    assertEquals(Optional.empty(), store.task(taskId(1)));
  }

  @Test
  void enqueueAll_concurrently_everySeqDistinctAndQueued() throws Exception {
    List<List<Long>> perThread =
        runConcurrently(
            4,
            t -> {
              List<Long> seqs = new ArrayList<>();
              for (int i = 0; i < 10; i++) {
                List<TaskSubmission> group = new ArrayList<>();
                for (int j = 0; j < 5; j++) {
                  group.add(
                      new TaskSubmission(task(taskId(t * 1000 + i * 10 + j)), payload(j, 30)));
                }
                seqs.addAll(store.enqueueAll(group));
              }
              return seqs;
            });
    Set<Long> all = new HashSet<>();
    perThread.forEach(all::addAll);
    assertEquals(200, all.size());
    assertEquals(all, Set.copyOf(store.queued(1000).stream().map(QueuedBatch::seq).toList()));
    for (List<Long> seqs : perThread) {
      for (int i = 1; i < seqs.size(); i++) {
        assertTrue(seqs.get(i) > seqs.get(i - 1), "seqs of one thread grow");
      }
    }
  }

  @Test
  void queued_withByteBudget_stopsBeforeTheBatchThatExceedsIt_butAlwaysReturnsOne() {
    List<Long> seqs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      seqs.add(store.enqueue(task(taskId(i)), payload(i, 100)));
    }
    assertEquals(seqs.subList(0, 2), store.queued(10, 250).stream().map(QueuedBatch::seq).toList());
    assertEquals(
        seqs.subList(0, 3), store.queued(3, 10_000).stream().map(QueuedBatch::seq).toList());
    List<QueuedBatch> one = store.queued(10, 1);
    assertEquals(List.of(seqs.get(0)), one.stream().map(QueuedBatch::seq).toList());
    assertArrayEquals(payload(0, 100), one.get(0).payload());
    assertEquals(List.of(), store.queued(0, 1000));
  }

  @Test
  void queued_withHeldBatches_sameBatchesAndBudget_othersPayloadsRead() {
    List<Long> seqs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      seqs.add(store.enqueue(task(taskId(i)), payload(i, 100)));
    }
    long held = seqs.get(1);

    List<QueuedBatch> got = store.queued(10, 250, seq -> seq == held);

    // the held batch counts at its stored size: two batches fit in 250 bytes, not three
    assertEquals(seqs.subList(0, 2), got.stream().map(QueuedBatch::seq).toList());
    assertEquals(List.of(taskId(0), taskId(1)), got.stream().map(QueuedBatch::taskId).toList());
    assertArrayEquals(payload(0, 100), got.get(0).payload());
    byte[] heldPayload = got.get(1).payload();
    assertTrue(
        heldPayload.length == 0 || Arrays.equals(payload(1, 100), heldPayload),
        "a held batch comes back with its payload or an empty one");
    assertArrayEquals(payload(1, 100), store.queued(10, 250).get(1).payload());
  }

  @Test
  void queued_negativeLimit_refused() {
    assertThrows(IllegalArgumentException.class, () -> store.queued(-1));
  }

  @Test
  void enqueue_emptyPayload_queuedAsEmpty() {
    long seq = store.enqueue(task(taskId(1)), new byte[0]);
    assertEquals(seq, store.queued(1).get(0).seq());
    assertArrayEquals(new byte[0], store.queued(1).get(0).payload());
  }

  @Test
  void enqueue_largePayload_roundTripsExactly() {
    byte[] large = payload(3, 48 * 1024 * 1024 + 5);
    long seq = store.enqueue(task(taskId(3)), large);
    QueuedBatch batch = store.queued(1).get(0);
    assertEquals(seq, batch.seq());
    assertArrayEquals(large, batch.payload());
  }

  @Test
  void enqueue_concurrently_everySeqDistinctAndQueued() throws Exception {
    List<List<Long>> perThread =
        runConcurrently(
            4,
            t -> {
              List<Long> seqs = new ArrayList<>();
              for (int i = 0; i < 25; i++) {
                seqs.add(store.enqueue(task(taskId(t * 100 + i)), payload(i, 50)));
              }
              return seqs;
            });
    Set<Long> all = new HashSet<>();
    perThread.forEach(all::addAll);
    assertEquals(100, all.size());
    assertEquals(all, Set.copyOf(store.queued(1000).stream().map(QueuedBatch::seq).toList()));
    for (List<Long> seqs : perThread) {
      for (int i = 1; i < seqs.size(); i++) {
        assertTrue(seqs.get(i) > seqs.get(i - 1), "seqs of one thread grow");
      }
    }
  }

  // ---- tasks

  @Test
  void task_missing_returnsEmpty() {
    assertEquals(Optional.empty(), store.task(taskId(42)));
  }

  @Test
  void putTask_sameIdAgain_replacesEveryField() {
    TaskRecord pending = task(taskId(1));
    store.putTask(pending);
    TaskRecord done =
        pending.withState(
            "SUCCESS",
            T0.plusSeconds(5),
            "{\"status\":true,\"x\":\"" + "y".repeat(100_000) + "\"}");
    store.putTask(done);
    assertEquals(Optional.of(done), store.task(taskId(1)));

    TaskRecord again = done.withState("RUNNING", T0.plusSeconds(6), null);
    store.putTask(again);
    assertEquals(Optional.of(again), store.task(taskId(1)));
  }

  @Test
  void commitPublish_taskResultsOfEverySize_readBackWholeAfterReopen() {
    List<TaskRecord> tasks = new java.util.ArrayList<>();
    // around the in-row limit of H2 (8 KiB) and the JDBC store's stream threshold (64 Ki chars)
    int[] sizes = {0, 1, 255, 256, 257, 4000, 8191, 8192, 8193, 20_000, 65_530, 65_540, 300_000};
    for (int i = 0; i < sizes.length; i++) {
      String filler = (i % 2 == 0 ? "r" : "\u00e9\u2603").repeat(sizes[i] / (i % 2 == 0 ? 1 : 2));
      tasks.add(task(taskId(100 + i)).withState("SUCCESS", T0, "{\"x\":\"" + filler + "\"}"));
    }
    store.commitPublish(new PublishCommit(0, Map.of(), List.of(), tasks, Map.of()));
    reopen();
    for (TaskRecord t : tasks) {
      assertEquals(Optional.of(t), store.task(t.id()));
    }
  }

  @Test
  void enqueue_existingTask_updatesTask() {
    store.putTask(task(taskId(1)));
    TaskRecord running = task(taskId(1)).withState("RUNNING", T0.plusMillis(1), null);
    store.enqueue(running, payload(1, 1));
    assertEquals(Optional.of(running), store.task(taskId(1)));
  }

  // ---- role versions and publish

  @Test
  void roleVersions_initially_empty() {
    assertEquals(Map.of(), store.roleVersions());
  }

  @Test
  void commitPublish_appliesEverythingInOneCall() {
    store.putSettings(Map.of("stale", "x", "kept", "y"));
    store.putTask(task(taskId(1)));
    long seq = store.enqueue(task(taskId(1)), payload(1, 10));
    Map<String, String> settings = new HashMap<>();
    settings.put("stale", null);
    settings.put("snapshot.expires", "7");
    TaskRecord done = task(taskId(1)).withState("SUCCESS", T0.plusSeconds(1), "{\"ok\":true}");

    store.commitPublish(
        new PublishCommit(
            0,
            Map.of(
                "timestamp", new RoleVersion(2, T0.plus(1, ChronoUnit.DAYS)),
                "bins-0a", new RoleVersion(3, T0.plus(7, ChronoUnit.DAYS))),
            List.of(seq),
            List.of(done),
            settings));

    assertEquals(
        Map.of(
            "timestamp", new RoleVersion(2, T0.plus(1, ChronoUnit.DAYS)),
            "bins-0a", new RoleVersion(3, T0.plus(7, ChronoUnit.DAYS))),
        store.roleVersions());
    assertEquals(0, store.queueDepth());
    assertEquals(Optional.of(done), store.task(taskId(1)));
    assertEquals(Map.of("kept", "y", "snapshot.expires", "7"), store.settings());
  }

  @Test
  void commitPublish_beforeCommit_runsOnceBeforeTheChangesAreVisible() {
    long seq = store.enqueue(task(taskId(1)), payload(1, 10));
    java.util.concurrent.atomic.AtomicInteger runs =
        new java.util.concurrent.atomic.AtomicInteger();
    List<Integer> depthSeen = new java.util.ArrayList<>();

    store.commitPublish(
        new PublishCommit(
            0, Map.of("snapshot", new RoleVersion(2, T0)), List.of(seq), List.of(), Map.of()),
        () -> {
          runs.incrementAndGet();
          depthSeen.add(store.queued(10).size()); // another connection: not committed yet
        });

    assertEquals(1, runs.get());
    assertEquals(List.of(1), depthSeen);
    assertEquals(Map.of("snapshot", new RoleVersion(2, T0)), store.roleVersions());
    assertEquals(0, store.queueDepth());
  }

  @Test
  void commitPublish_beforeCommitThrows_nothingCommittedAndTheFailurePropagates() {
    store.putSettings(Map.of("s", "before"));
    long seq = store.enqueue(task(taskId(1)), payload(1, 10));
    Optional<TaskRecord> taskBefore = store.task(taskId(1));
    IllegalStateException flushFailed = new IllegalStateException("barrier failed");

    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class,
            () ->
                store.commitPublish(
                    new PublishCommit(
                        0,
                        Map.of("snapshot", new RoleVersion(2, T0)),
                        List.of(seq),
                        List.of(task(taskId(1)).withState("SUCCESS", T0, "{}")),
                        Map.of("s", "after")),
                    () -> {
                      throw flushFailed;
                    }));

    assertEquals(flushFailed, thrown);
    assertEquals(Map.of(), store.roleVersions());
    assertEquals(List.of(seq), store.queued(10).stream().map(QueuedBatch::seq).toList());
    assertEquals(taskBefore, store.task(taskId(1)));
    assertEquals(Map.of("s", "before"), store.settings());
  }

  @Test
  void commitPublish_existingRole_versionReplaced() {
    store.commitPublish(
        new PublishCommit(
            0, Map.of("snapshot", new RoleVersion(1, T0)), List.of(), List.of(), Map.of()));
    store.commitPublish(
        new PublishCommit(
            0,
            Map.of("snapshot", new RoleVersion(2, T0.plusSeconds(60))),
            List.of(),
            List.of(),
            Map.of()));
    assertEquals(Map.of("snapshot", new RoleVersion(2, T0.plusSeconds(60))), store.roleVersions());
  }

  @Test
  void commitPublish_deletesExactlyTheDrainedSeqs_notBatchesEnqueuedMeanwhile() {
    long a = store.enqueue(task(taskId(1)), payload(1, 10));
    long b = store.enqueue(task(taskId(2)), payload(2, 10));
    List<Long> drained = store.queued(100).stream().map(QueuedBatch::seq).toList();
    assertEquals(List.of(a, b), drained);
    // Accepted while the publisher was working on a and b:
    long c = store.enqueue(task(taskId(3)), payload(3, 10));

    store.commitPublish(commit(0, drained));

    List<QueuedBatch> left = store.queued(100);
    assertEquals(List.of(c), left.stream().map(QueuedBatch::seq).toList());
    assertArrayEquals(payload(3, 10), left.get(0).payload());
    assertEquals(1, store.queueDepth());
  }

  @Test
  void commitPublish_currentToken_commits() {
    Lease lease = store.tryAcquire("publish", "node-a", Duration.ofMinutes(1)).orElseThrow();
    long seq = store.enqueue(task(taskId(1)), payload(1, 10));
    store.commitPublish(commit(lease.token(), List.of(seq)));
    assertEquals(0, store.queueDepth());
  }

  @Test
  void commitPublish_staleToken_commitsNothing() throws Exception {
    Lease old = store.tryAcquire("publish", "node-a", Duration.ofMillis(1)).orElseThrow();
    Lease successor = awaitLease("publish", "node-b", Duration.ofMinutes(1));
    assertTrue(successor.token() > old.token());
    store.putSettings(Map.of("s", "before"));
    store.putTask(task(taskId(1)));
    long seq = store.enqueue(task(taskId(2)), payload(2, 10));

    PublishCommit stale =
        new PublishCommit(
            old.token(),
            Map.of("timestamp", new RoleVersion(9, T0)),
            List.of(seq),
            List.of(task(taskId(1)).withState("SUCCESS", T0, "{}")),
            Map.of("s", "after", "new", "x"));

    assertThrows(FencingException.class, () -> store.commitPublish(stale));
    assertEquals(Map.of(), store.roleVersions());
    assertEquals(List.of(seq), store.queued(10).stream().map(QueuedBatch::seq).toList());
    assertEquals(Optional.of(task(taskId(1))), store.task(taskId(1)));
    assertEquals(Map.of("s", "before"), store.settings());

    store.commitPublish(commit(successor.token(), List.of(seq)));
    assertEquals(0, store.queueDepth());
  }

  @Test
  void commitPublish_releasedOrUnknownToken_refused() {
    Lease lease = store.tryAcquire("publish", "node-a", Duration.ofMinutes(1)).orElseThrow();
    assertThrows(
        FencingException.class, () -> store.commitPublish(commit(lease.token() + 1000, List.of())));
    store.release(lease);
    assertThrows(
        FencingException.class, () -> store.commitPublish(commit(lease.token(), List.of())));
  }

  @Test
  void commitPublish_expiredButNotTakenOver_stillCommits() throws Exception {
    Lease lease = store.tryAcquire("publish", "node-a", Duration.ZERO).orElseThrow();
    Thread.sleep(5);
    store.putSettings(Map.of("s", "1"));
    store.commitPublish(
        new PublishCommit(lease.token(), Map.of(), List.of(), List.of(), Map.of("s", "2")));
    assertEquals(Optional.of("2"), store.setting("s"));
  }

  @Test
  void commitPublish_zeroToken_commitsWithoutAnyLease() {
    long seq = store.enqueue(task(taskId(1)), payload(1, 10));
    store.commitPublish(commit(0, List.of(seq)));
    assertEquals(0, store.queueDepth());
  }

  // ---- leases

  @Test
  void tryAcquire_freeLease_returnsLeaseForOwner() {
    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Lease lease = store.tryAcquire("publish", "node-a", Duration.ofMinutes(1)).orElseThrow();
    assertEquals("publish", lease.name());
    assertEquals("node-a", lease.owner());
    assertTrue(lease.token() > 0, "token is positive");
    assertFalse(lease.expires().isBefore(before.plusSeconds(60)), "expires after the ttl");
    assertTrue(lease.expires().isBefore(Instant.now().plusSeconds(61)), "expires after the ttl");
  }

  @Test
  void tryAcquire_heldByOtherOwner_returnsEmpty() {
    store.tryAcquire("publish", "node-a", Duration.ofMinutes(1)).orElseThrow();
    assertEquals(Optional.empty(), store.tryAcquire("publish", "node-b", Duration.ofMinutes(1)));
  }

  @Test
  void tryAcquire_sameOwner_renewsAndKeepsToken() throws Exception {
    Lease first = store.tryAcquire("publish", "node-a", Duration.ofSeconds(10)).orElseThrow();
    Thread.sleep(5);
    Lease renewed = store.tryAcquire("publish", "node-a", Duration.ofMinutes(10)).orElseThrow();
    assertEquals(first.token(), renewed.token());
    assertTrue(renewed.expires().isAfter(first.expires()), "renewal extends the lease");
    assertEquals(Optional.empty(), store.tryAcquire("publish", "node-b", Duration.ofMinutes(1)));
  }

  @Test
  void tryAcquire_expiredLease_takenOverWithGreaterToken() throws Exception {
    Lease first = store.tryAcquire("publish", "node-a", Duration.ofMillis(50)).orElseThrow();
    Lease second = awaitLease("publish", "node-b", Duration.ofMillis(50));
    Lease third = awaitLease("publish", "node-a", Duration.ofMinutes(1));
    assertEquals("node-b", second.owner());
    assertTrue(second.token() > first.token(), "takeover gets a greater token");
    assertTrue(third.token() > second.token(), "an earlier owner coming back gets a new token");
  }

  @Test
  void tryAcquire_negativeTtl_refused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> store.tryAcquire("publish", "node-a", Duration.ofMillis(-1)));
  }

  @Test
  void release_currentHolder_freesLeaseAndNextHolderGetsGreaterToken() {
    Lease lease = store.tryAcquire("publish", "node-a", Duration.ofMinutes(1)).orElseThrow();
    store.release(lease);
    Lease next = store.tryAcquire("publish", "node-b", Duration.ofMinutes(1)).orElseThrow();
    assertTrue(next.token() > lease.token());
    store.release(next);
    Lease again = store.tryAcquire("publish", "node-b", Duration.ofMinutes(1)).orElseThrow();
    assertTrue(again.token() > next.token(), "a released lease is taken anew");
  }

  @Test
  void release_staleLease_doesNotFreeTheNewHolder() throws Exception {
    Lease old = store.tryAcquire("publish", "node-a", Duration.ofMillis(1)).orElseThrow();
    Lease current = awaitLease("publish", "node-b", Duration.ofMinutes(1));
    store.release(old);
    assertEquals(Optional.empty(), store.tryAcquire("publish", "node-c", Duration.ofMinutes(1)));
    store.commitPublish(commit(current.token(), List.of()));
  }

  @Test
  void tryAcquire_differentNames_independentLeasesWithDistinctTokens() {
    Lease publish = store.tryAcquire("publish", "node-a", Duration.ofMinutes(1)).orElseThrow();
    Lease other = store.tryAcquire("expiry-refresh", "node-b", Duration.ofMinutes(1)).orElseThrow();
    assertEquals("node-b", other.owner());
    assertTrue(other.token() != publish.token(), "tokens are unique across names");
    store.commitPublish(commit(publish.token(), List.of()));
  }

  @Test
  void tryAcquire_concurrentOwners_exactlyOneHolder() throws Exception {
    List<Optional<Lease>> results =
        runConcurrently(8, t -> store.tryAcquire("publish", "node-" + t, Duration.ofMinutes(1)));
    assertEquals(1, results.stream().filter(Optional::isPresent).count());
  }

  @Test
  void tryAcquire_afterReopen_tokensKeepGrowing() {
    Lease before = store.tryAcquire("publish", "node-a", Duration.ofMinutes(1)).orElseThrow();
    store.release(before);
    reopen();
    Lease after = store.tryAcquire("publish", "node-b", Duration.ofMinutes(1)).orElseThrow();
    assertTrue(after.token() > before.token(), "token counter survives a restart");
  }

  /** Retries until {@code owner} gets the lease (the current holder's lease expires). */
  private Lease awaitLease(String name, String owner, Duration ttl) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      Optional<Lease> lease = store.tryAcquire(name, owner, ttl);
      if (lease.isPresent()) {
        return lease.get();
      }
      Thread.sleep(5);
    }
    throw new AssertionError(owner + " never got lease " + name);
  }

  // ---- signing sessions

  @Test
  void signingSession_putReplaceDelete() {
    assertEquals(Optional.empty(), store.signingSession("root"));
    store.putSigningSession("root", "{\"signed\":1}");
    store.putSigningSession("delegated", "{\"signed\":2}");
    store.putSigningSession("root", "{\"signed\":3}");
    assertEquals(Optional.of("{\"signed\":3}"), store.signingSession("root"));
    assertEquals(
        Map.of("root", "{\"signed\":3}", "delegated", "{\"signed\":2}"), store.signingSessions());

    store.putSigningSession("root", null);
    store.putSigningSession("never-there", null);
    assertEquals(Map.of("delegated", "{\"signed\":2}"), store.signingSessions());
  }

  @Test
  void signingSession_largeJson_keptWhole() {
    String json = "{\"keys\":\"" + "k".repeat(300_000) + "\"}";
    store.putSigningSession("root", json);
    assertEquals(Optional.of(json), store.signingSession("root"));
  }

  // ---- persistence

  @Test
  void reopen_everyCommittedChangeIsKept() {
    store.putSettings(Map.of("a", "1"));
    long kept = store.enqueue(task(taskId(1)), payload(1, 1000));
    long drained = store.enqueue(task(taskId(2)), payload(2, 1000));
    store.commitPublish(
        new PublishCommit(
            0, Map.of("root", new RoleVersion(1, T0)), List.of(drained), List.of(), Map.of()));
    store.putSigningSession("root", "{}");
    Lease lease = store.tryAcquire("publish", "node-a", Duration.ofHours(1)).orElseThrow();

    reopen();

    assertEquals(Map.of("a", "1"), store.settings());
    List<QueuedBatch> queued = store.queued(10);
    assertEquals(List.of(kept), queued.stream().map(QueuedBatch::seq).toList());
    assertArrayEquals(payload(1, 1000), queued.get(0).payload());
    assertEquals(Optional.of(task(taskId(2))), store.task(taskId(2)));
    assertEquals(Map.of("root", new RoleVersion(1, T0)), store.roleVersions());
    assertEquals(Map.of("root", "{}"), store.signingSessions());
    assertEquals(Optional.empty(), store.tryAcquire("publish", "node-b", Duration.ofMinutes(1)));
    assertEquals(
        lease.token(),
        store.tryAcquire("publish", "node-a", Duration.ofMinutes(1)).orElseThrow().token());
    long next = store.enqueue(task(taskId(3)), payload(3, 1));
    assertTrue(next > drained, "seqs keep growing after a reopen");
  }

  /** Starts {@code threads} tasks at once and returns their results in thread order. */
  private static <T> List<T> runConcurrently(int threads, ThreadTask<T> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        Callable<T> call =
            () -> {
              start.await();
              return task.run(thread);
            };
        futures.add(pool.submit(call));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(60, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  /** The work of one thread in {@link #runConcurrently}. */
  @FunctionalInterface
  private interface ThreadTask<T> {
    T run(int thread) throws Exception;
  }
}
