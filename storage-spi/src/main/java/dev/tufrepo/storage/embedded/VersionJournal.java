package dev.tufrepo.storage.embedded;

import dev.tufrepo.storage.RoleVersion;
import dev.tufrepo.storage.StorageException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The role versions of a {@link QueueLogStateStore}, kept in an append-only journal instead of the
 * database's {@code role_versions} table.
 *
 * <p>Why: a publish that re-signs 1,000 bins updated 1,000 rows in H2, and H2 then serialized every
 * B-tree page those rows touched (nearly the whole table) into its commit: a third of a publishing
 * thread's CPU. Here a publish appends one record with its changed versions.
 *
 * <p>A record is {@code int length, int CRC-32C, body} (as the queue's); the body is a kind (a
 * delta, or the full set), its id, the id of the record it applies on top of, and the versions. The
 * database stays the commit point: {@link #prepare} appends and forces a record, and the publish's
 * database transaction then stores the record's id as a setting; a record whose id was never
 * committed (the transaction failed, or the process died first) is not on the chain of parents from
 * the committed id, and is ignored. On open the chain is walked back from the committed id to a
 * full record (or to id 0: the database's table, for stores written before the journal), and
 * applied forward. Once the deltas since the last full record hold more entries than twice the set
 * (at least 1,024), the next record is the full set, in a new file if the current one holds the
 * committed full record; when it is committed, the database is forced and the older files are
 * deleted, so the journal has at most two files, even when publishes fail. A torn record at the end
 * of the last file (a crash inside {@link #prepare}, never committed) is cut off; a damaged record
 * in an older file stops the open. Files: {@code versions-<first id, 20 digits>.log}, next to the
 * queue's segments.
 *
 * <p>Not thread-safe for writers: the store calls {@link #prepare} and {@link #committed} under its
 * commit lock. {@link #versions()} may be called from any thread.
 */
final class VersionJournal implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(VersionJournal.class.getName());
  private static final String PREFIX = "versions-";
  private static final byte FULL = 1;
  private static final byte DELTA = 2;

  /** Deltas may add up to twice the set, or at least this many entries, before a full record. */
  static final int DEFAULT_FULL_FLOOR = 1024;

  private final Path dir;
  private final boolean fsync;
  private final Runnable delegateSync;
  private final int fullFloor;
  private String broken;

  /** The committed versions; guarded by itself, so that a reader never sees half a publish. */
  private final Map<String, RoleVersion> current = new HashMap<>();

  private long committedId;
  private long nextId;

  /** Entries written in committed deltas since the last committed full record. */
  private long sinceFull;

  /** The journal files, oldest first; the last one is appended to. */
  private final List<Path> files = new ArrayList<>();

  private FileChannel channel;
  private long size;

  /**
   * Whether the file appended to holds the committed full record. Only then does a full record
   * start a new file (so that the older ones can go once it is committed); otherwise it goes to the
   * same file, which keeps the journal at two files even when publishes fail.
   */
  private boolean currentHoldsFull;

  /** A record written and forced, not yet committed. */
  record Prepared(long id, boolean full, Map<String, RoleVersion> changes, Path file) {}

  private VersionJournal(Path dir, boolean fsync, Runnable delegateSync, int fullFloor) {
    this.fullFloor = fullFloor;
    this.dir = dir;
    this.fsync = fsync;
    this.delegateSync = delegateSync;
  }

  /**
   * Reads the journal in {@code dir}: the versions as of record {@code committedId} (0: none yet,
   * the versions are {@code base}'s). {@code delegateSync} makes the database's commits durable; it
   * runs before files older than a committed full record are deleted.
   *
   * @throws StorageException if the committed record is missing or a file other than the last is
   *     damaged
   */
  static VersionJournal open(
      Path dir,
      boolean fsync,
      long committedId,
      Supplier<Map<String, RoleVersion>> base,
      Runnable delegateSync,
      int fullFloor)
      throws IOException {
    VersionJournal j = new VersionJournal(dir, fsync, delegateSync, fullFloor);
    try {
      j.recover(committedId, base);
    } catch (IOException | RuntimeException e) {
      j.close();
      throw e;
    }
    return j;
  }

  /** The committed versions: a copy, never half of a publish. */
  Map<String, RoleVersion> versions() {
    synchronized (current) {
      return Collections.unmodifiableMap(new TreeMap<>(current));
    }
  }

  /**
   * Appends (and with fsync forces) a record of {@code changes} on top of the committed versions;
   * it counts only once {@link #committed} is called after the database stored its id.
   */
  Prepared prepare(Map<String, RoleVersion> changes) {
    if (broken != null) {
      throw new StorageException("version journal: not writable until reopened: " + broken);
    }
    long id = nextId++;
    boolean full = sinceFull + changes.size() > 2L * Math.max(current.size(), fullFloor);
    Map<String, RoleVersion> entries = changes;
    if (full) {
      entries = new HashMap<>(current);
      entries.putAll(changes);
    }
    if (channel == null || (full && currentHoldsFull)) {
      roll(id);
    }
    byte[] body = encode(full ? FULL : DELTA, id, committedId, entries);
    ByteBuffer header = RecordFiles.header(body);
    ByteBuffer data = ByteBuffer.wrap(body);
    Path file = files.get(files.size() - 1);
    try {
      long at = size;
      while (header.hasRemaining()) {
        at += channel.write(header, at);
      }
      while (data.hasRemaining()) {
        at += channel.write(data, at);
      }
      if (fsync) {
        channel.force(false);
      }
      size = at;
    } catch (IOException e) {
      try {
        channel.truncate(size); // no part of the record may come back on open
      } catch (IOException t) {
        e.addSuppressed(t);
        broken = "a failed write could not be undone (" + t.getMessage() + ")";
      }
      throw new StorageException(
          "version journal: could not write to " + file + ": " + e.getMessage(), e);
    }
    return new Prepared(id, full, changes, file);
  }

  /** Record {@code p}'s id is committed: its versions become the current ones. */
  void committed(Prepared p) {
    synchronized (current) {
      current.putAll(p.changes);
    }
    committedId = p.id;
    if (p.full) {
      sinceFull = 0;
      currentHoldsFull = true;
      deleteBefore(files.indexOf(p.file));
    } else {
      sinceFull += p.changes.size();
    }
  }

  @Override
  public void close() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        LOG.log(Level.WARNING, "version journal: could not close: " + e.getMessage());
      }
      channel = null;
    }
  }

  // ---- files

  private void roll(long firstId) {
    Path path = dir.resolve(String.format("%s%020d.log", PREFIX, firstId));
    try {
      FileChannel next =
          FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      if (fsync) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
          d.force(true);
        }
      }
      close();
      channel = next;
      size = 0;
      currentHoldsFull = false;
      files.add(path);
    } catch (IOException e) {
      throw new StorageException(
          "version journal: could not create " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Deletes the files before {@code files[index]}, once the database is forced: a power failure
   * must not take it back to a record in them.
   */
  private void deleteBefore(int index) {
    if (index <= 0) {
      return;
    }
    try {
      delegateSync.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "version journal: old files kept: " + e.getMessage());
      return;
    }
    for (int i = 0; i < index; i++) {
      delete(files.get(0));
      files.remove(0);
    }
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "version journal: could not delete " + file + ": " + e.getMessage());
    }
  }

  // ---- records

  private record Rec(byte kind, long id, long parent, Map<String, RoleVersion> entries, int file) {}

  static byte[] encode(byte kind, long id, long parent, Map<String, RoleVersion> entries) {
    int size = 1 + 8 + 8 + 4;
    List<byte[]> names = new ArrayList<>(entries.size());
    for (String role : entries.keySet()) {
      byte[] name = role.getBytes(StandardCharsets.UTF_8);
      if (name.length > 0xFFFF) {
        throw new StorageException("version journal: role name too long: " + role.length());
      }
      names.add(name);
      size += 2 + name.length + 4 + 8;
    }
    ByteBuffer b = ByteBuffer.allocate(size);
    b.put(kind).putLong(id).putLong(parent).putInt(entries.size());
    int i = 0;
    for (RoleVersion v : entries.values()) {
      byte[] name = names.get(i++);
      b.putShort((short) name.length).put(name);
      b.putInt(v.version()).putLong(v.expires().toEpochMilli());
    }
    return b.array();
  }

  private static Rec decode(byte[] body, int file, Path path) {
    try {
      ByteBuffer b = ByteBuffer.wrap(body);
      byte kind = b.get();
      if (kind != FULL && kind != DELTA) {
        throw new StorageException("version journal: " + path + ": unknown record kind " + kind);
      }
      long id = b.getLong();
      long parent = b.getLong();
      int n = b.getInt();
      Map<String, RoleVersion> entries = new HashMap<>(Math.max(16, n * 2));
      for (int k = 0; k < n; k++) {
        int len = b.getShort() & 0xFFFF;
        String role = new String(body, b.position(), len, StandardCharsets.UTF_8);
        b.position(b.position() + len);
        entries.put(role, new RoleVersion(b.getInt(), Instant.ofEpochMilli(b.getLong())));
      }
      if (b.hasRemaining()) {
        throw new StorageException("version journal: " + path + ": record " + id + " is too long");
      }
      return new Rec(kind, id, parent, entries, file);
    } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
      throw new StorageException(
          "version journal: " + path + ": a record does not decode: " + e.getMessage(), e);
    }
  }

  // ---- opening

  private void recover(long committed, Supplier<Map<String, RoleVersion>> base) throws IOException {
    Files.createDirectories(dir);
    List<Path> found;
    try (Stream<Path> list = Files.list(dir)) {
      found =
          list.filter(p -> p.getFileName().toString().matches(PREFIX + "[0-9]{20}\\.log"))
              .sorted()
              .collect(Collectors.toList());
    }
    Map<Long, Rec> records = new HashMap<>();
    long maxId = committed;
    for (int i = 0; i < found.size(); i++) {
      long end = read(found.get(i), i, i == found.size() - 1, records);
      files.add(found.get(i));
      if (i == found.size() - 1) {
        channel = FileChannel.open(found.get(i), StandardOpenOption.WRITE);
        channel.truncate(end);
        size = end;
      }
    }
    for (long id : records.keySet()) {
      maxId = Math.max(maxId, id);
    }
    nextId = maxId + 1;
    committedId = committed;
    // the chain from the committed record back to a full one (or to the database's table)
    List<Rec> chain = new ArrayList<>();
    long id = committed;
    Rec full = null;
    while (id != 0) {
      Rec r = records.get(id);
      if (r == null) {
        throw new StorageException(
            "version journal: record "
                + id
                + " is committed but missing from "
                + dir
                + (chain.isEmpty()
                    ? ""
                    : " (needed by record " + chain.get(chain.size() - 1).id() + ")"));
      }
      if (r.kind == FULL) {
        full = r;
        break;
      }
      if (r.parent >= r.id) { // parents are always older: a damaged id, and no endless walk
        throw new StorageException(
            "version journal: record " + r.id + " names a later record " + r.parent + " as parent");
      }
      chain.add(r);
      id = r.parent;
    }
    Collections.reverse(chain); // oldest first
    if (full == null) {
      current.putAll(base.get());
      sinceFull = Long.MAX_VALUE / 4; // the next record is written as the full set
    } else {
      current.putAll(full.entries);
    }
    for (Rec r : chain) {
      current.putAll(r.entries);
      if (full != null) {
        sinceFull += r.entries.size();
      }
    }
    if (full != null) {
      currentHoldsFull = full.file == files.size() - 1;
      deleteBefore(full.file);
    }
  }

  /** Reads one file's records into {@code records}; returns where its valid records end. */
  private static long read(Path path, int index, boolean last, Map<Long, Rec> records)
      throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      return RecordFiles.read(
          "version journal",
          "file",
          path,
          channel,
          last,
          (at, body) -> {
            Rec r = decode(body, index, path);
            records.put(r.id, r);
          });
    }
  }
}
