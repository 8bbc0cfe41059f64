package dev.tufrepo.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonArray;
import dev.tufrepo.json.JsonString;
import dev.tufrepo.json.JsonValue;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArtifactsApiTest {
  static final String SHA = "a".repeat(64);

  @TempDir Path dir;
  ServerFixture f;
  Http http;

  @BeforeEach
  void start() {
    f = new ServerFixture(dir, b -> b.maxBatchSize(5));
    http = f.http;
    f.bootstrap();
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void add_acceptedThenSuccessWithRstufDetails() {
    Http.Resp r =
        http.post("/api/v1/artifacts/", Ceremony.artifacts("a/one.tar.gz", "b/two.whl"))
            .expect(202);
    assertEquals("New Artifact(s) successfully submitted.", r.str("message"));
    assertEquals(Json.parse("[\"a/one.tar.gz\",\"b/two.whl\"]"), r.at("data.artifacts"));
    Http.Resp t = http.waitForTask(r.str("data.task_id"));
    assertEquals("SUCCESS", t.str("data.state"), t.body());
    assertEquals("add_artifacts", t.str("data.result.task"));
    assertEquals("Artifact(s) Added", t.str("data.result.message"));
    assertEquals(
        Json.parse("[\"a/one.tar.gz\",\"b/two.whl\"]"),
        t.at("data.result.details.added_artifacts"));
    assertEquals(Json.parse("[]"), t.at("data.result.details.invalid_paths"));
    JsonValue roles = t.at("data.result.details.artifact_roles");
    assertTrue(roles instanceof JsonArray a && !a.values().isEmpty(), t.body());
    for (JsonValue v : ((JsonArray) roles).values()) {
      assertTrue(((JsonString) v).value().matches("bins-[0-3]"), v.toString());
    }
  }

  @Test
  void add_withoutSlash_andLegacyTargetsKeys_answersWithTargets() {
    String body =
        "{\"targets\":[{\"path\":\"legacy/x.tgz\",\"info\":{\"length\":3,\"hashes\":{\"sha256\":\""
            + SHA
            + "\"}}}],\"publish_targets\":false}";
    Http.Resp r = http.post("/api/v1/artifacts", body).expect(202);
    assertEquals(
        "New Artifact(s) successfully submitted. Publishing will be skipped.", r.str("message"));
    assertEquals(Json.parse("[\"legacy/x.tgz\"]"), r.at("data.targets"));
    Http.Resp p = http.post("/api/v1/artifacts/publish", null).expect(202);
    assertEquals("SUCCESS", http.waitForTask(p.str("data.task_id")).str("data.state"));
    Http.Resp t = http.waitForTask(r.str("data.task_id"));
    assertEquals("SUCCESS", t.str("data.state"), t.body());
  }

  @Test
  void addTaskIdToCustom_putsTheTaskIdIntoThePublishedTarget() throws Exception {
    String body =
        "{\"artifacts\":[{\"path\":\"c/custom.tgz\",\"info\":{\"length\":3,\"hashes\":{\"sha256\":\""
            + SHA
            + "\"},\"custom\":{\"k\":\"v\"}}}],\"add_task_id_to_custom\":true}";
    Http.Resp r = http.post("/api/v1/artifacts", body).expect(202);
    String id = r.str("data.task_id");
    assertEquals("SUCCESS", http.waitForTask(id).str("data.state"));
    var report = f.server.engine();
    assertNotNull(report);
    boolean found = false;
    for (int bin = 0; bin < 4; bin++) {
      Http.Resp listing = http.get("/metadata/").expect(200);
      for (String line : listing.body().split("\n")) {
        if (line.contains("bins-" + bin + ".json") && line.contains("href")) {
          String name = line.substring(line.indexOf("href=\"") + 6, line.indexOf("\">"));
          String file = http.get("/metadata/" + name).expect(200).body();
          if (file.contains("c/custom.tgz") && file.contains("\"added_by_task_id\"")) {
            found = file.contains(id);
          }
        }
      }
    }
    assertTrue(found, "custom.added_by_task_id of the published target");
  }

  @Test
  void delete_acceptedThenSuccessWithDeletedAndNotFound() {
    String add =
        http.post("/api/v1/artifacts", Ceremony.artifacts("d/x.tgz"))
            .expect(202)
            .str("data.task_id");
    assertEquals("SUCCESS", http.waitForTask(add).str("data.state"));
    Http.Resp r =
        http.post("/api/v1/artifacts/delete", "{\"artifacts\":[\"d/x.tgz\",\"d/missing.tgz\"]}")
            .expect(202);
    assertEquals("Remove Artifact(s) successfully submitted.", r.str("message"));
    assertEquals(Json.parse("[\"d/x.tgz\",\"d/missing.tgz\"]"), r.at("data.artifacts"));
    Http.Resp t = http.waitForTask(r.str("data.task_id"));
    assertEquals("SUCCESS", t.str("data.state"), t.body());
    assertEquals("remove_artifacts", t.str("data.result.task"));
    assertEquals(Json.parse("[\"d/x.tgz\"]"), t.at("data.result.details.deleted_artifacts"));
    assertEquals(
        Json.parse("[\"d/missing.tgz\"]"), t.at("data.result.details.not_found_artifacts"));
  }

  /** Each bad input: a 422 whose location names the field, and nothing queued or recorded. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          dot-dot path       | {"artifacts":[{"path":"a/../b","info":{"length":1,"hashes":{"sha256":"SHA"}}}]}            | ["body","artifacts",0,"path"]
          absolute path      | {"artifacts":[{"path":"/etc/passwd","info":{"length":1,"hashes":{"sha256":"SHA"}}}]}       | ["body","artifacts",0,"path"]
          NUL in path        | {"artifacts":[{"path":"a\\u0000b","info":{"length":1,"hashes":{"sha256":"SHA"}}}]}         | ["body","artifacts",0,"path"]
          bad hash hex       | {"artifacts":[{"path":"a/b","info":{"length":1,"hashes":{"sha256":"xyz"}}}]}              | ["body","artifacts",0,"info","hashes","sha256"]
          negative length    | {"artifacts":[{"path":"a/b","info":{"length":-1,"hashes":{"sha256":"SHA"}}}]}             | ["body","artifacts",0,"info","length"]
          length as string   | {"artifacts":[{"path":"a/b","info":{"length":"1","hashes":{"sha256":"SHA"}}}]}            | ["body","artifacts",0,"info","length"]
          missing info       | {"artifacts":[{"path":"a/b"}]}                                                             | ["body","artifacts",0,"info"]
          missing artifacts  | {"publish_artifacts":true}                                                                 | ["body","artifacts"]
          artifacts not list | {"artifacts":"a/b"}                                                                        | ["body","artifacts"]
          path not string    | {"artifacts":[{"path":5,"info":{"length":1,"hashes":{"sha256":"SHA"}}}]}                   | ["body","artifacts",0,"path"]
          publish not bool   | {"artifacts":[{"path":"a/b","info":{"length":1,"hashes":{"sha256":"SHA"}}}],"publish_artifacts":"maybe"} | ["body","publish_artifacts"]
          duplicate paths    | {"artifacts":[{"path":"a/b","info":{"length":1,"hashes":{"sha256":"SHA"}}},{"path":"a/b","info":{"length":2,"hashes":{"sha256":"SHA"}}}]} | ["body","artifacts",1,"path"]
          too many           | {"artifacts":[{"path":"1","info":{"length":1,"hashes":{"sha256":"SHA"}}},{"path":"2","info":{"length":1,"hashes":{"sha256":"SHA"}}},{"path":"3","info":{"length":1,"hashes":{"sha256":"SHA"}}},{"path":"4","info":{"length":1,"hashes":{"sha256":"SHA"}}},{"path":"5","info":{"length":1,"hashes":{"sha256":"SHA"}}},{"path":"6","info":{"length":1,"hashes":{"sha256":"SHA"}}}]} | ["body","artifacts"]
          body not object    | [1,2]                                                                                      | ["body"]
          malformed JSON     | {"artifacts": [                                                                            | ["body",15]
          """)
  void add_invalidInput_is422NamingTheField_andQueuesNothing(String name, String body, String loc) {
    long before = f.server.engine().queueDepth();
    Http.Resp r = http.post("/api/v1/artifacts", body.replace("SHA", SHA)).expect(422);
    assertEquals(Json.parse(loc), r.at("detail.0.loc"), r.body());
    assertNotNull(r.str("detail.0.msg"));
    assertNotNull(r.str("detail.0.type"));
    assertEquals(before, f.server.engine().queueDepth(), "nothing queued");
  }

  @Test
  void delete_emptyList_is422AndQueuesNothing() {
    Http.Resp r = http.post("/api/v1/artifacts/delete", "{\"artifacts\":[]}").expect(422);
    assertEquals(Json.parse("[\"body\",\"artifacts\"]"), r.at("detail.0.loc"));
    assertEquals(0, f.server.engine().queueDepth());
  }

  @Test
  void delete_dotDotPath_is422NamingTheEntry() {
    Http.Resp r = http.post("/api/v1/artifacts/delete", "{\"artifacts\":[\"ok\",\"../x\"]}");
    r.expect(422);
    assertEquals(Json.parse("[\"body\",\"artifacts\",1]"), r.at("detail.0.loc"), r.body());
  }

  @Test
  void malformedJson_isFastApiJsonInvalid() {
    Http.Resp r = http.post("/api/v1/artifacts", "{\"artifacts\": [").expect(422);
    assertEquals("json_invalid", r.str("detail.0.type"));
    assertEquals("JSON decode error", r.str("detail.0.msg"));
    assertNotNull(r.str("detail.0.ctx.error"));
    assertEquals(List.of(), List.of(), "");
  }
}
