package dev.tufrepo.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.model.TargetFile;
import dev.tufrepo.model.internal.Sha256;
import dev.tufrepo.storage.StorageException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BulkImportTest {
  @TempDir Path dir;

  /**
   * {@code rows} split into {@code 2^partBits} parts by the top bits of their bin, row order kept.
   */
  static List<List<Artifact>> parts(List<Artifact> rows, int partBits) {
    List<List<Artifact>> parts = new ArrayList<>();
    for (int p = 0; p < 1 << partBits; p++) {
      parts.add(new ArrayList<>());
    }
    for (Artifact a : rows) {
      int prefix = Sha256.prefix32(a.path());
      parts.get(partBits == 0 ? 0 : prefix >>> (32 - partBits)).add(a);
    }
    return parts;
  }

  @Test
  void importArtifacts_partsOfDisjointBins_publishOneSnapshot_andVerify() {
    try (TestRepository repo = new TestRepository(dir);
        RepositoryEngine engine = repo.engine()) {
      engine.bootstrap(repo.bootstrapRequest(16));
      List<Artifact> rows = TestRepository.artifacts("p", 0, 2000);
      PublishResult r = engine.importArtifacts(parts(rows, 2).iterator());
      assertEquals(2000, r.added());
      assertEquals(16, r.rolesSigned());
      assertEquals(2, r.snapshotVersion());
      assertEquals(2, r.timestampVersion());
      RepositoryVerifier.Report rep = repo.verify();
      assertTrue(rep.ok(), rep.problems()::toString);
      assertEquals(2000, rep.targetCount());
      for (Artifact a : rows) {
        assertEquals(a.info(), rep.targets().get(a.path()), a.path());
      }
      assertEquals(0, engine.queueDepth(), "the durable queue is not used");
    }
  }

  @Test
  void importArtifacts_samePathTwiceInAPart_keepsTheLastRow() {
    try (TestRepository repo = new TestRepository(dir);
        RepositoryEngine engine = repo.engine()) {
      engine.bootstrap(repo.bootstrapRequest(4));
      Artifact first = TestRepository.artifact("a/b", 1);
      Artifact last = TestRepository.artifact("a/b", 2);
      PublishResult r = engine.importArtifacts(List.of(List.of(first, last)).iterator());
      assertEquals(1, r.added());
      assertEquals(last.info(), repo.verify().targets().get("a/b"));
    }
  }

  @Test
  void
      importArtifacts_storageFailsMidway_leavesThePublishedRepositoryUnchanged_andARerunSucceeds() {
    try (TestRepository repo = new TestRepository(dir)) {
      FailingMetadataStore failing = new FailingMetadataStore(repo.metadata);
      repo.metadata = failing;
      try (RepositoryEngine engine = repo.engine()) {
        engine.bootstrap(repo.bootstrapRequest(16));
        engine.submit(ArtifactBatch.add(TestRepository.artifacts("before", 0, 10)));
        engine.publish();
        byte[] timestamp = failing.read("timestamp.json").orElseThrow();
        List<Artifact> rows = TestRepository.artifacts("p", 0, 500);
        List<List<Artifact>> parts = parts(rows, 2);
        Iterator<List<Artifact>> failOnThirdWrite =
            new Iterator<>() {
              int i;

              @Override
              public boolean hasNext() {
                return i < parts.size();
              }

              @Override
              public List<Artifact> next() {
                if (i == 2) {
                  failing.failNextVersionedWrite = true; // the write of part 1 fails
                }
                return parts.get(i++);
              }
            };
        assertThrows(StorageException.class, () -> engine.importArtifacts(failOnThirdWrite));
        assertArrayEquals(timestamp, failing.read("timestamp.json").orElseThrow());
        RepositoryVerifier.Report rep = repo.verify();
        assertTrue(rep.ok(), rep.problems()::toString);
        assertEquals(10, rep.targetCount(), "nothing of the failed import is visible");

        PublishResult r = engine.importArtifacts(parts.iterator());
        assertEquals(500, r.added());
        rep = repo.verify();
        assertTrue(rep.ok(), rep.problems()::toString);
        assertEquals(510, rep.targetCount());
      }
    }
  }

  @Test
  void importArtifacts_inputFailsMidway_publishesNothing_andARerunSucceeds() {
    try (TestRepository repo = new TestRepository(dir);
        RepositoryEngine engine = repo.engine()) {
      engine.bootstrap(repo.bootstrapRequest(16));
      List<List<Artifact>> parts = parts(TestRepository.artifacts("p", 0, 300), 2);
      Iterator<List<Artifact>> broken =
          new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
              return true;
            }

            @Override
            public List<Artifact> next() {
              if (i == 3) {
                throw new IllegalStateException("input truncated");
              }
              return parts.get(i++);
            }
          };
      assertThrows(IllegalStateException.class, () -> engine.importArtifacts(broken));
      assertEquals(1, repo.verify().snapshotVersion());
      assertEquals(0, repo.verify().targetCount());
      engine.importArtifacts(parts.iterator());
      assertEquals(300, repo.verify().targetCount());
      assertEquals(2, repo.verify().snapshotVersion());
    }
  }

  @Test
  void importArtifacts_sameRowsAgain_replacesChangedEntries_andUnchangedRowsPublishNothing() {
    try (TestRepository repo = new TestRepository(dir);
        RepositoryEngine engine = repo.engine()) {
      engine.bootstrap(repo.bootstrapRequest(8));
      List<Artifact> rows = TestRepository.artifacts("p", 0, 400);
      engine.importArtifacts(parts(rows, 1).iterator());
      assertTrue(engine.importArtifacts(parts(rows, 1).iterator()).isEmpty());

      List<Artifact> changed = new ArrayList<>(rows);
      changed.set(7, TestRepository.artifact(rows.get(7).path(), 99));
      PublishResult r = engine.importArtifacts(parts(changed, 1).iterator());
      assertEquals(1, r.rolesSigned(), "only the bin of the changed row is signed anew");
      RepositoryVerifier.Report rep = repo.verify();
      assertTrue(rep.ok(), rep.problems()::toString);
      assertEquals(400, rep.targetCount());
      assertEquals(changed.get(7).info(), rep.targets().get(rows.get(7).path()));
      assertEquals(3, rep.snapshotVersion());
    }
  }

  @Test
  void importArtifacts_overlappingParts_areRefused_andNothingIsVisible() {
    try (TestRepository repo = new TestRepository(dir);
        RepositoryEngine engine = repo.engine()) {
      engine.bootstrap(repo.bootstrapRequest(4));
      List<Artifact> a = List.of(TestRepository.artifact("x/1", 1));
      List<Artifact> b = List.of(TestRepository.artifact("x/1", 2));
      InvalidRequestException e =
          assertThrows(
              InvalidRequestException.class,
              () -> engine.importArtifacts(List.of(a, b).iterator()));
      assertEquals("parts", e.field());
      assertEquals(0, repo.verify().targetCount());
    }
  }

  @Test
  void importArtifacts_invalidArtifact_namesFieldAndPath_andNothingIsVisible() {
    try (TestRepository repo = new TestRepository(dir);
        RepositoryEngine engine = repo.engine()) {
      engine.bootstrap(repo.bootstrapRequest(4));
      List<Artifact> rows = new ArrayList<>(TestRepository.artifacts("ok", 0, 50));
      rows.add(new Artifact("bad", new TargetFile(1, Map.of("sha256", "ABC"))));
      InvalidRequestException e =
          assertThrows(
              InvalidRequestException.class,
              () -> engine.importArtifacts(List.of(rows).iterator()));
      assertEquals("info.hashes.sha256", e.field());
      assertTrue(e.reason().contains("\"bad\""), e.reason());
      assertEquals(1, repo.verify().snapshotVersion());
    }
  }
}
