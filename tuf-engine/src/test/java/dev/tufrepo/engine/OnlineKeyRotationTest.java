package dev.tufrepo.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.json.JsonString;
import dev.tufrepo.model.Key;
import dev.tufrepo.model.KeyScheme;
import dev.tufrepo.model.MetaFile;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.PrivateKeySigner;
import dev.tufrepo.model.Role;
import dev.tufrepo.model.Root;
import dev.tufrepo.model.Snapshot;
import dev.tufrepo.model.Targets;
import dev.tufrepo.model.Timestamp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A new root that changes the online key (issue 7 item 2). */
class OnlineKeyRotationTest {
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

  /** Root v(N+1) whose online key is {@code newOnline} (written to the key directory). */
  static Metadata<Root> rootWithNewOnlineKey(TestRepository repo, PrivateKeySigner newOnline)
      throws Exception {
    String file = "online-" + newOnline.keyId().substring(0, 8) + ".pem";
    Files.writeString(repo.keyDir.resolve(file), newOnline.toPkcs8Pem());
    Metadata<Root> current = Metadata.parseRoot(currentRoot(repo));
    Root r = current.signed();
    String oldId = r.role("timestamp").keyids().get(0);
    Map<String, Key> keys = new HashMap<>(r.keys());
    keys.remove(oldId);
    keys.put(
        newOnline.keyId(),
        newOnline
            .publicKey()
            .withUnrecognized(Map.of("x-rstuf-online-key-uri", new JsonString("fn:" + file))));
    Map<String, Role> roles = new HashMap<>(r.roles());
    Role online = new Role(List.of(newOnline.keyId()), 1);
    roles.put("targets", online);
    roles.put("snapshot", online);
    roles.put("timestamp", online);
    Root next = r.withKeysAndRoles(keys, roles).withVersion(r.version() + 1);
    return Metadata.of(next).signedBy(repo.rootKeys.toArray(new PrivateKeySigner[0]));
  }

  static byte[] currentRoot(TestRepository repo) {
    for (int v = 1; ; v++) {
      if (repo.metadata.read((v + 1) + ".root.json").isEmpty()) {
        return repo.metadata.read(v + ".root.json").orElseThrow();
      }
    }
  }

  @Test
  void newOnlineKey_resignsTargetsEveryBinSnapshotAndTimestamp_withTheNewKey() throws Exception {
    repo = new TestRepository(dir);
    engine = repo.engine();
    assertTrue(engine.bootstrap(task(), repo.bootstrapRequest(16)).status());
    engine.submit(ArtifactBatch.add(TestRepository.artifacts("r", 0, 40)));
    engine.publish();
    PublishedFiles files = new PublishedFiles(repo.metadata);
    PrivateKeySigner newOnline =
        PrivateKeySigner.generate(KeyScheme.ECDSA_P256, RootUpdateTest.RANDOM);
    String oldId = repo.onlineKey.keyId();
    String newId = newOnline.keyId();

    TaskResult r = engine.updateRoot(task(), rootWithNewOnlineKey(repo, newOnline).toJson());
    assertTrue(r.status(), r.toString());
    files.assertNoVersionedFileChanged("rotation");

    Metadata<Timestamp> ts =
        Metadata.parseTimestamp(repo.metadata.read("timestamp.json").orElseThrow());
    assertEquals(List.of(newId), signers(ts));
    MetaFile snapMeta = ts.signed().snapshotMeta();
    Metadata<Snapshot> snap =
        Metadata.parseSnapshot(
            repo.metadata.read(snapMeta.version() + ".snapshot.json").orElseThrow());
    assertEquals(List.of(newId), signers(snap));
    for (Map.Entry<String, MetaFile> e : snap.signed().meta().entrySet()) {
      Metadata<Targets> md =
          Metadata.parseTargets(
              repo.metadata.read(e.getValue().version() + "." + e.getKey()).orElseThrow());
      assertEquals(List.of(newId), signers(md), e.getKey());
      if (e.getKey().equals("targets.json")) {
        assertEquals(List.of(newId), md.signed().delegations().succinctRoles().keyids());
        assertTrue(md.signed().delegations().keys().containsKey(newId));
        assertFalse(md.signed().delegations().keys().containsKey(oldId));
      }
    }
    RepositoryVerifier.Report report = repo.verify();
    assertEquals(List.of(), report.problems());
    assertEquals(2, report.rootVersion());
    assertEquals(40, report.targetCount());
    assertEquals(newId, engine.settings().orElseThrow().onlineKeyId());

    // the next publishes, also after a restart, sign with the new key
    engine.submit(ArtifactBatch.add(TestRepository.artifacts("r", 40, 10)));
    engine.publish();
    engine.close();
    engine = repo.engine();
    engine.submit(ArtifactBatch.add(TestRepository.artifacts("r", 50, 10)));
    engine.publish();
    repo.clock.advance(Duration.ofHours(20));
    engine.refresh();
    report = repo.verify();
    assertEquals(List.of(), report.problems());
    assertEquals(60, report.targetCount());
    files.assertNoVersionedFileChanged("publishes after the rotation");
  }

  @Test
  void rotation_whileAWriterSubmits_losesAndRollsBackNothing() throws Exception {
    repo = new TestRepository(dir);
    engine = repo.engineBuilder().autoPublish(Duration.ofMillis(5)).build();
    assertTrue(engine.bootstrap(task(), repo.bootstrapRequest(64)).status());
    PublishedFiles files = new PublishedFiles(repo.metadata);
    ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> taskIds = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread writer =
        new Thread(
            () -> {
              int i = 0;
              try {
                while (!stop.get()) {
                  List<Artifact> batch = TestRepository.artifacts("w", i, 7);
                  taskIds.add(engine.submit(ArtifactBatch.add(batch)));
                  batch.forEach(a -> acknowledged.add(a.path()));
                  i += 7;
                  Thread.sleep(1);
                }
              } catch (Throwable t) {
                failure.set(t);
              }
            },
            "writer");
    writer.start();
    waitForTargets(50);
    PrivateKeySigner second = PrivateKeySigner.generate(KeyScheme.ED25519, RootUpdateTest.RANDOM);
    TaskResult r1 = engine.updateRoot(task(), rootWithNewOnlineKey(repo, second).toJson());
    assertTrue(r1.status(), r1.toString());
    waitForTargets(acknowledged.size() + 20);
    PrivateKeySigner third =
        PrivateKeySigner.generate(KeyScheme.RSA_PSS_SHA256, RootUpdateTest.RANDOM);
    TaskResult r2 = engine.updateRoot(task(), rootWithNewOnlineKey(repo, third).toJson());
    assertTrue(r2.status(), r2.toString());
    waitForTargets(acknowledged.size() + 20);
    stop.set(true);
    writer.join();
    assertEquals(null, failure.get());
    while (engine.queueDepth() > 0) {
      engine.publish();
    }
    files.assertNoVersionedFileChanged("rotations under load");
    RepositoryVerifier.Report report =
        RepositoryVerifier.verify(repo.metadata, repo.trustedRoot(), repo.clock.instant(), true);
    assertEquals(List.of(), report.problems());
    assertEquals(3, report.rootVersion());
    List<String> missing = new ArrayList<>();
    for (String path : acknowledged) {
      if (!report.targets().containsKey(path)) {
        missing.add(path);
      }
    }
    assertEquals(List.of(), missing, "acknowledged artifacts missing after the rotations");
    assertEquals(acknowledged.size(), report.targetCount());
    for (String id : taskIds) {
      assertEquals(TaskStates.SUCCESS, engine.task(id).orElseThrow().state(), id);
    }
  }

  private void waitForTargets(long atLeast) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      RepositoryVerifier.Report r =
          RepositoryVerifier.verify(repo.metadata, repo.trustedRoot(), repo.clock.instant(), false);
      if (r.targetCount() >= atLeast) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("fewer than " + atLeast + " targets published in time");
  }

  static List<String> signers(Metadata<?> md) {
    return md.signatures().stream().map(s -> s.keyid()).toList();
  }
}
