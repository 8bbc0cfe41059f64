package dev.tufrepo.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.json.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootstrapApiTest {
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

  @Test
  void getBootstrap_fresh_isAvailableWithoutStateOrId() {
    Http.Resp r = http.get("/api/v1/bootstrap/").expect(200);
    assertEquals(
        Json.parse(
            "{\"data\":{\"bootstrap\":false},\"message\":\"System available for bootstrap.\"}"),
        r.json());
  }

  @Test
  void postBootstrap_ceremonyPayload_accepted202ThenFinished() {
    Http.Resp r = http.post("/api/v1/bootstrap/", Ceremony.payload(f.repo, 4)).expect(202);
    assertEquals("Bootstrap accepted.", r.str("message"));
    String id = r.str("data.task_id");
    assertTrue(id.matches("[0-9a-f]{32}"), id);
    assertTrue(
        r.str("data.last_update")
            .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{6})?Z"));
    Http.Resp t = http.waitForTask(id);
    assertEquals("SUCCESS", t.str("data.state"), t.body());
    assertEquals("bootstrap", t.str("data.result.task"));
    assertEquals("Task state.", t.str("message"));
    assertNull(t.at("data.result.error"), "nulls are left out");

    Http.Resp s = http.get("/api/v1/bootstrap").expect(200);
    assertEquals("System LOCKED for bootstrap.", s.str("message"));
    assertEquals("finished", s.str("data.state"));
    assertEquals(id, s.str("data.id"));
  }

  @Test
  void postBootstrap_twice_secondRefusedWith404AndState() {
    f.bootstrap();
    Http.Resp r = http.post("/api/v1/bootstrap", Ceremony.payload(f.repo, 4)).expect(404);
    assertEquals(
        Json.parse("{\"detail\":{\"error\":\"System already has a Metadata. State: finished\"}}"),
        r.json());
  }

  @Test
  void postBootstrap_emptyPayload_is422LikeFastApi() {
    Http.Resp r = http.post("/api/v1/bootstrap", "{}").expect(422);
    assertEquals(
        Json.parse(
            "{\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\",\"settings\"],"
                + "\"msg\":\"Field required\",\"input\":{}},"
                + "{\"type\":\"missing\",\"loc\":[\"body\",\"metadata\"],"
                + "\"msg\":\"Field required\",\"input\":{}}]}"),
        r.json());
    assertEquals("System available for bootstrap.", http.get("/api/v1/bootstrap").str("message"));
  }

  @Test
  void postBootstrap_binsNotPowerOfTwo_is422NamingTheField() {
    Http.Resp r = http.post("/api/v1/bootstrap", Ceremony.payload(f.repo, 6)).expect(422);
    assertEquals(
        Json.parse("[\"body\",\"settings\",\"roles\",\"bins\",\"number_of_delegated_bins\"]"),
        r.at("detail.0.loc"));
    assertTrue(r.str("detail.0.msg").contains("power of two"), r.body());
    http.post("/api/v1/bootstrap", Ceremony.payload(f.repo, 1)).expect(422);
    http.post("/api/v1/bootstrap", Ceremony.payload(f.repo, 32768)).expect(422);
    assertEquals("System available for bootstrap.", http.get("/api/v1/bootstrap").str("message"));
  }

  @Test
  void postBootstrap_bothBinsAndDelegations_is422() {
    String payload =
        Ceremony.payload(f.repo, 4)
            .replace(
                "\"delegations\": null",
                "\"delegations\": {\"keys\": {}, \"roles\": [{\"name\": \"a\","
                    + " \"terminating\": true, \"keyids\": [], \"threshold\": 1,"
                    + " \"paths\": [\"*\"]}]}");
    Http.Resp r = http.post("/api/v1/bootstrap", payload).expect(422);
    assertEquals(
        "Value error, Exactly one of 'bins' and 'delegations' must be set", r.str("detail.0.msg"));
    assertEquals(Json.parse("[\"body\",\"settings\",\"roles\"]"), r.at("detail.0.loc"));
  }

  @Test
  void postBootstrap_expirationZeroOrWrongType_is422NamingTheField() {
    Http.Resp r =
        http.post(
                "/api/v1/bootstrap",
                Ceremony.payload(f.repo, 4)
                    .replace("\"root\": {\"expiration\": 365}", "\"root\": {\"expiration\": 0}"))
            .expect(422);
    assertEquals("greater_than", r.str("detail.0.type"));
    assertEquals(
        Json.parse("[\"body\",\"settings\",\"roles\",\"root\",\"expiration\"]"),
        r.at("detail.0.loc"));
    r =
        http.post(
                "/api/v1/bootstrap",
                Ceremony.payload(f.repo, 4)
                    .replace(
                        "\"timestamp\": {\"expiration\": 1}",
                        "\"timestamp\": {\"expiration\": \"1\"}"))
            .expect(422);
    assertEquals("int_type", r.str("detail.0.type"));
  }

  @Test
  void postBootstrap_unknownSignedField_mustBeVendorNamed() {
    String root = Ceremony.rootJson(f.repo.root(2, f.repo.rootKeys));
    String bad = root.replace("\"_type\":\"root\"", "\"_type\":\"root\",\"x-url\":\"u\"");
    Http.Resp r = http.post("/api/v1/bootstrap", Ceremony.payload(bad, 4)).expect(422);
    assertEquals(
        "Value error, Invalid: 'x-url' field name, unrecognized_field must use format"
            + " x-<vendor>-<name>",
        r.str("detail.0.msg"),
        r.body());
  }

  @Test
  void postBootstrap_rootThatDoesNotParse_is422NamingRoot() {
    String root = Ceremony.rootJson(f.repo.root(2, f.repo.rootKeys));
    String bad = root.replace("\"spec_version\":\"", "\"spec_version\":\"x");
    Http.Resp r = http.post("/api/v1/bootstrap", Ceremony.payload(bad, 4)).expect(422);
    assertEquals("body", r.str("detail.0.loc.0"));
    assertEquals("metadata", r.str("detail.0.loc.1"));
    assertEquals("root", r.str("detail.0.loc.2"));
  }

  @Test
  void postBootstrap_invalidSignature_taskErroredAndBootstrapAvailableAgain() {
    var root = f.repo.root(2, f.repo.rootKeys);
    String json = Ceremony.rootJson(root);
    String sig = root.signatures().get(0).sig();
    String flipped = (sig.charAt(0) == '0' ? "1" : "0") + sig.substring(1);
    String bad = json.replace(sig, flipped);
    String id =
        http.post("/api/v1/bootstrap", Ceremony.payload(bad, 4)).expect(202).str("data.task_id");
    Http.Resp t = http.waitForTask(id);
    assertEquals("ERRORED", t.str("data.state"), t.body());
    assertEquals(dev.tufrepo.json.JsonBoolean.FALSE, t.at("data.result.status"));
    assertTrue(t.str("data.result.error") != null, t.body());
    assertEquals("System available for bootstrap.", http.get("/api/v1/bootstrap").str("message"));
  }
}
