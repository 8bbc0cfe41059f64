package dev.tufrepo.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.model.MetaFile;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.Snapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention of old consistent-snapshot files (issue 7 item 6, RSTUF #908). */
class RetentionTest {
  @TempDir Path dir;
  TestRepository repo;
  RepositoryEngine engine;
  PublishedFiles files;

  @AfterEach
  void close() {
    if (engine != null) {
      engine.close();
    }
    if (repo != null) {
      repo.close();
    }
  }

  void history(RepositoryEngine.Builder b) throws Exception {
    engine = b.build();
    assertTrue(engine.bootstrap(repo.bootstrapRequest(8)).status());
    files = new PublishedFiles(repo.metadata);
    for (int i = 0; i < 12; i++) {
      repo.clock.advance(Duration.ofHours(1));
      engine.submit(ArtifactBatch.add(TestRepository.artifacts("h" + i, 0, 3)));
      engine.publish();
      files.assertNoVersionedFileChangedOrReappeared("publish " + i);
    }
    // a root rotation: no root is ever deleted
    engine.updateRoot(
        "0000000000000000000000000000000a",
        Metadata.of(
                RootUpdateTest.next(
                    Metadata.parseRoot(repo.trustedRoot()).signed(), repo.rootKeys, 2))
            .signedBy(repo.rootKeys.toArray(new dev.tufrepo.model.PrivateKeySigner[0]))
            .toJson());
  }

  static long count(Map<String, String> files, String suffix) {
    return files.keySet().stream().filter(n -> n.endsWith(suffix)).count();
  }

  @Test
  void prune_keepsRootsCurrentAndReferencedFiles_andChangesNoSurvivingFile() throws Exception {
    repo = new TestRepository(dir);
    history(repo.engineBuilder());
    Map<String, String> before = PublishedFiles.scan(repo.metadata);
    assertEquals(0, engine.pruneOldVersions(2, Duration.ofDays(1)), "everything is younger");
    int deleted = engine.pruneOldVersions(2, Duration.ZERO);
    assertTrue(deleted > 0);
    files.assertNoVersionedFileChangedOrReappeared("prune");
    Map<String, String> after = PublishedFiles.scan(repo.metadata);
    assertEquals(before.size() - deleted, after.size());
    assertEquals(2, count(after, ".root.json"));
    assertEquals(2, count(after, ".snapshot.json"));
    assertTrue(after.containsKey("timestamp.json"));
    // both kept snapshots resolve completely: a client holding the previous timestamp is served
    for (String name : after.keySet()) {
      if (name.endsWith(".snapshot.json")) {
        Snapshot s = Metadata.parseSnapshot(repo.metadata.read(name).orElseThrow()).signed();
        for (Map.Entry<String, MetaFile> e : s.meta().entrySet()) {
          String file = e.getValue().version() + "." + e.getKey();
          assertTrue(after.containsKey(file), name + " references " + file);
        }
      }
    }
    RepositoryVerifier.Report r = repo.verify();
    assertEquals(List.of(), r.problems());
    assertEquals(36, r.targetCount());
    assertEquals(0, engine.pruneOldVersions(2, Duration.ZERO), "idempotent");

    // publishing after a prune still works and never rewrites a survivor
    engine.submit(ArtifactBatch.add(TestRepository.artifacts("later", 0, 3)));
    engine.publish();
    files.assertNoVersionedFileChanged("publish after prune");
    assertEquals(List.of(), repo.verify().problems());
    assertThrows(InvalidRequestException.class, () -> engine.pruneOldVersions(0, Duration.ZERO));
  }

  @Test
  void minAge_keepsVersionsSignedWithinIt() throws Exception {
    repo = new TestRepository(dir);
    history(repo.engineBuilder());
    // snapshots were signed an hour apart: with 5.5 h of minimum age, the last 6 stay
    engine.pruneOldVersions(1, Duration.ofMinutes(330));
    Map<String, String> after = PublishedFiles.scan(repo.metadata);
    assertEquals(6, count(after, ".snapshot.json"), after.keySet().toString());
    assertEquals(List.of(), repo.verify().problems());
  }

  @Test
  void backgroundRetention_prunesOnItsOwn() throws Exception {
    repo = new TestRepository(dir);
    history(repo.engineBuilder().retention(3, Duration.ZERO, Duration.ofMillis(50)));
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (count(PublishedFiles.scan(repo.metadata), ".snapshot.json") > 3
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(3, count(PublishedFiles.scan(repo.metadata), ".snapshot.json"));
    files.assertNoVersionedFileChangedOrReappeared("background retention");
    assertEquals(List.of(), repo.verify().problems());
  }
}
