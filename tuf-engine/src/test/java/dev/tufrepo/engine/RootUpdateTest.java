package dev.tufrepo.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonString;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.json.JsonWriter;
import dev.tufrepo.model.Key;
import dev.tufrepo.model.KeyScheme;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.PrivateKeySigner;
import dev.tufrepo.model.Role;
import dev.tufrepo.model.Root;
import dev.tufrepo.model.Signature;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Root update with signing sessions, and the distributed signing of bootstrap (issue 7 item 1). */
class RootUpdateTest {
  static final SecureRandom RANDOM = new SecureRandom();
  @TempDir Path dir;
  TestRepository repo;
  RepositoryEngine engine;
  PublishedFiles files;
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

  void bootstrapped() {
    repo = new TestRepository(dir);
    engine = repo.engine();
    assertTrue(engine.bootstrap(task(), repo.bootstrapRequest(16)).status());
    files = new PublishedFiles(repo.metadata);
  }

  Metadata<Root> trusted() {
    return Metadata.parseRoot(repo.trustedRoot());
  }

  /** The current root at version + 1, with root keys {@code rootKeys} at {@code threshold}. */
  static Root next(Root current, List<PrivateKeySigner> rootKeys, int threshold) {
    Map<String, Key> keys = new HashMap<>(current.keys());
    for (String id : current.role("root").keyids()) {
      keys.remove(id);
    }
    List<String> ids = new ArrayList<>();
    for (PrivateKeySigner k : rootKeys) {
      keys.put(k.keyId(), k.publicKey());
      ids.add(k.keyId());
    }
    Map<String, Role> roles = new HashMap<>(current.roles());
    roles.put("root", new Role(ids, threshold));
    return current.withKeysAndRoles(keys, roles).withVersion(current.version() + 1);
  }

  static byte[] signatureJson(PrivateKeySigner k, Metadata<?> md) {
    Signature s = k.sign(md.signedBytes());
    JsonWriter w = JsonWriter.json(256);
    s.writeTo(w);
    return w.toByteArray();
  }

  static String text(TaskResult r, String key) {
    JsonValue v = r.details().get(key);
    return v instanceof JsonString s ? s.value() : null;
  }

  @Test
  void updateRoot_meetingBothThresholds_isPublishedExactlyAsReceived() {
    bootstrapped();
    Root v2 = next(trusted().signed(), repo.rootKeys, 2);
    byte[] bytes =
        Metadata.of(v2).signedBy(repo.rootKeys.toArray(new PrivateKeySigner[0])).toJson();
    // pretty-print it: the file must keep these bytes, not a re-serialization
    byte[] pretty =
        new String(bytes, StandardCharsets.UTF_8)
            .replace(",\"signed\":", ",\n  \"signed\": ")
            .getBytes(StandardCharsets.UTF_8);
    TaskResult r = engine.updateRoot(task(), pretty);
    assertTrue(r.status(), r.toString());
    assertEquals("Metadata Update Processed", r.message());
    assertEquals(JsonObject.of(Map.of("role", new JsonString("root"))), r.details());
    assertArrayEquals(pretty, repo.metadata.read("2.root.json").orElseThrow());
    assertFalse(engine.hasSigningSession("root"));
    RepositoryVerifier.Report report = repo.verify();
    assertEquals(List.of(), report.problems());
    assertEquals(2, report.rootVersion());
    files.assertNoVersionedFileChanged("root update");
  }

  @Test
  void updateRoot_belowThreshold_waitsInSigningSession_andSignFinishesIt() {
    bootstrapped();
    Root v2 = next(trusted().signed(), repo.rootKeys, 2);
    Metadata<Root> half = Metadata.of(v2).signedBy(repo.rootKeys.get(0));
    TaskResult r = engine.updateRoot(task(), half.toJson());
    assertTrue(r.status());
    assertEquals("root", text(r, "role"));
    assertEquals("Root v2 is pending signatures", text(r, "update"));
    assertTrue(engine.hasSigningSession("root"));
    assertTrue(repo.metadata.read("2.root.json").isEmpty());
    Map<String, JsonValue> pending = engine.pendingSigning();
    assertEquals(java.util.Set.of("root", "trusted_root"), pending.keySet());

    TaskResult bad = engine.sign(task(), "root", signatureJson(new TestSigner().key, half));
    assertFalse(bad.status());
    assertEquals("Invalid signature", bad.error());
    assertEquals("Signature Failed", bad.message());

    TaskResult done = engine.sign(task(), "root", signatureJson(repo.rootKeys.get(1), half));
    assertTrue(done.status(), done.toString());
    assertEquals("Signature Processed", done.message());
    assertEquals("Metadata update finished", text(done, "update"));
    assertFalse(engine.hasSigningSession("root"));
    assertEquals(2, repo.verify().rootVersion());
    assertEquals(List.of(), repo.verify().problems());
    files.assertNoVersionedFileChanged("signed root update");
  }

  @Test
  void updateRoot_newRootKeys_needSignaturesFromBothTheTrustedAndTheNewKeys() {
    bootstrapped();
    List<PrivateKeySigner> newKeys =
        List.of(
            PrivateKeySigner.generate(KeyScheme.ED25519, RANDOM),
            PrivateKeySigner.generate(KeyScheme.ECDSA_P256, RANDOM));
    Root v2 = next(trusted().signed(), newKeys, 2);
    Metadata<Root> md = Metadata.of(v2).signedBy(repo.rootKeys.get(0), repo.rootKeys.get(1));
    TaskResult r = engine.updateRoot(task(), md.toJson());
    assertEquals("Root v2 is pending signatures", text(r, "update"), "old threshold alone");
    TaskResult one = engine.sign(task(), "root", signatureJson(newKeys.get(0), md));
    assertEquals("Root v2 is pending signatures", text(one, "update"));
    TaskResult two = engine.sign(task(), "root", signatureJson(newKeys.get(1), md));
    assertEquals("Metadata update finished", text(two, "update"), two.toString());
    assertEquals(2, repo.verify().rootVersion());
    assertEquals(List.of(), repo.verify().problems());

    // root v3 must now be signed by the new keys; the old ones no longer count
    Root v3 = next(v2, newKeys, 2);
    TaskResult old =
        engine.updateRoot(
            task(), Metadata.of(v3).signedBy(repo.rootKeys.get(0), repo.rootKeys.get(1)).toJson());
    assertFalse(old.status());
    assertTrue(old.error().startsWith("Failed to verify the trust"), old.error());
    TaskResult ok =
        engine.updateRoot(
            task(), Metadata.of(v3).signedBy(newKeys.get(0), newKeys.get(1)).toJson());
    assertTrue(ok.status(), ok.toString());
    RepositoryVerifier.Report report = repo.verify();
    assertEquals(3, report.rootVersion());
    assertEquals(List.of(), report.problems());
    files.assertNoVersionedFileChanged("two rotations");
  }

  @Test
  void updateRoot_wrongVersionOrType_isErroredWithRstufMessages() {
    bootstrapped();
    Root v3 = next(trusted().signed(), repo.rootKeys, 2).withVersion(3);
    String id = task();
    TaskResult r =
        engine.updateRoot(
            id, Metadata.of(v3).signedBy(repo.rootKeys.toArray(new PrivateKeySigner[0])).toJson());
    assertFalse(r.status());
    assertEquals("Metadata Update Failed", r.message());
    assertTrue(r.error().startsWith("Failed to verify the trust: "), r.error());
    assertEquals(TaskStates.ERRORED, engine.task(id).orElseThrow().state());
    TaskResult notRoot =
        engine.updateRoot(task(), repo.metadata.read("1.targets.json").orElseThrow());
    assertEquals("Unsupported Metadata type", notRoot.error());
    assertTrue(repo.metadata.read("2.root.json").isEmpty());
  }

  @Test
  void updateRoot_beforeBootstrap_isErrored() {
    repo = new TestRepository(dir);
    engine = repo.engine();
    TaskResult r = engine.updateRoot(task(), repo.root(2, repo.rootKeys).toJson());
    assertEquals("Metadata Update requires a completed bootstrap", r.error());
  }

  @Test
  void sign_withoutSession_orWithABadRoleName_isRefused() {
    bootstrapped();
    Metadata<Root> any = trusted();
    TaskResult r = engine.sign(task(), "root", signatureJson(repo.rootKeys.get(0), any));
    assertFalse(r.status());
    assertEquals("No signatures pending for root", r.error());
    String id = task();
    InvalidRequestException e =
        assertThrows(
            InvalidRequestException.class,
            () -> engine.sign(id, "../root", signatureJson(repo.rootKeys.get(0), any)));
    assertEquals("role", e.field());
    assertEquals(TaskStates.FAILURE, engine.task(id).orElseThrow().state());
  }

  @Test
  void deleteSigning_abandonsAPendingRootUpdate() {
    bootstrapped();
    Root v2 = next(trusted().signed(), repo.rootKeys, 2);
    engine.updateRoot(task(), Metadata.of(v2).signedBy(repo.rootKeys.get(0)).toJson());
    TaskResult r = engine.deleteSigning(task(), "root");
    assertTrue(r.status());
    assertEquals("Deletion of root metadata successful, signing process stopped", r.message());
    assertFalse(engine.hasSigningSession("root"));
    assertTrue(engine.pendingSigning().isEmpty());
    TaskResult again = engine.deleteSigning(task(), "root");
    assertFalse(again.status());
    assertEquals("The root role is not in a signing process.", again.error());
  }

  @Test
  void bootstrapBelowThreshold_isFinishedBySignatures() {
    repo = new TestRepository(dir, KeyScheme.ED25519, 3);
    engine = repo.engine();
    String boot = task();
    Metadata<Root> v1 = repo.root(3, List.of(repo.rootKeys.get(0)));
    TaskResult r = engine.bootstrap(boot, repo.bootstrapRequest(v1, 8));
    assertEquals("Root v1 is pending signature", text(r, "bootstrap"));
    assertEquals("signing-" + boot, engine.bootstrapState().orElseThrow());
    assertEquals(java.util.Set.of("root"), engine.pendingSigning().keySet());

    TaskResult s1 = engine.sign(task(), "root", signatureJson(repo.rootKeys.get(1), v1));
    assertEquals("Root v1 is pending signatures", text(s1, "bootstrap"));
    assertFalse(engine.isBootstrapped());
    TaskResult s2 = engine.sign(task(), "root", signatureJson(repo.rootKeys.get(2), v1));
    assertEquals("Bootstrap Finished", text(s2, "bootstrap"), s2.toString());
    assertTrue(engine.isBootstrapped());
    assertEquals(boot, engine.bootstrapState().orElseThrow());
    assertEquals(8, engine.settings().orElseThrow().numberOfBins());
    assertFalse(engine.hasSigningSession("root"));
    assertEquals(List.of(), repo.verify().problems());
    engine.submit(ArtifactBatch.add(TestRepository.artifacts("das", 0, 5)));
    engine.publish();
    assertEquals(5, repo.verify().targetCount());
  }

  @Test
  void deleteSigning_duringBootstrapSigning_stopsTheBootstrap() {
    repo = new TestRepository(dir);
    engine = repo.engine();
    Metadata<Root> v1 = repo.root(2, List.of(repo.rootKeys.get(0)));
    engine.bootstrap(task(), repo.bootstrapRequest(v1, 8));
    TaskResult r = engine.deleteSigning(task(), "root");
    assertEquals("Bootstrap process has been stopped", text(r, "bootstrap"));
    assertTrue(engine.bootstrapState().isEmpty());
    assertTrue(engine.bootstrap(task(), repo.bootstrapRequest(8)).status());
    assertEquals(List.of(), repo.verify().problems());
  }

  /** A key nobody trusts. */
  static final class TestSigner {
    final PrivateKeySigner key = PrivateKeySigner.generate(KeyScheme.ED25519, RANDOM);
  }
}
