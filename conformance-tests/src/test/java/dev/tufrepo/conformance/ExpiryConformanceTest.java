package dev.tufrepo.conformance;

import static dev.tufrepo.conformance.Clients.assertAllCurrent;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.engine.PublishResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's expiry refresh across jumps of the clock, checked by clients living at that time.
 */
class ExpiryConformanceTest {
  @TempDir Path dir;

  @Test
  void clockJump_refreshResignsWhatExpires_clientsAcceptAtTheNewTime() {
    try (ConformanceRepository repo = ConformanceRepository.bootstrapped(dir, 16);
        Clients clients = Clients.start(dir.resolve("clients"))) {
      var sessions = clients.newSessions(repo);
      List<String> paths = ConformanceRepository.paths("exp", 0, 8);
      repo.add(paths);
      assertAllCurrent("before the jump", repo, clients.update(repo, sessions));

      // 3 days: timestamp, snapshot and every bin (1 day each) have expired
      repo.clock().advance(Duration.ofDays(3));
      int binsBefore = repo.version("bins-0");
      PublishResult refreshed = repo.refresh();
      assertTrue(refreshed.refreshed() >= 16, refreshed.toString());
      assertTrue(repo.version("bins-0") > binsBefore);
      assertAllCurrent("3 days later, same sessions", repo, clients.update(repo, sessions));

      // 300 days: the top-level targets (365 days) are due as well
      repo.clock().advance(Duration.ofDays(297));
      int targetsBefore = repo.version("targets");
      repo.refresh();
      assertTrue(repo.version("targets") > targetsBefore, "targets re-signed");
      assertAllCurrent("300 days later, same sessions", repo, clients.update(repo, sessions));
      assertAllCurrent(
          "300 days later, from root v1", repo, clients.update(repo, clients.newSessions(repo)));
    }
  }
}
