package dev.tufrepo.conformance;

import static dev.tufrepo.conformance.Clients.assertAllCurrent;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tufrepo.model.KeyScheme;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A repository right after bootstrap, as the engine wrote it, read by every client. */
class BootstrapConformanceTest {
  @TempDir Path dir;

  @Test
  void bootstrapOnly_everyClientRefreshesFromRootV1() {
    try (ConformanceRepository repo = new ConformanceRepository(dir, KeyScheme.ED25519);
        Clients clients = Clients.start(dir.resolve("clients"))) {
      repo.bootstrap(16);
      var sessions = clients.newSessions(repo);
      List<ClientRun> runs =
          clients.each(
              c ->
                  c.update(
                      sessions.get(c),
                      repo.clock().instant(),
                      c.followsDelegations()
                          ? new Expectation(Map.of(), List.of("no/such/artifact.tar.gz"))
                          : Expectation.nothing()));
      assertAllCurrent("bootstrap", repo, runs);
      for (ClientRun r : runs) {
        assertEquals(1, r.version("timestamp"), r.toString());
        assertEquals(1, r.version("snapshot"), r.toString());
        assertEquals(1, r.version("targets"), r.toString());
      }
    }
  }
}
