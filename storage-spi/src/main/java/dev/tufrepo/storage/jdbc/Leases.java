package dev.tufrepo.storage.jdbc;

import dev.tufrepo.storage.FencingException;
import dev.tufrepo.storage.Lease;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * The SQL of leases and fencing, run inside the caller's transaction.
 *
 * <p>A lease row holds its current owner, token and expiry. A new holder gets the next value of the
 * {@code lease_token} counter row, which is only ever incremented: tokens are unique across lease
 * names and grow with every new holder, also across restarts. Released leases are deleted.
 */
final class Leases {
  private Leases() {}

  /**
   * Takes, renews or refuses lease {@code name} for {@code owner} at time {@code now} (epoch
   * millis). The lease row is locked until the transaction ends. When the row does not exist and
   * another transaction creates it at the same time, the insert fails with a unique violation; the
   * caller retries once.
   */
  static Optional<Lease> acquire(Connection c, String name, String owner, long now, Duration ttl)
      throws SQLException {
    long expires = Math.addExact(now, ttl.toMillis());
    String holder;
    long token;
    long holderExpires;
    try (PreparedStatement ps =
        c.prepareStatement("SELECT owner, token, expires FROM leases WHERE name = ? FOR UPDATE")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          long newToken = nextToken(c);
          Transactions.update(
              c,
              "INSERT INTO leases (name, owner, token, expires) VALUES (?, ?, ?, ?)",
              name,
              owner,
              newToken,
              expires);
          return Optional.of(lease(name, owner, newToken, expires));
        }
        holder = rs.getString(1);
        token = rs.getLong(2);
        holderExpires = rs.getLong(3);
      }
    }
    if (holder.equals(owner)) {
      Transactions.update(c, "UPDATE leases SET expires = ? WHERE name = ?", expires, name);
      return Optional.of(lease(name, owner, token, expires));
    }
    if (holderExpires > now) {
      return Optional.empty();
    }
    long newToken = nextToken(c);
    Transactions.update(
        c,
        "UPDATE leases SET owner = ?, token = ?, expires = ? WHERE name = ?",
        owner,
        newToken,
        expires,
        name);
    return Optional.of(lease(name, owner, newToken, expires));
  }

  private static long nextToken(Connection c) throws SQLException {
    Transactions.update(
        c,
        "UPDATE counters SET last_value = last_value + 1 WHERE name = ?",
        Schema.LEASE_TOKEN_COUNTER);
    try (PreparedStatement ps =
        c.prepareStatement("SELECT last_value FROM counters WHERE name = ?")) {
      ps.setString(1, Schema.LEASE_TOKEN_COUNTER);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("the lease token counter is missing");
        }
        return rs.getLong(1);
      }
    }
  }

  private static Lease lease(String name, String owner, long token, long expiresMillis) {
    return new Lease(name, owner, token, Instant.ofEpochMilli(expiresMillis));
  }

  /** Deletes the lease row if {@code lease} is still its current holder. */
  static void release(Connection c, Lease lease) throws SQLException {
    Transactions.update(
        c,
        "DELETE FROM leases WHERE name = ? AND owner = ? AND token = ?",
        lease.name(),
        lease.owner(),
        lease.token());
  }

  /**
   * Throws {@link FencingException} unless a current lease row holds {@code token}, and locks that
   * row until the transaction ends, so that no takeover can commit in between. Any lease name
   * qualifies: tokens are unique across names, so the row found is the lease the token was issued
   * for ({@code "publish"} for the engine). An expired lease that nobody took over still passes.
   */
  static void checkFencingToken(Connection c, long token) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT name FROM leases WHERE token = ? FOR UPDATE")) {
      ps.setLong(1, token);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new FencingException(
              String.format(
                  Locale.ROOT,
                  "lease token %d is no longer current: another owner took the lease",
                  token));
        }
      }
    }
  }
}
