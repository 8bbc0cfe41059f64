package dev.tufrepo.storage.embedded;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.storage.PublishCommit;
import dev.tufrepo.storage.QueuedBatch;
import dev.tufrepo.storage.RoleVersion;
import dev.tufrepo.storage.StateStore;
import dev.tufrepo.storage.StateStoreContract;
import dev.tufrepo.storage.StorageException;
import dev.tufrepo.storage.TaskRecord;
import dev.tufrepo.storage.jdbc.JdbcStateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QueueLogStateStoreTest extends StateStoreContract {
  private static final Instant T0 = Instant.parse("2030-01-02T03:04:05Z");

  @Override
  protected StateStore newStore(Path tempDir) {
    return QueueLogStateStore.h2(tempDir, true);
  }

  private QueueLogStateStore log() {
    return (QueueLogStateStore) store;
  }

  private Path queueDir() {
    return tempDir.resolve("state").resolve("queue");
  }

  private static TaskRecord task(int n) {
    return new TaskRecord(String.format("%032x", n), "add_artifacts", "PENDING", T0, null);
  }

  private static byte[] payload(int n) {
    byte[] b = new byte[50 + n % 17];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (n * 31 + i);
    }
    return b;
  }

  private static PublishCommit drain(List<Long> seqs, TaskRecord... tasks) {
    return new PublishCommit(0, Map.of(), seqs, List.of(tasks), Map.of());
  }

  private List<Long> queuedSeqs() {
    return store.queued(Integer.MAX_VALUE).stream().map(QueuedBatch::seq).toList();
  }

  @Test
  void queued_heldBatches_notRead_othersReadWhole() {
    long first = store.enqueue(task(1), payload(1));
    long second = store.enqueue(task(2), payload(2));
    long third = store.enqueue(task(3), payload(3));

    List<QueuedBatch> got = store.queued(10, Long.MAX_VALUE, seq -> seq == second);

    assertEquals(List.of(first, second, third), got.stream().map(QueuedBatch::seq).toList());
    assertArrayEquals(payload(1), got.get(0).payload());
    assertEquals(0, got.get(1).payload().length, "the caller holds it: not read");
    assertArrayEquals(payload(3), got.get(2).payload());
  }

  @Test
  void enqueue_doesNotWriteTheDatabaseQueue() throws Exception {
    store.enqueue(task(1), payload(1));
    store.close();
    try (StateStore h2 = JdbcStateStore.h2(tempDir)) {
      assertEquals(0, h2.queueDepth());
      assertEquals(
          Optional.empty(), h2.task(task(1).id())); // the task lives in the log until drained
    }
    store = newStore(tempDir);
    assertEquals(Optional.of(task(1)), store.task(task(1).id()));
  }

  @Test
  void enqueueAll_smallAndLargerThanASharedBufferMixed_eachBatchReadBackWholeAfterReopen() {
    byte[] large = new byte[(1 << 20) + 100]; // written as its own buffer, between shared ones
    for (int i = 0; i < large.length; i++) {
      large[i] = (byte) (i * 7 + 3);
    }
    List<byte[]> payloads = List.of(payload(1), payload(2), large, payload(4), large, payload(6));
    List<dev.tufrepo.storage.TaskSubmission> group = new java.util.ArrayList<>();
    for (int i = 0; i < payloads.size(); i++) {
      group.add(new dev.tufrepo.storage.TaskSubmission(task(i + 1), payloads.get(i)));
    }

    List<Long> seqs = store.enqueueAll(group);
    long next = store.enqueue(task(7), payload(7)); // the segment's end is where it should be
    reopen();

    assertEquals(
        java.util.stream.Stream.concat(seqs.stream(), java.util.stream.Stream.of(next)).toList(),
        queuedSeqs());
    List<QueuedBatch> queued = store.queued(10);
    for (int i = 0; i < payloads.size(); i++) {
      assertArrayEquals(payloads.get(i), queued.get(i).payload(), "batch " + i);
    }
    assertArrayEquals(payload(7), queued.get(6).payload());
  }

  @Test
  void enqueueAll_smallRecordsFillingSeveralSharedBuffers_eachBatchReadBackWholeAfterReopen() {
    List<dev.tufrepo.storage.TaskSubmission> group = new java.util.ArrayList<>();
    for (int i = 0; i < 4000; i++) { // about 150 B each: 600 kB, more than two shared buffers
      group.add(new dev.tufrepo.storage.TaskSubmission(task(i), payload(i)));
    }

    List<Long> seqs = store.enqueueAll(group);
    reopen();

    assertEquals(seqs, queuedSeqs());
    List<QueuedBatch> queued = store.queued(Integer.MAX_VALUE);
    for (int i = 0; i < group.size(); i++) {
      assertArrayEquals(payload(i), queued.get(i).payload(), "batch " + i);
    }
  }

  @Test
  void reopen_afterPartialDrains_keepsExactlyTheUndrainedBatches_andSeqsKeepGrowing() {
    long a = store.enqueue(task(1), payload(1));
    long b = store.enqueue(task(2), payload(2));
    long c = store.enqueue(task(3), payload(3));
    store.commitPublish(drain(List.of(b), task(2).withState("SUCCESS", T0, "{}"))); // not a prefix

    reopen();
    assertEquals(List.of(a, c), queuedSeqs());
    assertEquals("SUCCESS", store.task(task(2).id()).orElseThrow().state());
    assertEquals("PENDING", store.task(task(1).id()).orElseThrow().state());

    store.commitPublish(drain(List.of(a, c)));
    reopen();
    assertEquals(List.of(), queuedSeqs());
    long d = store.enqueue(task(4), payload(4));
    assertTrue(d > c, "seq " + d + " after " + c);
    reopen();
    assertEquals(List.of(d), queuedSeqs());
    assertArrayEquals(payload(4), store.queued(1).get(0).payload());
  }

  @Test
  void putTask_ofAQueuedTask_survivesReopen_andTheDrainingPublishDecidesTheEnd() {
    long seq = store.enqueue(task(1), payload(1));
    TaskRecord errored = task(1).withState("ERRORED", T0.plusSeconds(1), "{\"error\":\"disk\"}");
    store.putTask(errored); // a publish failed; the batch stays queued

    reopen();
    assertEquals(Optional.of(errored), store.task(task(1).id()));
    assertEquals(List.of(seq), queuedSeqs());

    TaskRecord done = task(1).withState("SUCCESS", T0.plusSeconds(2), "{}");
    store.commitPublish(drain(List.of(seq), done));
    assertEquals(Optional.of(done), store.task(task(1).id()));
    reopen();
    assertEquals(Optional.of(done), store.task(task(1).id()));
  }

  /** H2 underneath, counting the task lookups that reach it. */
  private static final class CountingLookups extends dev.tufrepo.storage.ForwardingStateStore {
    final java.util.concurrent.atomic.AtomicInteger lookups =
        new java.util.concurrent.atomic.AtomicInteger();

    CountingLookups(StateStore delegate) {
      super(delegate);
    }

    @Override
    public Optional<TaskRecord> task(String id) {
      lookups.incrementAndGet();
      return super.task(id);
    }
  }

  /** Reopens the store over H2 behind a {@link CountingLookups}, which it returns. */
  private CountingLookups reopenCountingLookups() {
    store.close();
    CountingLookups h2 = new CountingLookups(JdbcStateStore.h2(tempDir));
    store = QueueLogStateStore.open(h2, queueDir(), false);
    return h2;
  }

  @Test
  void task_justPublished_answeredFromMemory_untilAWriteOfItsOwnReplacesIt() {
    CountingLookups h2 = reopenCountingLookups();
    long seq = store.enqueue(task(1), payload(1));
    TaskRecord done = task(1).withState("SUCCESS", T0.plusSeconds(1), "{\"added\":1}");
    store.commitPublish(drain(List.of(seq), done));

    assertEquals(Optional.of(done), store.task(done.id()));
    assertEquals(0, h2.lookups.get(), "the database was asked");

    TaskRecord later = done.withState("ERRORED", T0.plusSeconds(2), "{\"error\":\"x\"}");
    store.putTask(later);
    assertEquals(Optional.of(later), store.task(done.id()));
    assertEquals(1, h2.lookups.get());
    assertEquals(Optional.empty(), store.task(task(9).id()));
  }

  @Test
  void commitPublish_whileAnotherTaskIsWritten_keepsNothingInMemory_readsTheDatabase() {
    CountingLookups h2 = reopenCountingLookups();
    long seq = store.enqueue(task(1), payload(1));
    TaskRecord done = task(1).withState("SUCCESS", T0.plusSeconds(1), "{}");
    TaskRecord other = task(2).withState("SUCCESS", T0.plusSeconds(1), "{}");
    // a write outside the publish ends while it commits: it could have been of task 1
    store.commitPublish(drain(List.of(seq), done), () -> store.putTask(other));

    assertEquals(Optional.of(done), store.task(done.id()));
    assertEquals(Optional.of(other), store.task(other.id()));
    assertEquals(2, h2.lookups.get(), "both read from the database");
  }

  @Test
  void drainedMark_isHiddenAndReserved() {
    long seq = store.enqueue(task(1), payload(1));
    store.commitPublish(drain(List.of(seq)));
    assertEquals(Optional.empty(), store.setting(QueueLogStateStore.DRAINED_SETTING));
    assertFalse(store.settings().containsKey(QueueLogStateStore.DRAINED_SETTING));
    assertThrows(
        IllegalArgumentException.class,
        () -> store.putSettings(Map.of(QueueLogStateStore.DRAINED_SETTING, "0")));
  }

  @Test
  void segments_fullyDrainedOnesAreDeleted_othersKept() throws IOException {
    store.close();
    store = QueueLogStateStore.open(JdbcStateStore.h2(tempDir), queueDir(), false, 200);
    long[] seqs = new long[10];
    for (int i = 0; i < 10; i++) {
      seqs[i] = store.enqueue(task(i), payload(i)); // ~150 B each: a segment per two batches
    }
    int before = log().segmentFiles().size();
    assertTrue(before >= 4, "segments: " + before);

    store.commitPublish(drain(List.of(seqs[0], seqs[1], seqs[2], seqs[3], seqs[4], seqs[5])));

    List<Path> left = log().segmentFiles();
    assertTrue(left.size() < before, left.toString());
    for (Path p : left) {
      assertTrue(Files.exists(p), p.toString());
    }
    try (var list = Files.list(queueDir())) {
      assertEquals(left.size(), list.count());
    }
    store.close();
    store = QueueLogStateStore.open(JdbcStateStore.h2(tempDir), queueDir(), false, 200);
    assertEquals(List.of(seqs[6], seqs[7], seqs[8], seqs[9]), queuedSeqs());
    for (int i = 6; i < 10; i++) {
      assertArrayEquals(payload(i), store.queued(10).get(i - 6).payload());
    }
  }

  @Test
  void open_tornRecordAtTheEnd_cutOff_everythingBeforeKept() throws IOException {
    long a = store.enqueue(task(1), payload(1));
    Path segment = log().segmentFiles().get(log().segmentFiles().size() - 1);
    store.close();
    long size = Files.size(segment);
    // a header that announces 1,000 body bytes of which only 3 made it to the disk
    Files.write(
        segment, new byte[] {0, 0, 3, (byte) 0xE8, 1, 2, 3, 4, 9, 9, 9}, StandardOpenOption.APPEND);

    store = newStore(tempDir);
    assertEquals(List.of(a), queuedSeqs());
    assertEquals(size, Files.size(segment));
    long b = store.enqueue(task(2), payload(2));
    reopen();
    assertEquals(List.of(a, b), queuedSeqs());
  }

  @Test
  void open_flippedByteInAnOlderSegment_refusedNamingTheFile() throws IOException {
    store.close();
    store = QueueLogStateStore.open(JdbcStateStore.h2(tempDir), queueDir(), false, 100);
    store.enqueue(task(1), payload(1));
    store.enqueue(task(2), payload(2));
    store.enqueue(task(3), payload(3));
    Path first = log().segmentFiles().get(0);
    store.close();
    byte[] bytes = Files.readAllBytes(first);
    bytes[bytes.length - 5] ^= 0x40;
    Files.write(first, bytes);

    StorageException e =
        assertThrows(
            StorageException.class,
            () -> QueueLogStateStore.open(JdbcStateStore.h2(tempDir), queueDir(), false, 100));
    assertTrue(e.getMessage().contains(first.getFileName().toString()), e.getMessage());
    assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    store = newStore(tempDir.resolve("other")); // for the contract's close
  }

  @Test
  void open_batchesInTheDatabaseQueue_movedIntoTheLogWithTheirSeqs() {
    store.close();
    long x;
    long y;
    try (StateStore h2 = JdbcStateStore.h2(tempDir)) {
      x = h2.enqueue(task(1), payload(1));
      y = h2.enqueue(task(2), payload(2));
    }
    store = newStore(tempDir);
    assertEquals(List.of(x, y), queuedSeqs());
    assertArrayEquals(payload(2), store.queued(10).get(1).payload());
    assertEquals(Optional.of(task(1)), store.task(task(1).id()));
    long z = store.enqueue(task(3), payload(3));
    assertTrue(z > y);
    store.close();
    try (StateStore h2 = JdbcStateStore.h2(tempDir)) {
      assertEquals(0, h2.queueDepth());
    }
    store = newStore(tempDir);
    assertEquals(List.of(x, y, z), queuedSeqs());
  }

  @Test
  void commitPublish_delegateRefuses_queueUnchanged_evenAfterReopen() {
    long a = store.enqueue(task(1), payload(1));
    assertThrows(
        IllegalStateException.class,
        () ->
            store.commitPublish(
                drain(List.of(a)),
                () -> {
                  throw new IllegalStateException("flush failed");
                }));
    assertEquals(List.of(a), queuedSeqs());
    reopen();
    assertEquals(List.of(a), queuedSeqs());
  }

  // ---- role versions: the version journal

  private static Map<String, RoleVersion> bins(int from, int count, int version) {
    Map<String, RoleVersion> out = new HashMap<>();
    for (int i = from; i < from + count; i++) {
      out.put(String.format("bins-%04x", i), new RoleVersion(version, T0.plusSeconds(version)));
    }
    return out;
  }

  private static PublishCommit versions(Map<String, RoleVersion> versions) {
    return new PublishCommit(0, versions, List.of(), List.of(), Map.of());
  }

  private List<String> journalFiles() throws IOException {
    try (var files = Files.list(queueDir())) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("versions-"))
          .sorted()
          .toList();
    }
  }

  @Test
  void roleVersions_liveInTheJournal_notTheDatabaseTable_andSurviveReopen() {
    store.commitPublish(versions(bins(0, 300, 1)));
    store.commitPublish(versions(bins(10, 5, 2)));
    Map<String, RoleVersion> expected = new HashMap<>(bins(0, 300, 1));
    expected.putAll(bins(10, 5, 2));
    assertEquals(expected, store.roleVersions());
    store.close();
    try (StateStore h2 = JdbcStateStore.h2(tempDir)) {
      assertEquals(Map.of(), h2.roleVersions());
    }
    store = newStore(tempDir);
    assertEquals(expected, store.roleVersions());
  }

  @Test
  void roleVersions_recordOfAFailedCommit_ignoredAfterLaterCommitsAndReopen() {
    store.commitPublish(versions(bins(0, 4, 1)));
    assertThrows(
        IllegalStateException.class,
        () ->
            store.commitPublish(
                versions(bins(0, 4, 7)),
                () -> {
                  throw new IllegalStateException("flush failed");
                }));
    assertEquals(bins(0, 4, 1), store.roleVersions());
    store.commitPublish(versions(bins(2, 1, 2)));
    Map<String, RoleVersion> expected = new HashMap<>(bins(0, 4, 1));
    expected.putAll(bins(2, 1, 2));
    assertEquals(expected, store.roleVersions());
    reopen();
    assertEquals(expected, store.roleVersions()); // version 7 was never committed
  }

  @Test
  void roleVersions_deltasOutgrowTheSet_fullRecordInANewFile_olderFilesDeleted()
      throws IOException {
    store.close();
    store = QueueLogStateStore.open(JdbcStateStore.h2(tempDir), queueDir(), false, 1 << 20, 8);
    Map<String, RoleVersion> expected = new HashMap<>();
    for (int v = 1; v <= 40; v++) {
      Map<String, RoleVersion> changed = bins(v % 7, 3, v);
      store.commitPublish(versions(changed));
      expected.putAll(changed);
      assertTrue(journalFiles().size() <= 2, journalFiles().toString());
    }
    assertEquals(expected, store.roleVersions());
    store.close();
    store = QueueLogStateStore.open(JdbcStateStore.h2(tempDir), queueDir(), false, 1 << 20, 8);
    assertEquals(expected, store.roleVersions());
  }

  @Test
  void roleVersions_tornRecordAtTheEnd_cutOff_committedVersionsKept() throws IOException {
    store.commitPublish(versions(bins(0, 3, 1)));
    store.close();
    Path last = queueDir().resolve(journalFiles().get(journalFiles().size() - 1));
    Files.write(last, new byte[] {0, 0, 1, 0, 9, 9}, StandardOpenOption.APPEND);
    long tornSize = Files.size(last);
    store = newStore(tempDir);
    assertEquals(bins(0, 3, 1), store.roleVersions());
    assertTrue(Files.size(last) < tornSize);
    store.commitPublish(versions(bins(1, 1, 2)));
    reopen();
    assertEquals(2, store.roleVersions().get("bins-0001").version());
  }

  @Test
  void roleVersions_committedRecordMissing_openRefusedNamingIt() throws IOException {
    store.commitPublish(versions(bins(0, 3, 1)));
    store.close();
    for (String f : journalFiles()) {
      Files.delete(queueDir().resolve(f));
    }
    StorageException e = assertThrows(StorageException.class, () -> newStore(tempDir));
    assertTrue(e.getMessage().contains("committed but missing"), e.getMessage());
    store = JdbcStateStore.h2(tempDir); // the database was closed again: this one is for cleanup
  }

  @Test
  void roleVersions_writtenByAVersionWithoutTheJournal_readFromTheDatabase_thenCarriedOn() {
    store.close();
    try (StateStore h2 = JdbcStateStore.h2(tempDir)) {
      h2.commitPublish(versions(bins(0, 5, 3)));
    }
    store = newStore(tempDir);
    assertEquals(bins(0, 5, 3), store.roleVersions());
    store.commitPublish(versions(bins(4, 2, 4)));
    reopen();
    Map<String, RoleVersion> expected = new HashMap<>(bins(0, 5, 3));
    expected.putAll(bins(4, 2, 4));
    assertEquals(expected, store.roleVersions());
  }

  @Test
  void journalCommittedId_isHiddenAndReserved() {
    store.commitPublish(versions(bins(0, 1, 1)));
    assertEquals(Optional.empty(), store.setting(QueueLogStateStore.VERSIONS_SETTING));
    assertFalse(store.settings().containsKey(QueueLogStateStore.VERSIONS_SETTING));
    assertThrows(
        IllegalArgumentException.class,
        () -> store.putSettings(Map.of(QueueLogStateStore.VERSIONS_SETTING, "0")));
    assertThrows(
        IllegalArgumentException.class,
        () -> store.compareAndSetSetting(QueueLogStateStore.VERSIONS_SETTING, null, "1"));
  }
}
