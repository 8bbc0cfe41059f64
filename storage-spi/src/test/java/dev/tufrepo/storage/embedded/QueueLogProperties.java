package dev.tufrepo.storage.embedded;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.storage.PublishCommit;
import dev.tufrepo.storage.QueuedBatch;
import dev.tufrepo.storage.StateStore;
import dev.tufrepo.storage.TaskRecord;
import dev.tufrepo.storage.TaskSubmission;
import dev.tufrepo.storage.jdbc.JdbcStateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * Against a plain model of the queue: whatever mix of group enqueues, partial drains (any subset,
 * not only the oldest), reopens and segment sizes, the store returns exactly the undrained batches
 * with their payloads, in seq order, and seqs only grow.
 */
class QueueLogProperties {

  sealed interface Step permits Enqueue, Drain, Reopen {}

  /** Enqueues {@code sizes.size()} batches in one group. */
  record Enqueue(List<Integer> sizes) implements Step {}

  /** Drains the queued batches whose index (in seq order) has its bit set in {@code mask}. */
  record Drain(long mask) implements Step {}

  record Reopen() implements Step {}

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Step> enqueue =
        Arbitraries.integers().between(0, 600).list().ofMinSize(1).ofMaxSize(5).map(Enqueue::new);
    Arbitrary<Step> drain = Arbitraries.longs().map(Drain::new);
    Arbitrary<Step> reopen = Arbitraries.just(new Reopen());
    return Arbitraries.frequencyOf(Tuple.of(5, enqueue), Tuple.of(3, drain), Tuple.of(1, reopen))
        .list()
        .ofMaxSize(40);
  }

  @Property(tries = 60)
  void queue_afterAnySteps_equalsTheModel(
      @ForAll("steps") List<Step> steps, @ForAll @IntRange(min = 64, max = 4096) int segmentBytes)
      throws IOException {
    Path dir = Files.createTempDirectory("queuelog-prop");
    StateStore store = open(dir, segmentBytes);
    try {
      TreeMap<Long, byte[]> model = new TreeMap<>();
      long lastSeq = 0;
      int n = 0;
      for (Step step : steps) {
        if (step instanceof Enqueue e) {
          List<TaskSubmission> subs = new ArrayList<>();
          List<byte[]> payloads = new ArrayList<>();
          for (int size : e.sizes()) {
            byte[] p = payload(++n, size);
            payloads.add(p);
            subs.add(
                new TaskSubmission(
                    new TaskRecord(
                        String.format("%032x", n), "add_artifacts", "PENDING", Instant.EPOCH, null),
                    p));
          }
          List<Long> seqs = store.enqueueAll(subs);
          for (int i = 0; i < seqs.size(); i++) {
            assertTrue(seqs.get(i) > lastSeq, "seq " + seqs.get(i) + " after " + lastSeq);
            lastSeq = seqs.get(i);
            model.put(lastSeq, payloads.get(i));
          }
        } else if (step instanceof Drain d) {
          List<Long> queued = new ArrayList<>(model.keySet());
          List<Long> drained = new ArrayList<>();
          for (int i = 0; i < queued.size() && i < 64; i++) {
            if ((d.mask() >>> i & 1) == 1) {
              drained.add(queued.get(i));
            }
          }
          store.commitPublish(new PublishCommit(0, Map.of(), drained, List.of(), Map.of()));
          drained.forEach(model::remove);
        } else {
          store.close();
          store = open(dir, segmentBytes);
        }
        List<QueuedBatch> actual = store.queued(Integer.MAX_VALUE);
        assertEquals(List.copyOf(model.keySet()), actual.stream().map(QueuedBatch::seq).toList());
        for (QueuedBatch q : actual) {
          assertArrayEquals(model.get(q.seq()), q.payload(), "payload of seq " + q.seq());
        }
        assertEquals(model.size(), store.queueDepth());
      }
    } finally {
      store.close();
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static StateStore open(Path dir, int segmentBytes) {
    return QueueLogStateStore.open(
        JdbcStateStore.h2(dir), dir.resolve("state").resolve("queue"), false, segmentBytes);
  }

  private static byte[] payload(int n, int size) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) (n * 7 + i * 3);
    }
    return b;
  }
}
