package dev.tufrepo.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonNumber;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.PrivateKeySigner;
import dev.tufrepo.model.Root;
import dev.tufrepo.model.Signature;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signing sessions, root update, online roles, settings and delegations over HTTP. */
class MetadataApiTest {
  @TempDir Path dir;
  ServerFixture f;
  Http http;

  @BeforeEach
  void start() {
    f = new ServerFixture(dir);
    http = f.http;
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private static String signature(PrivateKeySigner key, Metadata<Root> root) {
    Signature s = key.sign(root.signedBytes());
    return "{\"keyid\":\"" + s.keyid() + "\",\"sig\":\"" + s.sig() + "\"}";
  }

  @Test
  void distributedBootstrap_waitsInSigning_thenSignFinishesIt() {
    Metadata<Root> root = Ceremony.partlySigned(f.repo);
    Http.Resp r =
        http.post("/api/v1/bootstrap/", Ceremony.payload(Ceremony.rootJson(root), 4)).expect(202);
    String id = r.str("data.task_id");
    assertEquals("SUCCESS", http.waitForTask(id).str("data.state"));

    Http.Resp s = http.get("/api/v1/bootstrap").expect(200);
    assertEquals("signing", s.str("data.state"));
    assertEquals(id, s.str("data.id"));
    assertEquals("System LOCKED for bootstrap.", s.str("message"));
    http.post("/api/v1/bootstrap", Ceremony.payload(Ceremony.rootJson(root), 4))
        .expect(404)
        .str("detail.error")
        .equals("System already has a Metadata. State: signing");

    Http.Resp pending = http.get("/api/v1/metadata/sign/").expect(200);
    assertEquals("Metadata role(s) pending signing", pending.str("message"));
    assertEquals(new JsonNumber(1), pending.at("data.metadata.root.signed.version"));

    Http.Resp sign =
        http.post(
                "/api/v1/metadata/sign/",
                "{\"signature\":" + signature(f.repo.rootKeys.get(1), root) + ",\"role\":\"root\"}")
            .expect(202);
    assertEquals("Metadata sign accepted.", sign.str("message"));
    Http.Resp t = http.waitForTask(sign.str("data.task_id"));
    assertEquals("SUCCESS", t.str("data.state"), t.body());
    assertEquals("sign_metadata", t.str("data.result.task"));
    assertEquals("finished", http.get("/api/v1/bootstrap").str("data.state"));
    assertEquals(
        Json.parse("{\"message\":\"No metadata pending signing available\"}"),
        http.get("/api/v1/metadata/sign").expect(200).json());
  }

  @Test
  void signDelete_duringBootstrapSigning_makesBootstrapAvailableAgain() {
    Metadata<Root> root = Ceremony.partlySigned(f.repo);
    String id =
        http.post("/api/v1/bootstrap", Ceremony.payload(Ceremony.rootJson(root), 4))
            .expect(202)
            .str("data.task_id");
    http.waitForTask(id);
    Http.Resp d = http.post("/api/v1/metadata/sign/delete", "{\"role\":\"root\"}").expect(202);
    assertEquals("Metadata sign delete accepted.", d.str("message"));
    Http.Resp t = http.waitForTask(d.str("data.task_id"));
    assertEquals("SUCCESS", t.str("data.state"), t.body());
    assertEquals("System available for bootstrap.", http.get("/api/v1/bootstrap").str("message"));
  }

  @Test
  void signature_badHex_is422NamingTheField() {
    Http.Resp r =
        http.post(
                "/api/v1/metadata/sign",
                "{\"role\":\"root\",\"signature\":{\"keyid\":\"zz\",\"sig\":\"00\"}}")
            .expect(422);
    assertEquals(Json.parse("[\"body\",\"signature\",\"keyid\"]"), r.at("detail.0.loc"), r.body());
  }

  @Test
  void rootUpdate_signedByBothRoots_isPublishedAsV2() {
    f.bootstrap();
    Metadata<Root> v1 = f.repo.root(2, f.repo.rootKeys);
    Root next =
        v1.signed().withVersion(2).withExpires(v1.signed().expires().plus(1, ChronoUnit.DAYS));
    Metadata<Root> v2 =
        v1.withSigned(next).signedBy(f.repo.rootKeys.toArray(new PrivateKeySigner[0]));
    Http.Resp r =
        http.post("/api/v1/metadata", "{\"metadata\":{\"root\":" + Ceremony.rootJson(v2) + "}}")
            .expect(202);
    assertEquals("Metadata update accepted.", r.str("message"));
    Http.Resp t = http.waitForTask(r.str("data.task_id"));
    assertEquals("SUCCESS", t.str("data.state"), t.body());
    assertEquals("metadata_update", t.str("data.result.task"));
    Http.Resp file = http.get("/metadata/2.root.json").expect(200);
    assertEquals(new JsonNumber(2), file.at("signed.version"));
  }

  @Test
  void rootUpdate_otherMetadataKey_is422LiteralError() {
    f.bootstrap();
    Http.Resp r =
        http.post(
                "/api/v1/metadata/",
                "{\"metadata\":{\"targets\":{\"signatures\":[],\"signed\":{}}}}")
            .expect(422);
    List<String> types = new java.util.ArrayList<>();
    for (int i = 0; ; i++) {
      String type = r.str("detail." + i + ".type");
      if (type == null) {
        break;
      }
      types.add(type);
      if (type.equals("literal_error")) {
        assertEquals("Input should be 'root'", r.str("detail." + i + ".msg"));
      }
    }
    assertTrue(types.contains("literal_error"), r.body());
  }

  @Test
  void onlineBump_acceptedWithNaiveTimestamp_andUnknownRoleRefused() {
    f.bootstrap();
    Http.Resp r = http.post("/api/v1/metadata/online", "{\"roles\":[\"snapshot\"]}").expect(202);
    assertEquals("Force online metadata update accepted.", r.str("message"));
    assertFalse(r.str("data.last_update").endsWith("Z"), r.str("data.last_update"));
    Http.Resp t = http.waitForTask(r.str("data.task_id"));
    assertEquals("SUCCESS", t.str("data.state"), t.body());
    assertEquals("force_online_metadata_update", t.str("data.result.task"));

    Http.Resp bad = http.post("/api/v1/metadata/online", "{\"roles\":[\"production\"]}");
    bad.expect(404);
    assertEquals(
        "Hash bin delegation is used and only root, targets, snapshot, timestamp and bins roles"
            + " can be bumped",
        bad.str("detail.error"));
    http.post("/api/v1/metadata/online", "{}").expect(422);
  }

  @Test
  void config_afterBootstrap_showsSettings_andPutUpdatesThem() {
    f.bootstrap();
    Http.Resp r = http.get("/api/v1/config/").expect(200);
    assertEquals("Current Settings", r.str("message"));
    assertEquals(new JsonNumber(4), r.at("data.number_of_delegated_bins"), r.body());
    Http.Resp put =
        http.put("/api/v1/config", "{\"settings\":{\"expiration\":{\"targets\":100,\"bins\":5}}}")
            .expect(202);
    assertEquals("Settings successfully submitted.", put.str("message"));
    Http.Resp t = http.waitForTask(put.str("data.task_id"));
    assertEquals("SUCCESS", t.str("data.state"), t.body());
    assertEquals(new JsonNumber(100), http.get("/api/v1/config").at("data.targets_expiration"));

    Http.Resp bad =
        http.put("/api/v1/config", "{\"settings\":{\"expiration\":{\"targets\":\"x\"}}}")
            .expect(422);
    assertEquals(
        Json.parse("[\"body\",\"settings\",\"expiration\",\"targets\"]"), bad.at("detail.0.loc"));
  }

  @Test
  void delegations_afterBootstrap_areAcceptedAsTasks() {
    f.bootstrap();
    String body =
        "{\"delegations\":{\"keys\":{},\"roles\":[{\"name\":\"dev\",\"terminating\":true,"
            + "\"keyids\":[],\"threshold\":1,\"paths\":[\"dev/*\"],\"x-rstuf-expire-policy\":1}]}}";
    Http.Resp r = http.post("/api/v1/delegations/", body).expect(202);
    assertEquals("Metadata delegation add accepted.", r.str("message"));
    Http.Resp t = http.waitForTask(r.str("data.task_id"));
    assertNotNull(t.str("data.state"));
    assertEquals(
        "Metadata delegation update accepted.",
        http.put("/api/v1/delegations", body).expect(202).str("message"));
    assertEquals(
        "Metadata delegation delete accepted.",
        http.post(
                "/api/v1/delegations/delete", "{\"delegations\":{\"roles\":[{\"name\":\"dev\"}]}}")
            .expect(202)
            .str("message"));
  }

  @Test
  void delegations_badRoleName_is422() {
    f.bootstrap();
    String body =
        "{\"delegations\":{\"keys\":{},\"roles\":[{\"name\":\"../x\",\"terminating\":true,"
            + "\"keyids\":[],\"threshold\":1,\"paths\":[\"dev/*\"]}]}}";
    Http.Resp r = http.post("/api/v1/delegations", body).expect(422);
    assertEquals(
        Json.parse("[\"body\",\"delegations\",\"roles\",0,\"name\"]"), r.at("detail.0.loc"));
  }

  @Test
  void customDelegationsBootstrap_artifactsGoToTheRole_andBinsCannotBeBumped() {
    String payload =
        Ceremony.payload(f.repo, 4)
            .replace(
                "\"bins\": {\"expiration\": 1, \"number_of_delegated_bins\": 4}", "\"bins\": null")
            .replace(
                "\"delegations\": null",
                "\"delegations\": {\"keys\": {}, \"roles\": [{\"name\": \"default\","
                    + " \"terminating\": true, \"keyids\": [], \"threshold\": 1,"
                    + " \"x-rstuf-expire-policy\": 1, \"paths\": [\"*\"]}]}");
    String id = http.post("/api/v1/bootstrap", payload).expect(202).str("data.task_id");
    Http.Resp boot = http.waitForTask(id);
    assertEquals("SUCCESS", boot.str("data.state"), boot.body());
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!f.server.engine().isBootstrapped() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    Http.Resp bump = http.post("/api/v1/metadata/online", "{\"roles\":[\"bins\"]}").expect(404);
    assertEquals(
        "Custom target delegation used and bins cannot be bumped", bump.str("detail.error"));
    String add =
        http.post("/api/v1/artifacts", Ceremony.artifacts("file.tgz", "any/file.tgz"))
            .expect(202)
            .str("data.task_id");
    Http.Resp t = http.waitForTask(add);
    assertEquals("SUCCESS", t.str("data.state"), t.body());
    assertEquals(Json.parse("[\"default\"]"), t.at("data.result.details.artifact_roles"), t.body());
    // TUF path patterns match segment by segment: "*" does not cover "any/file.tgz"
    assertEquals(Json.parse("[\"file.tgz\"]"), t.at("data.result.details.added_artifacts"));
    assertEquals(Json.parse("[\"any/file.tgz\"]"), t.at("data.result.details.invalid_paths"));
    http.get("/metadata/1.default.json").expect(200);
  }
}
