package dev.tufrepo.conformance;

import static dev.tufrepo.conformance.Clients.assertAllCurrent;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tufrepo.model.KeyScheme;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The online key (targets, snapshot, timestamp, bins) of every type the engine signs with. */
class OnlineKeyTypesConformanceTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @EnumSource(KeyScheme.class)
  void onlineKeyType_everyClientVerifiesEveryRole(KeyScheme scheme) {
    try (ConformanceRepository repo = ConformanceRepository.bootstrapped(dir, scheme, 16);
        Clients clients = Clients.start(dir.resolve("clients"))) {
      assertEquals(scheme, repo.repo.onlineKey.scheme());
      var sessions = clients.newSessions(repo);
      List<String> paths = ConformanceRepository.paths(scheme.keytype(), 0, 12);
      repo.add(paths);
      List<ClientRun> runs = clients.update(repo, sessions);
      assertAllCurrent(scheme.scheme(), repo, runs);
      ArtifactsConformanceTest.assertDownloaded(runs, paths);
      repo.add(ConformanceRepository.paths(scheme.keytype(), 12, 4));
      assertAllCurrent(scheme.scheme() + ", second publish", repo, clients.update(repo, sessions));
    }
  }
}
