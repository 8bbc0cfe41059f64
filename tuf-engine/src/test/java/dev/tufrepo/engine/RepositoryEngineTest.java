package dev.tufrepo.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonString;
import dev.tufrepo.model.KeyScheme;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.Root;
import dev.tufrepo.model.Snapshot;
import dev.tufrepo.model.TargetFile;
import dev.tufrepo.model.Targets;
import dev.tufrepo.model.Timestamp;
import dev.tufrepo.storage.ForwardingStateStore;
import dev.tufrepo.storage.TaskRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class RepositoryEngineTest {
  @TempDir Path dir;
  private TestRepository repo;
  private RepositoryEngine engine;

  private RepositoryEngine bootstrapped(int bins) {
    repo = new TestRepository(dir);
    engine = repo.engine();
    TaskResult r = engine.bootstrap(repo.bootstrapRequest(bins));
    assertTrue(r.status(), String.valueOf(r));
    return engine;
  }

  @AfterEach
  void close() {
    if (engine != null) {
      engine.close();
    }
    if (repo != null) {
      repo.close();
    }
  }

  private static JsonObject result(TaskRecord t) {
    return (JsonObject) Json.parse(t.result());
  }

  @Test
  void bootstrap_publishesRstufLayout_andStoresRootAsReceived() {
    repo = new TestRepository(dir);
    engine = repo.engine();
    BootstrapRequest req = repo.bootstrapRequest(16);
    TaskResult r = engine.bootstrap("0123456789abcdef0123456789abcdef", req);
    assertEquals("Bootstrap Processed", r.message());
    assertEquals(
        "Bootstrap finished 0123456789abcdef0123456789abcdef",
        ((JsonString) r.details().get("bootstrap")).value());

    List<String> files = repo.metadata.list();
    assertEquals(16 + 4, files.size(), files.toString());
    assertTrue(
        files.containsAll(
            List.of(
                "1.root.json",
                "1.targets.json",
                "1.snapshot.json",
                "timestamp.json",
                "1.bins-0.json",
                "1.bins-f.json")));
    assertArrayEquals(req.rootJson(), repo.metadata.read("1.root.json").orElseThrow());

    Targets targets =
        Metadata.parseTargets(repo.metadata.read("1.targets.json").orElseThrow()).signed();
    assertTrue(targets.targets().isEmpty());
    var succinct = targets.delegations().succinctRoles();
    assertEquals(4, succinct.bitLength());
    assertEquals("bins", succinct.namePrefix());
    assertEquals(List.of(repo.onlineKey.keyId()), succinct.keyids());
    assertEquals(null, targets.delegations().roles());
    var key = targets.delegations().keys().get(repo.onlineKey.keyId());
    assertEquals(new JsonString("fn:online.pem"), key.unrecognized().get("x-rstuf-online-key-uri"));
    assertEquals(TestRepository.START.plus(Duration.ofDays(365)), targets.expires());

    Snapshot snap =
        Metadata.parseSnapshot(repo.metadata.read("1.snapshot.json").orElseThrow()).signed();
    assertEquals(17, snap.meta().size());
    assertEquals(1, snap.meta().get("bins-a.json").version());
    assertEquals(null, snap.meta().get("bins-a.json").length(), "RSTUF lists bins by version only");
    Timestamp ts =
        Metadata.parseTimestamp(repo.metadata.read("timestamp.json").orElseThrow()).signed();
    assertEquals(1, ts.version());
    assertEquals(TestRepository.START.plus(Duration.ofDays(1)), ts.expires());
    assertEquals(1, ts.snapshotMeta().version());

    var report = repo.verify();
    assertEquals(List.of(), report.problems());
    assertEquals(16, report.rolesChecked());
    assertEquals(
        TaskStates.SUCCESS, engine.task("0123456789abcdef0123456789abcdef").orElseThrow().state());
  }

  @Test
  void bootstrap_binCountNotPowerOfTwo_isRefusedNamingTheField() {
    repo = new TestRepository(dir);
    engine = repo.engine();
    InvalidRequestException e =
        assertThrows(
            InvalidRequestException.class, () -> engine.bootstrap(repo.bootstrapRequest(100)));
    assertEquals("settings.roles.bins.number_of_delegated_bins", e.field());
    assertThrows(
        InvalidRequestException.class, () -> engine.bootstrap(repo.bootstrapRequest(32768)));
    assertFalse(engine.isBootstrapped());
    assertTrue(repo.metadata.list().isEmpty());
  }

  @Test
  void bootstrap_twice_isRefusedWithRstufMessage() {
    bootstrapped(2);
    TaskResult again = engine.bootstrap(repo.bootstrapRequest(2));
    assertFalse(again.status());
    assertEquals("Bootstrap Failed", again.message());
    assertTrue(again.error().startsWith("Bootstrap state is "), again.error());
  }

  @Test
  void bootstrap_withoutSignatures_orWithABadOne_fails() {
    repo = new TestRepository(dir);
    engine = repo.engine();
    Metadata<Root> unsigned = repo.root(2, List.of());
    TaskResult r = engine.bootstrap(repo.bootstrapRequest(unsigned, 16));
    assertEquals("Metadata requires at least one valid signature", r.error());
    Metadata<Root> signed = repo.root(2, repo.rootKeys);
    var sigs = new ArrayList<>(signed.signatures());
    var s0 = sigs.get(0);
    sigs.set(
        0,
        new dev.tufrepo.model.Signature(
            s0.keyid(),
            s0.sig().replace(s0.sig().charAt(0), s0.sig().charAt(0) == 'a' ? 'b' : 'a'),
            Map.of()));
    r =
        engine.bootstrap(
            repo.bootstrapRequest(new Metadata<>(signed.signed(), sigs, Map.of()), 16));
    assertEquals("Bootstrap has invalid signature(s)", r.error());
    assertFalse(engine.isBootstrapped());
    assertTrue(repo.metadata.list().isEmpty());
  }

  @Test
  void bootstrap_belowThreshold_waitsForSignatures() {
    repo = new TestRepository(dir);
    engine = repo.engine();
    String task = "11111111111111111111111111111111";
    TaskResult r =
        engine.bootstrap(
            task, repo.bootstrapRequest(repo.root(2, List.of(repo.rootKeys.get(0))), 16));
    assertTrue(r.status());
    assertEquals(
        "Root v1 is pending signature", ((JsonString) r.details().get("bootstrap")).value());
    assertEquals("signing-" + task, engine.bootstrapState().orElseThrow());
    assertTrue(repo.state.signingSession("root").isPresent());
    assertFalse(engine.isBootstrapped());
  }

  @Test
  void add10000_remove1000_publish_verifiesFromTheTrustedRoot() {
    bootstrapped(256);
    List<String> tasks = new ArrayList<>();
    for (int b = 0; b < 10; b++) {
      tasks.add(engine.submit(ArtifactBatch.add(TestRepository.artifacts("p", b * 1000, 1000))));
    }
    assertEquals(10, engine.queueDepth());
    assertEquals(TaskStates.PENDING, engine.task(tasks.get(0)).orElseThrow().state());
    PublishResult first = engine.publish();
    assertEquals(10, first.batches());
    assertEquals(10_000, first.added());
    assertEquals(256, first.rolesSigned());
    assertEquals(2, first.snapshotVersion());
    assertEquals(0, engine.queueDepth());

    List<String> gone = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      gone.add("p/pkg-" + i + "/pkg-" + i + "-1.0.tar.gz");
    }
    String removeTask = engine.submit(ArtifactBatch.remove(gone));
    PublishResult second = engine.publish();
    assertEquals(1000, second.removed());
    assertEquals(0, second.notFound());

    var report = repo.verify();
    assertEquals(List.of(), report.problems());
    assertEquals(9000, report.targetCount());
    assertFalse(report.targets().containsKey(gone.get(0)));
    assertTrue(report.targets().containsKey("p/pkg-5000/pkg-5000-1.0.tar.gz"));

    TaskRecord add = engine.task(tasks.get(3)).orElseThrow();
    assertEquals(TaskStates.SUCCESS, add.state());
    JsonObject r = result(add);
    assertEquals("Artifact(s) Added", ((JsonString) r.get("message")).value());
    JsonObject details = (JsonObject) r.get("details");
    assertEquals(
        1000, ((dev.tufrepo.json.JsonArray) details.get("added_artifacts")).values().size());
    assertTrue(
        details
            .members()
            .keySet()
            .containsAll(Set.of("added_artifacts", "invalid_paths", "artifact_roles")));
    JsonObject rr = result(engine.task(removeTask).orElseThrow());
    assertEquals("Artifact(s) removed", ((JsonString) rr.get("message")).value());
  }

  /**
   * More than 20,000 operations in one publish are made and grouped by bin in parallel chunks whose
   * edges fall inside batches: every operation must still apply in acceptance order, across
   * batches, and each task must report its own paths.
   */
  @Test
  void publish_pastTheParallelThreshold_appliesEveryBatchInAcceptanceOrder() {
    bootstrapped(64);
    Map<String, TargetFile> model = new java.util.TreeMap<>();
    List<Artifact> first = new ArrayList<>();
    for (int i = 0; i < 6000; i++) {
      first.add(TestRepository.artifact("p/" + i, 1));
    }
    engine.submit(ArtifactBatch.add(first));
    engine.publish();
    first.forEach(a -> model.put(a.path(), a.info()));

    List<ArtifactBatch> batches = new ArrayList<>();
    List<Artifact> q = new ArrayList<>(); // new paths
    for (int i = 0; i < 9000; i++) {
      q.add(TestRepository.artifact("q/" + i, 2));
    }
    batches.add(ArtifactBatch.add(q));
    List<Artifact> readd = new ArrayList<>(); // replaced in place
    List<String> gone = new ArrayList<>(); // removed, then 500 never there
    for (int i = 0; i < 3000; i++) {
      readd.add(TestRepository.artifact("p/" + i, 3));
    }
    for (int i = 3000; i < 5000; i++) {
      gone.add("p/" + i);
    }
    for (int i = 0; i < 500; i++) {
      gone.add("nope/" + i);
    }
    batches.add(new ArtifactBatch(readd, gone, false));
    List<String> undo = new ArrayList<>(); // added two batches before, in the same publish
    for (int i = 0; i < 1000; i++) {
      undo.add("q/" + i);
    }
    batches.add(ArtifactBatch.remove(undo));
    List<Artifact> back = new ArrayList<>(); // removed one batch before, added again
    for (int i = 0; i < 500; i++) {
      back.add(TestRepository.artifact("q/" + i, 4));
    }
    batches.add(ArtifactBatch.add(back));
    List<Artifact> r = new ArrayList<>();
    for (int i = 0; i < 4500; i++) {
      r.add(TestRepository.artifact("r/" + i, 5));
    }
    batches.add(ArtifactBatch.add(r));
    List<String> tasks = new ArrayList<>();
    int ops = 0;
    for (ArtifactBatch b : batches) {
      tasks.add(engine.submit(b));
      ops += b.adds().size() + b.removes().size();
      b.adds().forEach(a -> model.put(a.path(), a.info()));
      b.removes().forEach(model::remove);
    }
    assertTrue(ops > 20_000, "enough operations for parallel chunks: " + ops);

    PublishResult result = engine.publish();

    assertEquals(5, result.batches());
    assertEquals(9000 + 3000 + 500 + 4500, result.added());
    assertEquals(2000 + 1000, result.removed());
    assertEquals(500, result.notFound());
    var report = repo.verify();
    assertEquals(List.of(), report.problems());
    assertEquals(model, report.targets());
    JsonObject mixed = (JsonObject) result(engine.task(tasks.get(1)).orElseThrow()).get("details");
    assertEquals(readd.get(0).path(), first(mixed, "added_artifacts"));
    assertEquals(3000, size(mixed, "added_artifacts"));
    assertEquals(2000, size(mixed, "deleted_artifacts"));
    assertEquals(500, size(mixed, "not_found_artifacts"));
    assertEquals("nope/0", first(mixed, "not_found_artifacts"));
    JsonObject undone = (JsonObject) result(engine.task(tasks.get(2)).orElseThrow()).get("details");
    assertEquals(1000, size(undone, "deleted_artifacts"));
    assertEquals(0, size(undone, "not_found_artifacts"));
    JsonObject last = (JsonObject) result(engine.task(tasks.get(4)).orElseThrow()).get("details");
    assertEquals(4500, size(last, "added_artifacts"));
    assertEquals("r/0", first(last, "added_artifacts"));
  }

  private static int size(JsonObject details, String key) {
    return ((dev.tufrepo.json.JsonArray) details.get(key)).values().size();
  }

  private static String first(JsonObject details, String key) {
    return ((JsonString) ((dev.tufrepo.json.JsonArray) details.get(key)).values().get(0)).value();
  }

  @Test
  void addArtifacts_unchangedBins_doesNotBumpSnapshot() {
    bootstrapped(16);
    List<Artifact> batch = TestRepository.artifacts("same", 0, 20);
    engine.submit(ArtifactBatch.add(batch));
    PublishResult first = engine.publish();
    String again = engine.submit(ArtifactBatch.add(batch));
    PublishResult second = engine.publish();
    assertEquals(first.snapshotVersion(), second.snapshotVersion());
    assertEquals(0, second.rolesSigned());
    assertEquals(TaskStates.SUCCESS, engine.task(again).orElseThrow().state());
    assertEquals(0, engine.queueDepth());
  }

  @Test
  void publish_bumpsOnlyTouchedBins() {
    bootstrapped(16);
    Artifact one = TestRepository.artifact("only/one.txt", 1);
    String bin = engine.settings().isPresent() ? binOf(one.path(), 16) : null;
    engine.submit(ArtifactBatch.add(List.of(one)));
    PublishResult r = engine.publish();
    assertEquals(Map.of(bin, 2, "snapshot", 2, "timestamp", 2), r.roleVersions());
    Snapshot snap =
        Metadata.parseSnapshot(repo.metadata.read("2.snapshot.json").orElseThrow()).signed();
    snap.meta()
        .forEach(
            (name, meta) -> assertEquals(name.equals(bin + ".json") ? 2 : 1, meta.version(), name));
  }

  private static String binOf(String path, int bins) {
    return new dev.tufrepo.model.SuccinctRoles(
            List.of(), 1, Integer.numberOfTrailingZeros(bins), "bins")
        .roleForTarget(path);
  }

  @Test
  void readd_replacesInfo_andRemoveUnknown_isReportedNotFound() {
    bootstrapped(16);
    engine.submit(ArtifactBatch.add(List.of(TestRepository.artifact("a.txt", 1))));
    engine.publish();
    engine.submit(ArtifactBatch.add(List.of(TestRepository.artifact("a.txt", 2))));
    String rm = engine.submit(ArtifactBatch.remove(List.of("missing.txt")));
    PublishResult r = engine.publish();
    assertEquals(1, r.notFound());
    TargetFile now = repo.verify().targets().get("a.txt");
    assertEquals(TestRepository.artifact("a.txt", 2).info(), now);
    JsonObject details = (JsonObject) result(engine.task(rm).orElseThrow()).get("details");
    assertEquals(
        List.of(new JsonString("missing.txt")),
        ((dev.tufrepo.json.JsonArray) details.get("not_found_artifacts")).values());
  }

  @Test
  void taskResults_ofMixedBatches_areTheBytesTaskResultWrites() {
    bootstrapped(4);
    engine.submit(ArtifactBatch.add(List.of(TestRepository.artifact("old.txt", 1))));
    engine.publish();
    String mixed =
        engine.submit(
            new ArtifactBatch(
                List.of(
                    TestRepository.artifact("b\u00e9/\"q\".txt", 1),
                    TestRepository.artifact("a.txt", 2)),
                List.of("old.txt", "missing.txt"),
                false));
    String removes = engine.submit(ArtifactBatch.remove(List.of("a.txt", "gone.txt")));
    String adds = engine.submit(ArtifactBatch.add(List.of(TestRepository.artifact("c.txt", 3))));
    engine.publish();

    TaskRecord m = engine.task(mixed).orElseThrow();
    Map<String, dev.tufrepo.json.JsonValue> details = new java.util.HashMap<>();
    details.put("added_artifacts", strings("b\u00e9/\"q\".txt", "a.txt"));
    details.put(
        "artifact_roles",
        strings(
            java.util.stream.Stream.of("a.txt", "b\u00e9/\"q\".txt")
                .map(p -> binOf(p, 4))
                .distinct()
                .sorted()
                .toArray(String[]::new)));
    details.put("invalid_paths", strings());
    details.put("deleted_artifacts", strings("old.txt"));
    details.put("not_found_artifacts", strings("missing.txt"));
    assertEquals(
        TaskResult.ok("add_artifacts", m.updated(), "Artifact(s) Added", JsonObject.of(details))
            .toJsonText(),
        m.result());

    TaskRecord r = engine.task(removes).orElseThrow();
    assertEquals(
        TaskResult.ok(
                "remove_artifacts",
                r.updated(),
                "Artifact(s) removed",
                JsonObject.of(
                    Map.of(
                        "deleted_artifacts", strings("a.txt"),
                        "not_found_artifacts", strings("gone.txt"))))
            .toJsonText(),
        r.result());

    TaskRecord a = engine.task(adds).orElseThrow();
    assertEquals(
        TaskResult.ok(
                "add_artifacts",
                a.updated(),
                "Artifact(s) Added",
                JsonObject.of(
                    Map.of(
                        "added_artifacts", strings("c.txt"),
                        "artifact_roles", strings(binOf("c.txt", 4)),
                        "invalid_paths", strings())))
            .toJsonText(),
        a.result());
  }

  private static dev.tufrepo.json.JsonArray strings(String... values) {
    List<dev.tufrepo.json.JsonValue> out = new ArrayList<>();
    for (String v : values) {
      out.add(new JsonString(v));
    }
    return new dev.tufrepo.json.JsonArray(out);
  }

  @Test
  void addTaskIdToCustom_putsTheTaskIdInCustom() {
    bootstrapped(2);
    String task =
        engine.submit(
            new ArtifactBatch(List.of(TestRepository.artifact("c.txt", 1)), List.of(), true));
    engine.publish();
    TargetFile tf = repo.verify().targets().get("c.txt");
    assertEquals(new JsonString(task), ((JsonObject) tf.custom()).get("added_by_task_id"));
  }

  @Test
  void addArtifacts_blake2b256Only_asTheRstufCliAndWarehouseSendThem_isPublished() {
    bootstrapped(16);
    var blake =
        new TargetFile(
            11342,
            Map.of(
                "blake2b-256", "716f6e863f744b9ac22c97ec7b76ea5f5908bc5b2f67c61510bfc4751384ea7a"));
    String task = engine.submit(ArtifactBatch.add(List.of(new Artifact("file1.tar.gz", blake))));
    engine.publish();
    assertEquals(TaskStates.SUCCESS, engine.task(task).orElseThrow().state());
    assertEquals(blake, repo.verify().targets().get("file1.tar.gz"));
  }

  @Test
  void invalidArtifacts_areRefusedWhole_andNothingIsQueued() {
    bootstrapped(2);
    TargetFile ok = TestRepository.artifact("x", 1).info();
    String[][] bad = {
      {"../etc/passwd", "artifacts[1].path"},
      {"/abs", "artifacts[1].path"},
      {"a//b", "artifacts[1].path"},
      {"nul\u0000", "artifacts[1].path"},
      {"a/./b", "artifacts[1].path"},
    };
    for (String[] c : bad) {
      InvalidRequestException e =
          assertThrows(
              InvalidRequestException.class,
              () ->
                  engine.submit(
                      ArtifactBatch.add(
                          List.of(new Artifact("fine.txt", ok), new Artifact(c[0], ok)))));
      assertEquals(c[1], e.field(), c[0]);
    }
    var badHash = new TargetFile(1, Map.of("sha256", "ABC"));
    assertEquals(
        "artifacts[0].info.hashes.sha256",
        assertThrows(
                InvalidRequestException.class,
                () -> engine.submit(ArtifactBatch.add(List.of(new Artifact("h", badHash)))))
            .field());
    var md5 = new TargetFile(1, Map.of("sha256", "0".repeat(64), "md5", "0".repeat(32)));
    assertEquals(
        "artifacts[0].info.hashes.md5",
        assertThrows(
                InvalidRequestException.class,
                () -> engine.submit(ArtifactBatch.add(List.of(new Artifact("h", md5)))))
            .field());
    var shortBlake = new TargetFile(1, Map.of("blake2b-256", "0".repeat(128)));
    assertEquals(
        "artifacts[0].info.hashes.blake2b-256",
        assertThrows(
                InvalidRequestException.class,
                () -> engine.submit(ArtifactBatch.add(List.of(new Artifact("h", shortBlake)))))
            .field());
    assertEquals(
        "artifacts[1].path",
        assertThrows(
                InvalidRequestException.class,
                () ->
                    engine.submit(
                        ArtifactBatch.add(List.of(new Artifact("d", ok), new Artifact("d", ok)))))
            .field());
    assertThrows(InvalidRequestException.class, () -> engine.submit(ArtifactBatch.add(List.of())));
    assertEquals(0, engine.queueDepth());
  }

  @Test
  void storageFailureDuringPublish_leavesRepositoryUnchanged_andNextPublishSucceeds() {
    repo = new TestRepository(dir);
    FailingMetadataStore failing = new FailingMetadataStore(repo.metadata);
    engine = repo.engineBuilder().metadataStore(failing).build();
    engine.bootstrap(repo.bootstrapRequest(16));
    byte[] before = repo.metadata.read("timestamp.json").orElseThrow();
    String task = engine.submit(ArtifactBatch.add(TestRepository.artifacts("f", 0, 50)));
    failing.failNextVersionedWrite = true;
    assertThrows(dev.tufrepo.storage.StorageException.class, engine::publish);
    assertArrayEquals(before, repo.metadata.read("timestamp.json").orElseThrow());
    TaskRecord t = engine.task(task).orElseThrow();
    assertEquals(TaskStates.ERRORED, t.state());
    assertTrue(t.result().contains("disk full"), t.result());
    assertEquals(1, engine.queueDepth());
    assertEquals(List.of(), repo.verify().problems());

    PublishResult r = engine.publish();
    assertEquals(50, r.added());
    assertEquals(TaskStates.SUCCESS, engine.task(task).orElseThrow().state());
    assertEquals(50, repo.verify().targetCount());
  }

  @Test
  void signerProducingBadSignatures_failsSelfVerification_andNothingBecomesVisible() {
    repo = new TestRepository(dir);
    engine = repo.engine();
    engine.bootstrap(repo.bootstrapRequest(16));
    engine.close();
    var realVault = repo.vault;
    dev.tufrepo.keyvault.KeyVault corrupting =
        new dev.tufrepo.keyvault.KeyVault() {
          @Override
          public dev.tufrepo.model.Signer signer(String uri, dev.tufrepo.model.Key key) {
            var real = realVault.signer(uri, key);
            return msg -> {
              var s = real.sign(msg);
              return new dev.tufrepo.model.Signature(
                  s.keyid(), "00" + s.sig().substring(2), Map.of());
            };
          }

          @Override
          public boolean supports(String uri) {
            return true;
          }
        };
    engine = repo.engineBuilder().keyVault(corrupting).build();
    byte[] before = repo.metadata.read("timestamp.json").orElseThrow();
    engine.submit(ArtifactBatch.add(TestRepository.artifacts("v", 0, 5)));
    PublishVerificationException e =
        assertThrows(PublishVerificationException.class, engine::publish);
    assertTrue(e.getMessage().contains("signatures are valid"), e.getMessage());
    assertArrayEquals(before, repo.metadata.read("timestamp.json").orElseThrow());
    assertEquals(1, engine.queueDepth());
  }

  @Test
  void signerReturningTooFewSignatures_failsThePublish_andNothingBecomesVisible() {
    repo = new TestRepository(dir);
    engine = repo.engine();
    engine.bootstrap(repo.bootstrapRequest(16));
    engine.close();
    var realVault = repo.vault;
    dev.tufrepo.keyvault.KeyVault dropping =
        new dev.tufrepo.keyvault.KeyVault() {
          @Override
          public dev.tufrepo.model.Signer signer(String uri, dev.tufrepo.model.Key key) {
            var real = realVault.signer(uri, key);
            return new dev.tufrepo.model.Signer() {
              @Override
              public dev.tufrepo.model.Signature sign(byte[] message) {
                return real.sign(message);
              }

              @Override
              public List<dev.tufrepo.model.Signature> signAll(byte[][] messages, int[] lengths) {
                List<dev.tufrepo.model.Signature> all = real.signAll(messages, lengths);
                return all.subList(0, all.size() - 1);
              }
            };
          }

          @Override
          public boolean supports(String uri) {
            return true;
          }
        };
    engine = repo.engineBuilder().keyVault(dropping).build();
    byte[] before = repo.metadata.read("timestamp.json").orElseThrow();
    engine.submit(ArtifactBatch.add(TestRepository.artifacts("t", 0, 40)));
    PublishVerificationException e =
        assertThrows(PublishVerificationException.class, engine::publish);
    assertTrue(e.getMessage().contains("the online signer returned"), e.getMessage());
    assertArrayEquals(before, repo.metadata.read("timestamp.json").orElseThrow());
    assertEquals(1, engine.queueDepth());
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void signerCorruptingOneLaterSignature_caughtWhenEveryBinIsVerified(boolean verifyAll) {
    repo = new TestRepository(dir);
    engine = repo.engine();
    engine.bootstrap(repo.bootstrapRequest(16));
    engine.close();
    var realVault = repo.vault;
    java.util.concurrent.atomic.AtomicInteger signatures =
        new java.util.concurrent.atomic.AtomicInteger();
    dev.tufrepo.keyvault.KeyVault corruptingThird =
        new dev.tufrepo.keyvault.KeyVault() {
          @Override
          public dev.tufrepo.model.Signer signer(String uri, dev.tufrepo.model.Key key) {
            var real = realVault.signer(uri, key);
            return msg -> {
              var s = real.sign(msg);
              if (signatures.incrementAndGet() != 3) {
                return s;
              }
              char first = s.sig().charAt(0) == '0' ? '1' : '0';
              return new dev.tufrepo.model.Signature(
                  s.keyid(), first + s.sig().substring(1), Map.of());
            };
          }

          @Override
          public boolean supports(String uri) {
            return true;
          }
        };
    engine =
        repo.engineBuilder()
            .keyVault(corruptingThird)
            .executor(Runnable::run, 1) // bins signed in order: the third is not in the sample
            .verifyBinSignatures(verifyAll)
            .build();
    byte[] before = repo.metadata.read("timestamp.json").orElseThrow();
    engine.submit(ArtifactBatch.add(TestRepository.artifacts("c", 0, 200)));
    if (verifyAll) {
      assertThrows(PublishVerificationException.class, engine::publish);
      assertArrayEquals(before, repo.metadata.read("timestamp.json").orElseThrow());
      // the refused publish wrote its bins before the check; the next one writes them again
      PublishResult retried = engine.publish();
      assertEquals(200, retried.added());
      assertEquals(List.of(), repo.verify().problems());
    } else {
      engine.publish(); // the sample (first bin, then every 64th) misses it, by design
      assertEquals(1, repo.verify().problems().size(), repo.verify().problems().toString());
    }
  }

  @Test
  void idleRepository_isRefreshedBeforeAnythingExpires() {
    bootstrapped(16);
    engine.submit(ArtifactBatch.add(TestRepository.artifacts("r", 0, 30)));
    engine.publish();
    int lastTs = 0;
    for (int hour = 1; hour <= 24 * 5; hour++) {
      repo.clock.advance(Duration.ofHours(1));
      PublishResult r = engine.refresh();
      assertEquals(List.of(), repo.verify().problems(), "hour " + hour);
      if (!r.isEmpty()) {
        assertTrue(r.timestampVersion() > lastTs);
        lastTs = r.timestampVersion();
      }
    }
    assertTrue(lastTs >= 5, "timestamp re-signed about daily: " + lastTs);
  }

  @Test
  void busyRepository_touchingOneBinAnHour_stillRefreshesEveryOtherBinBeforeItExpires() {
    bootstrapped(16);
    for (int hour = 1; hour <= 24 * 5; hour++) {
      repo.clock.advance(Duration.ofHours(1));
      engine.submit(ArtifactBatch.add(TestRepository.artifacts("h" + hour, 0, 1)));
      engine.publish();
      assertEquals(List.of(), repo.verify().problems(), "hour " + hour);
    }
  }

  @Test
  void refresh_whenNothingIsDue_doesNothing() {
    bootstrapped(16);
    assertTrue(engine.refresh().isEmpty());
    assertEquals(4 + 16, repo.metadata.list().size());
  }

  @Test
  void forceUpdate_ofEveryCombination_keepsTheRepositoryValid() {
    bootstrapped(16);
    List<Set<String>> combos =
        List.of(
            Set.of("targets"),
            Set.of("snapshot"),
            Set.of("timestamp"),
            Set.of("bins"),
            Set.of("targets", "bins"),
            Set.of("targets", "snapshot", "timestamp", "bins"));
    for (Set<String> c : combos) {
      PublishResult r = engine.forceUpdate(c);
      assertFalse(r.isEmpty(), c.toString());
      for (String role : c) {
        if (!role.equals("bins")) {
          assertTrue(r.roleVersions().containsKey(role), c + " bumps " + role);
        }
      }
      assertEquals(List.of(), repo.verify().problems(), c.toString());
    }
  }

  @Test
  void restart_resumesFromCommittedState() {
    bootstrapped(16);
    engine.submit(ArtifactBatch.add(TestRepository.artifacts("s", 0, 10)));
    engine.publish();
    String queued = engine.submit(ArtifactBatch.add(TestRepository.artifacts("s", 10, 10)));
    engine.close();
    repo.closeStores();
    repo.openStores();
    engine = repo.engine();
    assertTrue(engine.isBootstrapped());
    assertEquals(1, engine.queueDepth());
    engine.publish();
    assertEquals(TaskStates.SUCCESS, engine.task(queued).orElseThrow().state());
    assertEquals(20, repo.verify().targetCount());
  }

  @Test
  void autoPublish_groupsManySubmissionsIntoFewSnapshots() throws Exception {
    repo = new TestRepository(dir);
    List<PublishResult> published = java.util.Collections.synchronizedList(new ArrayList<>());
    engine =
        repo.engineBuilder()
            .autoPublish(Duration.ofMillis(300))
            .listener(
                new EngineListener() {
                  @Override
                  public void published(PublishResult r) {
                    published.add(r);
                  }
                })
            .build();
    engine.bootstrap(repo.bootstrapRequest(16));
    List<String> tasks = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      tasks.add(engine.submit(ArtifactBatch.add(TestRepository.artifacts("g" + i, 0, 3))));
    }
    long deadline = System.currentTimeMillis() + 10_000;
    while (engine.queueDepth() > 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(0, engine.queueDepth());
    for (String t : tasks) {
      assertEquals(TaskStates.SUCCESS, engine.task(t).orElseThrow().state());
    }
    assertTrue(published.size() < 10, "40 submissions, " + published.size() + " publishes");
    assertEquals(120, repo.verify().targetCount());
  }

  @Test
  void close_whileAnAutoPublishCommits_letsItFinish_andTheStateStoreStaysUsable() throws Exception {
    repo = new TestRepository(dir);
    java.util.concurrent.CountDownLatch committing = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean armed =
        new java.util.concurrent.atomic.AtomicBoolean();
    ForwardingStateStore slowCommit =
        new ForwardingStateStore(repo.state) {
          @Override
          public void commitPublish(
              dev.tufrepo.storage.PublishCommit commit, Runnable beforeCommit) {
            if (armed.get()) {
              committing.countDown();
              try {
                Thread.sleep(500); // a database writing its commit: an interrupt breaks it
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new dev.tufrepo.storage.StorageException("commit interrupted", e);
              }
            }
            super.commitPublish(commit, beforeCommit);
          }
        };
    engine = repo.engineBuilder().stateStore(slowCommit).autoPublish(Duration.ofMillis(20)).build();
    engine.bootstrap(repo.bootstrapRequest(16));
    armed.set(true);
    String task = engine.submit(ArtifactBatch.add(TestRepository.artifacts("close", 0, 5)));
    assertTrue(committing.await(10, java.util.concurrent.TimeUnit.SECONDS), "publish started");

    engine.close();

    assertEquals(TaskStates.SUCCESS, repo.state.task(task).orElseThrow().state());
    assertEquals(0, repo.state.queueDepth());
    assertEquals(5, repo.verify().targetCount());
  }

  @Test
  void publish_reportsProgressAndExpiriesToTheListener() {
    repo = new TestRepository(dir);
    List<long[]> progress = java.util.Collections.synchronizedList(new ArrayList<>());
    Map<String, java.time.Instant> expiries = new java.util.concurrent.ConcurrentHashMap<>();
    engine =
        repo.engineBuilder()
            .listener(
                new EngineListener() {
                  @Override
                  public void progress(String step, long done, long total) {
                    progress.add(new long[] {done, total});
                  }

                  @Override
                  public void roleExpires(String role, java.time.Instant expires) {
                    expiries.put(role, expires);
                  }
                })
            .build();
    engine.bootstrap(repo.bootstrapRequest(4096));
    engine.forceUpdate(Set.of("bins"));
    long[] last = progress.get(progress.size() - 1);
    assertEquals(4096, last[0]);
    assertEquals(4096, last[1]);
    assertEquals(TestRepository.START.plus(Duration.ofDays(1)), expiries.get("timestamp"));
    assertTrue(expiries.keySet().containsAll(Set.of("root", "targets", "snapshot", "bins")));
  }

  @ParameterizedTest
  @EnumSource(KeyScheme.class)
  void everyOnlineKeyType_publishesVerifiableMetadata(KeyScheme scheme) {
    repo = new TestRepository(dir, scheme, 1);
    engine = repo.engine();
    assertTrue(engine.bootstrap(repo.bootstrapRequest(4)).status());
    engine.submit(ArtifactBatch.add(TestRepository.artifacts("k", 0, 8)));
    engine.publish();
    assertEquals(List.of(), repo.verify().problems());
  }

  @Test
  void nonAsciiPathsAndCustomNewlines_roundTrip() {
    bootstrapped(4);
    var custom =
        JsonObject.of(Map.of("note", new JsonString("line1\nline2"), "ü", new JsonString("ok")));
    var a =
        new Artifact(
            "unicode/ünïcødé 😀.txt", TestRepository.artifact("x", 1).info().withCustom(custom));
    engine.submit(ArtifactBatch.add(List.of(a)));
    engine.publish();
    var report = repo.verify();
    assertEquals(List.of(), report.problems());
    assertEquals(a.info(), report.targets().get(a.path()));
    String ts =
        new String(repo.metadata.read("timestamp.json").orElseThrow(), StandardCharsets.UTF_8);
    assertNotNull(Json.parse(ts));
  }
}
