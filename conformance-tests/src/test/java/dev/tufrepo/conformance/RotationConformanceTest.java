package dev.tufrepo.conformance;

import static dev.tufrepo.conformance.Clients.assertAllCurrent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.engine.TaskResult;
import dev.tufrepo.json.JsonString;
import dev.tufrepo.json.JsonWriter;
import dev.tufrepo.model.Key;
import dev.tufrepo.model.KeyScheme;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.PrivateKeySigner;
import dev.tufrepo.model.Role;
import dev.tufrepo.model.Root;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Root rotation and online key rotation through the engine's lifecycle API ({@code updateRoot},
 * {@code sign}), with clients that first trusted root v1.
 */
class RotationConformanceTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path dir;
  private int tasks;

  private String task() {
    return String.format("%032x", ++tasks);
  }

  @Test
  void rootRotation_v1ToV3_thresholdChangeThenKeyReplacement_clientsFromV1Follow() {
    try (ConformanceRepository repo = ConformanceRepository.bootstrapped(dir, 16);
        Clients clients = Clients.start(dir.resolve("clients"))) {
      var sessions = clients.newSessions(repo);
      repo.add(ConformanceRepository.paths("rot", 0, 8));
      assertAllCurrent("root v1", repo, clients.update(repo, sessions));
      List<PrivateKeySigner> k = new ArrayList<>(repo.repo.rootKeys); // k1, k2: 2 of 2 in v1
      PrivateKeySigner k3 = PrivateKeySigner.generate(KeyScheme.ED25519, RANDOM);
      PrivateKeySigner k4 = PrivateKeySigner.generate(KeyScheme.ECDSA_P256, RANDOM);

      // v2: threshold change, 3 of {k1, k2, k3}; signed by 2 of v1 and 3 of v2
      Root v1 = Metadata.parseRoot(repo.read("1.root.json")).signed();
      Root v2 = withRootKeys(v1, 2, List.of(k.get(0), k.get(1), k3), 3);
      TaskResult r2 =
          repo.engine.updateRoot(task(), Metadata.of(v2).signedBy(k.get(0), k.get(1), k3).toJson());
      assertTrue(r2.status(), r2.toString());
      assertEquals(2, repo.version("root"));
      repo.add(ConformanceRepository.paths("rot", 8, 4));
      assertAllCurrent("root v2", repo, clients.update(repo, sessions));

      // v3: key replacement, k1 out and k4 (ecdsa) in, 2 of {k2, k3, k4}; sent with k2 and k3 only
      // (short of v2's threshold of 3), so it waits for k1's signature in a signing session
      Root v3 = withRootKeys(v2, 3, List.of(k.get(1), k3, k4), 2);
      Metadata<Root> partial = Metadata.of(v3).signedBy(k.get(1), k3);
      TaskResult pending = repo.engine.updateRoot(task(), partial.toJson());
      assertTrue(pending.status(), pending.toString());
      assertTrue(repo.engine.hasSigningSession("root"));
      assertEquals(2, repo.version("root"));
      TaskResult signed = repo.engine.sign(task(), "root", signature(k.get(0), partial));
      assertTrue(signed.status(), signed.toString());
      assertFalse(repo.engine.hasSigningSession("root"));
      assertEquals(3, repo.version("root"));
      repo.add(ConformanceRepository.paths("rot", 12, 4));

      List<ClientRun> same = clients.update(repo, sessions);
      assertAllCurrent("root v3, clients that trusted v2", repo, same);
      List<ClientRun> fresh = clients.update(repo, clients.newSessions(repo));
      assertAllCurrent("root v3, clients from v1", repo, fresh);
      for (ClientRun run : fresh) {
        assertEquals(3, run.version("root"), run.toString());
      }
      ArtifactsConformanceTest.assertDownloaded(fresh, ConformanceRepository.paths("rot", 0, 16));
    }
  }

  @Test
  void onlineKeyRotation_everyOnlineRoleResigned_clientsWithCachedMetadataFollow()
      throws IOException {
    try (ConformanceRepository repo = ConformanceRepository.bootstrapped(dir, 16);
        Clients clients = Clients.start(dir.resolve("clients"))) {
      var sessions = clients.newSessions(repo);
      List<String> paths = ConformanceRepository.paths("okr", 0, 12);
      repo.add(paths);
      assertAllCurrent("old online key", repo, clients.update(repo, sessions));

      PrivateKeySigner newOnline = PrivateKeySigner.generate(KeyScheme.ECDSA_P256, RANDOM);
      Files.writeString(repo.repo.keyDir.resolve("online-2.pem"), newOnline.toPkcs8Pem());
      Root v1 = Metadata.parseRoot(repo.read("1.root.json")).signed();
      String oldOnline = v1.role("timestamp").keyids().get(0);
      Map<String, Key> keys = new HashMap<>(v1.keys());
      keys.remove(oldOnline);
      keys.put(
          newOnline.keyId(),
          newOnline
              .publicKey()
              .withUnrecognized(
                  Map.of("x-rstuf-online-key-uri", new JsonString("fn:online-2.pem"))));
      Map<String, Role> roles = new HashMap<>(v1.roles());
      Role online = new Role(List.of(newOnline.keyId()), 1);
      roles.put("targets", online);
      roles.put("snapshot", online);
      roles.put("timestamp", online);
      Root v2 = v1.withKeysAndRoles(keys, roles).withVersion(2);
      TaskResult r =
          repo.engine.updateRoot(
              task(),
              Metadata.of(v2)
                  .signedBy(repo.repo.rootKeys.toArray(new PrivateKeySigner[0]))
                  .toJson());
      assertTrue(r.status(), r.toString());
      assertNotEquals(oldOnline, newOnline.keyId());
      var bin = Metadata.parseTargets(repo.read(repo.version("bins-0") + ".bins-0.json"));
      assertEquals(newOnline.keyId(), bin.signatures().get(0).keyid(), "bins re-signed");

      List<ClientRun> runs = clients.update(repo, sessions);
      assertAllCurrent("new online key, same sessions", repo, runs);
      ArtifactsConformanceTest.assertDownloaded(runs, paths);
      repo.add(ConformanceRepository.paths("okr", 12, 4));
      assertAllCurrent("new online key, next publish", repo, clients.update(repo, sessions));
      assertAllCurrent(
          "new online key, from root v1", repo, clients.update(repo, clients.newSessions(repo)));
    }
  }

  /** {@code root} as version {@code version} with root keys {@code keys} and {@code threshold}. */
  private static Root withRootKeys(
      Root root, int version, List<PrivateKeySigner> keys, int threshold) {
    Map<String, Key> all = new HashMap<>(root.keys());
    for (String id : root.role("root").keyids()) {
      all.remove(id);
    }
    List<String> ids = new ArrayList<>();
    for (PrivateKeySigner s : keys) {
      all.put(s.keyId(), s.publicKey());
      ids.add(s.keyId());
    }
    Map<String, Role> roles = new HashMap<>(root.roles());
    roles.put("root", new Role(ids, threshold));
    return root.withKeysAndRoles(all, roles).withVersion(version);
  }

  private static byte[] signature(PrivateKeySigner k, Metadata<?> md) {
    JsonWriter w = JsonWriter.json(256);
    k.sign(md.signedBytes()).writeTo(w);
    return w.toByteArray();
  }
}
