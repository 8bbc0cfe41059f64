package dev.tufrepo.storage.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.storage.Lease;
import dev.tufrepo.storage.StateStore;
import dev.tufrepo.storage.StateStoreContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class H2StateStoreTest extends StateStoreContract {

  @Override
  protected StateStore newStore(Path tempDir) {
    return JdbcStateStore.h2(tempDir);
  }

  @Test
  void h2_databaseLivesInStateDirectory() {
    store.putSettings(Map.of("a", "b"));
    assertTrue(Files.isRegularFile(tempDir.resolve("state").resolve("tufrepo.mv.db")));
  }

  @Test
  void h2_urlAsksForWritesOnEveryCommit() {
    String url = H2.url(tempDir);
    assertTrue(url.startsWith("jdbc:h2:file:"), url);
    assertTrue(url.contains(";WRITE_DELAY=0"), url);
  }

  @Test
  void h2_pathWithSemicolon_refused() {
    assertThrows(IllegalArgumentException.class, () -> H2.url(tempDir.resolve("a;MODE=x")));
  }

  @Test
  void close_thenAnyCall_refusedAsClosed() {
    store.close();
    store.close();
    assertThrows(IllegalStateException.class, () -> store.settings());
    store = newStore(tempDir);
  }

  @Test
  void tryAcquire_injectedClock_decidesExpiry() {
    Instant now = Instant.parse("2030-01-01T00:00:00Z");
    store.close();
    store = JdbcStateStore.h2(tempDir, Clock.fixed(now, ZoneOffset.UTC));
    Lease lease = store.tryAcquire("publish", "node-a", Duration.ofSeconds(30)).orElseThrow();
    assertEquals(now.plusSeconds(30), lease.expires());
    assertEquals(Optional.empty(), store.tryAcquire("publish", "node-b", Duration.ofSeconds(30)));
    store.close();

    store = JdbcStateStore.h2(tempDir, Clock.fixed(now.plusSeconds(30), ZoneOffset.UTC));
    Lease takeover = store.tryAcquire("publish", "node-b", Duration.ofSeconds(30)).orElseThrow();
    assertTrue(takeover.token() > lease.token());
  }
}
