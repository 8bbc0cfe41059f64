package dev.tufrepo.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonArray;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonString;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.model.DelegatedRole;
import dev.tufrepo.model.KeyScheme;
import dev.tufrepo.model.MetaFile;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.PrivateKeySigner;
import dev.tufrepo.model.Snapshot;
import dev.tufrepo.model.Targets;
import dev.tufrepo.model.Timestamp;
import dev.tufrepo.storage.TaskRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Custom delegations instead of hash bins (issue 7 item 4). */
class CustomDelegationsTest {
  @TempDir Path dir;
  TestRepository repo;
  RepositoryEngine engine;
  PublishedFiles files;
  PrivateKeySigner offline = PrivateKeySigner.generate(KeyScheme.ED25519, RootUpdateTest.RANDOM);
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

  static String role(String name, List<String> keyids, int threshold, String path, int days) {
    StringBuilder ids = new StringBuilder();
    for (String k : keyids) {
      ids.append(ids.length() == 0 ? "" : ",").append('"').append(k).append('"');
    }
    return "{\"name\":\""
        + name
        + "\",\"terminating\":true,\"keyids\":["
        + ids
        + "],\"threshold\":"
        + threshold
        + ",\"paths\":[\""
        + path
        + "\"],\"x-rstuf-expire-policy\":"
        + days
        + "}";
  }

  String payload(String... roles) {
    String key = new String(Json.write(Json.parse(writeKey())), StandardCharsets.UTF_8);
    return "{\"keys\":{\""
        + offline.keyId()
        + "\":"
        + key
        + "},\"roles\":["
        + String.join(",", roles)
        + "]}";
  }

  private byte[] writeKey() {
    dev.tufrepo.json.JsonWriter w = dev.tufrepo.json.JsonWriter.json(256);
    offline.publicKey().writeTo(w);
    return w.toByteArray();
  }

  void bootstrapped(String... roles) {
    repo = new TestRepository(dir);
    engine = repo.engine();
    BootstrapRequest req =
        BootstrapRequest.withDelegations(
            repo.root(2, repo.rootKeys).toJson(),
            Map.of("root", 365, "targets", 365, "snapshot", 1, "timestamp", 1),
            payload(roles).getBytes(StandardCharsets.UTF_8));
    TaskResult r = engine.bootstrap(task(), req);
    assertTrue(r.status(), r.toString());
    files = new PublishedFiles(repo.metadata);
  }

  Targets targets() {
    Metadata<Timestamp> ts =
        Metadata.parseTimestamp(repo.metadata.read("timestamp.json").orElseThrow());
    Metadata<Snapshot> snap =
        Metadata.parseSnapshot(
            repo.metadata
                .read(ts.signed().snapshotMeta().version() + ".snapshot.json")
                .orElseThrow());
    MetaFile m = snap.signed().meta().get("targets.json");
    return Metadata.parseTargets(repo.metadata.read(m.version() + ".targets.json").orElseThrow())
        .signed();
  }

  Snapshot snapshot() {
    Metadata<Timestamp> ts =
        Metadata.parseTimestamp(repo.metadata.read("timestamp.json").orElseThrow());
    return Metadata.parseSnapshot(
            repo.metadata
                .read(ts.signed().snapshotMeta().version() + ".snapshot.json")
                .orElseThrow())
        .signed();
  }

  static List<String> names(Targets t) {
    return t.delegations().roles().stream().map(DelegatedRole::name).toList();
  }

  static List<String> strings(JsonValue v) {
    return ((JsonArray) v).values().stream().map(x -> ((JsonString) x).value()).toList();
  }

  @Test
  void bootstrap_publishesOnlineRolesAtOnce_parksOfflineOnes_andArtifactsGoToTheFirstMatch() {
    bootstrapped(
        role("apps", List.of(), 1, "apps/*", 30),
        role("signed", List.of(offline.keyId()), 1, "deep/*/*", 90),
        role("everything", List.of(), 1, "*/*", 10));
    assertFalse(engine.usesSuccinctBins());
    assertEquals(List.of("apps", "everything"), names(targets()));
    Metadata<Targets> apps = Metadata.parseTargets(repo.metadata.read("1.apps.json").orElseThrow());
    assertEquals(repo.clock.instant().plus(Duration.ofDays(30)), apps.signed().expires());
    assertTrue(engine.hasSigningSession("signed"));
    assertEquals(Set.of("signed", "trusted_targets"), engine.pendingSigning().keySet());
    assertEquals(List.of(), repo.verify().problems());

    String id = task();
    engine.submit(
        id,
        ArtifactBatch.add(
            List.of(
                TestRepository.artifact("apps/a.tgz", 1),
                TestRepository.artifact("deep/b/c.tgz", 2),
                TestRepository.artifact("other/c.tgz", 3),
                TestRepository.artifact("toplevel.tgz", 4))));
    engine.publish();
    JsonObject details =
        (JsonObject)
            ((JsonObject) Json.parse(engine.task(id).orElseThrow().result())).get("details");
    assertEquals(List.of("apps/a.tgz", "other/c.tgz"), strings(details.get("added_artifacts")));
    assertEquals(List.of("apps", "everything"), strings(details.get("artifact_roles")));
    // the offline role is not delegated until signed: no role is trusted for deep/b/c.tgz yet
    assertEquals(List.of("deep/b/c.tgz", "toplevel.tgz"), strings(details.get("invalid_paths")));
    RepositoryVerifier.Report report = repo.verify();
    assertEquals(List.of(), report.problems());
    assertEquals(2, report.targetCount());

    // the offline holder signs: the role joins targets
    Metadata<Targets> pending =
        Metadata.parseTargets(Json.write(engine.pendingSigning().get("signed")));
    TaskResult s = engine.sign(task(), "signed", RootUpdateTest.signatureJson(offline, pending));
    assertTrue(s.status(), s.toString());
    assertEquals("Role signed signing complete", ((JsonString) s.details().get("update")).value());
    assertEquals(List.of("apps", "everything", "signed"), names(targets()));
    assertFalse(engine.hasSigningSession("signed"));
    assertEquals(List.of(), repo.verify().problems());

    // an online role behind the offline one never gets its paths: the client would look first
    // in the offline role
    TaskResult late =
        engine.delegations(
            task(),
            DelegationAction.ADD,
            payload(role("late", List.of(), 1, "deep/*/*", 5)).getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of("late"), strings(late.details().get("delegated_roles")));
    String id2 = task();
    engine.submit(id2, ArtifactBatch.add(List.of(TestRepository.artifact("deep/x/y.tgz", 5))));
    engine.publish();
    JsonObject d2 =
        (JsonObject)
            ((JsonObject) Json.parse(engine.task(id2).orElseThrow().result())).get("details");
    assertEquals(List.of("deep/x/y.tgz"), strings(d2.get("invalid_paths")));
    assertEquals(List.of(), repo.verify().problems());
    files.assertNoVersionedFileChanged("custom bootstrap, publish and signing");
  }

  @Test
  void addUpdateDelete_followRstufResults_andADeletedNameIsNeverReused() {
    bootstrapped(role("apps", List.of(), 1, "apps/*", 30));
    engine.submit(ArtifactBatch.add(List.of(TestRepository.artifact("apps/a", 1))));
    engine.publish();
    files.assertNoVersionedFileChanged("publish");

    TaskResult add =
        engine.delegations(
            task(),
            DelegationAction.ADD,
            payload(
                    role("docs", List.of(), 1, "docs/*", 7),
                    role("apps", List.of(), 1, "x/*", 7),
                    role("bad", List.of(), 2, "b/*", 7))
                .getBytes(StandardCharsets.UTF_8));
    assertTrue(add.status(), add.toString());
    assertEquals("Metadata Delegation Processed", add.message());
    assertEquals(List.of("docs"), strings(add.details().get("delegated_roles")));
    List<JsonValue> failed = ((JsonArray) add.details().get("failed_roles")).values();
    assertEquals(2, failed.size());
    assertEquals(
        new JsonArray(List.of(new JsonString("role already exists or name used in the past"))),
        ((JsonObject) failed.get(1)).get("reason"));
    assertEquals(
        new JsonString("If no keys assigned threshold must be 1"),
        ((JsonObject) failed.get(0)).get("reason"));
    Metadata<Targets> docs = Metadata.parseTargets(repo.metadata.read("1.docs.json").orElseThrow());
    assertEquals(
        repo.clock.instant().plus(Duration.ofDays(7)),
        docs.signed().expires(),
        "no role is born expired");
    assertEquals(List.of(), repo.verify().problems());
    files.assertNoVersionedFileChanged("add");

    TaskResult update =
        engine.delegations(
            task(),
            DelegationAction.UPDATE,
            payload(
                    role("docs", List.of(), 1, "documentation/*", 14),
                    role("zzz", List.of(), 1, "z/*", 1))
                .getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of("docs"), strings(update.details().get("delegated_roles")));
    assertEquals(
        new JsonString("Role 'zzz' does not exists"),
        ((JsonObject) ((JsonArray) update.details().get("failed_roles")).values().get(0))
            .get("reason"));
    assertEquals(List.of("documentation/*"), targets().delegations().roles().get(1).paths());
    assertEquals(List.of(), repo.verify().problems());
    files.assertNoVersionedFileChanged("update");

    int docsVersion = snapshot().meta().get("docs.json").version();
    TaskResult delete =
        engine.delegations(
            task(),
            DelegationAction.DELETE,
            "{\"roles\":[{\"name\":\"docs\"},{\"name\":\"nope\"}]}"
                .getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of("docs"), strings(delete.details().get("delegated_roles")));
    assertEquals(List.of("apps"), names(targets()));
    assertEquals(
        docsVersion,
        snapshot().meta().get("docs.json").version(),
        "the new snapshot keeps listing the deleted role (spec 5.5.5), nothing is rewritten");
    assertEquals(List.of(), repo.verify().problems());
    files.assertNoVersionedFileChanged("delete");

    TaskResult again =
        engine.delegations(
            task(),
            DelegationAction.ADD,
            payload(role("docs", List.of(), 1, "docs/*", 7)).getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of(), strings(again.details().get("delegated_roles")));
    assertEquals(1, ((JsonArray) again.details().get("failed_roles")).values().size());

    String bad = task();
    assertThrows(
        InvalidRequestException.class,
        () ->
            engine.delegations(
                bad,
                DelegationAction.ADD,
                payload(role("../etc", List.of(), 1, "e/*", 7)).getBytes(StandardCharsets.UTF_8)));
    assertEquals(TaskStates.FAILURE, engine.task(bad).orElseThrow().state());
    assertEquals(1, repo.verify().targetCount());
  }

  @Test
  void customOnlineRoles_areRefreshedOnTheirOwnSchedule_andFollowAnOnlineKeyRotation()
      throws Exception {
    bootstrapped(role("short", List.of(), 1, "s/*", 2), role("long", List.of(), 1, "l/*", 60));
    for (int day = 0; day < 10; day++) {
      repo.clock.advance(Duration.ofHours(20));
      engine.refresh();
      assertEquals(List.of(), repo.verify().problems(), "day " + day);
    }
    assertTrue(snapshot().meta().get("short.json").version() > 3);
    TaskResult settings = engine.updateSettings(task(), Map.of("long", 90, "bins", 3));
    assertEquals(List.of("long"), strings(settings.details().get("updated_roles")));
    assertEquals(List.of("bins"), strings(settings.details().get("invalid_roles")));
    engine.close();
    engine = repo.engine();
    assertEquals(90, engine.settings().orElseThrow().expirationDays().get("long"));
    assertEquals(2, engine.settings().orElseThrow().expirationDays().get("short"));
    assertEquals(1, snapshot().meta().get("long.json").version());
    TaskResult forced = engine.forceOnlineUpdate(task(), Set.of("long"));
    assertTrue(forced.status(), forced.toString());
    assertEquals(2, snapshot().meta().get("long.json").version());
    assertEquals(
        repo.clock.instant().plus(Duration.ofDays(90)),
        Metadata.parseTargets(repo.metadata.read("2.long.json").orElseThrow()).signed().expires());

    PrivateKeySigner newOnline =
        PrivateKeySigner.generate(KeyScheme.ED25519, RootUpdateTest.RANDOM);
    TaskResult r =
        engine.updateRoot(
            task(), OnlineKeyRotationTest.rootWithNewOnlineKey(repo, newOnline).toJson());
    assertTrue(r.status(), r.toString());
    for (DelegatedRole role : targets().delegations().roles()) {
      assertEquals(List.of(newOnline.keyId()), role.keyids());
    }
    assertEquals(List.of(), repo.verify().problems());
    files.assertNoVersionedFileChanged("refreshes and rotation");
  }

  @Test
  void delegationsOnAHashBinRepository_fail() {
    repo = new TestRepository(dir);
    engine = repo.engine();
    assertTrue(engine.bootstrap(task(), repo.bootstrapRequest(8)).status());
    String id = task();
    assertThrows(
        EngineException.class,
        () ->
            engine.delegations(
                id,
                DelegationAction.ADD,
                payload(role("x", List.of(), 1, "x/*", 1)).getBytes(StandardCharsets.UTF_8)));
    TaskRecord t = engine.task(id).orElseThrow();
    assertEquals(TaskStates.FAILURE, t.state());
  }

  @Test
  void offlineDelegatedRole_nearItsExpiry_isWarned_andARestartKeepsTheDelegations() {
    java.util.Map<String, java.time.Instant> warned =
        new java.util.concurrent.ConcurrentHashMap<>();
    EngineListener listener =
        new EngineListener() {
          @Override
          public void offlineRoleExpiring(String role, java.time.Instant expires) {
            warned.put(role, expires);
          }
        };
    bootstrapped(
        role("apps", List.of(), 1, "apps/*", 30),
        role("signed", List.of(offline.keyId()), 1, "deep/*/*", 40));
    engine.close();
    engine = repo.engineBuilder().listener(listener).build();
    Metadata<Targets> pending =
        Metadata.parseTargets(Json.write(engine.pendingSigning().get("signed")));
    assertTrue(
        engine.sign(task(), "signed", RootUpdateTest.signatureJson(offline, pending)).status());
    assertFalse(warned.containsKey("signed"), "40 days left, the window is 30");
    for (int day = 0; day < 12; day++) {
      repo.clock.advance(Duration.ofDays(1));
      engine.refresh();
    }
    assertEquals(TestRepository.START.plus(Duration.ofDays(40)), warned.get("signed"));
    assertFalse(warned.containsKey("apps"), "online roles are refreshed, not warned about");
    assertEquals(List.of(), repo.verify().problems());

    engine.close();
    engine = repo.engine();
    assertFalse(engine.usesSuccinctBins());
    engine.submit(ArtifactBatch.add(List.of(TestRepository.artifact("apps/after-restart", 9))));
    engine.publish();
    RepositoryVerifier.Report r = repo.verify();
    assertEquals(List.of(), r.problems());
    assertEquals(1, r.targetCount());
    assertEquals(List.of("apps", "signed"), names(targets()));
    files.assertNoVersionedFileChanged("signing, refreshes and restart");
  }
}
