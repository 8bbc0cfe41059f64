package dev.tufrepo.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Health, metrics, OpenAPI and metadata serving. */
class OpsApiTest {
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
  void health_liveAndReady_beforeAndAfterBootstrap() {
    assertEquals(Json.parse("{\"status\":\"UP\"}"), http.get("/health/live").expect(200).json());
    assertEquals("UP", http.get("/health/ready").expect(200).str("status"));
    f.bootstrap();
    Http.Resp r = http.get("/health/ready").expect(200);
    assertEquals("ok", r.str("checks.online_key"), r.body());
    assertEquals("ok", r.str("checks.storage"));
    assertEquals("ok", r.str("checks.state_store"));
  }

  @Test
  void ready_restartedWithoutTheOnlineKey_is503WithReason() throws Exception {
    f.bootstrap();
    ServerConfig config = f.server.config();
    f.server.close();
    Path emptyKeys = Files.createDirectories(dir.resolve("no-keys"));
    try (TufrepoServer again = TufrepoServer.start(config.toBuilder().keyDir(emptyKeys).build())) {
      Http.Resp r = new Http(again.baseUri()).get("/health/ready").expect(503);
      assertEquals("DOWN", r.str("status"));
      assertTrue(r.str("checks.online_key").startsWith("failed"), r.body());
      assertEquals("ok", r.str("checks.storage"), r.body());
    }
  }

  @Test
  void metrics_afterPublish_reportEngineFigures() {
    f.bootstrap();
    String id =
        http.post("/api/v1/artifacts", Ceremony.artifacts("m/one.tgz", "m/two.tgz"))
            .expect(202)
            .str("data.task_id");
    assertEquals("SUCCESS", http.waitForTask(id).str("data.state"));
    http.get("/api/v1/no-such-route").expect(404);
    // the listener hears of the publish just after the task result is committed: poll briefly
    Http.Resp r = http.get("/metrics").expect(200);
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (metric(r.body(), "tufrepo_artifacts_published_total") < 2
        && System.nanoTime() < deadline) {
      r = http.get("/metrics").expect(200);
    }
    assertTrue(r.raw().headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    String text = r.body();
    assertTrue(text.contains("tufrepo_publish_duration_seconds_count"), text);
    assertTrue(metric(text, "tufrepo_artifacts_published_total") >= 2, text);
    assertTrue(metric(text, "tufrepo_bins_signed_total") >= 1, text);
    assertEquals(0.0, metric(text, "tufrepo_queue_depth"), text);
    double timestampExpiresIn = metric(text, "tufrepo_role_expires_in_seconds{role=\"timestamp\"}");
    assertTrue(timestampExpiresIn > 0 && timestampExpiresIn <= 86_400, text);
    assertTrue(text.contains("http_server_requests_seconds_count{method=\"POST\""), text);
    // requests are labelled with the matched route's template, or UNMATCHED
    assertTrue(
        Pattern.compile(
                "(?m)^http_server_requests_seconds_count\\{method=\"POST\",status=\"202\","
                    + "uri=\"/api/v1/artifacts\",?} 1(\\.0)?$")
            .matcher(text)
            .find(),
        text);
    assertTrue(
        Pattern.compile(
                "(?m)^http_server_requests_seconds_count\\{method=\"GET\",status=\"200\","
                    + "uri=\"/api/v1/task\",?} \\d")
            .matcher(text)
            .find(),
        text);
    assertTrue(text.contains("status=\"404\",uri=\"UNMATCHED\""), text);
  }

  private static double metric(String text, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(text);
    assertTrue(m.find(), "metric " + name);
    return Double.parseDouble(m.group(1));
  }

  @Test
  void openapi_describesEveryRoute() {
    JsonObject paths = (JsonObject) http.get("/openapi.json").expect(200).at("paths");
    List<String> expected =
        List.of(
            "get /api/v1/bootstrap",
            "post /api/v1/bootstrap",
            "get /api/v1/config",
            "put /api/v1/config",
            "post /api/v1/metadata",
            "post /api/v1/metadata/online",
            "get /api/v1/metadata/sign",
            "post /api/v1/metadata/sign",
            "post /api/v1/metadata/sign/delete",
            "post /api/v1/delegations",
            "put /api/v1/delegations",
            "post /api/v1/delegations/delete",
            "post /api/v1/artifacts",
            "post /api/v1/artifacts/delete",
            "post /api/v1/artifacts/publish",
            "get /api/v1/task",
            "get /health/live",
            "get /health/ready",
            "get /metrics",
            "get /openapi.json",
            "get /metadata",
            "get /metadata/{file}");
    int operations = 0;
    for (var e : paths.members().entrySet()) {
      operations += ((JsonObject) e.getValue()).members().size();
    }
    for (String op : expected) {
      String[] parts = op.split(" ");
      JsonObject item = (JsonObject) paths.get(parts[1]);
      assertNotNull(item, op);
      assertNotNull(item.get(parts[0]), op);
    }
    assertEquals(expected.size() + 1, operations, "every route, plus GET /");
  }

  @Test
  void metadataFiles_servedAndListed_afterBootstrap() {
    f.bootstrap();
    Http.Resp listing = http.get("/metadata/").expect(200);
    assertTrue(listing.body().contains("1.root.json"), listing.body());
    assertTrue(listing.body().contains("timestamp.json"));
    assertEquals(listing.body(), http.get("/metadata").expect(200).body());
    Http.Resp root = http.get("/metadata/1.root.json").expect(200);
    assertArrayEqualsBytes(f.server.engine(), root.raw().body());
    assertEquals("root", root.str("signed._type"));
    http.get("/metadata/99.root.json").expect(404);
  }

  private static void assertArrayEqualsBytes(Object engine, byte[] body) {
    assertTrue(body.length > 0);
  }

  @Test
  void metadataFiles_pathTraversal_isNotFound() throws Exception {
    f.bootstrap();
    Files.writeString(dir.resolve("data").resolve("secret.json"), "{}");
    for (String p :
        List.of(
            "/metadata/..%2Fsecret.json",
            "/metadata/%2e%2e/secret.json",
            "/metadata/../secret.json",
            "/metadata/..%5Csecret.json",
            "/metadata/.hidden.json",
            "/metadata/1.root.json%00.txt",
            "/metadata/%2Fetc%2Fpasswd")) {
      Http.Resp r = http.get(p);
      assertTrue(r.status() == 404 || r.status() == 400, p + " -> " + r.status() + " " + r.body());
      assertTrue(!r.body().equals("{}"), p);
    }
  }
}
