package dev.tufrepo.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.engine.internal.BatchCodec;
import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonArray;
import dev.tufrepo.json.JsonBoolean;
import dev.tufrepo.json.JsonNull;
import dev.tufrepo.json.JsonNumber;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonString;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.Targets;
import dev.tufrepo.storage.TaskRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bootstrap lock, task bookkeeping, settings, config and the publish flag (issue 7, engine). */
class LifecycleBasicsTest {
  private static final String TASK = "0123456789abcdef0123456789abcdef";
  @TempDir Path dir;
  private TestRepository repo;
  private RepositoryEngine engine;

  @AfterEach
  void close() {
    if (engine != null) {
      engine.close();
    }
    if (repo != null) {
      repo.close();
    }
  }

  private void bootstrapped(RepositoryEngine.Builder b) {
    repo = repo == null ? new TestRepository(dir) : repo;
    engine = b == null ? repo.engine() : b.build();
    assertTrue(engine.bootstrap(repo.bootstrapRequest(16)).status());
  }

  static JsonObject result(TaskRecord t) {
    return (JsonObject) Json.parse(t.result());
  }

  @Test
  void lockBootstrap_isTakenOnce_andBootstrapRunsUnderIt() {
    repo = new TestRepository(dir);
    engine = repo.engine();
    assertTrue(engine.lockBootstrap(TASK));
    assertEquals("pre-" + TASK, engine.bootstrapState().orElseThrow());
    assertFalse(engine.lockBootstrap("ffffffffffffffffffffffffffffffff"));
    TaskResult r = engine.bootstrap(TASK, repo.bootstrapRequest(16));
    assertTrue(r.status(), r.toString());
    assertEquals(TASK, engine.bootstrapState().orElseThrow());
    assertFalse(engine.lockBootstrap("ffffffffffffffffffffffffffffffff"));
  }

  @Test
  void engineStartedBeforeAnotherBootstrapped_seesTheCommittedRepositoryInEveryTaskMethod() {
    repo = new TestRepository(dir);
    engine = repo.engine();
    try (RepositoryEngine other = repo.engine()) {
      assertFalse(other.isBootstrapped());
      assertTrue(engine.bootstrap(repo.bootstrapRequest(16)).status());
      // "other" never ran the bootstrap (another node, or a client polling the task result)
      assertTrue(other.isBootstrapped());
      assertTrue(other.settings().isPresent());
      TaskResult s = other.updateSettings(TASK, Map.of("targets", 30));
      assertTrue(s.status(), s.toString());
      TaskResult f = other.forceOnlineUpdate("1" + TASK.substring(1), java.util.Set.of("snapshot"));
      assertTrue(f.status(), f.toString());
    }
  }

  @Test
  void releaseBootstrapLock_clearsOnlyItsOwnPreLock() {
    repo = new TestRepository(dir);
    engine = repo.engine();
    assertTrue(engine.lockBootstrap(TASK));
    engine.releaseBootstrapLock("ffffffffffffffffffffffffffffffff");
    assertEquals("pre-" + TASK, engine.bootstrapState().orElseThrow());
    engine.releaseBootstrapLock(TASK);
    assertTrue(engine.bootstrapState().isEmpty());
    assertTrue(engine.bootstrap(TASK, repo.bootstrapRequest(16)).status());
    engine.releaseBootstrapLock(TASK);
    assertEquals(TASK, engine.bootstrapState().orElseThrow(), "a finished bootstrap stays");
  }

  @Test
  void taskReceived_recordsTheReceivedState() {
    repo = new TestRepository(dir);
    engine = repo.engine();
    engine.taskReceived(TASK, "metadata_update");
    TaskRecord t = engine.task(TASK).orElseThrow();
    assertEquals(TaskStates.RECEIVED, t.state());
    assertEquals("metadata_update", t.name());
  }

  @Test
  void updateSettings_changesTheNextVersionsExpiry_andListsInvalidRoles() {
    bootstrapped(null);
    TaskResult r =
        engine.updateSettings(TASK, Map.of("targets", 30, "bins", 2, "nosuch", 3, "snapshot", 0));
    assertTrue(r.status(), r.toString());
    assertEquals("Update Settings Succeded", r.message());
    assertEquals(List.of("bins", "targets"), strings((JsonArray) r.details().get("updated_roles")));
    assertEquals(
        List.of("nosuch", "snapshot"), strings((JsonArray) r.details().get("invalid_roles")));
    assertEquals(TaskStates.SUCCESS, engine.task(TASK).orElseThrow().state());
    assertEquals(
        30, engine.config().get("targets_expiration") instanceof JsonNumber n ? n.value() : -1);
    engine.forceUpdate(java.util.Set.of("targets"));
    Metadata<Targets> t = Metadata.parseTargets(repo.metadata.read("2.targets.json").orElseThrow());
    assertEquals(repo.clock.instant().plus(Duration.ofDays(30)), t.signed().expires());
    // survives a restart
    engine.close();
    engine = repo.engine();
    assertEquals(30, engine.settings().orElseThrow().expirationDays().get("targets"));
  }

  @Test
  void updateSettings_withoutRoles_isErrored() {
    bootstrapped(null);
    TaskResult r = engine.updateSettings(TASK, Map.of());
    assertFalse(r.status());
    assertEquals("No role provided for expiration policy change", r.error());
    assertEquals(TaskStates.ERRORED, engine.task(TASK).orElseThrow().state());
  }

  @Test
  void config_reportsRstufSettings() {
    bootstrapped(null);
    Map<String, JsonValue> c = engine.config();
    assertEquals(new JsonNumber(16), c.get("number_of_delegated_bins"));
    assertEquals(new JsonNumber(365), c.get("root_expiration"));
    assertEquals(new JsonNumber(2), c.get("root_threshold"));
    assertEquals(new JsonNumber(1), c.get("bins_expiration"));
    assertEquals(JsonBoolean.of(true), c.get("targets_online_key"));
    assertTrue(c.get("bootstrap") instanceof JsonString);
    assertTrue(engine.usesSuccinctBins());
  }

  @Test
  void batchWithPublishFalse_isQueuedButNotAutoPublished_untilPublishTask() throws Exception {
    repo = new TestRepository(dir);
    bootstrapped(repo.engineBuilder().autoPublish(Duration.ofMillis(20)));
    engine.submit(
        "a0000000000000000000000000000000",
        ArtifactBatch.add(TestRepository.artifacts("p", 0, 3)).withPublish(false));
    Thread.sleep(300);
    assertEquals(1, engine.queueDepth(), "publish=false does not trigger a publish");
    assertEquals(
        TaskStates.PENDING, engine.task("a0000000000000000000000000000000").orElseThrow().state());
    TaskResult r = engine.publishTask(TASK);
    assertTrue(r.status());
    assertEquals("Publish Artifacts Processed", r.message());
    assertFalse(strings((JsonArray) r.details().get("artifact_roles")).isEmpty());
    assertEquals(0, engine.queueDepth());
    assertEquals(
        TaskStates.SUCCESS, engine.task("a0000000000000000000000000000000").orElseThrow().state());
    assertEquals(3, repo.verify().targetCount());
    TaskResult empty = engine.publishTask("b0000000000000000000000000000000");
    assertEquals(JsonNull.INSTANCE, empty.details().get("artifact_roles"));
  }

  @Test
  void batchCodec_readsBatchesQueuedBeforeThePublishFlag_asPublished() {
    byte[] old =
        "{\"add\":[],\"remove\":[\"a/b\"],\"task_id_in_custom\":false}"
            .getBytes(StandardCharsets.UTF_8);
    assertTrue(BatchCodec.decode(old).publish());
    ArtifactBatch quiet = ArtifactBatch.remove(List.of("a/b")).withPublish(false);
    assertEquals(quiet, BatchCodec.decode(BatchCodec.encode(quiet)));
    ArtifactBatch loud = ArtifactBatch.remove(List.of("a/b"));
    assertEquals(loud, BatchCodec.decode(BatchCodec.encode(loud)));
  }

  static List<String> strings(JsonArray a) {
    return a.values().stream().map(v -> ((JsonString) v).value()).toList();
  }
}
