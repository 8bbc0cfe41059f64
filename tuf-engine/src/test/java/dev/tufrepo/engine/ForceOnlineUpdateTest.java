package dev.tufrepo.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.json.JsonArray;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code force_online_metadata_update} with every combination of roles (issue 7 item 3). */
class ForceOnlineUpdateTest {
  @TempDir Path dir;
  TestRepository repo;
  RepositoryEngine engine;
  int tasks;

  @AfterEach
  void close() {
    if (engine != null) {
      engine.close();
    }
    if (repo != null) {
      repo.close();
    }
  }

  String task() {
    return String.format("%032x", ++tasks);
  }

  @Test
  void everyCombinationOfOnlineRoles_bumpsThemAndKeepsTheRepositoryValid() {
    repo = new TestRepository(dir);
    engine = repo.engine();
    assertTrue(engine.bootstrap(task(), repo.bootstrapRequest(8)).status());
    engine.submit(ArtifactBatch.add(TestRepository.artifacts("f", 0, 20)));
    engine.publish();
    PublishedFiles files = new PublishedFiles(repo.metadata);
    List<String> all = List.of("targets", "bins", "snapshot", "timestamp");
    for (int mask = 0; mask < 16; mask++) {
      Set<String> roles = new TreeSet<>();
      for (int i = 0; i < 4; i++) {
        if ((mask & (1 << i)) != 0) {
          roles.add(all.get(i));
        }
      }
      String id = task();
      TaskResult r = engine.forceOnlineUpdate(id, roles);
      assertTrue(r.status(), roles + " " + r);
      assertEquals("Force new online metadata update succeeded", r.message());
      assertEquals(TaskStates.SUCCESS, engine.task(id).orElseThrow().state());
      List<String> updated = new ArrayList<>();
      ((JsonArray) r.details().get("updated_roles"))
          .values()
          .forEach(v -> updated.add(((dev.tufrepo.json.JsonString) v).value()));
      Set<String> expected = new TreeSet<>(roles.isEmpty() ? all : roles);
      expected.add("timestamp"); // every forced change ends in a new timestamp
      if (!expected.equals(Set.of("timestamp"))) {
        expected.add("snapshot");
      }
      assertEquals(new ArrayList<>(expected), updated, "forced " + roles);
      assertEquals(List.of(), repo.verify().problems(), "forced " + roles);
      files.assertNoVersionedFileChanged("forced " + roles);
    }
    assertEquals(20, repo.verify().targetCount());
  }

  @Test
  void unknownRole_isRefused_andBeforeBootstrapTheTaskIsErrored() {
    repo = new TestRepository(dir);
    engine = repo.engine();
    TaskResult r = engine.forceOnlineUpdate(task(), Set.of("targets"));
    assertFalse(r.status());
    assertEquals("New metadata updates requre completed bootstrap", r.error());
    assertTrue(engine.bootstrap(task(), repo.bootstrapRequest(8)).status());
    assertThrows(
        InvalidRequestException.class, () -> engine.forceOnlineUpdate(task(), Set.of("root")));
    assertThrows(
        InvalidRequestException.class, () -> engine.forceOnlineUpdate(task(), Set.of("../x")));
  }
}
