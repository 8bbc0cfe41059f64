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
        Json.parse("{\"data\":{\"bootstrap\":false},\"message\":\"System available for bootstrap.\"}"),
        r.json());
  }

  @Test
  void postBootstrap_ceremonyPayload_accepted202ThenFinished() {
    Http.Resp r = http.post("/api/v1/bootstrap/", Ceremony.payload(f.repo, 4)).expect(202);
    assertEquals("Bootstrap accepted.", r.str("message"));
    String id = r.str("data.task_id");
    assertTrue(id.matches("[0-9a-f]{32}"), id);
    assertTrue(r.str("data.last_update").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{6})?Z"));
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
        Json.parse(
            "{\"detail\":{\"error\":\"System already has a Metadata. State: finished\"}}"),
        r.json());
  }
}
