package dev.tufrepo.storage.jdbc;

import dev.tufrepo.storage.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.h2.jdbcx.JdbcConnectionPool;

/** The embedded H2 2.x database behind {@link JdbcStateStore#h2(Path)}. */
final class H2 {
  /** The directory under the data directory that holds the database files. */
  static final String DIRECTORY = "state";

  /** The database name: its main file is {@code state/tufrepo.mv.db}. */
  static final String DATABASE = "tufrepo";

  private static final int MAX_CONNECTIONS = 8;

  /**
   * Settings appended to the URL.
   *
   * <ul>
   *   <li>{@code WRITE_DELAY=0}: by default H2's MVStore writes committed changes to its file from
   *       a background thread up to 500 ms later, so a {@code kill -9} loses acknowledged commits.
   *       With 0 the background writer is off and every commit that changed something writes the
   *       store to the file (the OS page cache) before {@code commit()} returns. It does not call
   *       fsync: a power failure can still lose the last commits, a killed JVM cannot.
   *   <li>{@code NON_KEYWORDS=KEY,VALUE}: lets the portable SQL name the settings columns {@code
   *       key} and {@code value}, as PostgreSQL allows.
   *   <li>{@code LOCK_TIMEOUT=10000}: a transaction waits up to 10 s for a row another one holds
   *       (the default, 1 s, is shorter than a large publish commit may take).
   *   <li>{@code DB_CLOSE_ON_EXIT=FALSE}: {@link JdbcStateStore#close()} closes the database, not a
   *       shutdown hook that may run while the application still uses it.
   *   <li>{@code MAX_LENGTH_INPLACE_LOB=8192}: task results (a {@code CLOB}) up to 8 KiB are kept
   *       in the row instead of H2's separate LOB maps (the default is 256 bytes). A task result of
   *       a 10-artifact request is about 500 bytes; a publish that ends 1,000 such tasks took
   *       100-120 ms to upsert and commit them with the default and 25-33 ms with this. Larger
   *       results (batches of hundreds of artifacts) still go to the LOB maps.
   * </ul>
   */
  static final String URL_SETTINGS =
      ";WRITE_DELAY=0;NON_KEYWORDS=KEY,VALUE;LOCK_TIMEOUT=10000;DB_CLOSE_ON_EXIT=FALSE"
          + ";MAX_LENGTH_INPLACE_LOB=8192";

  private H2() {}

  static String url(Path dataDir) {
    Path base = dataDir.toAbsolutePath().normalize().resolve(DIRECTORY).resolve(DATABASE);
    String path = base.toString();
    if (path.indexOf(';') >= 0) {
      throw new IllegalArgumentException("the data directory path must not contain ';': " + path);
    }
    return "jdbc:h2:file:" + path + URL_SETTINGS;
  }

  static JdbcStateStore.Builder builder(Path dataDir) {
    Objects.requireNonNull(dataDir, "dataDir");
    String url = url(dataDir);
    try {
      Files.createDirectories(dataDir.resolve(DIRECTORY));
    } catch (IOException e) {
      throw new StorageException("state store: could not create " + dataDir.resolve(DIRECTORY), e);
    }
    JdbcConnectionPool pool = JdbcConnectionPool.create(url, "sa", "");
    pool.setMaxConnections(MAX_CONNECTIONS);
    return JdbcStateStore.builder(pool, SqlDialect.h2()).onClose(pool::dispose);
  }
}
