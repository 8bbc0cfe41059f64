package dev.tufrepo.storage;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongPredicate;

/**
 * The repository's durable state besides the published files: settings, the queue of accepted
 * artifact batches, tasks, role versions, pending signing sessions and the publish lock. The
 * embedded default is a database file in the data directory; PostgreSQL implements it to scale out.
 * Every method is atomic and durable when it returns (it survives {@code kill -9}); implementations
 * are thread-safe.
 */
public interface StateStore extends AutoCloseable {

  // ---- settings: small named strings (expirations, bin count, online key, bootstrap state)

  Optional<String> setting(String key);

  Map<String, String> settings();

  /** Sets all {@code values} in one transaction; a {@code null} value deletes the key. */
  void putSettings(Map<String, String> values);

  /**
   * Sets {@code key} to {@code newValue} only if it currently holds {@code expected} ({@code null}
   * meaning absent). Returns whether it did. The bootstrap state machine needs this.
   */
  boolean compareAndSetSetting(String key, String expected, String newValue);

  // ---- the queue of accepted batches

  /**
   * Stores {@code task} and, when {@code payload} is not null, one queued batch for it, in one
   * transaction. Returns the batch's seq, or 0 when there is no payload.
   */
  long enqueue(TaskRecord task, byte[] payload);

  /**
   * Enqueues every submission, in list order, as {@link #enqueue} would, and returns their seqs in
   * the same order (0 for those without payload). Implementations should store them all in one
   * transaction, so that the list costs one durable commit and is queued entirely or not at all.
   * This default loops over {@link #enqueue}: it costs one commit per entry, and when it throws,
   * the entries before the failing one stay queued.
   */
  default List<Long> enqueueAll(List<TaskSubmission> submissions) {
    List<Long> seqs = new java.util.ArrayList<>(submissions.size());
    for (TaskSubmission s : submissions) {
      seqs.add(enqueue(s.task(), s.payload()));
    }
    return List.copyOf(seqs);
  }

  /** Queued batches in seq order, at most {@code limit}. */
  List<QueuedBatch> queued(int limit);

  /**
   * Queued batches in seq order, at most {@code limit}, stopping before the first batch that would
   * take the total payload size over {@code maxPayloadBytes} (the first batch is always included),
   * so that a publish can drain a large backlog without loading all of it. This default reads
   * {@code queued(limit)} and trims it; implementations should stop reading early.
   */
  default List<QueuedBatch> queued(int limit, long maxPayloadBytes) {
    List<QueuedBatch> all = queued(limit);
    long total = 0;
    for (int i = 0; i < all.size(); i++) {
      total += all.get(i).payload().length;
      if (i > 0 && total > maxPayloadBytes) {
        return all.subList(0, i);
      }
    }
    return all;
  }

  /**
   * As {@link #queued(int, long)}, except that a batch whose seq {@code held} accepts may come back
   * with an empty payload: the caller holds its changes already (they were submitted through it),
   * so the store need not read them. The byte budget still counts such a batch at its stored size.
   * This default reads every payload; stores that keep payloads apart from the queue's order (the
   * embedded queue log) skip the reads.
   */
  default List<QueuedBatch> queued(int limit, long maxPayloadBytes, LongPredicate held) {
    return queued(limit, maxPayloadBytes);
  }

  /** The number of queued batches. */
  long queueDepth();

  // ---- tasks

  void putTask(TaskRecord task);

  Optional<TaskRecord> task(String id);

  // ---- role versions

  /** The committed version and expiry of every role. */
  Map<String, RoleVersion> roleVersions();

  /**
   * Commits a publish in one transaction: upserts the role versions, deletes the drained batches,
   * upserts the tasks and applies the settings. The same as {@link #commitPublish(PublishCommit,
   * Runnable)} with nothing to run before the commit.
   *
   * @throws FencingException if {@code commit.fencingToken()} is not 0 and is not the current token
   *     of the publish lease; nothing is committed then
   */
  default void commitPublish(PublishCommit commit) {
    commitPublish(commit, () -> {});
  }

  /**
   * As {@link #commitPublish(PublishCommit)}, with {@code beforeCommit} run once the changes are
   * made in the transaction and just before it commits. A publish passes the rest of its work: it
   * waits for its bins to be signed, checks them and makes its files durable, so that the database
   * work overlaps the signing and the state still commits only after the files are durable. The
   * transaction (and, in a shared database, its lock on the lease row) is then held open for that
   * long: a second or two for a publish of a million targets. When {@code beforeCommit} throws,
   * nothing is committed and the exception propagates as it was thrown; when the changes fail (a
   * stale fencing token), it is not run.
   *
   * @throws FencingException as {@link #commitPublish(PublishCommit)}
   */
  void commitPublish(PublishCommit commit, Runnable beforeCommit);

  // ---- signing sessions: metadata waiting for offline signatures, by role name

  Optional<String> signingSession(String role);

  Map<String, String> signingSessions();

  /** Stores (or, with {@code json == null}, deletes) the pending metadata of {@code role}. */
  void putSigningSession(String role, String json);

  // ---- the publish lock

  /**
   * Takes lease {@code name} for {@code owner} if it is free, expired, or already held by {@code
   * owner} (then it is renewed and keeps its token). A newly taken lease gets a token greater than
   * every earlier one.
   */
  Optional<Lease> tryAcquire(String name, String owner, Duration ttl);

  /** Gives the lease back if {@code lease} is still the current holder. */
  void release(Lease lease);

  @Override
  default void close() {}
}
