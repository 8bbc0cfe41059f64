package dev.tufrepo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonNumber;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.rest.TufrepoServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands that talk to a server, against the real REST server in this JVM. */
class ServerCommandsTest {
  @TempDir Path dir;
  private TufrepoServer server;
  private String url;

  private void start(Map<String, String> extra) {
    server = TestServers.start(dir.resolve("server"), extra);
    url = server.baseUri().toString();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** The task finishes a moment before the engine's state says so (see the rest branch's note). */
  private boolean bootstrapped() throws InterruptedException {
    for (int i = 0; i < 100 && !server.engine().isBootstrapped(); i++) {
      Thread.sleep(50);
    }
    return server.engine().isBootstrapped();
  }

  private Cli.Run cli(String... args) {
    return Cli.run(args);
  }

  private String s(Path p) {
    return p.toString();
  }

  /** A ceremony whose online key goes where the server finds it. */
  private Path ceremony(String... more) {
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
      "16",
      "--online-key",
      "generate",
      "--online-key-uri",
      "fn:online.pem"
    };
    String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, args, base.length, more.length);
    Cli.Run r = cli(args);
    assertEquals(0, r.code(), r::toString);
    try {
      Files.createDirectories(dir.resolve("server/keys"));
      Files.copy(dir.resolve("ck/online.pem"), dir.resolve("server/keys/online.pem"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return payload;
  }

  private JsonValue verifyJson(String... more) {
    String[] base = {"verify", "--metadata-url", url + "metadata/", "--list-targets", "-o", "json"};
    String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, args, base.length, more.length);
    Cli.Run v = cli(args);
    assertEquals(0, v.code(), v::toString);
    return v.json();
  }

  @Test
  void ceremony_bootstrap_artifactAddFromFileAndFlags_task_delete() throws Exception {
    start(Map.of());
    Path payload =
        ceremony(
            "--root-key", "generate:ed25519:alice,generate:ecdsa:bob", "--root-threshold", "2");
    // spaces after the commas between members: the same JSON, not the bytes we would write
    byte[] compact = Files.readAllBytes(payload);
    String spaced = new String(compact, StandardCharsets.UTF_8).replace(",\"", ", \"");
    assertEquals(Json.parse(compact), Json.parse(spaced), "only whitespace was added");
    Files.writeString(payload, spaced);
    Cli.Run boot = cli("admin", "send", "bootstrap", s(payload), "--api-server", url, "--wait");
    assertEquals(0, boot.code(), boot::toString);
    assertTrue(bootstrapped());
    byte[] sent = Files.readAllBytes(payload);
    byte[] rootSent = Json.locate(sent, "metadata", "root").orElseThrow().copyOf(sent);
    java.net.http.HttpResponse<byte[]> published =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(url + "metadata/1.root.json"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, published.statusCode());
    assertEquals(
        new String(rootSent, StandardCharsets.UTF_8),
        new String(published.body(), StandardCharsets.UTF_8),
        "the payload's root is published byte for byte");

    Path file = dir.resolve("hello-1.0.tar.gz");
    Files.writeString(file, "hello world\n");
    Cli.Run add =
        cli("artifact", "add", s(file), "-p", "pkgs/", "--api-server", url, "--wait", "-o", "json");
    assertEquals(0, add.code(), add::toString);
    assertEquals("SUCCESS", Jsons.string(add.json(), "task", "state"));

    String sha = LocalRepoCommandsTest.sha256("flagged");
    Cli.Run add2 =
        cli(
            "artifact",
            "add",
            "--path",
            "flags/x.bin",
            "--length",
            "42",
            "--sha256",
            sha,
            "--custom",
            "{\"team\":\"a\"}",
            "-s",
            url,
            "-o",
            "json");
    assertEquals(0, add2.code(), add2::toString);
    String id = Jsons.string(add2.json(), "task_id");
    Cli.Run wait = cli("task", "wait", id, "-s", url);
    assertEquals(0, wait.code(), wait::toString);
    Cli.Run show = cli("task", "show", id, "-s", url, "-o", "json");
    assertEquals(0, show.code(), show::toString);
    assertEquals("SUCCESS", Jsons.string(show.json(), "state"));
    assertEquals("add_artifacts", Jsons.string(show.json(), "result", "task"));

    JsonValue v = verifyJson();
    JsonValue targets = Jsons.at(v, "target_files");
    JsonValue hello = Jsons.at(targets, "pkgs/hello-1.0.tar.gz");
    assertNotNull(hello, v::toString);
    assertEquals(12, ((JsonNumber) Jsons.at(hello, "length")).value());
    assertEquals(
        dev.tufrepo.model.internal.Sha256.hex("hello world\n".getBytes(StandardCharsets.UTF_8)),
        Jsons.string(hello, "hashes", "sha256"));
    assertNotNull(Jsons.string(hello, "hashes", "sha512"));
    assertEquals("a", Jsons.string(Jsons.at(targets, "flags/x.bin"), "custom", "team"));

    Cli.Run del = cli("artifact", "delete", "flags/x.bin", "-s", url, "--wait");
    assertEquals(0, del.code(), del::toString);
    assertNull(Jsons.at(verifyJson(), "target_files", "flags/x.bin"));

    Cli.Run bad =
        cli("artifact", "add", "--path", "/abs", "--length", "1", "--sha256", sha, "-s", url);
    assertEquals(2, bad.code(), bad::toString);
    assertTrue(bad.err().contains("HTTP 4"), bad::toString);
  }

  @Test
  void distributedSigning_ofBootstrap_thenRootRotation() throws Exception {
    start(Map.of());
    Path a = dir.resolve("a.pem");
    Path b = dir.resolve("b.pem");
    Path bPub = dir.resolve("b.pub.pem");
    assertEquals(0, cli("key", "generate", "-f", s(a)).code());
    Cli.Run gb = cli("key", "generate", "-t", "rsa", "-f", s(b), "--public-file", s(bPub));
    assertEquals(0, gb.code());
    String bId = gb.out().strip();
    Path payload = ceremony("--root-key", s(a) + "," + s(bPub), "--root-threshold", "2");
    assertEquals(
        1, ((JsonNumber) Jsons.at(AdminCommands.readJson(payload), "timeout")).value() / 300);

    Cli.Run boot = cli("admin", "send", "bootstrap", s(payload), "-s", url, "--wait");
    assertEquals(0, boot.code(), boot::toString);
    assertTrue(!server.engine().isBootstrapped(), "waits for the second signature");

    Cli.Run wrong = cli("admin", "metadata", "sign", "--key", s(a), "-s", url);
    assertEquals(2, wrong.code(), wrong::toString); // already signed by a
    Cli.Run sign =
        cli("admin", "metadata", "sign", "--key", s(b), "-s", url, "--wait", "-o", "json");
    assertEquals(0, sign.code(), sign::toString);
    assertTrue(bootstrapped(), sign::toString);

    // rotation: drop b, threshold 1; old root needs 2 signatures, so a and b sign
    Cli.Run update =
        cli(
            "admin",
            "metadata",
            "update",
            "--metadata-url",
            url + "metadata/",
            "--remove-key",
            bId,
            "--threshold",
            "1",
            "--key",
            s(a),
            "--key",
            s(b),
            "--out",
            s(dir.resolve("update.json")),
            "--send",
            "-s",
            url,
            "--wait");
    assertEquals(0, update.code(), update::toString);
    JsonValue v = verifyJson("--root", s(dir.resolve("server/metadata/1.root.json")));
    assertEquals(2, ((JsonNumber) Jsons.at(v, "root_version")).value());

    // root v3 unsigned: pending; a's signature made offline (--dry-run --out) and sent as a file
    Cli.Run v3 =
        cli(
            "admin",
            "metadata",
            "update",
            "--metadata-url",
            url + "metadata/",
            "--expiration",
            "30",
            "--out",
            s(dir.resolve("update3.json")));
    assertEquals(0, v3.code(), v3::toString);
    Cli.Run send =
        cli("admin", "send", "update", s(dir.resolve("update3.json")), "-s", url, "--wait");
    assertEquals(0, send.code(), send::toString);
    assertEquals(
        2,
        ((JsonNumber) Jsons.at(verifyJson(), "root_version")).value(),
        "v3 waits for a signature");
    Path sig = dir.resolve("sig.json");
    Cli.Run dry =
        cli("admin", "metadata", "sign", "--key", s(a), "--dry-run", "--out", s(sig), "-s", url);
    assertEquals(0, dry.code(), dry::toString);
    assertEquals("root", Jsons.string(AdminCommands.readJson(sig), "role"));
    Cli.Run sent = cli("admin", "send", "sign", s(sig), "-s", url, "--wait");
    assertEquals(0, sent.code(), sent::toString);
    assertEquals(3, ((JsonNumber) Jsons.at(verifyJson(), "root_version")).value());
    Cli.Run nothing = cli("admin", "metadata", "sign", "--key", s(a), "-s", url);
    assertEquals(2, nothing.code(), nothing::toString);
  }

  @Test
  void signLater_thenOfflinePayloadSigning_thenBootstrap() throws Exception {
    start(Map.of());
    Path payload =
        ceremony(
            "--root-key",
            "generate:ed25519:k1,generate:ed25519:k2",
            "--root-threshold",
            "2",
            "--sign",
            "later");
    assertEquals(
        0,
        ((dev.tufrepo.json.JsonArray)
                Jsons.at(AdminCommands.readJson(payload), "metadata", "root", "signatures"))
            .values()
            .size());
    Cli.Run s1 =
        cli(
            "admin",
            "payload",
            "sign",
            s(payload),
            "--key",
            s(dir.resolve("ck/k1.pem")),
            "--key",
            s(dir.resolve("ck/k2.pem")));
    assertEquals(0, s1.code(), s1::toString);
    assertTrue(s1.out().contains("2 of 2"), s1::toString);
    Cli.Run boot = cli("admin", "send", "bootstrap", s(payload), "-s", url, "--wait");
    assertEquals(0, boot.code(), boot::toString);
    assertTrue(bootstrapped());
    Cli.Run again = cli("admin", "send", "bootstrap", s(payload), "-s", url);
    assertEquals(2, again.code(), again::toString);
  }

  @Test
  void bearerTokenAndHeaders_reachAProtectedServer() throws Exception {
    start(Map.of("auth-tokens", "s3cret-token-0123456789=*"));
    Path payload = ceremony();
    Cli.Run denied = cli("admin", "send", "bootstrap", s(payload), "-s", url);
    assertEquals(2, denied.code(), denied::toString);
    Cli.Run ok =
        cli(
            "admin",
            "send",
            "bootstrap",
            s(payload),
            "-s",
            url,
            "--token",
            "s3cret-token-0123456789",
            "--wait");
    assertEquals(0, ok.code(), ok::toString);
    Cli.Run h =
        Cli.run(
            new byte[0],
            Map.of("TUFREPO_API_SERVER", url),
            "task",
            "show",
            "nope",
            "-H",
            "Authorization: Bearer s3cret-token-0123456789, X-Extra: 1");
    assertEquals(0, h.code(), h::toString);
  }

  @Test
  void unreachableServer_isAnIoError() {
    Cli.Run r = cli("task", "show", "abc", "--api-server", "http://127.0.0.1:1");
    assertEquals(3, r.code(), r::toString);
    assertTrue(r.err().contains("failed to connect"), r::toString);
    assertEquals(2, cli("task", "show", "abc", "--api-server", "ftp://x").code());
  }
}
