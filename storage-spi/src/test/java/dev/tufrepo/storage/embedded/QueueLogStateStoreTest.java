package dev.tufrepo.storage.embedded;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.storage.PublishCommit;
import dev.tufrepo.storage.QueuedBatch;
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
}
