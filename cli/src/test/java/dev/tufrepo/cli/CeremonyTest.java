package dev.tufrepo.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonNull;
import dev.tufrepo.json.JsonNumber;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.model.Key;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.Root;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CeremonyTest {
  @TempDir Path dir;

  static long num(JsonValue v, String... path) {
    return ((JsonNumber) Jsons.at(v, path)).value();
  }

  /** Checks the payload is RSTUF's CeremonyPayload shape and its root is what was asked for. */
  static Metadata<Root> checkPayload(
      Path payload,
      int ts,
      int sn,
      int tg,
      int bins,
      int be,
      int rootDays,
      int threshold,
      int rootKeys)
      throws Exception {
    JsonValue p = Json.parse(Files.readAllBytes(payload));
    assertEquals(ts, num(p, "settings", "roles", "timestamp", "expiration"));
    assertEquals(sn, num(p, "settings", "roles", "snapshot", "expiration"));
    assertEquals(tg, num(p, "settings", "roles", "targets", "expiration"));
    assertEquals(rootDays, num(p, "settings", "roles", "root", "expiration"));
    assertEquals(be, num(p, "settings", "roles", "bins", "expiration"));
    assertEquals(bins, num(p, "settings", "roles", "bins", "number_of_delegated_bins"));
    assertEquals(JsonNull.INSTANCE, Jsons.at(p, "settings", "roles", "delegations"));
    assertEquals(300, num(p, "timeout"));
    Metadata<Root> root = Metadata.parseRoot(Json.write(Jsons.at(p, "metadata", "root")));
    Root r = root.signed();
    assertEquals(1, r.version());
    assertEquals(Boolean.TRUE, r.consistentSnapshot());
    assertEquals(threshold, r.role("root").threshold());
    assertEquals(rootKeys, r.role("root").keyids().size());
    Duration left = Duration.between(Instant.now(), r.expires());
    assertTrue(Math.abs(left.toDays() - rootDays) <= 1, left::toString);
    String online = r.role("timestamp").keyids().get(0);
    assertEquals(List.of(online), r.role("snapshot").keyids());
    assertEquals(List.of(online), r.role("targets").keyids());
    Key k = r.keys().get(online);
    assertTrue(Jsons.text(k.unrecognized().get("x-rstuf-online-key-uri")).startsWith("fn:"));
    for (String id : r.role("root").keyids()) {
      assertTrue(r.keys().get(id).unrecognized().containsKey("x-rstuf-key-name"));
    }
    return root;
  }

  @Test
  void answersFile_makesTheBootstrapPayload_andOptionsWin() throws Exception {
    Path answers = dir.resolve("answers.properties");
    Files.writeString(
        answers,
        String.join(
            "\n",
            "timestamp-expiration=2",
            "snapshot-expiration=3",
            "targets-expiration=90",
            "bins=64",
            "bins-expiration=4",
            "root-expiration=200",
            "root-key=generate:ed25519:alice, generate:ecdsa:bob, generate:rsa:carol",
            "root-threshold=2",
            "online-key=generate:ecdsa",
            "online-key-uri=fn:online.pem",
            "sign=now",
            ""));
    Path payload = dir.resolve("p.json");
    Cli.Run r =
        Cli.run(
            "admin",
            "ceremony",
            "--answers",
            answers.toString(),
            "--out",
            payload.toString(),
            "--keys-dir",
            dir.resolve("k").toString(),
            "--bins",
            "128");
    assertEquals(0, r.code(), r::toString);
    Metadata<Root> root = checkPayload(payload, 2, 3, 90, 128, 4, 200, 2, 3);
    root.signed().verifyDelegate("root", root);
    assertEquals(3, root.signatures().size());
    assertTrue(Files.isRegularFile(dir.resolve("k/online.pem")));
    assertTrue(Files.isRegularFile(dir.resolve("k/carol.pem")));
    Key online = root.signed().keys().get(root.signed().role("timestamp").keyids().get(0));
    assertEquals("ecdsa", online.keytype());
    assertEquals("fn:online.pem", Jsons.text(online.unrecognized().get("x-rstuf-online-key-uri")));

    // the payload bootstraps a local repository too
    Path repo = dir.resolve("repo");
    Files.createDirectories(repo.resolve("keys"));
    Files.copy(dir.resolve("k/online.pem"), repo.resolve("keys/online.pem"));
    Cli.Run init =
        Cli.run(
            "repo",
            "init",
            "--repo",
            repo.toString(),
            "--payload",
            payload.toString(),
            "-o",
            "json");
    assertEquals(0, init.code(), init::toString);
    assertEquals(128, num(init.json(), "bins"));
    assertEquals(0, Cli.run("verify", "--repo", repo.toString()).code());
    byte[] text = Files.readAllBytes(payload);
    assertArrayEquals(
        Json.locate(text, "metadata", "root").orElseThrow().copyOf(text),
        Files.readAllBytes(repo.resolve("metadata/1.root.json")),
        "the root is published as it is in the payload file");
  }

  @Test
  void interactive_fromStandardInput_asksInOrder_andRepromptsBadAnswers() throws Exception {
    Path payload = dir.resolve("p.json");
    String answers =
        String.join(
            "\n",
            "", // timestamp 1
            "x", // not a number: asked again
            "", // snapshot 1
            "365",
            "100", // not a power of two: asked again
            "16",
            "", // bins expiration 1
            "", // root 365
            "2", // threshold
            "generate",
            "alice",
            "generate:ecdsa",
            "bob",
            "n", // no third key
            "generate",
            "", // online key uri: default
            "y",
            "");
    Cli.Run r =
        Cli.withInput(
            answers,
            "admin",
            "ceremony",
            "--out",
            payload.toString(),
            "--keys-dir",
            dir.resolve("k").toString());
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains("please enter a whole number"), r::toString);
    assertTrue(r.out().contains("power of two"), r::toString);
    Metadata<Root> root = checkPayload(payload, 1, 1, 365, 16, 1, 365, 2, 2);
    root.signed().verifyDelegate("root", root);
    assertTrue(Files.isRegularFile(dir.resolve("k/alice.pem")));
    assertTrue(Files.isRegularFile(dir.resolve("k/bob.pem")));
  }

  @Test
  void interactive_inputEndingEarly_isAValidationError_andWritesNoPayload() {
    Path payload = dir.resolve("p.json");
    Cli.Run r = Cli.withInput("1\n1\n", "admin", "ceremony", "--out", payload.toString());
    assertEquals(2, r.code(), r::toString);
    assertTrue(r.err().contains("input ended"), r::toString);
    assertTrue(!Files.exists(payload));
  }

  @Test
  void invalidSettings_nameTheField() {
    Cli.Run bins =
        Cli.run(
            "admin", "ceremony", "--yes", "--bins", "100", "--out", dir.resolve("p").toString());
    assertEquals(2, bins.code());
    assertTrue(bins.err().contains("bins: must be a power of two"), bins::toString);
    Cli.Run th =
        Cli.run(
            "admin",
            "ceremony",
            "--yes",
            "--root-key",
            "generate,generate",
            "--root-threshold",
            "3",
            "--keys-dir",
            dir.toString(),
            "--out",
            dir.resolve("p").toString());
    assertEquals(2, th.code());
    assertTrue(th.err().contains("root-threshold"), th::toString);
    Cli.Run days =
        Cli.run(
            "admin",
            "ceremony",
            "--yes",
            "--snapshot-expiration",
            "0",
            "--out",
            dir.resolve("p").toString());
    assertEquals(2, days.code());
    assertTrue(days.err().contains("snapshot-expiration"), days::toString);
    Cli.Run sign =
        Cli.run(
            "admin", "ceremony", "--yes", "--sign", "maybe", "--out", dir.resolve("p").toString());
    assertEquals(2, sign.code());
  }

  @Test
  void publicOnlyRootKeys_leaveTheRootUnsigned_forSigningLater() throws Exception {
    Path pub = dir.resolve("r.pub");
    assertEquals(
        0,
        Cli.run(
                "key",
                "generate",
                "-f",
                dir.resolve("r.pem").toString(),
                "--public-file",
                pub.toString())
            .code());
    Path payload = dir.resolve("p.json");
    Cli.Run r =
        Cli.run(
            "admin",
            "ceremony",
            "--yes",
            "--root-key",
            "holder=" + pub,
            "--out",
            payload.toString(),
            "--keys-dir",
            dir.resolve("k").toString(),
            "-o",
            "json");
    assertEquals(0, r.code(), r::toString);
    assertEquals(0, num(r.json(), "signatures"));
    Metadata<Root> root = checkPayload(payload, 1, 1, 365, 256, 1, 365, 1, 1);
    String id = root.signed().role("root").keyids().get(0);
    assertEquals(
        "holder", Jsons.text(root.signed().keys().get(id).unrecognized().get("x-rstuf-key-name")));
  }
}
