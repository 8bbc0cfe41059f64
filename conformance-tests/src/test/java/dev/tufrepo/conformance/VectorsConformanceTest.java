package dev.tufrepo.conformance;

import static dev.tufrepo.conformance.Clients.assertAllCurrent;
import static dev.tufrepo.testing.JsonAccess.arr;
import static dev.tufrepo.testing.JsonAccess.get;
import static dev.tufrepo.testing.JsonAccess.num;
import static dev.tufrepo.testing.JsonAccess.obj;
import static dev.tufrepo.testing.JsonAccess.str;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.engine.Artifact;
import dev.tufrepo.engine.ArtifactBatch;
import dev.tufrepo.engine.RepositoryEngine;
import dev.tufrepo.engine.RepositoryVerifier;
import dev.tufrepo.engine.TestRepository;
import dev.tufrepo.engine.internal.Bootstrapper;
import dev.tufrepo.engine.internal.SettingKeys;
import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonString;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.model.Key;
import dev.tufrepo.model.KeyScheme;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.PrivateKeySigner;
import dev.tufrepo.model.Role;
import dev.tufrepo.model.Root;
import dev.tufrepo.storage.PublishCommit;
import dev.tufrepo.storage.RoleVersion;
import dev.tufrepo.storage.fs.FileSystemMetadataStore;
import dev.tufrepo.testing.Vectors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Byte level, against the python-tuf vectors in {@code ../shared/vectors}: the encoder the engine
 * signs with, keyids, the engine's verifier and the engine's bin placement give python-tuf's
 * results; and python-tuf's repository, taken over by the engine and extended, is accepted by every
 * client from python-tuf's root v1.
 */
class VectorsConformanceTest {
  static final String VECTOR = "python-tuf-repo";

  @TempDir Path dir;

  @Test
  void canonicalJson_everyVectorCase_isTheEnginesSignedBytes() {
    Path base = Vectors.resolve("canonical-json");
    int checked = 0;
    for (JsonValue c : arr(Vectors.json(base.resolve("index.json")))) {
      String name = str(c, "name");
      byte[] input = Vectors.bytes(base.resolve(str(c, "input")));
      JsonValue expected = get(c, "expected");
      if (expected instanceof JsonString e) {
        JsonValue parsed =
            name.contains("duplicate") ? Json.parseLastKeyWins(input) : Json.parse(input);
        assertArrayEquals(Vectors.bytes(base.resolve(e.value())), Json.canonical(parsed), name);
        checked++;
      } else {
        assertThrows(RuntimeException.class, () -> Json.canonical(Json.parse(input)), name);
        checked++;
      }
    }
    assertEquals(24, checked);
  }

  @Test
  void keyids_areTheSha256OfTheCanonicalKey_asPythonTufComputesThem() {
    for (String vector : List.of(VECTOR, "python-tuf-repo-mixed-keytypes")) {
      JsonValue keys = Vectors.json(Vectors.resolve(vector + "/expected/keys.json"));
      for (var e : obj(keys).members().entrySet()) {
        Key key = Key.fromJson(get(e.getValue(), "key"), e.getKey());
        assertEquals(str(e.getValue(), "keyid"), key.keyId(), vector + " " + e.getKey());
        assertEquals(
            str(e.getValue(), "canonical_key_json"),
            new String(Json.canonical(get(e.getValue(), "key")), StandardCharsets.UTF_8),
            vector + " " + e.getKey());
      }
    }
  }

  @Test
  void engineVerifier_acceptsPythonTufRepositories_andRejectsOneFlippedByte() throws IOException {
    for (String vector : List.of(VECTOR, "python-tuf-repo-mixed-keytypes")) {
      Path repoDir = Vectors.resolve(vector + "/repository");
      TestRepository r = new TestRepository(dir.resolve(vector));
      try {
        copyMetadata(repoDir.resolve("metadata"), r);
        byte[] trusted = Vectors.bytes(repoDir.resolve("initial_root.json"));
        Instant now = TestRepository.START;
        RepositoryVerifier.Report report =
            RepositoryVerifier.verify(r.metadata, trusted, now, true);
        assertTrue(report.ok(), vector + ": " + report.problems());
        assertEquals(2, report.rootVersion(), vector);
        assertEquals(7, report.targetCount(), vector);

        // one signature byte changed in bins-5 (which holds file1.txt)
        byte[] bin = r.metadata.read("1.bins-5.json").orElseThrow();
        String text = new String(bin, StandardCharsets.UTF_8);
        int at = text.indexOf("\"sig\": \"") + 8;
        char flipped = text.charAt(at) == '0' ? '1' : '0';
        Files.writeString(
            ((FileSystemMetadataStore) r.metadata).directory().resolve("1.bins-5.json"),
            text.substring(0, at) + flipped + text.substring(at + 1));
        RepositoryVerifier.Report bad = RepositoryVerifier.verify(r.metadata, trusted, now, true);
        assertFalse(bad.ok(), vector + ": a flipped signature byte went unnoticed");
      } finally {
        r.close();
      }
    }
  }

  @Test
  void enginePublishing_putsEveryTargetInTheBinPythonTufComputes() {
    JsonValue doc = Vectors.json(Vectors.resolve("succinct-hash-bins/succinct-bins.json"));
    int checked = 0;
    for (JsonValue c : arr(doc, "cases")) {
      int bits = (int) num(c, "bit_length");
      if (bits < 1 || bits > 14) {
        continue; // the engine offers 2 to 16,384 bins
      }
      try (TestRepository r = new TestRepository(dir.resolve("bits-" + bits));
          RepositoryEngine engine = r.engine()) {
        engine.bootstrap(r.bootstrapRequest(1 << bits));
        Map<String, String> expected = new HashMap<>();
        List<Artifact> artifacts = new ArrayList<>();
        for (JsonValue t : arr(c, "targets")) {
          String path = str(t, "path");
          if (path.isEmpty() || path.startsWith("/")) {
            continue; // the engine refuses these artifact paths (RSTUF weakness 12)
          }
          expected.put(path, str(t, "role"));
          artifacts.add(TestRepository.artifact(path, 1));
        }
        engine.submit(ArtifactBatch.add(artifacts));
        engine.publish();
        Map<String, RoleVersion> versions = r.state.roleVersions();
        for (var e : expected.entrySet()) {
          String bin = e.getValue();
          var file =
              Metadata.parseTargets(
                  r.metadata.read(versions.get(bin).version() + "." + bin + ".json").orElseThrow());
          assertTrue(
              file.signed().targets().containsKey(e.getKey()),
              "bit_length " + bits + ": " + e.getKey() + " is not in " + bin);
          checked++;
        }
      }
    }
    assertTrue(checked >= 50, "checked " + checked);
  }

  /**
   * python-tuf's repository (root v1 -> v2, separate targets, snapshot, timestamp and bins keys) is
   * taken over by the engine and extended; every client, starting from python-tuf's root v1,
   * accepts the result and downloads python-tuf's targets and the engine's.
   *
   * <p>How the engine takes it over: the engine signs targets, snapshot, timestamp and bins with
   * one online key, so root v3 (signed by python-tuf's root key {@code root2}, the threshold of v2
   * and of v3) makes the bins key that online key for the top-level roles too. The python-tuf files
   * and root v3 go into the metadata store; the state store gets the settings and versions an RSTUF
   * bootstrap would have left (16 bins, the online key, version 1 of every role, root 3,
   * python-tuf's timestamp as the committed one). A new engine then loads this state like any
   * restart, re-signs the top level under root v3 ({@code forceUpdate}) and publishes new artifacts
   * into the bins.
   */
  @Test
  void pythonTufRepository_takenOverByTheEngine_extended_everyClientAccepts() throws IOException {
    Path vector = Vectors.resolve(VECTOR);
    try (ConformanceRepository repo =
            new ConformanceRepository(dir.resolve("repo"), KeyScheme.ED25519);
        Clients clients = Clients.start(dir.resolve("clients"))) {
      TestRepository r = repo.repo;
      copyMetadata(vector.resolve("repository/metadata"), r);
      copyTree(vector.resolve("repository/targets"), repo.targetsDir);
      PrivateKeySigner root2 =
          PrivateKeySigner.fromPem(Vectors.string(vector.resolve("keys/root2.private.pem")));
      String binsPem = Vectors.string(vector.resolve("keys/bins.private.pem"));
      PrivateKeySigner online = PrivateKeySigner.fromPem(binsPem);
      Files.writeString(r.keyDir.resolve("bins.pem"), binsPem);

      Metadata<Root> v2 = Metadata.parseRoot(r.metadata.read("2.root.json").orElseThrow());
      Map<String, Key> keys = new HashMap<>();
      String rootKeyId = root2.keyId();
      keys.put(rootKeyId, v2.signed().keys().get(rootKeyId));
      keys.put(
          online.keyId(),
          online
              .publicKey()
              .withUnrecognized(Map.of(Bootstrapper.URI_FIELD, new JsonString("fn:bins.pem"))));
      Role onlineRole = new Role(List.of(online.keyId()), 1);
      Root v3 =
          v2.signed()
              .withVersion(3)
              .withExpires(TestRepository.START.plus(Duration.ofDays(365)))
              .withKeysAndRoles(
                  keys,
                  Map.of(
                      "root", v2.signed().role("root"),
                      "targets", onlineRole,
                      "snapshot", onlineRole,
                      "timestamp", onlineRole));
      r.metadata.writeVersioned(Map.of("3.root.json", Metadata.of(v3).signedBy(root2).toJson()));
      seedState(r, v3, online.keyId(), "fn:bins.pem");
      repo.reopenEngine();
      assertTrue(repo.engine.isBootstrapped(), "the engine loaded the python-tuf repository");

      repo.engine.forceUpdate(Set.of("targets", "snapshot", "timestamp"));
      JsonValue bins = Vectors.json(vector.resolve("expected/target-bins.json"));
      for (JsonValue t : arr(bins, "targets")) {
        String path = str(t, "target_path");
        String file = ((JsonString) arr(t, "consistent_target_files").get(0)).value();
        repo.published(path, Files.readAllBytes(repo.targetsDir.resolve(file)), false);
      }
      repo.published(
          "toplevel.txt",
          Files.readAllBytes(
              repo.targetsDir.resolve(
                  "3a6109297fb3ee1e01d5c5a381510c982e3e1f7363ab4955f3ab28c4029c5abe.toplevel.txt")),
          true);
      repo.add(ConformanceRepository.paths("engine", 0, 24));

      Path trusted = vector.resolve("repository/initial_root.json");
      Map<TufClient, Session> sessions = new HashMap<>();
      clients.all.forEach(c -> sessions.put(c, repo.newSession(c, trusted)));
      List<ClientRun> runs = clients.update(repo, sessions);
      assertAllCurrent("python-tuf repository extended by the engine", repo, runs);
      runs.forEach(run -> assertEquals(3, run.version("root"), run.toString()));
      ArtifactsConformanceTest.assertDownloaded(
          runs,
          "toplevel.txt",
          List.of(
              "file1.txt",
              "dir/file2.txt",
              "unicode/ünïcødé.txt",
              "with space.txt",
              "multi-hash.bin",
              "engine/ünïcødé/fïlé-3.bin"));
      RepositoryVerifier.Report report =
          RepositoryVerifier.verify(
              r.metadata, Files.readAllBytes(trusted), repo.clock().instant(), true);
      assertTrue(report.ok(), report.problems().toString());
      assertEquals(7 + 24, report.targetCount());
    }
  }

  /** The state an RSTUF bootstrap of python-tuf's repository would have left. */
  private static void seedState(TestRepository r, Root root, String onlineKeyId, String uri) {
    Map<String, String> settings = new HashMap<>();
    for (String role : SettingKeys.ROLES) {
      settings.put(
          SettingKeys.expiration(role),
          role.equals("root") || role.equals("targets") ? "365" : "1");
    }
    settings.put(SettingKeys.NUMBER_OF_DELEGATED_BINS, "16");
    settings.put(SettingKeys.ONLINE_KEY_ID, onlineKeyId);
    settings.put(SettingKeys.ONLINE_KEY_URI, uri);
    settings.put(SettingKeys.BOOTSTRAP, "python-tuf-vectors");
    settings.put(
        SettingKeys.TIMESTAMP_JSON,
        new String(r.metadata.read("timestamp.json").orElseThrow(), StandardCharsets.UTF_8));
    Instant vectorExpiry = Instant.parse("2099-01-01T00:00:00Z");
    Map<String, RoleVersion> versions = new HashMap<>();
    versions.put("root", new RoleVersion(root.version(), root.expires()));
    for (String role : List.of("targets", "snapshot", "timestamp")) {
      versions.put(role, new RoleVersion(1, vectorExpiry));
    }
    for (int i = 0; i < 16; i++) {
      versions.put("bins-" + Integer.toHexString(i), new RoleVersion(1, vectorExpiry));
    }
    r.state.commitPublish(new PublishCommit(0, versions, List.of(), List.of(), settings));
  }

  private static void copyMetadata(Path from, TestRepository r) throws IOException {
    Map<String, byte[]> files = new HashMap<>();
    byte[] timestamp = null;
    try (Stream<Path> s = Files.list(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String name = p.getFileName().toString();
        if (name.equals("timestamp.json")) {
          timestamp = Files.readAllBytes(p);
        } else {
          files.put(name, Files.readAllBytes(p));
        }
      }
    }
    r.metadata.writeVersioned(files);
    r.metadata.writeTimestamp(timestamp);
  }

  private static void copyTree(Path from, Path to) {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
