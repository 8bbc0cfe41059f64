package dev.tufrepo.storage.jdbc;

import dev.tufrepo.storage.Lease;
import dev.tufrepo.storage.PublishCommit;
import dev.tufrepo.storage.QueuedBatch;
import dev.tufrepo.storage.RoleVersion;
import dev.tufrepo.storage.StateStore;
import dev.tufrepo.storage.StorageException;
import dev.tufrepo.storage.TaskRecord;
import dev.tufrepo.storage.TaskSubmission;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * A {@link StateStore} over plain JDBC: every method is one transaction on a pooled connection. The
 * SQL is standard except for the few bits in {@link SqlDialect}, so that the embedded H2 database
 * ({@link #h2(Path)}) and PostgreSQL share it.
 *
 * <p>Instants are stored as epoch milliseconds: values read back are truncated to the millisecond.
 *
 * <p><b>Leases and fencing.</b> Every newly taken lease gets its token from one counter row that is
 * only ever incremented, so a token is unique across all lease names and grows with every new
 * holder, also across restarts. {@link #commitPublish} with a non-zero token commits only if some
 * current lease row holds exactly that token (it locks that row for the transaction); as tokens are
 * unique, this is the lease the token was issued for, which for the engine is the lease named
 * {@code "publish"}. Expiry alone does not fence: a holder whose lease expired may still commit
 * until another owner takes the lease over, which changes the token.
 *
 * <p><b>Concurrency.</b> Transactions run at the database's default isolation (READ COMMITTED in H2
 * and PostgreSQL). Read-modify-write steps are made atomic by conditional statements ({@code UPDATE
 * ... WHERE value = ?}), primary keys (a concurrent insert of the same key fails) and {@code SELECT
 * ... FOR UPDATE} on the lease row. {@code commitPublish} deletes the drained seqs that are still
 * queued and ignores the others. After {@link #close()} every method throws {@link
 * IllegalStateException}.
 */
public final class JdbcStateStore implements StateStore {
  private final Transactions tx;
  private final SqlDialect dialect;
  private final Clock clock;
  private final AutoCloseable onClose;

  private final String upsertSetting;
  private final String upsertTask;
  private final String upsertRoleVersion;
  private final String upsertSigningSession;

  JdbcStateStore(DataSource dataSource, SqlDialect dialect, Clock clock, AutoCloseable onClose) {
    this.tx = new Transactions(dataSource);
    this.dialect = dialect;
    this.clock = clock;
    this.onClose = onClose;
    upsertSetting = dialect.upsert("settings", List.of("key"), List.of("value"));
    upsertTask =
        dialect.upsert("tasks", List.of("id"), List.of("name", "state", "updated", "result"));
    upsertRoleVersion =
        dialect.upsert("role_versions", List.of("role"), List.of("version", "expires"));
    upsertSigningSession = dialect.upsert("signing_sessions", List.of("role"), List.of("json"));
  }

  /**
   * Opens (creating it if needed) the embedded H2 database in {@code dataDir/state}. Every
   * committed transaction is written to the database file before the method returns.
   */
  public static JdbcStateStore h2(Path dataDir) {
    return H2.builder(dataDir).build();
  }

  /** Like {@link #h2(Path)}, with the clock that lease expiry is measured by. */
  public static JdbcStateStore h2(Path dataDir, Clock clock) {
    return H2.builder(dataDir).clock(clock).build();
  }

  /**
   * A builder for a store over any database: {@code dataSource} should pool its connections (the
   * store borrows one per call and gives it back when the call returns).
   */
  public static Builder builder(DataSource dataSource, SqlDialect dialect) {
    return new Builder(dataSource, dialect);
  }

  // ---- settings

  @Override
  public Optional<String> setting(String key) {
    Objects.requireNonNull(key, "key");
    return tx.run(
        "read setting", c -> oneString(c, "SELECT value FROM settings WHERE key = ?", key));
  }

  @Override
  public Map<String, String> settings() {
    return tx.run("read settings", c -> stringMap(c, "SELECT key, value FROM settings"));
  }

  @Override
  public void putSettings(Map<String, String> values) {
    Objects.requireNonNull(values, "values");
    Map<String, String> copy = new TreeMap<>(values); // refuses null keys, fixes the lock order
    tx.run(
        "write settings",
        c -> {
          applySettings(c, copy);
          return null;
        });
  }

  @Override
  public boolean compareAndSetSetting(String key, String expected, String newValue) {
    Objects.requireNonNull(key, "key");
    if (expected == null && newValue == null) {
      return setting(key).isEmpty();
    }
    if (expected == null) {
      try {
        return tx.run(
            "insert setting",
            c ->
                Transactions.update(
                        c, "INSERT INTO settings (key, value) VALUES (?, ?)", key, newValue)
                    == 1);
      } catch (StorageException e) {
        if (e.getCause() instanceof SQLException s && dialect.isUniqueViolation(s)) {
          return false; // the key is present, so it does not hold "absent"
        }
        throw e;
      }
    }
    if (newValue == null) {
      return tx.run(
          "delete setting",
          c ->
              Transactions.update(
                      c, "DELETE FROM settings WHERE key = ? AND value = ?", key, expected)
                  == 1);
    }
    return tx.run(
        "update setting",
        c ->
            Transactions.update(
                    c,
                    "UPDATE settings SET value = ? WHERE key = ? AND value = ?",
                    newValue,
                    key,
                    expected)
                == 1);
  }

  // ---- queue

  @Override
  public long enqueue(TaskRecord task, byte[] payload) {
    Objects.requireNonNull(task, "task");
    return tx.run(
        "enqueue batch",
        c -> {
          putTask(c, task);
          return payload == null ? 0L : insertBatch(c, task.id(), payload);
        });
  }

  /** One transaction: the task upserts and the queue inserts each go as one JDBC batch. */
  @Override
  public List<Long> enqueueAll(List<TaskSubmission> submissions) {
    List<TaskSubmission> all = List.copyOf(submissions);
    if (all.isEmpty()) {
      return List.of();
    }
    return tx.run(
        "enqueue " + all.size() + " batches",
        c -> {
          upsertTasks(c, all.stream().map(TaskSubmission::task).toList());
          long[] seqs = new long[all.size()];
          int withPayload = 0;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO queue (task_id, payload) VALUES (?, ?)",
                  Statement.RETURN_GENERATED_KEYS)) {
            for (TaskSubmission s : all) {
              if (s.payload() != null) {
                ps.setString(1, s.task().id());
                ps.setBinaryStream(2, new ByteArrayInputStream(s.payload()), s.payload().length);
                ps.addBatch();
                withPayload++;
              }
            }
            if (withPayload > 0) {
              ps.executeBatch();
              try (ResultSet keys = ps.getGeneratedKeys()) {
                for (int i = 0; i < all.size(); i++) {
                  if (all.get(i).payload() != null) {
                    if (!keys.next()) {
                      throw new SQLException("the database returned too few seqs for the batches");
                    }
                    seqs[i] = keys.getLong(1);
                  }
                }
              }
            }
          }
          List<Long> out = new ArrayList<>(seqs.length);
          for (long seq : seqs) {
            out.add(seq);
          }
          return List.copyOf(out);
        });
  }

  @Override
  public List<QueuedBatch> queued(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0");
    }
    if (limit == 0) {
      return List.of();
    }
    return tx.run(
        "read queue",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT seq, task_id, payload FROM queue ORDER BY seq FETCH FIRST ? ROWS ONLY")) {
            ps.setInt(1, limit);
            List<QueuedBatch> batches = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                batches.add(new QueuedBatch(rs.getLong(1), rs.getString(2), readBytes(rs, 3)));
              }
            }
            return List.copyOf(batches);
          }
        });
  }

  @Override
  public List<QueuedBatch> queued(int limit, long maxPayloadBytes) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0");
    }
    if (limit == 0) {
      return List.of();
    }
    return tx.run(
        "read queue",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT seq, task_id, payload FROM queue ORDER BY seq FETCH FIRST ? ROWS ONLY")) {
            ps.setInt(1, limit);
            ps.setFetchSize(Math.min(limit, 256));
            List<QueuedBatch> batches = new ArrayList<>();
            long total = 0;
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                byte[] payload = readBytes(rs, 3);
                total += payload.length;
                if (!batches.isEmpty() && total > maxPayloadBytes) {
                  break;
                }
                batches.add(new QueuedBatch(rs.getLong(1), rs.getString(2), payload));
              }
            }
            return List.copyOf(batches);
          }
        });
  }

  @Override
  public long queueDepth() {
    return tx.run(
        "count queue",
        c -> {
          try (Statement s = c.createStatement();
              ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM queue")) {
            rs.next();
            return rs.getLong(1);
          }
        });
  }

  // ---- tasks

  @Override
  public void putTask(TaskRecord task) {
    Objects.requireNonNull(task, "task");
    tx.run(
        "write task",
        c -> {
          putTask(c, task);
          return null;
        });
  }

  @Override
  public Optional<TaskRecord> task(String id) {
    Objects.requireNonNull(id, "id");
    return tx.run(
        "read task",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT name, state, updated, result FROM tasks WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.empty();
              }
              return Optional.of(
                  new TaskRecord(
                      id,
                      rs.getString(1),
                      rs.getString(2),
                      Instant.ofEpochMilli(rs.getLong(3)),
                      rs.getString(4)));
            }
          }
        });
  }

  // ---- role versions and publish

  @Override
  public Map<String, RoleVersion> roleVersions() {
    return tx.run(
        "read role versions",
        c -> {
          Map<String, RoleVersion> versions = new TreeMap<>();
          try (Statement s = c.createStatement();
              ResultSet rs = s.executeQuery("SELECT role, version, expires FROM role_versions")) {
            while (rs.next()) {
              versions.put(
                  rs.getString(1),
                  new RoleVersion(rs.getInt(2), Instant.ofEpochMilli(rs.getLong(3))));
            }
          }
          return Collections.unmodifiableMap(versions);
        });
  }

  /**
   * Updates the rows that exist (every role after bootstrap) in one batch, then upserts the rest
   * (new roles, and rows whose update count the driver did not report). A plain keyed UPDATE costs
   * H2 about half of a MERGE, and a publish writes up to 16,384 bin versions. When the table is
   * empty (bootstrap) only the upsert runs.
   */
  private void putRoleVersions(Connection c, TreeMap<String, RoleVersion> versions)
      throws SQLException {
    List<Map.Entry<String, RoleVersion>> rows = new ArrayList<>(versions.entrySet());
    int[] counts = new int[0];
    boolean empty;
    // not COUNT(*): H2 counts a transactional table by walking it
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT role FROM role_versions FETCH FIRST 1 ROWS ONLY")) {
      empty = !rs.next();
    }
    if (!empty) { // at bootstrap every row is new: straight to the upsert
      counts = updateRoleVersions(c, rows);
    }
    try (PreparedStatement ps = c.prepareStatement(upsertRoleVersion)) {
      boolean any = false;
      for (int i = 0; i < rows.size(); i++) {
        if (i < counts.length && counts[i] == 1) {
          continue;
        }
        Map.Entry<String, RoleVersion> e = rows.get(i);
        ps.setString(1, e.getKey());
        ps.setInt(2, e.getValue().version());
        ps.setLong(3, e.getValue().expires().toEpochMilli());
        ps.addBatch();
        any = true;
      }
      if (any) {
        ps.executeBatch();
      }
    }
  }

  private static int[] updateRoleVersions(Connection c, List<Map.Entry<String, RoleVersion>> rows)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE role_versions SET version = ?, expires = ? WHERE role = ?")) {
      for (Map.Entry<String, RoleVersion> e : rows) {
        ps.setInt(1, e.getValue().version());
        ps.setLong(2, e.getValue().expires().toEpochMilli());
        ps.setString(3, e.getKey());
        ps.addBatch();
      }
      return ps.executeBatch();
    }
  }

  @Override
  public void commitPublish(PublishCommit commit, Runnable beforeCommit) {
    Objects.requireNonNull(commit, "commit");
    Objects.requireNonNull(beforeCommit, "beforeCommit");
    Map<String, String> settings = new TreeMap<>(commit.settings());
    tx.run(
        "commit publish",
        c -> {
          if (commit.fencingToken() != 0) {
            Leases.checkFencingToken(c, commit.fencingToken());
          }
          if (!commit.roleVersions().isEmpty()) { // the queue log store keeps its own
            putRoleVersions(c, new TreeMap<>(commit.roleVersions()));
          }
          if (!commit.drainedSeqs().isEmpty()) { // the queue log store drains its own
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM queue WHERE seq = ?")) {
              for (long seq : commit.drainedSeqs()) {
                ps.setLong(1, seq);
                ps.addBatch();
              }
              ps.executeBatch();
            }
          }
          upsertTasks(c, commit.tasks()); // a publish under load ends hundreds
          applySettings(c, settings);
          beforeCommit.run();
          return null;
        });
  }

  // ---- signing sessions

  @Override
  public Optional<String> signingSession(String role) {
    Objects.requireNonNull(role, "role");
    return tx.run(
        "read signing session",
        c -> oneString(c, "SELECT json FROM signing_sessions WHERE role = ?", role));
  }

  @Override
  public Map<String, String> signingSessions() {
    return tx.run(
        "read signing sessions", c -> stringMap(c, "SELECT role, json FROM signing_sessions"));
  }

  @Override
  public void putSigningSession(String role, String json) {
    Objects.requireNonNull(role, "role");
    tx.run(
        "write signing session",
        c ->
            json == null
                ? Transactions.update(c, "DELETE FROM signing_sessions WHERE role = ?", role)
                : Transactions.update(c, upsertSigningSession, role, json));
  }

  // ---- leases

  @Override
  public Optional<Lease> tryAcquire(String name, String owner, Duration ttl) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(owner, "owner");
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("ttl must not be negative");
    }
    try {
      return tx.run("acquire lease", c -> Leases.acquire(c, name, owner, clock.millis(), ttl));
    } catch (StorageException e) {
      if (e.getCause() instanceof SQLException s && dialect.isUniqueViolation(s)) {
        // Another owner created the lease row at the same time; now there is a row to lock.
        return tx.run("acquire lease", c -> Leases.acquire(c, name, owner, clock.millis(), ttl));
      }
      throw e;
    }
  }

  @Override
  public void release(Lease lease) {
    Objects.requireNonNull(lease, "lease");
    tx.run(
        "release lease",
        c -> {
          Leases.release(c, lease);
          return null;
        });
  }

  @Override
  public void close() {
    if (tx.close()) {
      try {
        onClose.close();
      } catch (Exception e) {
        throw new StorageException("state store: could not close: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public String toString() {
    return "JdbcStateStore[" + dialect + "]";
  }

  // ---- helpers shared by several methods

  private void putTask(Connection c, TaskRecord task) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(upsertTask)) {
      bindTask(ps, task);
      ps.executeUpdate();
    }
  }

  /** Upserts {@code tasks} in one batch. */
  private void upsertTasks(Connection c, List<TaskRecord> tasks) throws SQLException {
    if (tasks.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(upsertTask)) {
      for (TaskRecord task : tasks) {
        bindTask(ps, task);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Texts longer than this are bound as a character stream. */
  private static final int LARGE_TEXT = 64 * 1024;

  private static void bindTask(PreparedStatement ps, TaskRecord task) throws SQLException {
    ps.setString(1, task.id());
    ps.setString(2, task.name());
    ps.setString(3, task.state());
    ps.setLong(4, task.updated().toEpochMilli());
    String result = task.result();
    if (result == null) {
      ps.setNull(5, Types.VARCHAR);
    } else if (result.length() > LARGE_TEXT) {
      // A stream: the driver writes it as a CLOB in pieces, where setString made H2 look the
      // whole text up in its string cache (hashing a 1 M-path result took 30 ms) and copy it.
      ps.setCharacterStream(5, new java.io.StringReader(result), result.length());
    } else {
      ps.setString(5, result);
    }
  }

  private static long insertBatch(Connection c, String taskId, byte[] payload) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO queue (task_id, payload) VALUES (?, ?)",
            Statement.RETURN_GENERATED_KEYS)) {
      ps.setString(1, taskId);
      // A stream, not setBytes: the driver writes a large payload as a BLOB in pieces.
      ps.setBinaryStream(2, new ByteArrayInputStream(payload), payload.length);
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        if (!keys.next()) {
          throw new SQLException("the database returned no seq for the queued batch");
        }
        return keys.getLong(1);
      }
    }
  }

  private void applySettings(Connection c, Map<String, String> settings) throws SQLException {
    try (PreparedStatement upsert = c.prepareStatement(upsertSetting);
        PreparedStatement delete = c.prepareStatement("DELETE FROM settings WHERE key = ?")) {
      for (Map.Entry<String, String> e : settings.entrySet()) {
        if (e.getValue() == null) {
          delete.setString(1, e.getKey());
          delete.executeUpdate();
        } else {
          upsert.setString(1, e.getKey());
          upsert.setString(2, e.getValue());
          upsert.executeUpdate();
        }
      }
    }
  }

  /** The first column of the row {@code query} selects by its one string parameter. */
  private static Optional<String> oneString(Connection c, String query, String param)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(query)) {
      ps.setString(1, param);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  private static Map<String, String> stringMap(Connection c, String query) throws SQLException {
    Map<String, String> map = new TreeMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      while (rs.next()) {
        map.put(rs.getString(1), rs.getString(2));
      }
    }
    return Collections.unmodifiableMap(map);
  }

  private static byte[] readBytes(ResultSet rs, int column) throws SQLException {
    try (InputStream in = rs.getBinaryStream(column)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new SQLException("could not read a queued payload: " + e.getMessage(), e);
    }
  }

  /** Options of a {@link JdbcStateStore}. */
  public static final class Builder {
    private final DataSource dataSource;
    private final SqlDialect dialect;
    private Clock clock = Clock.systemUTC();
    private AutoCloseable onClose = () -> {};

    Builder(DataSource dataSource, SqlDialect dialect) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      this.dialect = Objects.requireNonNull(dialect, "dialect");
    }

    /** The clock that lease expiry is measured by (default: UTC system clock). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** What {@link JdbcStateStore#close()} closes, such as the connection pool. */
    public Builder onClose(AutoCloseable onClose) {
      this.onClose = Objects.requireNonNull(onClose, "onClose");
      return this;
    }

    /** Creates missing tables and returns the store. */
    public JdbcStateStore build() {
      try {
        new Transactions(dataSource).run("create tables", c -> Schema.create(c, dialect));
      } catch (RuntimeException e) {
        try {
          onClose.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
      return new JdbcStateStore(dataSource, dialect, clock, onClose);
    }
  }
}
