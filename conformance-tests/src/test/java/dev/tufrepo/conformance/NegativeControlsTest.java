package dev.tufrepo.conformance;

import static dev.tufrepo.conformance.Clients.assertAllCurrent;
import static dev.tufrepo.conformance.Clients.assertAllFail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonNumber;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.model.MetaFile;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.SuccinctRoles;
import dev.tufrepo.model.Timestamp;
import dev.tufrepo.model.internal.Sha256;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Negative controls: a repository that a client must refuse, to prove that the harness fails when a
 * client refuses. Each test first shows the same clients accepting the honest repository, then
 * serves the bad file and expects every client to fail.
 */
class NegativeControlsTest {
  @TempDir Path dir;

  @Test
  void tamperedBin_tufJsRejectsIt() {
    try (ConformanceRepository repo = ConformanceRepository.bootstrapped(dir, 16);
        Clients clients = Clients.start(dir.resolve("clients"))) {
      List<String> paths = ConformanceRepository.paths("bad", 0, 8);
      repo.add(paths);
      String target = paths.get(0);
      String bin = new SuccinctRoles(List.of(), 1, 4, "bins").roleForTarget(target);
      String file = repo.version(bin) + "." + bin + ".json";
      assertAllCurrent("honest", repo, clients.update(repo, clients.newSessions(repo)));

      // one more byte in the target's length, inside the signed part; the signature stays
      repo.server.override(file, tamper(repo.read(file), "targets", target, "length"));
      TufClient tufJs = clients.all.get(0);
      ClientRun run =
          tufJs.update(
              repo.newSession(tufJs), repo.clock().instant(), repo.expectation(tufJs, paths));
      assertAllFail("tampered " + file, List.of(run));
      assertTrue(run.error().toLowerCase(Locale.ROOT).contains("sign"), run.toString());
      // sigstore-java never reads bins (no delegations): a tampered bin cannot reach it
    }
  }

  @Test
  void tamperedTopLevelTargets_everyClientRejectsIt() {
    try (ConformanceRepository repo = ConformanceRepository.bootstrapped(dir, 16);
        Clients clients = Clients.start(dir.resolve("clients"))) {
      assertAllCurrent("honest", repo, clients.update(repo, clients.newSessions(repo)));
      String file = repo.version("targets") + ".targets.json";
      repo.server.override(
          file, tamper(repo.read(file), "targets", ConformanceRepository.TOP_LEVEL, "length"));
      List<ClientRun> runs =
          assertAllFail("tampered " + file, clients.update(repo, clients.newSessions(repo)));
      runs.forEach(r -> assertTrue(r.error().toLowerCase(Locale.ROOT).contains("sign"), r + ""));
    }
  }

  @Test
  void rolledBackSnapshot_everyClientRejectsIt() {
    try (ConformanceRepository repo = ConformanceRepository.bootstrapped(dir, 16);
        Clients clients = Clients.start(dir.resolve("clients"))) {
      var sessions = clients.newSessions(repo);
      repo.add(ConformanceRepository.paths("rb", 0, 4));
      int oldSnapshot = repo.version("snapshot");
      byte[] oldSnapshotBytes = repo.read(oldSnapshot + ".snapshot.json");
      byte[] oldTimestamp = repo.read("timestamp.json");
      repo.add(ConformanceRepository.paths("rb", 4, 4));
      assertAllCurrent("honest", repo, clients.update(repo, sessions));

      // a new timestamp, properly signed by the online key, that points at the older snapshot
      Timestamp current = repo.timestamp();
      Timestamp rolledBack =
          current
              .withVersion(current.version() + 1)
              .withSnapshotMeta(
                  MetaFile.of(
                      oldSnapshot,
                      oldSnapshotBytes.length,
                      Map.of("sha256", Sha256.hex(oldSnapshotBytes))));
      repo.server.override(
          "timestamp.json", Metadata.of(rolledBack).signedBy(repo.repo.onlineKey).toJson());
      assertAllFail("snapshot rolled back", clients.update(repo, sessions));

      // and the previous timestamp replayed as it was
      repo.server.override("timestamp.json", oldTimestamp);
      assertAllFail("timestamp replayed", clients.update(repo, sessions));

      repo.server.clearOverrides();
      assertAllCurrent("honest again", repo, clients.update(repo, sessions));
    }
  }

  @Test
  void expiredTimestamp_everyClientRejectsIt() {
    try (ConformanceRepository repo = ConformanceRepository.bootstrapped(dir, 16);
        Clients clients = Clients.start(dir.resolve("clients"))) {
      var sessions = clients.newSessions(repo);
      assertAllCurrent("honest", repo, clients.update(repo, sessions));
      Timestamp ts = repo.timestamp();
      // the timestamp (1 day) expires; nobody refreshes it. One second past "expires": at the
      // instant itself tuf-js already refuses (now >= expires, as python-tuf), sigstore-java 2.0.0
      // still accepts (it checks now > expires)
      repo.clock().advance(Duration.between(repo.clock().instant(), ts.expires()).plusSeconds(1));
      assertEquals(ts.expires().plusSeconds(1), repo.clock().instant());
      List<ClientRun> fresh = clients.update(repo, clients.newSessions(repo));
      assertAllFail("timestamp expired at " + ts.expires() + ", new sessions", fresh);
      fresh.forEach(
          r -> assertTrue(r.error().toLowerCase(Locale.ROOT).contains("expired"), r + ""));
      // a client that already trusts this very timestamp: tuf-js checks the expiry of the one it
      // keeps (spec 5.4.4, freeze attack); sigstore-java 2.0.0 returns early when the version is
      // unchanged and never looks at the expiry, so it is left out here
      TufClient tufJs = clients.all.get(0);
      ClientRun cached =
          tufJs.update(sessions.get(tufJs), repo.clock().instant(), repo.expectation(tufJs));
      assertAllFail("timestamp expired, tuf-js with the timestamp cached", List.of(cached));
      assertTrue(cached.error().toLowerCase(Locale.ROOT).contains("expired"), cached + "");
    }
  }

  /** {@code file} with {@code signed.<section>.<entry>.<field>} (an integer) incremented. */
  static byte[] tamper(byte[] file, String section, String entry, String field) {
    JsonObject root = (JsonObject) Json.parse(file);
    JsonObject signed = (JsonObject) root.get("signed");
    JsonObject sec = (JsonObject) signed.get(section);
    JsonObject e = (JsonObject) sec.get(entry);
    JsonNumber n = (JsonNumber) e.get(field);
    UnaryOperator<JsonObject> none = o -> o;
    JsonObject e2 = with(e, field, new JsonNumber(n.value() + 1));
    JsonObject sec2 = with(sec, entry, e2);
    JsonObject signed2 = with(signed, section, sec2);
    return Json.write(none.apply(with(root, "signed", signed2)));
  }

  private static JsonObject with(JsonObject o, String name, JsonValue value) {
    Map<String, JsonValue> m = new HashMap<>(o.members());
    m.put(name, value);
    return JsonObject.of(m);
  }
}
