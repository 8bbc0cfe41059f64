package dev.tufrepo.storage.jdbc;

import dev.tufrepo.storage.StorageException;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;

/** Runs units of work, each in one transaction on a connection borrowed from a data source. */
final class Transactions {
  private static final System.Logger LOG = System.getLogger(Transactions.class.getName());

  /** Work done on a connection inside a transaction. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private final DataSource dataSource;
  private final AtomicBoolean closed = new AtomicBoolean();

  Transactions(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Refuses all later work; returns whether this call was the one that closed. */
  boolean close() {
    return closed.compareAndSet(false, true);
  }

  /**
   * Runs {@code work} in a transaction and commits it. Any exception rolls the transaction back; an
   * {@link SQLException} is rethrown as a {@link StorageException} naming {@code what}, other
   * runtime exceptions (such as a fencing refusal) as they are.
   *
   * @throws IllegalStateException once {@link #close()} was called
   */
  <T> T run(String what, Work<T> work) {
    if (closed.get()) {
      throw new IllegalStateException("the state store is closed");
    }
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        rollback(connection, e);
        throw e;
      }
    } catch (SQLException e) {
      throw new StorageException(
          String.format(Locale.ROOT, "state store: could not %s: %s", what, e.getMessage()), e);
    }
  }

  private static void rollback(Connection connection, Throwable cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
      LOG.log(Level.DEBUG, "rollback failed", e);
    }
  }

  /** Runs an INSERT, UPDATE or DELETE with {@code args} bound in order; returns the row count. */
  static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      return ps.executeUpdate();
    }
  }
}
