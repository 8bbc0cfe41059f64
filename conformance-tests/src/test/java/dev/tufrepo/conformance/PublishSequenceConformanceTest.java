package dev.tufrepo.conformance;

import static dev.tufrepo.conformance.Clients.assertAllCurrent;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many publishes in a row, with the clients following every one of them. */
class PublishSequenceConformanceTest {
  static final int PUBLISHES = 50;

  @TempDir Path dir;

  @Test
  void fiftyPublishes_clientsRefreshBetweenThem_andOnceMoreFromRootV1() {
    try (ConformanceRepository repo = ConformanceRepository.bootstrapped(dir, 16);
        Clients clients = Clients.start(dir.resolve("clients"))) {
      Map<TufClient, Session> sessions = clients.newSessions(repo);
      int firstTimestamp = repo.version("timestamp");
      int firstTargets = repo.version("targets");
      for (int i = 0; i < PUBLISHES; i++) {
        List<String> paths = ConformanceRepository.paths("seq", 2 * i, 2);
        repo.add(paths);
        if (i % 10 == 9) {
          // re-sign the top-level targets too, so sigstore-java walks a targets chain as well
          repo.engine.forceUpdate(Set.of("targets"));
        }
        int step = i;
        List<ClientRun> runs =
            clients.each(
                c -> c.update(sessions.get(c), repo.clock().instant(), repo.expectation(c, paths)));
        assertAllCurrent("publish " + (step + 1), repo, runs);
        repo.clock().advance(Duration.ofMinutes(7));
      }
      assertEquals(firstTimestamp + PUBLISHES + PUBLISHES / 10, repo.version("timestamp"));
      assertEquals(firstTargets + PUBLISHES / 10, repo.version("targets"));
      // a client that trusts only root v1 catches up in one go and finds all 100 artifacts
      List<ClientRun> runs = clients.update(repo, clients.newSessions(repo));
      assertAllCurrent("from root v1", repo, runs);
      ArtifactsConformanceTest.assertDownloaded(
          runs, ConformanceRepository.paths("seq", 0, 2 * PUBLISHES));
    }
  }
}
