package dev.tufrepo.conformance;

import static dev.tufrepo.conformance.Clients.assertAllCurrent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.engine.DelegationAction;
import dev.tufrepo.engine.TaskResult;
import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonWriter;
import dev.tufrepo.model.KeyScheme;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.PrivateKeySigner;
import dev.tufrepo.model.Targets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Custom delegated roles instead of hash bins (RSTUF's {@code metadata.delegations}),
 * online-signed: tuf-js must find each artifact through the role whose path patterns match it, the
 * same role the engine put it in (TUF patterns match segment by segment: {@code *} never crosses a
 * {@code /}).
 */
class DelegationsConformanceTest {
  static final String DELEGATIONS =
      """
      {"keys": {}, "roles": [
        {"name": "releases", "terminating": true, "keyids": [], "threshold": 1,
         "x-rstuf-expire-policy": 30, "paths": ["releases/*", "releases/*/*"]},
        {"name": "default", "terminating": true, "keyids": [], "threshold": 1,
         "x-rstuf-expire-policy": 1, "paths": ["*"]}
      ]}
      """;

  @TempDir Path dir;
  private int tasks;

  private String task() {
    return String.format("%032x", ++tasks);
  }

  @Test
  void customDelegations_addUpdateDelete_clientsFollowThePathPatterns() {
    try (ConformanceRepository repo = new ConformanceRepository(dir, KeyScheme.ED25519);
        Clients clients = Clients.start(dir.resolve("clients"))) {
      repo.bootstrapWithDelegations(DELEGATIONS);
      assertFalse(repo.engine.usesSuccinctBins());
      var sessions = clients.newSessions(repo);
      List<String> paths =
          List.of(
              "releases/app-1.0.tar.gz",
              "releases/ünïcødé/app 1.1.tar.gz",
              "readme-1.txt",
              "plain.whl");
      repo.add(paths);
      assertEquals(2, repo.version("releases"), "releases re-signed with its artifacts");
      List<ClientRun> runs = clients.update(repo, sessions);
      assertAllCurrent("bootstrap with custom delegations", repo, runs);
      ArtifactsConformanceTest.assertDownloaded(runs, paths);

      // a path no role is trusted for is refused by the engine, and no client finds it
      repo.add(List.of("elsewhere/deep/file.txt"));
      repo.refused(List.of("elsewhere/deep/file.txt"));

      // a new online role, then artifacts in it
      TaskResult added =
          repo.engine.delegations(
              task(),
              DelegationAction.ADD,
              """
              {"keys": {}, "roles": [{"name": "nightly", "terminating": true, "keyids": [],
                "threshold": 1, "x-rstuf-expire-policy": 2, "paths": ["nightly/*"]}]}
              """
                  .getBytes(StandardCharsets.UTF_8));
      assertTrue(added.status(), added.toString());
      List<String> nightly = List.of("nightly/build-1.bin", "nightly/build-2.bin");
      repo.add(nightly);
      runs = clients.update(repo, sessions);
      assertAllCurrent("nightly role added", repo, runs);
      ArtifactsConformanceTest.assertDownloaded(runs, nightly);

      // the role's patterns are widened (UPDATE); an artifact one level deeper now lands in it
      TaskResult updated =
          repo.engine.delegations(
              task(),
              DelegationAction.UPDATE,
              """
              {"keys": {}, "roles": [{"name": "nightly", "terminating": true, "keyids": [],
                "threshold": 1, "x-rstuf-expire-policy": 2, "paths": ["nightly/*", "nightly/*/*"]}]}
              """
                  .getBytes(StandardCharsets.UTF_8));
      assertTrue(updated.status(), updated.toString());
      List<String> deeper = List.of("nightly/2026-11-25/build-3.bin");
      repo.add(deeper);
      runs = clients.update(repo, sessions);
      assertAllCurrent("nightly role updated", repo, runs);
      ArtifactsConformanceTest.assertDownloaded(runs, deeper);

      // an offline role, signed by its own key holder through a signing session: clients verify
      // its signature when they walk to it (it holds no artifacts: the online key cannot sign it)
      PrivateKeySigner vendorKey = PrivateKeySigner.generate(KeyScheme.ED25519, new SecureRandom());
      JsonWriter key = JsonWriter.json(256);
      vendorKey.publicKey().writeTo(key);
      TaskResult vendor =
          repo.engine.delegations(
              task(),
              DelegationAction.ADD,
              ("{\"keys\": {\""
                      + vendorKey.keyId()
                      + "\": "
                      + new String(key.toByteArray(), StandardCharsets.UTF_8)
                      + "}, \"roles\": [{\"name\": \"vendor\", \"terminating\": true,"
                      + " \"keyids\": [\""
                      + vendorKey.keyId()
                      + "\"], \"threshold\": 1, \"x-rstuf-expire-policy\": 90,"
                      + " \"paths\": [\"vendor/*\"]}]}")
                  .getBytes(StandardCharsets.UTF_8));
      assertTrue(vendor.status(), vendor.toString());
      Metadata<Targets> pending =
          Metadata.parseTargets(Json.write(repo.engine.pendingSigning().get("vendor")));
      JsonWriter sig = JsonWriter.json(256);
      vendorKey.sign(pending.signedBytes()).writeTo(sig);
      TaskResult signed = repo.engine.sign(task(), "vendor", sig.toByteArray());
      assertTrue(signed.status(), signed.toString());
      repo.add(List.of("vendor/tool.bin"));
      repo.refused(List.of("vendor/tool.bin"));
      runs = clients.update(repo, sessions);
      assertAllCurrent("offline vendor role signed", repo, runs);
      assertTrue(
          repo.server.requests().stream().anyMatch(r -> r.endsWith(".vendor.json")),
          "tuf-js walked to the offline role: " + repo.server.requests());

      // the nightly role is deleted: clients that knew it refresh, and no longer find its artifacts
      TaskResult deleted =
          repo.engine.delegations(
              task(),
              DelegationAction.DELETE,
              "{\"roles\": [{\"name\": \"nightly\"}]}".getBytes(StandardCharsets.UTF_8));
      assertTrue(deleted.status(), deleted.toString());
      repo.refused(nightly);
      repo.refused(deeper);
      assertAllCurrent("nightly role deleted", repo, clients.update(repo, sessions));
      assertAllCurrent(
          "custom delegations, from root v1",
          repo,
          clients.update(repo, clients.newSessions(repo)));
    }
  }
}
