package dev.tufrepo.storage.embedded;

import dev.tufrepo.storage.ForwardingStateStore;
import dev.tufrepo.storage.PublishCommit;
import dev.tufrepo.storage.QueuedBatch;
import dev.tufrepo.storage.RoleVersion;
import dev.tufrepo.storage.StateStore;
import dev.tufrepo.storage.StorageException;
import dev.tufrepo.storage.TaskRecord;
import dev.tufrepo.storage.TaskSubmission;
import dev.tufrepo.storage.jdbc.JdbcStateStore;
import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongPredicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A {@link StateStore} for one JVM that keeps the queue of accepted batches in an append-only log
 * of its own and everything else in a delegate (the embedded H2 database).
 *
 * <p>Why: acknowledging a request must make its batch durable. In H2 that is a transaction commit,
 * and every commit serializes the B-tree pages it changed (the queue's, the task table's, the large
 * object maps', the undo log's) into a new chunk of the database file; under REST load that was
 * most of a request thread's CPU, and a publish's large commit held the store's lock while requests
 * waited. Here a group of batches is one {@code write} of their records to the end of the current
 * segment file (and, with {@code fsync}, one {@code fdatasync}); the database sees the queue only
 * when a publish commits.
 *
 * <p>Files: {@code <dir>/<first seq, 20 digits>.log}, oldest first. A record is {@code int length,
 * int CRC-32C, body}; the body is a batch (seq, task, payload) or a task update (the new record of
 * a task that still has a batch queued). What a publish drains is committed in the same delegate
 * transaction as the rest of the publish, as the setting {@value #DRAINED_SETTING}: the highest seq
 * up to which everything is drained, then any drained seqs above it. On open the segments are read
 * back; batches that setting names are skipped, a torn record at the end of the last segment (a
 * write cut short by power loss, never acknowledged) is cut off, and segments whose batches are all
 * drained are deleted. Batches left in the delegate's own queue table by a version without the log
 * are moved into the log on open, with their seqs.
 *
 * <p>Role versions do not go to the delegate's table either: each publish appends its changed
 * versions to a {@link VersionJournal} in the same directory, and its delegate transaction commits
 * the record's id (the setting {@value #VERSIONS_SETTING}). A publish that re-signed 1,000 bins had
 * updated 1,000 rows, and H2's commit then rewrote nearly every page of the table: a third of the
 * publishing thread's CPU. Versions written by a version without the journal are read from the
 * delegate's table.
 *
 * <p>Tasks of queued batches are read from memory, and so are the tasks that the last publishes
 * committed ({@link RecentTasks}); every other task from the delegate. Not for several nodes: the
 * log is local to this data directory (PostgreSQL keeps its queue in tables).
 */
public final class QueueLogStateStore extends ForwardingStateStore {
  /** The delegate setting holding what publishes have drained from the log. */
  public static final String DRAINED_SETTING = "queue.log.drained";

  /** The delegate setting holding the id of the last committed record of the version journal. */
  public static final String VERSIONS_SETTING = "queue.log.versions";

  /** The settings that are this store's own: not shown, not writable. */
  private static final Set<String> OWN_SETTINGS = Set.of(DRAINED_SETTING, VERSIONS_SETTING);

  private static final System.Logger LOG = System.getLogger(QueueLogStateStore.class.getName());

  /** The payload of a batch the caller of {@link #queued(int, long, LongPredicate)} holds. */
  private static final byte[] NO_PAYLOAD = new byte[0];

  private static final long DEFAULT_SEGMENT_BYTES = 64L << 20;

  /** A segment whose batches are all drained is replaced once it is this large. */
  private static final long ROLL_DRAINED_BYTES = 4L << 20;

  /** As the delegate's {@code VARCHAR(255)} columns. */
  private static final int MAX_TEXT = 255;

  private static final int HEADER = RecordFiles.HEADER;

  /**
   * Records up to this size are copied into shared write buffers of at most about this size; larger
   * ones are written as is. Below half of G1's smallest region (1 MiB) for heaps from 1 GB, so that
   * no shared buffer is a humongous allocation, even for a group of many requests.
   */
  private static final int SHARED_BUFFER_BYTES = 256 << 10;

  private static final byte BATCH = 1;
  private static final byte TASK_UPDATE = 2;

  private final Path dir;
  private final boolean fsync;
  private final long segmentBytes;
  private final Runnable delegateSync;
  private final int journalFloor;

  /** The role versions; written under {@link #commitLock}. */
  private VersionJournal versions;

  /** Serializes publishes' commits, so that each computes its drained mark from the last one's. */
  private final ReentrantLock commitLock = new ReentrantLock();

  /** Guards everything below except {@link #pending}'s reads. */
  private final ReentrantLock lock = new ReentrantLock();

  private final TreeMap<Long, Entry> queue = new TreeMap<>();

  /** Tasks with at least one queued batch; written under {@link #lock}, read without it. */
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();

  /**
   * The tasks the last publishes committed (up to 65,536, with up to 16 M chars of results, none
   * larger than 64 k chars): polling a task just published does not query the delegate.
   */
  private final RecentTasks recent = new RecentTasks(65_536, 16L << 20, 64 << 10);

  private final ArrayDeque<Segment> segments = new ArrayDeque<>();
  private long nextSeq;

  /** The number in the newest segment's name; names only grow. */
  private long lastSegmentNumber = -1;

  private long drainedThrough;
  private TreeSet<Long> drainedAbove = new TreeSet<>();
  private volatile boolean closed;
  private String broken;

  /** One queued batch: where its payload lies. */
  private record Entry(long seq, String taskId, Segment segment, long position, int length) {}

  /** The latest record of a task and how many of its batches are queued. */
  private record Pending(TaskRecord task, int batches) {}

  private static final class Segment {
    final Path path;
    final FileChannel channel;
    long size;
    int queued;

    Segment(Path path, FileChannel channel, long size) {
      this.path = path;
      this.channel = channel;
      this.size = size;
    }
  }

  /**
   * How a store is opened: {@code delegateSync} makes the delegate's commits durable (see {@link
   * #open(StateStore, Path, boolean)}); {@code journalFloor} is the version journal's {@link
   * VersionJournal#DEFAULT_FULL_FLOOR} (small in tests).
   */
  private record Options(
      boolean fsync, long segmentBytes, Runnable delegateSync, int journalFloor) {
    static Options of(boolean fsync) {
      return new Options(fsync, DEFAULT_SEGMENT_BYTES, () -> {}, VersionJournal.DEFAULT_FULL_FLOOR);
    }
  }

  private QueueLogStateStore(StateStore delegate, Path dir, Options options) {
    super(delegate);
    this.journalFloor = options.journalFloor;
    this.dir = dir;
    this.fsync = options.fsync;
    this.segmentBytes = options.segmentBytes;
    this.delegateSync = options.delegateSync;
  }

  /**
   * The embedded default for one JVM: the H2 database of {@link JdbcStateStore#h2(Path)} in {@code
   * dataDir/state}, with the queue in {@code dataDir/state/queue}.
   */
  public static QueueLogStateStore h2(Path dataDir, boolean fsync) {
    JdbcStateStore h2 = JdbcStateStore.h2(dataDir);
    Path database = dataDir.resolve("state").resolve("tufrepo.mv.db");
    try {
      Options options =
          new Options(
              fsync,
              DEFAULT_SEGMENT_BYTES,
              fsync ? () -> forceFile(database) : () -> {},
              VersionJournal.DEFAULT_FULL_FLOOR);
      return open(h2, dataDir.resolve("state").resolve("queue"), options);
    } catch (RuntimeException e) {
      h2.close();
      throw e;
    }
  }

  /**
   * Opens the log in {@code dir} (created if missing) in front of {@code delegate}, which it then
   * owns (closing this store closes it).
   *
   * <p>The delegate's commits must be durable when they return: the version journal deletes its
   * files older than a committed full record. (H2 does not force its file on commit; {@link
   * #h2(Path, boolean)} forces it before such a deletion.)
   *
   * @param fsync whether each acknowledged group is also forced to the disk ({@code fdatasync});
   *     without it, acknowledged batches survive a killed process but not a power failure
   */
  public static QueueLogStateStore open(StateStore delegate, Path dir, boolean fsync) {
    return open(delegate, dir, Options.of(fsync));
  }

  /** For tests: small segments. */
  static QueueLogStateStore open(StateStore delegate, Path dir, boolean fsync, long segmentBytes) {
    return open(delegate, dir, fsync, segmentBytes, VersionJournal.DEFAULT_FULL_FLOOR);
  }

  /** For tests: small segments, and a full version record after {@code journalFloor} entries. */
  static QueueLogStateStore open(
      StateStore delegate, Path dir, boolean fsync, long segmentBytes, int journalFloor) {
    return open(delegate, dir, new Options(fsync, segmentBytes, () -> {}, journalFloor));
  }

  private static QueueLogStateStore open(StateStore delegate, Path dir, Options options) {
    Objects.requireNonNull(delegate, "delegate");
    Objects.requireNonNull(dir, "dir");
    if (options.segmentBytes < 1) {
      throw new IllegalArgumentException("segmentBytes must be >= 1");
    }
    QueueLogStateStore store = new QueueLogStateStore(delegate, dir, options);
    try {
      store.recover();
    } catch (IOException e) {
      store.closeFiles();
      throw new StorageException("queue log: could not read " + dir + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      store.closeFiles();
      throw e;
    }
    return store;
  }

  // ---- the queue

  @Override
  public long enqueue(TaskRecord task, byte[] payload) {
    return enqueueAll(List.of(new TaskSubmission(task, payload))).get(0);
  }

  /**
   * Writes every batch of the list as one group at the end of the log. Submissions without payload
   * only store their task: in the delegate, and also in the log if the task has a batch queued.
   */
  @Override
  public List<Long> enqueueAll(List<TaskSubmission> submissions) {
    List<TaskSubmission> all = List.copyOf(submissions);
    for (TaskSubmission s : all) {
      checkTask(s.task());
    }
    boolean anyBatch = false;
    for (TaskSubmission s : all) {
      if (s.payload() == null) {
        putTask(s.task());
      } else {
        anyBatch = true;
      }
    }
    if (!anyBatch) {
      return all.stream().map(s -> 0L).toList();
    }
    lock.lock();
    try {
      ensureWritable();
      List<Record> records = new ArrayList<>(all.size());
      List<Long> out = new ArrayList<>(all.size());
      long seq = nextSeq;
      for (TaskSubmission s : all) {
        if (s.payload() == null) {
          out.add(0L);
        } else {
          records.add(new Record(BATCH, seq, s.task(), s.payload()));
          out.add(seq++);
        }
      }
      appendBatches(records);
      nextSeq = seq;
      return List.copyOf(out);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<QueuedBatch> queued(int limit) {
    return queued(limit, Long.MAX_VALUE);
  }

  @Override
  public List<QueuedBatch> queued(int limit, long maxPayloadBytes) {
    return queued(limit, maxPayloadBytes, seq -> false);
  }

  /**
   * Reads the payloads of the batches {@code held} does not accept; the others come back with an
   * empty payload. A publish of a batch of a million artifacts submitted through this JVM would
   * otherwise read its 80 MB again (about 90 ms) only to find the engine holds it already.
   */
  @Override
  public List<QueuedBatch> queued(int limit, long maxPayloadBytes, LongPredicate held) {
    Objects.requireNonNull(held, "held");
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0");
    }
    List<Entry> entries = new ArrayList<>();
    lock.lock();
    try {
      ensureOpen();
      long total = 0;
      for (Entry e : queue.values()) {
        if (entries.size() == limit) {
          break;
        }
        total += e.length;
        if (!entries.isEmpty() && total > maxPayloadBytes) {
          break;
        }
        entries.add(e);
      }
    } finally {
      lock.unlock();
    }
    List<QueuedBatch> out = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      out.add(new QueuedBatch(e.seq, e.taskId, held.test(e.seq) ? NO_PAYLOAD : readPayload(e)));
    }
    return List.copyOf(out);
  }

  @Override
  public long queueDepth() {
    lock.lock();
    try {
      ensureOpen();
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  // ---- tasks

  @Override
  public void putTask(TaskRecord task) {
    checkTask(task);
    delegate.putTask(task);
    recent.written(task.id());
    lock.lock();
    try {
      if (pending.containsKey(task.id())) {
        ensureWritable();
        append(List.of(new Record(TASK_UPDATE, 0, task, null)));
        pending.put(task.id(), new Pending(task, pending.get(task.id()).batches));
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Optional<TaskRecord> task(String id) {
    Objects.requireNonNull(id, "id");
    ensureOpen();
    Pending p = pending.get(id);
    if (p != null) {
      return Optional.of(p.task);
    }
    TaskRecord committed = recent.get(id);
    return committed != null ? Optional.of(committed) : delegate.task(id);
  }

  // ---- publish

  /**
   * Commits the publish in the delegate with the drained mark among its settings; once that
   * transaction has committed, the drained batches leave the queue and fully drained segments are
   * deleted. If the delegate throws, the queue is as it was.
   */
  @Override
  public void commitPublish(PublishCommit commit, Runnable beforeCommit) {
    Objects.requireNonNull(commit, "commit");
    Objects.requireNonNull(beforeCommit, "beforeCommit");
    commitLock.lock();
    try {
      TreeSet<Long> drained = new TreeSet<>(commit.drainedSeqs());
      long through;
      TreeSet<Long> above;
      List<TaskRecord> tasks = new ArrayList<>(commit.tasks());
      lock.lock();
      try {
        ensureOpen();
        drained.removeIf(seq -> !queue.containsKey(seq)); // unknown or already drained
        Long firstLeft = null;
        for (Long seq : queue.keySet()) {
          if (!drained.contains(seq)) {
            firstLeft = seq;
            break;
          }
        }
        // every seq below the first batch left is drained or was never acknowledged
        through = Math.max(drainedThrough, firstLeft == null ? nextSeq - 1 : firstLeft - 1);
        above = new TreeSet<>(drainedAbove);
        above.addAll(drained);
        above = new TreeSet<>(above.tailSet(through, false));
        // a task whose last queued batch is drained leaves memory: the database must have it
        Map<String, Integer> drainedPerTask = new HashMap<>();
        for (Long seq : drained) {
          drainedPerTask.merge(queue.get(seq).taskId, 1, Integer::sum);
        }
        Set<String> inCommit = new HashSet<>();
        for (TaskRecord t : commit.tasks()) {
          inCommit.add(t.id());
        }
        for (Map.Entry<String, Integer> e : drainedPerTask.entrySet()) {
          Pending p = pending.get(e.getKey());
          if (p != null && p.batches <= e.getValue() && !inCommit.contains(e.getKey())) {
            tasks.add(p.task);
          }
        }
      } finally {
        lock.unlock();
      }
      checkNotOwn(commit.settings().keySet());
      Map<String, String> settings = new HashMap<>(commit.settings());
      settings.put(DRAINED_SETTING, mark(through, above));
      VersionJournal.Prepared prepared = null;
      if (!commit.roleVersions().isEmpty()) {
        prepared = versions.prepare(commit.roleVersions());
        settings.put(VERSIONS_SETTING, Long.toString(prepared.id()));
      }
      long writesBefore = recent.writes();
      delegate.commitPublish(
          new PublishCommit(commit.fencingToken(), Map.of(), List.of(), tasks, settings),
          beforeCommit);
      recent.committed(tasks, writesBefore);
      if (prepared != null) {
        versions.committed(prepared);
      }
      lock.lock();
      try {
        drainedThrough = through;
        drainedAbove = above;
        for (Long seq : drained) {
          Entry e = queue.remove(seq);
          if (e == null) {
            continue;
          }
          e.segment.queued--;
          Pending p = pending.get(e.taskId);
          if (p != null) {
            if (p.batches <= 1) {
              pending.remove(e.taskId);
            } else {
              pending.put(e.taskId, new Pending(p.task, p.batches - 1));
            }
          }
        }
        for (TaskRecord t : commit.tasks()) {
          Pending p = pending.get(t.id()); // another batch of the task is still queued
          if (p != null && !closed && broken == null) {
            append(List.of(new Record(TASK_UPDATE, 0, t, null)));
            pending.put(t.id(), new Pending(t, p.batches));
          }
        }
        dropDrainedSegments();
      } catch (RuntimeException e) {
        // the publish is committed; the log only missed a cleanup, which the next open redoes
        LOG.log(Level.WARNING, "queue log: after a committed publish: " + e.getMessage(), e);
      } finally {
        lock.unlock();
      }
    } finally {
      commitLock.unlock();
    }
  }

  static String mark(long through, TreeSet<Long> above) {
    StringBuilder b = new StringBuilder().append(through);
    for (long seq : above) {
      b.append(' ').append(seq);
    }
    return b.toString();
  }

  // ---- role versions: the version journal's

  @Override
  public Map<String, RoleVersion> roleVersions() {
    ensureOpen();
    return versions.versions();
  }

  // ---- everything else is the delegate's

  // (the drained mark and the journal's committed id are this store's own: not shown, not writable)

  @Override
  public Optional<String> setting(String key) {
    return OWN_SETTINGS.contains(key) ? Optional.empty() : delegate.setting(key);
  }

  @Override
  public Map<String, String> settings() {
    Map<String, String> all = delegate.settings();
    if (java.util.Collections.disjoint(all.keySet(), OWN_SETTINGS)) {
      return all;
    }
    Map<String, String> out = new TreeMap<>(all);
    out.keySet().removeAll(OWN_SETTINGS);
    return java.util.Collections.unmodifiableMap(out);
  }

  @Override
  public void putSettings(Map<String, String> values) {
    checkNotOwn(values.keySet());
    delegate.putSettings(values);
  }

  @Override
  public boolean compareAndSetSetting(String key, String expected, String newValue) {
    checkNotOwn(Set.of(key));
    return delegate.compareAndSetSetting(key, expected, newValue);
  }

  private static void checkNotOwn(Set<String> keys) {
    for (String key : OWN_SETTINGS) {
      if (keys.contains(key)) {
        throw new IllegalArgumentException("setting " + key + " is the queue log's own");
      }
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      closeFiles();
      recent.clear();
    } finally {
      lock.unlock();
    }
    super.close();
  }

  // ---- records

  private record Record(byte kind, long seq, TaskRecord task, byte[] payload) {}

  private static void checkTask(TaskRecord task) {
    Objects.requireNonNull(task, "task");
    checkText("task id", task.id());
    checkText("task name", task.name());
    checkText("task state", task.state());
  }

  private static void checkText(String what, String value) {
    if (value.length() > MAX_TEXT) {
      throw new StorageException(
          "queue log: " + what + " is " + value.length() + " characters, at most " + MAX_TEXT);
    }
  }

  /** Appends batch records and puts them in the queue. */
  private void appendBatches(List<Record> records) {
    long[] positions = append(records);
    Segment segment = segments.getLast();
    for (int i = 0; i < records.size(); i++) {
      Record r = records.get(i);
      queueBatch(r.seq, r.task, segment, positions[i], r.payload.length);
    }
  }

  /** Puts a batch written at {@code position} of {@code segment} in the queue; counts its task. */
  private void queueBatch(long seq, TaskRecord task, Segment segment, long position, int length) {
    queue.put(seq, new Entry(seq, task.id(), segment, position, length));
    segment.queued++;
    Pending p = pending.get(task.id());
    pending.put(task.id(), new Pending(task, p == null ? 1 : p.batches + 1));
  }

  /** Appends the records as one write to the current segment; returns each payload's position. */
  private long[] append(List<Record> records) {
    rollIfFull();
    Segment segment = segments.getLast();
    int n = records.size();
    long[] positions = new long[n];
    byte[][] bodies = new byte[n][];
    long offset = 0;
    for (int i = 0; i < n; i++) {
      Record r = records.get(i);
      byte[] body = encode(r);
      bodies[i] = body;
      if (r.payload != null) {
        positions[i] = segment.size + offset + HEADER + body.length - r.payload.length;
      }
      offset += HEADER + body.length;
    }
    List<ByteBuffer> buffers = new ArrayList<>();
    for (int i = 0; i < n; ) {
      if (bodies[i].length > SHARED_BUFFER_BYTES) {
        buffers.add(RecordFiles.putHeader(ByteBuffer.allocate(HEADER), bodies[i]));
        buffers.add(ByteBuffer.wrap(bodies[i]).position(bodies[i].length));
        i++;
        continue;
      }
      // a run of small records shares one buffer of exactly their size (one write for a group of
      // requests; a buffer of the maximum size for each group, then 1 MiB, was a humongous G1
      // allocation per request group, which started a marking cycle nearly every time)
      int size = 0;
      int end = i;
      while (end < n
          && bodies[end].length <= SHARED_BUFFER_BYTES
          && size + HEADER + bodies[end].length <= SHARED_BUFFER_BYTES + HEADER) {
        size += HEADER + bodies[end].length;
        end++;
      }
      ByteBuffer shared = ByteBuffer.allocate(size);
      for (; i < end; i++) {
        RecordFiles.putHeader(shared, bodies[i]).put(bodies[i]);
      }
      buffers.add(shared);
    }
    try {
      long at = segment.size;
      for (ByteBuffer b : buffers) {
        b.flip();
        while (b.hasRemaining()) {
          at += segment.channel.write(b, at);
        }
      }
      if (fsync) {
        segment.channel.force(false);
      }
      segment.size = at;
      return positions;
    } catch (IOException e) {
      try {
        segment.channel.truncate(segment.size); // no part of the group may come back on open
      } catch (IOException t) {
        e.addSuppressed(t);
        broken = "a failed write could not be undone (" + t.getMessage() + ")";
      }
      throw new StorageException(
          "queue log: could not write to " + segment.path + ": " + e.getMessage(), e);
    }
  }

  private static byte[] encode(Record r) {
    byte[] id = r.task.id().getBytes(StandardCharsets.UTF_8);
    byte[] name = r.task.name().getBytes(StandardCharsets.UTF_8);
    byte[] state = r.task.state().getBytes(StandardCharsets.UTF_8);
    byte[] result =
        r.task.result() == null ? null : r.task.result().getBytes(StandardCharsets.UTF_8);
    int payloadLength = r.payload == null ? 0 : r.payload.length;
    int size = 1 + 8 + 8 + 6 + id.length + name.length + state.length + 4;
    size = Math.addExact(size, result == null ? 0 : result.length);
    size = Math.addExact(size, r.kind == BATCH ? 4 + payloadLength : 0);
    ByteBuffer b = ByteBuffer.allocate(size);
    b.put(r.kind).putLong(r.seq).putLong(r.task.updated().toEpochMilli());
    b.putShort((short) id.length).put(id);
    b.putShort((short) name.length).put(name);
    b.putShort((short) state.length).put(state);
    if (result == null) {
      b.putInt(-1);
    } else {
      b.putInt(result.length).put(result);
    }
    if (r.kind == BATCH) {
      b.putInt(payloadLength).put(r.payload);
    }
    return b.array();
  }

  private byte[] readPayload(Entry e) {
    byte[] out = new byte[e.length];
    ByteBuffer b = ByteBuffer.wrap(out);
    try {
      long at = e.position;
      while (b.hasRemaining()) {
        int n = e.segment.channel.read(b, at);
        if (n < 0) {
          throw new EOFException("the segment ends inside the batch");
        }
        at += n;
      }
    } catch (IOException x) {
      throw new StorageException(
          "queue log: could not read batch "
              + e.seq
              + " from "
              + e.segment.path
              + ": "
              + x.getMessage(),
          x);
    }
    return out;
  }

  // ---- segments

  private void rollIfFull() {
    if (segments.isEmpty() || segments.getLast().size >= segmentBytes) {
      newSegment();
    }
  }

  private void newSegment() {
    long number = Math.max(nextSeq, lastSegmentNumber + 1);
    Path path = dir.resolve(String.format("%020d.log", number));
    try {
      FileChannel channel =
          FileChannel.open(
              path,
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
      segments.addLast(new Segment(path, channel, 0));
      lastSegmentNumber = number;
      if (fsync) {
        forceDirectory();
      }
    } catch (IOException e) {
      throw new StorageException("queue log: could not create " + path + ": " + e.getMessage(), e);
    }
  }

  /** Deletes the oldest segments while all their batches are drained; rolls a large drained one. */
  private void dropDrainedSegments() {
    Segment current = segments.getLast();
    if (current.queued == 0 && current.size >= ROLL_DRAINED_BYTES) {
      newSegment();
    }
    while (segments.size() > 1 && segments.getFirst().queued == 0) {
      Segment s = segments.removeFirst();
      try {
        s.channel.close();
        Files.deleteIfExists(s.path);
      } catch (IOException e) {
        LOG.log(Level.WARNING, "queue log: could not delete " + s.path + ": " + e.getMessage());
      }
    }
  }

  private static void forceFile(Path file) {
    try (FileChannel f = FileChannel.open(file, StandardOpenOption.WRITE)) {
      f.force(false);
    } catch (IOException e) {
      throw new StorageException("queue log: could not force " + file + ": " + e.getMessage(), e);
    }
  }

  private void forceDirectory() throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  private void closeFiles() {
    closeSegments();
    if (versions != null) {
      versions.close();
    }
  }

  private void closeSegments() {
    for (Segment s : segments) {
      try {
        s.channel.close();
      } catch (IOException e) {
        LOG.log(Level.WARNING, "queue log: could not close " + s.path + ": " + e.getMessage());
      }
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the state store is closed");
    }
  }

  private void ensureWritable() {
    ensureOpen();
    if (broken != null) {
      throw new StorageException("queue log: not writable until reopened: " + broken);
    }
  }

  // ---- opening

  private void recover() throws IOException {
    Files.createDirectories(dir);
    String mark = delegate.setting(DRAINED_SETTING).orElse("0");
    try {
      String[] parts = mark.trim().split(" ");
      drainedThrough = Long.parseLong(parts[0]);
      for (int i = 1; i < parts.length; i++) {
        drainedAbove.add(Long.parseLong(parts[i]));
      }
    } catch (NumberFormatException e) {
      throw new StorageException(
          "queue log: setting " + DRAINED_SETTING + " is not a list of seqs: '" + mark + "'", e);
    }
    String committed = delegate.setting(VERSIONS_SETTING).orElse("0");
    try {
      versions =
          VersionJournal.open(
              dir,
              fsync,
              Long.parseLong(committed.trim()),
              delegate::roleVersions,
              delegateSync,
              journalFloor);
    } catch (NumberFormatException e) {
      throw new StorageException(
          "queue log: setting " + VERSIONS_SETTING + " is not a record id: '" + committed + "'", e);
    }
    long maxSeq = Math.max(drainedThrough, drainedAbove.isEmpty() ? 0 : drainedAbove.last());
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files =
          list.filter(p -> p.getFileName().toString().matches("[0-9]{20}\\.log"))
              .sorted()
              .collect(Collectors.toList());
    }
    for (int i = 0; i < files.size(); i++) {
      maxSeq = Math.max(maxSeq, readSegment(files.get(i), i == files.size() - 1));
    }
    nextSeq = maxSeq + 1;
    migrateDelegateQueue();
    if (segments.isEmpty()) {
      newSegment();
    }
    dropDrainedSegments();
  }

  /** Reads one segment into the queue; returns the highest seq it holds (0 if none). */
  private long readSegment(Path path, boolean last) throws IOException {
    FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    Segment segment = new Segment(path, channel, 0);
    segments.addLast(segment);
    lastSegmentNumber = Long.parseLong(path.getFileName().toString().substring(0, 20));
    long[] maxSeq = {0};
    long end =
        RecordFiles.read(
            "queue log",
            "segment",
            path,
            channel,
            last,
            (at, body) -> maxSeq[0] = Math.max(maxSeq[0], replay(segment, at, body)));
    if (end < channel.size()) {
      channel.truncate(end);
    }
    segment.size = end;
    return maxSeq[0];
  }

  private long replay(Segment segment, long at, byte[] body) {
    ByteBuffer b = ByteBuffer.wrap(body);
    byte kind = b.get();
    long seq = b.getLong();
    Instant updated = Instant.ofEpochMilli(b.getLong());
    String id = text(b);
    String name = text(b);
    String state = text(b);
    int resultLength = b.getInt();
    String result = null;
    if (resultLength >= 0) {
      result = new String(body, b.position(), resultLength, StandardCharsets.UTF_8);
      b.position(b.position() + resultLength);
    }
    TaskRecord task = new TaskRecord(id, name, state, updated, result);
    if (kind == TASK_UPDATE) {
      Pending p = pending.get(id);
      if (p != null) {
        pending.put(id, new Pending(task, p.batches));
      }
      return 0;
    }
    if (kind != BATCH) {
      throw new StorageException("queue log: " + segment.path + ": unknown record kind " + kind);
    }
    int length = b.getInt();
    if (length != b.remaining()) {
      throw new StorageException(
          "queue log: " + segment.path + ": batch " + seq + " has a wrong payload length");
    }
    if (seq <= drainedThrough || drainedAbove.contains(seq) || queue.containsKey(seq)) {
      return seq;
    }
    queueBatch(seq, task, segment, at + HEADER + b.position(), length);
    return seq;
  }

  private static String text(ByteBuffer b) {
    int n = b.getShort() & 0xFFFF;
    String s = new String(b.array(), b.position(), n, StandardCharsets.UTF_8);
    b.position(b.position() + n);
    return s;
  }

  /** Moves batches queued in the delegate's own queue (by a version without the log) to the log. */
  private void migrateDelegateQueue() {
    if (delegate.queueDepth() == 0) {
      return;
    }
    List<QueuedBatch> old = delegate.queued(Integer.MAX_VALUE);
    List<Record> records = new ArrayList<>();
    for (QueuedBatch q : old) {
      if (!queue.containsKey(q.seq()) && q.seq() > drainedThrough) {
        TaskRecord task =
            delegate
                .task(q.taskId())
                .orElse(
                    new TaskRecord(q.taskId(), "add_artifacts", "PENDING", Instant.EPOCH, null));
        records.add(new Record(BATCH, q.seq(), task, q.payload()));
      }
    }
    if (!records.isEmpty()) {
      appendBatches(records);
      nextSeq = Math.max(nextSeq, records.get(records.size() - 1).seq + 1);
    }
    List<Long> seqs = old.stream().map(QueuedBatch::seq).toList();
    delegate.commitPublish(new PublishCommit(0, Map.of(), seqs, List.of(), Map.of()));
    LOG.log(Level.INFO, "queue log: moved " + records.size() + " queued batches from the database");
  }

  /** For tests: the segment files, oldest first. */
  List<Path> segmentFiles() {
    lock.lock();
    try {
      return segments.stream().map(s -> s.path).toList();
    } finally {
      lock.unlock();
    }
  }
}
