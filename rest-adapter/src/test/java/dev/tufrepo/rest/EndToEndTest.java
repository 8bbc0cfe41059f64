package dev.tufrepo.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.engine.RepositoryVerifier;
import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonArray;
import dev.tufrepo.json.JsonString;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.model.Key;
import dev.tufrepo.model.KeyScheme;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.PrivateKeySigner;
import dev.tufrepo.model.Role;
import dev.tufrepo.model.Root;
import dev.tufrepo.model.TargetFile;
import dev.tufrepo.model.internal.Sha256;
import dev.tufrepo.storage.fs.FileSystemMetadataStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One process end to end, the way RSTUF is driven: {@code rstuf admin ceremony} builds the payload
 * (root threshold 2 of 3 named keys, an online key found as {@code fn:<keyid>}), the CLI posts it
 * and polls the task, artifacts are added and published, and the metadata fetched over HTTP
 * verifies like a TUF client would verify it.
 */
class EndToEndTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path dir;

  @Test
  void ceremonyBootstrap_addArtifacts_fetchAndVerifyPublishedMetadata() throws Exception {
    Path keys = Files.createDirectories(dir.resolve("online-keys"));
    List<PrivateKeySigner> rootKeys =
        List.of(key(KeyScheme.ED25519), key(KeyScheme.ED25519), key(KeyScheme.ED25519));
    PrivateKeySigner online = key(KeyScheme.ED25519);
    Files.writeString(keys.resolve(online.keyId()), online.toPkcs8Pem());

    Map<String, Key> rootKeyMap = new HashMap<>();
    String[] names = {"JanisJoplin", "JimiHendrix", "JoeCocker"};
    for (int i = 0; i < rootKeys.size(); i++) {
      rootKeyMap.put(
          rootKeys.get(i).keyId(),
          rootKeys
              .get(i)
              .publicKey()
              .withUnrecognized(Map.of("x-rstuf-key-name", new JsonString(names[i]))));
    }
    rootKeyMap.put(
        online.keyId(),
        online
            .publicKey()
            .withUnrecognized(
                Map.of(
                    "x-rstuf-key-name", new JsonString("online1"),
                    "x-rstuf-online-key-uri", new JsonString("fn:" + online.keyId()))));
    Role onlineRole = new Role(List.of(online.keyId()), 1);
    Map<String, Role> roles = new LinkedHashMap<>();
    roles.put("root", new Role(rootKeys.stream().map(PrivateKeySigner::keyId).toList(), 2));
    roles.put("timestamp", onlineRole);
    roles.put("snapshot", onlineRole);
    roles.put("targets", onlineRole);
    Instant expires = Instant.now().truncatedTo(ChronoUnit.SECONDS).plus(365, ChronoUnit.DAYS);
    Root root = new Root("1.0.31", 1, expires, true, rootKeyMap, roles, Map.of());
    Metadata<Root> signedRoot = Metadata.of(root).signedBy(rootKeys.get(0), rootKeys.get(2));

    try (TufrepoServer server =
        TufrepoServer.start(
            ServerConfig.builder()
                .port(0)
                .dataDir(dir.resolve("data"))
                .keyDir(keys)
                .groupCommit(java.time.Duration.ofMillis(100))
                .build())) {
      Http http = new Http(server.baseUri());

      // rstuf admin ceremony (or: rstuf admin send bootstrap ceremony-payload.json)
      Http.Resp accepted =
          http.post("api/v1/bootstrap/", Ceremony.payload(Ceremony.rootJson(signedRoot), 16))
              .expect(202);
      assertEquals("Bootstrap accepted.", accepted.str("message"));
      Http.Resp boot = http.waitForTask(accepted.str("data.task_id"));
      assertEquals("SUCCESS", boot.str("data.state"), boot.body());
      assertEquals(dev.tufrepo.json.JsonBoolean.TRUE, boot.at("data.result.status"));
      waitBootstrapped(server);

      // artifacts, as Warehouse or the CLI post them (without and with the trailing slash)
      byte[] a = "first artifact".getBytes(StandardCharsets.UTF_8);
      byte[] b = "second artifact, a wheel".getBytes(StandardCharsets.UTF_8);
      String body =
          "{\"artifacts\":["
              + artifact("project-a/project_a-1.0.tar.gz", a)
              + ","
              + artifact("project-b/project_b-2.0-py3-none-any.whl", b)
              + "],\"add_task_id_to_custom\":false,\"publish_artifacts\":true}";
      Http.Resp add = http.post("api/v1/artifacts", body).expect(202);
      assertEquals("New Artifact(s) successfully submitted.", add.str("message"));
      Http.Resp done = http.waitForTask(add.str("data.task_id"));
      assertEquals("SUCCESS", done.str("data.state"), done.body());
      assertEquals("Artifact(s) Added", done.str("data.result.message"));
      assertEquals(
          Json.parse(
              "[\"project-a/project_a-1.0.tar.gz\",\"project-b/project_b-2.0-py3-none-any.whl\"]"),
          done.at("data.result.details.added_artifacts"));
      JsonValue binRoles = done.at("data.result.details.artifact_roles");
      assertTrue(binRoles instanceof JsonArray ra && !ra.values().isEmpty(), done.body());

      // fetch every published file over HTTP, as a client would, and verify from root v1
      Path fetched = Files.createDirectories(dir.resolve("fetched"));
      String listing = http.get("metadata/").expect(200).body();
      Matcher m = Pattern.compile("href=\"([^\"]+)\"").matcher(listing);
      int files = 0;
      while (m.find()) {
        Http.Resp file = http.get("metadata/" + m.group(1)).expect(200);
        Files.write(fetched.resolve(m.group(1)), file.raw().body());
        files++;
      }
      assertTrue(files >= 16 + 4, "root, targets, snapshot, timestamp and 16 bins: " + files);
      byte[] trusted = http.get("metadata/1.root.json").expect(200).raw().body();
      Metadata<Root> served = Metadata.parseRoot(trusted);
      served.signed().verifyDelegate("root", served);
      assertEquals(
          new JsonString("JanisJoplin"),
          served
              .signed()
              .keys()
              .get(rootKeys.get(0).keyId())
              .unrecognized()
              .get("x-rstuf-key-name"));
      try (FileSystemMetadataStore store = FileSystemMetadataStore.open(fetched)) {
        RepositoryVerifier.Report report =
            RepositoryVerifier.verify(store, trusted, Instant.now(), true);
        assertTrue(report.ok(), report.problems().toString());
        assertEquals(2, report.targetCount());
        TargetFile tf = report.targets().get("project-a/project_a-1.0.tar.gz");
        assertEquals(a.length, tf.length());
        assertEquals(Sha256.hex(a), tf.hashes().get("sha256"));
      }
    }
  }

  private static void waitBootstrapped(TufrepoServer server) {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!server.engine().isBootstrapped() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
  }

  private static String artifact(String path, byte[] content) {
    return "{\"info\":{\"length\":"
        + content.length
        + ",\"hashes\":{\"sha256\":\""
        + Sha256.hex(content)
        + "\"},\"custom\":null},\"path\":\""
        + path
        + "\"}";
  }

  private static PrivateKeySigner key(KeyScheme scheme) {
    return PrivateKeySigner.generate(scheme, RANDOM);
  }
}
