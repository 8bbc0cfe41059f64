package dev.tufrepo.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** The bulk import publishes the same targets as the durable queue and an ordinary publish. */
class BulkImportProperties {

  /** Row {@code n} of a path, with content seed {@code seed}: repeated paths take the last row. */
  record Row(int n, int seed) {}

  @Provide
  Arbitrary<List<Row>> rows() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 300), Arbitraries.integers().between(0, 3))
        .as(Row::new)
        .list()
        .ofMinSize(1)
        .ofMaxSize(400);
  }

  @Property(tries = 15)
  void bulkImport_publishesTheSameTargetsAsSubmitAndPublish(
      @ForAll("rows") List<Row> existing,
      @ForAll("rows") List<Row> imported,
      @ForAll @IntRange(min = 1, max = 4) int bitLength,
      @ForAll @IntRange(min = 0, max = 3) int partBits)
      throws IOException {
    Map<String, dev.tufrepo.model.TargetFile> viaQueue =
        publishThroughQueue(existing, imported, bitLength);
    Map<String, dev.tufrepo.model.TargetFile> viaImport =
        publishThroughImport(existing, imported, bitLength, Math.min(partBits, bitLength));
    assertEquals(viaQueue, viaImport);
  }

  private static List<Artifact> artifacts(List<Row> rows) {
    List<Artifact> out = new ArrayList<>();
    for (Row r : rows) {
      out.add(TestRepository.artifact("p/" + r.n(), r.seed()));
    }
    return out;
  }

  /** The queue refuses a path twice in a batch: keep the last row of each path, in row order. */
  private static List<Artifact> lastRowPerPath(List<Artifact> rows) {
    Map<String, Artifact> last = new LinkedHashMap<>();
    for (Artifact a : rows) {
      last.remove(a.path());
      last.put(a.path(), a);
    }
    return new ArrayList<>(last.values());
  }

  private static Map<String, dev.tufrepo.model.TargetFile> publishThroughQueue(
      List<Row> existing, List<Row> imported, int bitLength) throws IOException {
    Path dir = Files.createTempDirectory("tufrepo-bulk-q");
    try (TestRepository repo = new TestRepository(dir);
        RepositoryEngine engine = repo.engine()) {
      engine.bootstrap(repo.bootstrapRequest(1 << bitLength));
      engine.submit(ArtifactBatch.add(lastRowPerPath(artifacts(existing))));
      engine.publish();
      engine.submit(ArtifactBatch.add(lastRowPerPath(artifacts(imported))));
      engine.publish();
      RepositoryVerifier.Report rep = repo.verify();
      assertTrue(rep.ok(), rep.problems()::toString);
      return rep.targets();
    }
  }

  private static Map<String, dev.tufrepo.model.TargetFile> publishThroughImport(
      List<Row> existing, List<Row> imported, int bitLength, int partBits) throws IOException {
    Path dir = Files.createTempDirectory("tufrepo-bulk-i");
    try (TestRepository repo = new TestRepository(dir);
        RepositoryEngine engine = repo.engine()) {
      engine.bootstrap(repo.bootstrapRequest(1 << bitLength));
      engine.submit(ArtifactBatch.add(lastRowPerPath(artifacts(existing))));
      engine.publish();
      engine.importArtifacts(BulkImportTest.parts(artifacts(imported), partBits).iterator());
      RepositoryVerifier.Report rep = repo.verify();
      assertTrue(rep.ok(), rep.problems()::toString);
      return rep.targets();
    }
  }
}
