package dev.tufrepo.storage.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The tables of the state store. Instants are {@code BIGINT} epoch milliseconds, which every
 * database stores the same way.
 */
final class Schema {
  /** The row of {@code counters} that hands out lease tokens; it is never reset. */
  static final String LEASE_TOKEN_COUNTER = "lease_token";

  private Schema() {}

  static List<String> tables(SqlDialect dialect) {
    return List.of(
        "CREATE TABLE IF NOT EXISTS settings ("
            + "key VARCHAR(255) NOT NULL PRIMARY KEY, "
            + "value VARCHAR(65535) NOT NULL)",
        "CREATE TABLE IF NOT EXISTS queue ("
            + "seq "
            + dialect.identityColumnType()
            + " NOT NULL PRIMARY KEY, "
            + "task_id VARCHAR(255) NOT NULL, "
            + "payload "
            + dialect.blobType()
            + " NOT NULL)",
        "CREATE TABLE IF NOT EXISTS tasks ("
            + "id VARCHAR(255) NOT NULL PRIMARY KEY, "
            + "name VARCHAR(255) NOT NULL, "
            + "state VARCHAR(255) NOT NULL, "
            + "updated BIGINT NOT NULL, "
            + "result "
            + dialect.clobType()
            + ")",
        "CREATE TABLE IF NOT EXISTS role_versions ("
            + "role VARCHAR(255) NOT NULL PRIMARY KEY, "
            + "version INTEGER NOT NULL, "
            + "expires BIGINT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS signing_sessions ("
            + "role VARCHAR(255) NOT NULL PRIMARY KEY, "
            + "json "
            + dialect.clobType()
            + " NOT NULL)",
        "CREATE TABLE IF NOT EXISTS leases ("
            + "name VARCHAR(255) NOT NULL PRIMARY KEY, "
            + "owner VARCHAR(255) NOT NULL, "
            + "token BIGINT NOT NULL, "
            + "expires BIGINT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS counters ("
            + "name VARCHAR(64) NOT NULL PRIMARY KEY, "
            + "last_value BIGINT NOT NULL)");
  }

  /** Creates missing tables and counters; returns whether the counter row had to be created. */
  static boolean create(Connection connection, SqlDialect dialect) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      for (String ddl : tables(dialect)) {
        statement.execute(ddl);
      }
    }
    try (PreparedStatement select =
        connection.prepareStatement("SELECT last_value FROM counters WHERE name = ?")) {
      select.setString(1, LEASE_TOKEN_COUNTER);
      try (ResultSet rs = select.executeQuery()) {
        if (rs.next()) {
          return false;
        }
      }
    }
    try (PreparedStatement insert =
        connection.prepareStatement("INSERT INTO counters (name, last_value) VALUES (?, 0)")) {
      insert.setString(1, LEASE_TOKEN_COUNTER);
      insert.executeUpdate();
    }
    return true;
  }
}
