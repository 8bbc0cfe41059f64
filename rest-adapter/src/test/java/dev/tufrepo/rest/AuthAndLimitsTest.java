package dev.tufrepo.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Optional bearer tokens with scopes, RSTUF_DISABLE_ENDPOINTS, and the body size limit. */
class AuthAndLimitsTest {
  static final String WRITER = "writer-token-0123456789";
  static final String ADMIN = "admin-token-0123456789ab";

  @TempDir Path dir;

  @Test
  void auth_offByDefault_everyRouteOpen() {
    try (ServerFixture f = new ServerFixture(dir)) {
      f.http.get("/api/v1/bootstrap").expect(200);
      f.http.post("/api/v1/bootstrap", Ceremony.payload(f.repo, 4)).expect(202);
    }
  }

  @Test
  void auth_on_missingUnknownOrUnscopedTokensRefusedWithReason() {
    try (ServerFixture f =
        new ServerFixture(
            dir,
            b ->
                b.authTokens(
                    Map.of(WRITER, Set.of("artifacts:write", "read"), ADMIN, Set.of("*"))))) {
      Http anon = f.http;
      Http.Resp r = anon.get("/api/v1/bootstrap").expect(401);
      assertEquals("Unauthorized.", r.str("detail.message"));
      assertTrue(r.str("detail.error").contains("missing bearer token"));
      assertTrue(r.raw().headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
      assertEquals(
          "unknown token",
          anon.withHeader("Authorization", "Bearer nope-nope-nope-nope")
              .get("/api/v1/bootstrap")
              .expect(401)
              .str("detail.error"));

      Http writer = anon.withHeader("Authorization", "Bearer " + WRITER);
      writer.get("/api/v1/bootstrap").expect(200);
      Http.Resp forbidden =
          writer.post("/api/v1/bootstrap", Ceremony.payload(f.repo, 4)).expect(403);
      assertEquals("the token lacks the scope metadata:admin", forbidden.str("detail.error"));

      Http admin = anon.withHeader("Authorization", "bearer " + ADMIN);
      String id =
          admin
              .post("/api/v1/bootstrap", Ceremony.payload(f.repo, 4))
              .expect(202)
              .str("data.task_id");
      assertEquals("SUCCESS", admin.waitForTask(id).str("data.state"));
      writer.post("/api/v1/artifacts", Ceremony.artifacts("w/x.tgz")).expect(202);

      // operations routes stay open
      anon.get("/health/live").expect(200);
      anon.get("/metrics").expect(200);
      anon.get("/openapi.json").expect(200);
      anon.get("/metadata/1.root.json").expect(200);
    }
  }

  @Test
  void disabledEndpoints_rstufSyntax_answerAsAbsent() {
    try (ServerFixture f =
        new ServerFixture(
            dir,
            b ->
                b.disabledEndpoints(List.of("/api/v1/artifacts/", "{'POST'}/api/v1/bootstrap/")))) {
      f.http.post("/api/v1/artifacts", Ceremony.artifacts("a")).expect(404);
      f.http.post("/api/v1/artifacts/", Ceremony.artifacts("a")).expect(404);
      f.http.post("/api/v1/artifacts/delete", "{\"artifacts\":[\"a\"]}").expect(404);
      f.http.get("/api/v1/bootstrap").expect(200);
      Http.Resp r = f.http.post("/api/v1/bootstrap", Ceremony.payload(f.repo, 4)).expect(405);
      assertEquals("Method Not Allowed", r.str("detail"));
    }
  }

  @Test
  void disabledEndpoints_viaEnvironment_areParsedLikeRstuf() {
    ServerConfig c =
        ServerConfig.resolve(
            Map.of(),
            Map.of("RSTUF_DISABLE_ENDPOINTS", "/api/v1/artifacts/:{'POST'}/api/v1/metadata/sign/"));
    assertEquals(
        List.of("/api/v1/artifacts/", "{'POST'}/api/v1/metadata/sign/"), c.disabledEndpoints());
  }

  @Test
  void body_overTheLimit_is413AndNothingQueued() throws Exception {
    try (ServerFixture f = new ServerFixture(dir, b -> b.maxBodyBytes(4096))) {
      f.bootstrap();
      String big = Ceremony.artifacts("p/" + "x".repeat(5000));
      Http.Resp r = f.http.post("/api/v1/artifacts", big).expect(413);
      assertEquals("Request body too large.", r.str("detail.message"));
      // the same without a Content-Length: chunked
      HttpClient client = HttpClient.newHttpClient();
      HttpRequest req =
          HttpRequest.newBuilder(URI.create(f.server.baseUri() + "api/v1/artifacts"))
              .POST(
                  HttpRequest.BodyPublishers.ofInputStream(
                      () -> new java.io.ByteArrayInputStream(big.getBytes())))
              .header("Content-Type", "application/json")
              .build();
      HttpResponse<String> chunked = client.send(req, HttpResponse.BodyHandlers.ofString());
      assertEquals(413, chunked.statusCode(), chunked.body());
      assertEquals(0, f.server.engine().queueDepth());
      f.http.post("/api/v1/artifacts", Ceremony.artifacts("p/small.tgz")).expect(202);
    }
  }

  @Test
  void slowRequestHeaders_connectionClosedAfterTheRequestTimeout() throws Exception {
    try (ServerFixture f =
            new ServerFixture(dir, b -> b.requestTimeout(java.time.Duration.ofSeconds(1)));
        java.net.Socket socket = new java.net.Socket("127.0.0.1", f.server.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write("POST /api/v1/artifacts HTTP/1.1\r\nHost: x\r\n".getBytes());
      socket.getOutputStream().flush();
      long start = System.nanoTime();
      String answer = new String(socket.getInputStream().readAllBytes());
      long waited = (System.nanoTime() - start) / 1_000_000;
      assertTrue(answer.isEmpty() || answer.startsWith("HTTP/1.1 408"), answer);
      assertTrue(waited < 9_000, "closed after " + waited + " ms");
    }
  }
}
