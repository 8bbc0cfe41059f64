package dev.tufrepo.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.json.Json;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Routing, RSTUF's refusals before bootstrap, and the answers every client depends on. */
class RoutingTest {
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
  void unknownRoute_is404NotFound() {
    assertEquals(
        Json.parse("{\"detail\":\"Not Found\"}"), http.get("/invalid_url").expect(404).json());
  }

  @Test
  void wrongMethod_is405MethodNotAllowed() {
    assertEquals(
        Json.parse("{\"detail\":\"Method Not Allowed\"}"),
        http.send("DELETE", "/api/v1/bootstrap", null).expect(405).json());
    http.get("/api/v1/artifacts/delete").expect(405);
  }

  @Test
  void bothTrailingSlashForms_areServedDirectly() {
    for (String p :
        List.of(
            "/api/v1/bootstrap",
            "/api/v1/bootstrap/",
            "//api/v1/bootstrap/",
            "/api//v1/bootstrap")) {
      Http.Resp r = http.get(p).expect(200);
      assertEquals("System available for bootstrap.", r.str("message"), p);
    }
    http.get("/api/v1/task?task_id=abc").expect(200);
    http.get("/api/v1/task/?task_id=abc").expect(200);
    http.get("/api/v1/metadata/sign/").expect(404);
  }

  @Test
  void task_unknownId_isPendingWithoutResult() {
    assertEquals(
        Json.parse(
            "{\"data\":{\"task_id\":\"abc\",\"state\":\"PENDING\"},\"message\":\"Task state.\"}"),
        http.get("/api/v1/task/?task_id=abc").expect(200).json());
  }

  @Test
  void task_withoutTaskId_is422MissingQueryField() {
    assertEquals(
        Json.parse(
            "{\"detail\":[{\"type\":\"missing\",\"loc\":[\"query\",\"task_id\"],"
                + "\"msg\":\"Field required\",\"input\":null}]}"),
        http.get("/api/v1/task/").expect(422).json());
  }

  @Test
  void config_beforeBootstrap_is404WithRstufMessage() {
    Http.Resp r = http.get("/api/v1/config").expect(404);
    assertEquals(
        Json.parse(
            "{\"detail\":{\"message\":\"No Repository Settings/Config found.\","
                + "\"error\":\"It requires bootstrap. State: None\"}}"),
        r.json());
    http.put("/api/v1/config/", "{\"settings\":{\"expiration\":{\"targets\":2}}}").expect(404);
  }

  @Test
  void metadataRoutes_beforeBootstrap_are404WithRstufMessages() {
    String root = Ceremony.rootJson(f.repo.root(2, f.repo.rootKeys));
    Http.Resp update = http.post("/api/v1/metadata/", "{\"metadata\":{\"root\":" + root + "}}");
    update.expect(404);
    assertEquals(
        Json.parse(
            "{\"detail\":{\"message\":\"Task not accepted.\","
                + "\"error\":\"Requires bootstrap finished. State: None\"}}"),
        update.json());
    assertEquals(
        update.json(), http.post("/api/v1/metadata/online", "{\"roles\":[]}").expect(404).json());
    assertEquals(
        Json.parse(
            "{\"detail\":{\"message\":\"No metadata pending signing available\","
                + "\"error\":\"Requires bootstrap started. State: None\"}}"),
        http.get("/api/v1/metadata/sign").expect(404).json());
    assertEquals(
        Json.parse(
            "{\"detail\":{\"message\":\"No signing pending.\","
                + "\"error\":\"Requires bootstrap in signing state. State: None\"}}"),
        http.post(
                "/api/v1/metadata/sign/",
                "{\"role\":\"root\",\"signature\":{\"keyid\":\"ab\",\"sig\":\"cd\"}}")
            .expect(404)
            .json());
    assertEquals(
        Json.parse(
            "{\"detail\":{\"message\":\"No signing process for root.\","
                + "\"error\":\"The root role is not in a signing process.\"}}"),
        http.post("/api/v1/metadata/sign/delete", "{\"role\":\"root\"}").expect(404).json());
  }

  @Test
  void delegations_beforeBootstrap_answer200WithRefusal_rstufQuirk() {
    String body =
        "{\"delegations\":{\"keys\":{},\"roles\":[{\"name\":\"dev\",\"terminating\":true,"
            + "\"keyids\":[],\"threshold\":1,\"paths\":[\"dev/*\"]}]}}";
    String refusal =
        "{\"detail\":{\"message\":\"Task not accepted.\","
            + "\"error\":\"Requires bootstrap finished. State: None\"}}";
    assertEquals(Json.parse(refusal), http.post("/api/v1/delegations", body).expect(200).json());
    assertEquals(Json.parse(refusal), http.put("/api/v1/delegations/", body).expect(200).json());
    assertEquals(
        Json.parse(refusal),
        http.post(
                "/api/v1/delegations/delete", "{\"delegations\":{\"roles\":[{\"name\":\"dev\"}]}}")
            .expect(200)
            .json());
  }

  @Test
  void artifacts_beforeBootstrap_are404AndNothingQueued() {
    Http.Resp r = http.post("/api/v1/artifacts", Ceremony.artifacts("a/b.tar.gz")).expect(404);
    assertEquals(
        Json.parse(
            "{\"detail\":{\"message\":\"Task not accepted.\","
                + "\"error\":\"It requires bootstrap finished. State: None\"}}"),
        r.json());
    http.post("/api/v1/artifacts/delete", "{\"artifacts\":[\"a/b.tar.gz\"]}").expect(404);
    assertEquals(0, f.server.engine().queueDepth());
  }

  @Test
  void publish_beforeBootstrap_isAcceptedWithoutStateCheck() {
    Http.Resp r = http.post("/api/v1/artifacts/publish/", null).expect(202);
    assertEquals("Publish artifacts successfully submitted.", r.str("message"));
    assertEquals(Json.parse("[]"), r.at("data.artifacts"));
    Http.Resp t = http.waitForTask(r.str("data.task_id"));
    // RSTUF checks nothing here; the engine's task says what it did (nothing to publish)
    assertTrue(List.of("SUCCESS", "ERRORED", "FAILURE").contains(t.str("data.state")), t.body());
  }

  @Test
  void rootPage_namesTheApi() {
    assertTrue(http.get("/").expect(200).body().contains("Repository Service for TUF API"));
  }
}
