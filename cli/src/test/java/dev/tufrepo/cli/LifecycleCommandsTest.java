package dev.tufrepo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonArray;
import dev.tufrepo.json.JsonNumber;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.rest.ServerConfig;
import dev.tufrepo.rest.TufrepoServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lifecycle commands (signing sessions, forced bumps, settings, delegations, key rotation,
 * retention) against the real REST server in this JVM.
 */
class LifecycleCommandsTest {
  @TempDir Path dir;
  private TufrepoServer server;
  private String url;

  private Map<String, String> serverSettings = Map.of();

  private void start() {
    server = TestServers.start(dir.resolve("server"), serverSettings);
    url = server.baseUri().toString();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  private boolean bootstrapped() throws InterruptedException {
    for (int i = 0; i < 100 && !server.engine().isBootstrapped(); i++) {
      Thread.sleep(50);
    }
    return server.engine().isBootstrapped();
  }

  private static String s(Path p) {
    return p.toString();
  }

  private static String[] concat(String[] a, String... b) {
    String[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  /** Runs a command and requires exit code 0. */
  private Cli.Run ok(String... args) {
    Cli.Run r = Cli.run(args);
    assertEquals(0, r.code(), () -> String.join(" ", args) + "\n" + r);
    return r;
  }

  /** Ceremony (one root key alice, threshold 1) and bootstrap; more options go to the ceremony. */
  private void bootstrap(String... more) throws Exception {
    Path payload = dir.resolve("ceremony-payload.json");
    String[] base = {
      "admin",
      "ceremony",
      "--yes",
      "--out",
      s(payload),
      "--keys-dir",
      s(dir.resolve("ck")),
      "--bins",
      "4",
      "--online-key",
      "generate",
      "--online-key-uri",
      "fn:online.pem",
      "--root-key",
      "generate:ed25519:alice",
      "--root-threshold",
      "1"
    };
    ok(concat(base, more));
    Files.createDirectories(dir.resolve("server/keys"));
    Files.copy(dir.resolve("ck/online.pem"), dir.resolve("server/keys/online.pem"));
    start();
    ok("admin", "send", "bootstrap", s(payload), "-s", url, "--wait");
    assertTrue(bootstrapped());
  }

  private JsonValue verify() {
    return ok(
            "verify",
            "--metadata-url",
            url + "metadata/",
            "--root",
            s(dir.resolve("server/metadata/1.root.json")),
            "--list-targets",
            "-o",
            "json")
        .json();
  }

  private long num(JsonValue v, String... path) {
    return ((JsonNumber) Jsons.at(v, path)).value();
  }

  private JsonValue file(String name) {
    try {
      return Json.parse(Files.readAllBytes(dir.resolve("server/metadata").resolve(name)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void addArtifact(String path, String content) throws IOException {
    Path f = dir.resolve("content-" + path.replace('/', '_'));
    Files.writeString(f, content);
    ok(
        "artifact",
        "add",
        "--path",
        path,
        "--length",
        "" + content.length(),
        "--sha256",
        LocalRepoCommandsTest.sha256(content),
        "-s",
        url,
        "--wait");
  }

  @Test
  void rootUpdateWaitsInASession_pendingShowsIt_stopSignAbandonsIt() throws Exception {
    bootstrap();
    Path upd = dir.resolve("update.json");
    ok(
        "admin",
        "metadata",
        "update",
        "--metadata-url",
        url + "metadata/",
        "--expiration",
        "90",
        "--out",
        s(upd));
    ok("admin", "send", "update", s(upd), "-s", url, "--wait");

    Cli.Run pending = ok("admin", "metadata", "pending", "-s", url, "-o", "json");
    JsonValue row = ((JsonArray) Jsons.at(pending.json(), "pending")).values().get(0);
    assertEquals("root", Jsons.string(row, "role"));
    assertEquals(2, num(row, "version"));
    assertEquals(1, num(row, "trusted_threshold"));
    assertEquals(0, ((JsonArray) Jsons.at(row, "signed_by")).values().size());
    Cli.Run text = ok("admin", "metadata", "pending", "-s", url);
    assertTrue(text.out().startsWith("root v2: 0 signature(s)"), text::toString);

    ok("admin", "metadata", "stop-sign", "root", "-s", url, "--wait");
    assertTrue(ok("admin", "metadata", "pending", "-s", url).out().contains("nothing waits"));
    Cli.Run again = Cli.run("admin", "metadata", "stop-sign", "root", "-s", url);
    assertEquals(2, again.code(), again::toString);
    assertTrue(again.err().contains("not in a signing process"), again::toString);
    assertEquals(1, num(verify(), "root_version"));
  }

  @Test
  void configSetExpiration_isShown_andForcedBumpsMakeNewVersions() throws Exception {
    bootstrap();
    Cli.Run show = ok("admin", "config", "show", "-s", url, "-o", "json");
    assertEquals(4, num(show.json(), "number_of_delegated_bins"));
    ok("admin", "config", "set-expiration", "timestamp=2", "snapshot=3", "-s", url, "--wait");
    Cli.Run after = ok("admin", "config", "show", "-s", url);
    assertTrue(after.out().contains("timestamp_expiration=2\n"), after::toString);
    assertTrue(after.out().contains("snapshot_expiration=3\n"), after::toString);

    long targets = num(file("timestamp.json"), "signed", "version");
    ok("admin", "metadata", "online", "targets", "-s", url, "--wait");
    JsonValue ts = file("timestamp.json");
    assertTrue(num(ts, "signed", "version") > targets);
    long snap = num(ts, "signed", "meta", "snapshot.json", "version");
    JsonValue snapshot = file(snap + ".snapshot.json");
    assertEquals(2, num(snapshot, "signed", "meta", "targets.json", "version"));
    ok("admin", "metadata", "online", "-s", url, "--wait");
    long snap2 = num(file("timestamp.json"), "signed", "meta", "snapshot.json", "version");
    assertTrue(snap2 > snap);
    assertEquals(
        3, num(file(snap2 + ".snapshot.json"), "signed", "meta", "targets.json", "version"));

    Cli.Run bad = Cli.run("admin", "config", "set-expiration", "timestamp=zero", "-s", url);
    assertEquals(2, bad.code(), bad::toString);
    Cli.Run unknown = Cli.run("admin", "metadata", "online", "nosuchrole", "-s", url, "--wait");
    assertEquals(2, unknown.code(), unknown::toString);
  }

  @Test
  void customDelegations_ceremonyAddUpdateDelete_andOfflineRoleSignedFromTheCli() throws Exception {
    Path d = dir.resolve("delegations.json");
    Files.writeString(
        d,
        "{\"keys\": {}, \"roles\": [{\"name\": \"team-a\", \"terminating\": true,"
            + " \"keyids\": [\"online\"], \"threshold\": 1, \"paths\": [\"a/*\"],"
            + " \"x-rstuf-expire-policy\": 30}]}");
    bootstrap("--delegations", s(d));
    assertFalse(server.engine().usesSuccinctBins());
    Map<String, byte[]> files = step("bootstrap", new TreeMap<>(), false);
    String online =
        Jsons.string(
            ok("key", "info", s(dir.resolve("ck/online.pem")), "-o", "json").json(), "keyid");
    addArtifact("a/one.txt", "one");
    assertNotNull(Jsons.at(verify(), "target_files", "a/one.txt"));
    files = step("add", files, false);

    // an online role added later, then updated to more paths
    Path b = dir.resolve("b.json");
    String onlineKey =
        new String(Json.write(Jsons.at(file("1.root.json"), "signed", "keys", online)));
    String roleB =
        "{\"name\": \"team-b\", \"terminating\": true, \"keyids\": [\""
            + online
            + "\"], \"threshold\": 1, \"paths\": [%s], \"x-rstuf-expire-policy\": 30}";
    Files.writeString(
        b,
        "{\"keys\": {\""
            + online
            + "\": "
            + onlineKey
            + "}, \"roles\": ["
            + String.format(roleB, "\"b/*\"")
            + "]}");
    ok("admin", "delegations", "add", s(b), "-s", url, "--wait");
    addArtifact("b/two.txt", "two");
    Files.writeString(
        b,
        "{\"delegations\": {\"keys\": {\""
            + online
            + "\": "
            + onlineKey
            + "}, \"roles\": ["
            + String.format(roleB, "\"b/*\", \"bb/*\"")
            + "]}}");
    ok("admin", "delegations", "update", s(b), "-s", url, "--wait");
    addArtifact("bb/three.txt", "three");
    files = step("delegations add, update", files, false);
    JsonValue v = verify();
    assertNotNull(Jsons.at(v, "target_files", "b/two.txt"), v::toString);
    assertNotNull(Jsons.at(v, "target_files", "bb/three.txt"), v::toString);

    // an offline role waits for its key holder, who signs with admin metadata sign
    Path off = dir.resolve("off.pem");
    JsonValue offKey = ok("key", "generate", "-f", s(off), "-o", "json").json();
    String offId = Jsons.string(offKey, "keyid");
    Path c = dir.resolve("c.json");
    Files.writeString(
        c,
        "{\"keys\": {\""
            + offId
            + "\": {\"keytype\": \""
            + Jsons.string(offKey, "keytype")
            + "\", \"scheme\": \""
            + Jsons.string(offKey, "scheme")
            + "\", \"keyval\": {\"public\": \""
            + Jsons.string(offKey, "public")
            + "\"}}}, \"roles\": [{\"name\": \"team-c\", \"terminating\": true, \"keyids\": [\""
            + offId
            + "\"], \"threshold\": 1, \"paths\": [\"c/*\"], \"x-rstuf-expire-policy\": 60}]}");
    ok("admin", "delegations", "add", s(c), "-s", url, "--wait");
    Cli.Run pending = ok("admin", "metadata", "pending", "-s", url, "-o", "json");
    assertEquals(
        "team-c",
        Jsons.string(((JsonArray) Jsons.at(pending.json(), "pending")).values().get(0), "role"));
    assertFalse(delegatedNames().contains("team-c"), "not delegated before it is signed");
    ok("admin", "metadata", "sign", "--key", s(off), "--role", "team-c", "-s", url, "--wait");
    assertTrue(ok("admin", "metadata", "pending", "-s", url).out().contains("nothing waits"));
    assertTrue(delegatedNames().contains("team-c"), () -> delegatedNames().toString());
    verify();
    files = step("offline role signed", files, false);

    ok("admin", "delegations", "delete", "team-b", "-s", url, "--wait");
    assertFalse(delegatedNames().contains("team-b"));
    files = step("delegations delete", files, false);
    assertNotNull(Jsons.at(verify(), "target_files", "a/one.txt"));
    ok("admin", "metadata", "online", "team-a", "-s", url, "--wait");
    step("forced bump of a custom role", files, false);
    Cli.Run reuse = Cli.run("admin", "delegations", "add", s(b), "-s", url, "--wait");
    assertEquals(2, reuse.code(), reuse::toString);
    assertTrue(
        reuse.err().contains("team-b: [\"role already exists or name used in the past\"]"),
        reuse::toString);
  }

  private String latest(String role) {
    JsonValue ts = file("timestamp.json");
    long snap = num(ts, "signed", "meta", "snapshot.json", "version");
    return num(file(snap + ".snapshot.json"), "signed", "meta", role + ".json", "version")
        + "."
        + role
        + ".json";
  }

  private List<String> delegatedNames() {
    List<String> names = new ArrayList<>();
    JsonValue roles = Jsons.at(file(latest("targets")), "signed", "delegations", "roles");
    if (roles instanceof JsonArray a) {
      a.values().forEach(r -> names.add(Jsons.string(r, "name")));
    }
    return names;
  }

  /** Every file of the metadata directory and its bytes. */
  private Map<String, byte[]> scan() throws IOException {
    Map<String, byte[]> m = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir.resolve("server/metadata"))) {
      for (Path f : files.toList()) {
        m.put(f.getFileName().toString(), Files.readAllBytes(f));
      }
    }
    return m;
  }

  /** Versioned files never change bytes; none disappears unless {@code pruned}. */
  private Map<String, byte[]> step(String what, Map<String, byte[]> before, boolean pruned)
      throws IOException {
    Map<String, byte[]> after = scan();
    Set<String> referenced = new HashSet<>();
    JsonValue ts = Json.parse(after.get("timestamp.json"));
    referenced.add("timestamp.json");
    long snap = num(ts, "signed", "meta", "snapshot.json", "version");
    referenced.add(snap + ".snapshot.json");
    JsonObject meta =
        (JsonObject) Jsons.at(Json.parse(after.get(snap + ".snapshot.json")), "signed", "meta");
    meta.members()
        .forEach(
            (name, m) ->
                referenced.add(((JsonNumber) Jsons.at(m, "version")).value() + "." + name));
    for (String r : referenced) {
      assertTrue(after.containsKey(r), what + ": the current metadata lacks " + r);
    }
    for (Map.Entry<String, byte[]> e : before.entrySet()) {
      String name = e.getKey();
      if (name.equals("timestamp.json")) {
        continue;
      }
      assertTrue(name.matches("\\d+\\..+\\.json"), what + ": unexpected unversioned file " + name);
      byte[] now = after.get(name);
      if (now == null) {
        assertTrue(pruned, what + ": " + name + " disappeared");
        assertFalse(name.endsWith(".root.json"), what + ": pruned a root " + name);
        assertFalse(referenced.contains(name), what + ": pruned the current " + name);
      } else {
        assertTrue(Arrays.equals(e.getValue(), now), what + ": " + name + " changed bytes");
      }
    }
    return after;
  }

  @Test
  void operationSequence_neverRewritesAPublishedFile_onlineKeyRotationKeepsClientsWorking()
      throws Exception {
    Map<String, byte[]> files = new TreeMap<>();
    bootstrap();
    files = step("bootstrap", files, false);
    addArtifact("pkgs/one.txt", "one");
    files = step("add", files, false);

    // root rotation: add a root key, threshold 1, signed by alice
    ok(
        "admin",
        "metadata",
        "update",
        "--metadata-url",
        url + "metadata/",
        "--add-key",
        "generate:ed25519:carol",
        "--keys-dir",
        s(dir.resolve("ck")),
        "--key",
        s(dir.resolve("ck/alice.pem")),
        "--out",
        s(dir.resolve("u2.json")),
        "--send",
        "-s",
        url,
        "--wait");
    assertEquals(2, num(verify(), "root_version"));
    files = step("root rotation", files, false);

    // online key rotation: the server finds the new key as keys/online2.pem
    String newOnline =
        ok("key", "generate", "-f", s(dir.resolve("server/keys/online2.pem"))).out().strip();
    String oldOnline = signer("timestamp.json");
    assertFalse(oldOnline.equals(newOnline));
    ok(
        "admin",
        "metadata",
        "update",
        "--metadata-url",
        url + "metadata/",
        "--online-key",
        s(dir.resolve("server/keys/online2.pem")),
        "--online-key-uri",
        "fn:online2.pem",
        "--key",
        s(dir.resolve("ck/carol.pem")),
        "--out",
        s(dir.resolve("u3.json")),
        "--send",
        "-s",
        url,
        "--wait");
    files = step("online key rotation", files, false);
    JsonValue v = verify();
    assertEquals(3, num(v, "root_version"));
    assertNotNull(Jsons.at(v, "target_files", "pkgs/one.txt"), v::toString);
    assertEquals(newOnline, signer("timestamp.json"));
    assertEquals(
        newOnline,
        signer(
            num(file("timestamp.json"), "signed", "meta", "snapshot.json", "version")
                + ".snapshot.json"));
    assertEquals(newOnline, signer(latest("targets")));
    addArtifact("pkgs/two.txt", "two");
    files = step("add after rotation", files, false);
    v = verify();
    assertNotNull(Jsons.at(v, "target_files", "pkgs/two.txt"), v::toString);

    ok("admin", "metadata", "online", "snapshot", "-s", url, "--wait");
    files = step("forced snapshot", files, false);
    ok("admin", "metadata", "online", "targets", "timestamp", "-s", url, "--wait");
    files = step("forced targets+timestamp", files, false);
    ok("artifact", "delete", "pkgs/one.txt", "-s", url, "--wait");
    files = step("delete", files, false);

    // retention on the stopped server's data directory, then the server serves it again
    stop();
    Cli.Run prune =
        ok(
            "repo",
            "prune",
            "--repo",
            s(dir.resolve("server")),
            "--keep",
            "1",
            "--min-age",
            "0",
            "-o",
            "json");
    assertTrue(num(prune.json(), "deleted") > 0, prune::toString);
    files = step("prune", files, true);
    for (int i = 1; i <= 3; i++) {
      assertTrue(files.containsKey(i + ".root.json"), "root " + i + " kept");
    }
    Cli.Run none =
        ok("repo", "prune", "--repo", s(dir.resolve("server")), "--keep", "1", "--min-age", "30d");
    assertTrue(none.out().contains("deleted 0"), none::toString);
    Cli.Run keep0 = Cli.run("repo", "prune", "--repo", s(dir.resolve("server")), "--keep", "0");
    assertEquals(2, keep0.code(), keep0::toString);
    assertTrue(keep0.err().contains("keep: must be 1 or more"), keep0::toString);
    Cli.Run badAge =
        Cli.run("repo", "prune", "--repo", s(dir.resolve("server")), "--min-age", "soon");
    assertEquals(2, badAge.code(), badAge::toString);
    assertTrue(badAge.err().contains("min-age: expected a duration"), badAge::toString);
    start();
    v = verify();
    assertNull(Jsons.at(v, "target_files", "pkgs/one.txt"), v::toString);
    assertNotNull(Jsons.at(v, "target_files", "pkgs/two.txt"), v::toString);
    addArtifact("pkgs/three.txt", "three");
    step("add after prune", files, false);
  }

  private String signer(String name) {
    JsonArray sigs = (JsonArray) Jsons.at(file(name), "signatures");
    assertEquals(1, sigs.values().size(), name);
    return Jsons.string(sigs.values().get(0), "keyid");
  }

  @Test
  void serverRetentionSettings_pruneInTheBackground_keepingRootsAndCurrentFiles() throws Exception {
    serverSettings =
        Map.of("retention-keep", "1", "retention-min-age", "0", "retention-interval", "PT0.2S");
    bootstrap();
    Map<String, byte[]> files = scan();
    for (int i = 0; i < 3; i++) {
      ok("admin", "metadata", "online", "-s", url, "--wait");
    }
    Map<String, byte[]> now = scan();
    for (int i = 0; i < 100 && now.size() > 8; i++) {
      Thread.sleep(100);
      now = scan();
    }
    // left: 1.root.json, the current snapshot, targets, 4 bins, timestamp.json
    assertEquals(
        Set.of("1.root.json", "timestamp.json"),
        now.keySet().stream()
            .filter(n -> n.equals("timestamp.json") || n.endsWith(".root.json"))
            .collect(java.util.stream.Collectors.toSet()));
    assertEquals(8, now.size(), now.keySet()::toString);
    step("background retention", files, true);
    verify();
  }

  @Test
  void retentionAndWarningSettings_resolveFromEnvironment_andBadValuesNameTheSetting() {
    ServerConfig c =
        ServerConfig.resolve(
            Map.of(),
            Map.of(
                "TUFREPO_RETENTION_KEEP", "5",
                "TUFREPO_RETENTION_MIN_AGE", "12h",
                "TUFREPO_OFFLINE_EXPIRY_WARNING", "0"));
    assertEquals(5, c.retentionKeep());
    assertEquals(java.time.Duration.ofHours(12), c.retentionMinAge());
    assertEquals(java.time.Duration.ZERO, c.offlineExpiryWarning());
    ServerConfig d = ServerConfig.resolve(Map.of(), Map.of());
    assertEquals(0, d.retentionKeep());
    assertEquals(java.time.Duration.ofDays(30), d.offlineExpiryWarning());
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () -> ServerConfig.resolve(Map.of("retention-min-age", "soon"), Map.of()));
    assertTrue(e.getMessage().contains("retention-min-age"), e::getMessage);
  }
}
