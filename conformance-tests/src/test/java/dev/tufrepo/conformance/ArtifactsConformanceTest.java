package dev.tufrepo.conformance;

import static dev.tufrepo.conformance.Clients.assertAllCurrent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Artifacts added and removed through the engine, looked up and downloaded by every client. The
 * 16,384-bin case is {@link LargeBinCountConformanceTest}.
 */
class ArtifactsConformanceTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0} bins")
  @ValueSource(ints = {2, 16, 256})
  void addArtifacts_everyClientDownloadsThemThroughTheBins(int bins) {
    try (ConformanceRepository repo = ConformanceRepository.bootstrapped(dir, bins);
        Clients clients = Clients.start(dir.resolve("clients"))) {
      Map<TufClient, Session> sessions = clients.newSessions(repo);
      List<String> first = ConformanceRepository.paths("first", 0, 40);
      repo.add(first);
      List<ClientRun> runs = clients.update(repo, sessions);
      assertAllCurrent("first publish", repo, runs);
      assertDownloaded(runs, first);

      // same sessions: more artifacts, and four existing ones with new content
      List<String> second = new ArrayList<>(ConformanceRepository.paths("second", 40, 24));
      repo.add(second);
      List<String> changed = first.subList(0, 4);
      repo.add(changed, 1);
      runs = clients.update(repo, sessions);
      assertAllCurrent("second and third publish", repo, runs);
      assertDownloaded(runs, second);
      assertDownloaded(runs, changed);
    }
  }

  @Test
  void removeArtifacts_clientsNoLongerFindThem() {
    try (ConformanceRepository repo = ConformanceRepository.bootstrapped(dir, 16);
        Clients clients = Clients.start(dir.resolve("clients"))) {
      Map<TufClient, Session> sessions = clients.newSessions(repo);
      List<String> paths = ConformanceRepository.paths("rm", 0, 24);
      repo.add(paths);
      assertAllCurrent("added", repo, clients.update(repo, sessions));

      List<String> gone = paths.subList(0, 12);
      var result = repo.remove(gone);
      assertEquals(12, result.removed());
      // the same sessions, and new ones from root v1: removed artifacts are not found, the others
      // are
      List<ClientRun> runs = clients.update(repo, sessions);
      assertAllCurrent("removed, same sessions", repo, runs);
      assertDownloaded(runs, paths.subList(12, 24));
      assertAllCurrent(
          "removed, new sessions", repo, clients.update(repo, clients.newSessions(repo)));
    }
  }

  /** Every client that follows delegations downloaded {@code paths}; every client the top level. */
  static void assertDownloaded(List<ClientRun> runs, List<String> paths) {
    assertDownloaded(runs, ConformanceRepository.TOP_LEVEL, paths);
  }

  /** As above, with {@code topLevel} as the top-level target every client must have downloaded. */
  static void assertDownloaded(List<ClientRun> runs, String topLevel, List<String> paths) {
    for (ClientRun r : runs) {
      assertTrue(r.downloaded().contains(topLevel), r.toString());
      if (r.client().equals("tuf-js")) {
        assertTrue(r.downloaded().containsAll(paths), r.toString());
      }
    }
  }
}
