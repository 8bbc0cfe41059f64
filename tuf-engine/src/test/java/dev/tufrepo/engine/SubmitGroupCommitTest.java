package dev.tufrepo.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tufrepo.storage.ForwardingStateStore;
import dev.tufrepo.storage.QueuedBatch;
import dev.tufrepo.storage.StorageException;
import dev.tufrepo.storage.TaskRecord;
import dev.tufrepo.storage.TaskSubmission;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Concurrent submissions share durable enqueue transactions (group commit of the queue). */
class SubmitGroupCommitTest {
  @TempDir Path dir;
  private TestRepository repo;
  private RepositoryEngine engine;
  private ExecutorService pool;

  @AfterEach
  void close() throws InterruptedException {
    if (pool != null) {
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
    if (engine != null) {
      engine.close();
    }
    if (repo != null) {
      repo.close();
    }
  }

  @Test
  void manyConcurrentSubmitters_shareTransactions_andEveryAcknowledgedTaskIsQueuedAndPublished()
      throws Exception {
    repo = new TestRepository(dir);
    List<Integer> groupSizes = java.util.Collections.synchronizedList(new ArrayList<>());
    ForwardingStateStore slowCommits =
        new ForwardingStateStore(repo.state) {
          @Override
          public List<Long> enqueueAll(List<TaskSubmission> submissions) {
            groupSizes.add(submissions.size());
            sleep(3); // a slow durable commit, so that submitters pile up behind it
            return delegate.enqueueAll(submissions);
          }
        };
    engine = repo.engineBuilder().stateStore(slowCommits).build();
    assertTrue(engine.bootstrap(repo.bootstrapRequest(64)).status());

    int threads = 8;
    int perThread = 25;
    pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<List<String>>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      futures.add(
          pool.submit(
              () -> {
                start.await();
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < perThread; i++) {
                  int from = (thread * perThread + i) * 2;
                  ids.add(engine.submit(ArtifactBatch.add(TestRepository.artifacts("g", from, 2))));
                }
                return ids;
              }));
    }
    start.countDown();
    List<List<String>> perThreadIds = new ArrayList<>();
    for (Future<List<String>> f : futures) {
      perThreadIds.add(f.get(60, TimeUnit.SECONDS));
    }

    Map<String, Long> seqOfTask = new HashMap<>();
    for (QueuedBatch q : repo.state.queued(10_000)) {
      seqOfTask.put(q.taskId(), q.seq());
    }
    Set<String> acknowledged = new HashSet<>();
    perThreadIds.forEach(acknowledged::addAll);
    assertEquals(threads * perThread, acknowledged.size());
    assertEquals(acknowledged, seqOfTask.keySet(), "every acknowledged task is queued, once");
    for (List<String> ids : perThreadIds) {
      for (int i = 1; i < ids.size(); i++) {
        assertTrue(
            seqOfTask.get(ids.get(i)) > seqOfTask.get(ids.get(i - 1)),
            "one submitter's batches are queued in its order");
      }
    }
    int biggest = groupSizes.stream().mapToInt(Integer::intValue).max().orElse(0);
    assertTrue(biggest > 1, "submissions were combined: group sizes " + groupSizes);
    assertTrue(groupSizes.size() < threads * perThread, "fewer commits than submissions");

    PublishResult published = engine.publish();
    assertEquals(threads * perThread, published.batches());
    assertEquals(threads * perThread * 2, published.added());
    for (String id : acknowledged) {
      assertEquals(TaskStates.SUCCESS, engine.task(id).orElseThrow().state(), id);
    }
    assertEquals(List.of(), repo.verify().problems());
  }

  @Test
  void failingGroupCommit_everyWaitingCallerGetsTheException_andNothingOfTheGroupIsQueued()
      throws Exception {
    repo = new TestRepository(dir);
    CountDownLatch leaderInside = new CountDownLatch(1);
    CountDownLatch releaseLeader = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    ForwardingStateStore gated =
        new ForwardingStateStore(repo.state) {
          @Override
          public List<Long> enqueueAll(List<TaskSubmission> submissions) {
            if (calls.incrementAndGet() == 1) {
              leaderInside.countDown();
              try {
                releaseLeader.await();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            }
            return delegate.enqueueAll(submissions);
          }
        };
    engine = repo.engineBuilder().stateStore(gated).build();
    assertTrue(engine.bootstrap(repo.bootstrapRequest(16)).status());

    pool = Executors.newFixedThreadPool(6);
    Future<String> leader =
        pool.submit(() -> engine.submit(ArtifactBatch.add(TestRepository.artifacts("a", 0, 1))));
    assertTrue(leaderInside.await(30, TimeUnit.SECONDS));

    // five callers queue up behind the running commit; one of them carries a task id that the
    // database refuses (longer than its column), which fails the whole next group
    List<Thread> followers = new ArrayList<>();
    List<Future<Object>> outcomes = new ArrayList<>();
    List<String> followerIds = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String id = i == 2 ? "f".repeat(300) : String.format("%032x", 1000 + i);
      followerIds.add(id);
      int n = i;
      CountDownLatch started = new CountDownLatch(1);
      Thread[] self = new Thread[1];
      outcomes.add(
          pool.submit(
              () -> {
                self[0] = Thread.currentThread();
                started.countDown();
                try {
                  engine.submit(id, ArtifactBatch.add(TestRepository.artifacts("b", n, 1)));
                  return "acknowledged";
                } catch (RuntimeException e) {
                  return e;
                }
              }));
      started.await();
      followers.add(self[0]);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!followers.stream().allMatch(t -> t.getState() == Thread.State.WAITING)) {
      if (System.nanoTime() > deadline) {
        fail("the followers did not all wait for the running commit");
      }
      Thread.sleep(5);
    }
    releaseLeader.countDown();

    String leaderId = leader.get(30, TimeUnit.SECONDS);
    RuntimeException first = null;
    for (Future<Object> f : outcomes) {
      Object outcome = f.get(30, TimeUnit.SECONDS);
      if (!(outcome instanceof StorageException e)) {
        fail("every caller of the failed group gets the exception, got " + outcome);
        return;
      }
      if (first == null) {
        first = e;
      }
      assertSame(first, e, "the one failure of the group");
    }
    assertEquals(2, calls.get(), "the five followers were one group");
    assertEquals(
        List.of(leaderId), repo.state.queued(100).stream().map(QueuedBatch::taskId).toList());
    for (String id : followerIds) {
      assertEquals(Optional.empty(), repo.state.task(id), "nothing of the failed group is stored");
    }
    TaskRecord leaderTask = engine.task(leaderId).orElseThrow();
    assertEquals(TaskStates.PENDING, leaderTask.state());

    // the engine keeps working after a failed group
    String later = engine.submit(ArtifactBatch.add(TestRepository.artifacts("c", 0, 1)));
    assertEquals(2, engine.publish().batches());
    assertEquals(TaskStates.SUCCESS, engine.task(later).orElseThrow().state());
    assertEquals(TaskStates.SUCCESS, engine.task(leaderId).orElseThrow().state());
  }

  @Test
  void changesArrivingDuringALongAutoPublish_arePublishedRightAfterIt_notAWindowLater()
      throws Exception {
    repo = new TestRepository(dir);
    CountDownLatch publishInside = new CountDownLatch(1);
    CountDownLatch releasePublish = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean armed =
        new java.util.concurrent.atomic.AtomicBoolean();
    ForwardingMetadataStore gated =
        new ForwardingMetadataStore(repo.metadata) {
          @Override
          public void writeVersioned(Map<String, byte[]> files) {
            if (armed.getAndSet(false)) {
              publishInside.countDown();
              try {
                releasePublish.await();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            }
            super.writeVersioned(files);
          }
        };
    Duration window = Duration.ofSeconds(3);
    engine = repo.engineBuilder().metadataStore(gated).autoPublish(window).build();
    assertTrue(engine.bootstrap(repo.bootstrapRequest(16)).status());

    armed.set(true);
    String first = engine.submit(ArtifactBatch.add(TestRepository.artifacts("a", 0, 1)));
    assertTrue(publishInside.await(30, TimeUnit.SECONDS), "the automatic publish started");
    // the publish has run for longer than the window when the next change arrives
    Thread.sleep(window.toMillis() + 200);
    String second = engine.submit(ArtifactBatch.add(TestRepository.artifacts("b", 0, 1)));
    long released = System.nanoTime();
    releasePublish.countDown();

    waitForSuccess(first, Duration.ofSeconds(30));
    waitForSuccess(second, Duration.ofSeconds(30));
    long lagMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - released);
    assertTrue(
        lagMillis < window.toMillis() - 1000,
        "the next publish followed at once, not a window later: " + lagMillis + " ms");
  }

  private void waitForSuccess(String task, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!engine.task(task).orElseThrow().state().equals(TaskStates.SUCCESS)) {
      if (System.nanoTime() > deadline) {
        fail("task " + task + " not published: " + engine.task(task).orElseThrow());
      }
      Thread.sleep(5);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
