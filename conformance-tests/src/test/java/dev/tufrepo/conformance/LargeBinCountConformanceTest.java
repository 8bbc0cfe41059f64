package dev.tufrepo.conformance;

import static dev.tufrepo.conformance.Clients.assertAllCurrent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 16,384 bins (PEP 458's size), read by every client from root v1.
 *
 * <p>One client session only: tuf-js 5.0.1 builds snapshot {@code meta} with an object spread
 * inside {@code reduce} ({@code @tufjs/models/dist/snapshot.js} {@code metaFromJSON} and {@code
 * metaToJSON}), which is quadratic in the number of entries. On this 2-core machine a 4,096-entry
 * snapshot took 4.2 s to parse and 4.5 s to re-serialize for its signature check, so one refresh of
 * a 16,384-bin snapshot costs minutes of CPU, and twice that with a cached snapshot (tuf-js checks
 * the cached one and then the new one). The session gets a long timeout; it runs concurrently with
 * the other test classes.
 */
@Order(1)
class LargeBinCountConformanceTest {
  @TempDir Path dir;

  @Test
  void addArtifacts_16384Bins_everyClientDownloadsThemThroughTheBins() {
    try (ConformanceRepository repo = ConformanceRepository.bootstrapped(dir, 16384);
        Clients clients = Clients.start(dir.resolve("clients"), Duration.ofMinutes(8))) {
      List<String> paths = new ArrayList<>(ConformanceRepository.paths("big", 0, 40));
      repo.add(paths);
      List<String> more = ConformanceRepository.paths("big2", 40, 24);
      repo.add(more);
      repo.add(paths.subList(0, 4), 1);
      paths.addAll(more);
      List<ClientRun> runs = clients.update(repo, clients.newSessions(repo));
      assertAllCurrent("16,384 bins", repo, runs);
      ArtifactsConformanceTest.assertDownloaded(runs, paths);
    }
  }
}
