package dev.tufrepo.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every role refreshed on its own schedule; warnings for offline roles (issue 7 item 5). */
class ExpiryScheduleTest {
  @TempDir Path dir;
  TestRepository repo;
  RepositoryEngine engine;
  final Map<String, Instant> warned = new ConcurrentHashMap<>();
  final EngineListener listener =
      new EngineListener() {
        @Override
        public void offlineRoleExpiring(String role, Instant expires) {
          warned.put(role, expires);
        }
      };

  @AfterEach
  void close() {
    if (engine != null) {
      engine.close();
    }
    if (repo != null) {
      repo.close();
    }
  }

  @Test
  void idleRepository_withTheRefreshTimer_neverServesAnExpiredRole_andWarnsBeforeRootExpires()
      throws Exception {
    repo = new TestRepository(dir);
    engine =
        repo.engineBuilder()
            .listener(listener)
            .refreshInterval(Duration.ofMillis(20))
            .offlineExpiryWarning(Duration.ofDays(340))
            .build();
    assertTrue(engine.bootstrap(repo.bootstrapRequest(8)).status());
    assertTrue(
        engine.updateSettings("00000000000000000000000000000001", Map.of("targets", 3)).status());
    Instant rootExpires = TestRepository.START.plus(Duration.ofDays(365));
    // 30 simulated days in steps of 6 hours; the timer refreshes whatever is due
    for (int step = 0; step < 30 * 4; step++) {
      repo.clock.advance(Duration.ofHours(6));
      assertEquals(List.of(), verifiedWithinTimerLatency(), "at " + repo.clock.instant());
      if (repo.clock.instant().isBefore(rootExpires.minus(Duration.ofDays(341)))) {
        assertFalse(warned.containsKey("root"), "warned too early, at " + repo.clock.instant());
      }
    }
    waitForTimer();
    assertEquals(rootExpires, warned.get("root"));
  }

  /**
   * The simulated clock jumps 6 hours at once; the timer (every 20 ms) must catch up within a
   * second even on a loaded machine. Returns the problems left after that.
   */
  private List<String> verifiedWithinTimerLatency() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    List<String> problems = repo.verify().problems();
    while (!problems.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
      problems = repo.verify().problems();
    }
    return problems;
  }

  private void waitForTimer() throws InterruptedException {
    // the timer runs every 20 ms; give it a few ticks to see the new time
    Thread.sleep(60);
  }
}
