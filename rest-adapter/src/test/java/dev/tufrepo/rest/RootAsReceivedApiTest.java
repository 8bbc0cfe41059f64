package dev.tufrepo.rest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.engine.RepositoryVerifier;
import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonBoolean;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonString;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.PrivateKeySigner;
import dev.tufrepo.model.Root;
import dev.tufrepo.model.Signature;
import dev.tufrepo.storage.fs.FileSystemMetadataStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Root metadata in a payload is published as the exact bytes it had in the request body (RSTUF
 * payloads: {@code metadata.root}), whatever the client's whitespace, member order and escapes; its
 * signatures still count only over the canonical bytes of {@code signed}.
 */
class RootAsReceivedApiTest {
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

  /** Root {@code version} signed by every root key, with a signed vendor field worth escaping. */
  private Metadata<Root> root(int version) {
    Root base = f.repo.root(f.repo.rootKeys.size(), f.repo.rootKeys).signed();
    Root r =
        new Root(
            base.specVersion(),
            version,
            base.expires().plus(version - 1, ChronoUnit.DAYS),
            base.consistentSnapshot(),
            base.keys(),
            base.roles(),
            Map.of("x-tufrepo-note", new JsonString("café / crème, v" + version)));
    return Metadata.of(r).signedBy(f.repo.rootKeys.toArray(new PrivateKeySigner[0]));
  }

  /** The root written by another client: indented, members out of order, escapes. */
  private static String pretty(Metadata<Root> root) {
    String text = PrettyJson.write(Json.parse(root.toJson()));
    assertTrue(text.contains("caf\\u00e9 \\/ cr\\u00e8me"), text);
    assertTrue(text.indexOf("\"signed\"") < text.indexOf("\"signatures\""), text);
    assertFalse(text.equals(new String(root.toJson(), StandardCharsets.UTF_8)));
    return text;
  }

  private byte[] published(String name) throws IOException {
    byte[] served = http.get("/metadata/" + name).expect(200).raw().body();
    byte[] stored = Files.readAllBytes(dir.resolve("data").resolve("metadata").resolve(name));
    assertArrayEquals(stored, served, name + ": served bytes differ from the stored file");
    return stored;
  }

  private Http.Resp bootstrapWith(String rootText) {
    String id =
        http.post("/api/v1/bootstrap", Ceremony.payload(rootText, 4))
            .expect(202)
            .str("data.task_id");
    return http.waitForTask(id);
  }

  private void awaitBootstrapped() {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!f.server.engine().isBootstrapped() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
  }

  /** Closes the server and verifies the published repository from {@code trusted} root v1. */
  private void assertRepositoryVerifies(byte[] trusted, int rootVersions) {
    f.server.close();
    try (FileSystemMetadataStore store =
        FileSystemMetadataStore.open(dir.resolve("data").resolve("metadata"))) {
      RepositoryVerifier.Report report =
          RepositoryVerifier.verify(store, trusted, Instant.now(), false);
      assertTrue(report.ok(), report.problems().toString());
      assertEquals(rootVersions, report.rootVersion(), report.toString());
    }
  }

  @Test
  void bootstrap_prettyPrintedRoot_isPublishedAsTheExactBytesSent() throws IOException {
    String sent = pretty(root(1));

    Http.Resp t = bootstrapWith(sent);

    assertEquals("SUCCESS", t.str("data.state"), t.body());
    awaitBootstrapped();
    assertArrayEquals(sent.getBytes(StandardCharsets.UTF_8), published("1.root.json"));
    assertRepositoryVerifies(published("1.root.json"), 1);
  }

  @Test
  void rootUpdate_prettyPrintedRoot_isPublishedAsTheExactBytesSent() throws IOException {
    f.bootstrap();
    byte[] v1 = published("1.root.json");
    String sent = pretty(root(2));
    // the payload itself formatted by hand, root in the middle of it
    String payload = "{\n  \"metadata\" : {\n    \"root\" :\t" + sent + "\n  }\n}\n";

    Http.Resp r = http.post("/api/v1/metadata", payload).expect(202);
    Http.Resp t = http.waitForTask(r.str("data.task_id"));

    assertEquals("SUCCESS", t.str("data.state"), t.body());
    assertEquals(JsonBoolean.TRUE, t.at("data.result.status"), t.body());
    assertArrayEquals(sent.getBytes(StandardCharsets.UTF_8), published("2.root.json"));
    assertRepositoryVerifies(v1, 2);
  }

  /**
   * Root metadata text whose signatures are over the bytes of {@code signed} as written in it
   * (indented, members reversed), not over its canonical bytes.
   */
  private String signedOverReceivedText(Metadata<Root> root) {
    JsonValue tree = Json.parse(root.toJson());
    String signedText = PrettyJson.write(((JsonObject) tree).get("signed"));
    byte[] signedBytes = signedText.getBytes(StandardCharsets.UTF_8);
    assertFalse(java.util.Arrays.equals(signedBytes, root.signedBytes()));
    List<String> sigs = new ArrayList<>();
    for (PrivateKeySigner k : f.repo.rootKeys) {
      Signature s = k.sign(signedBytes);
      sigs.add("{\"keyid\": \"" + s.keyid() + "\", \"sig\": \"" + s.sig() + "\"}");
    }
    return "{\"signed\": " + signedText + ", \"signatures\": [" + String.join(", ", sigs) + "]}";
  }

  @Test
  void bootstrap_signaturesOverTheReceivedTextNotCanonicalBytes_areRefused() {
    Http.Resp t = bootstrapWith(signedOverReceivedText(root(1)));

    assertEquals("ERRORED", t.str("data.state"), t.body());
    assertEquals(JsonBoolean.FALSE, t.at("data.result.status"), t.body());
    assertEquals("System available for bootstrap.", http.get("/api/v1/bootstrap").str("message"));
    http.get("/metadata/1.root.json").expect(404);
  }

  @Test
  void rootUpdate_signaturesOverTheReceivedTextNotCanonicalBytes_areRefused() {
    f.bootstrap();
    String payload = "{\"metadata\": {\"root\": " + signedOverReceivedText(root(2)) + "}}";

    Http.Resp r = http.post("/api/v1/metadata", payload).expect(202);
    Http.Resp t = http.waitForTask(r.str("data.task_id"));

    assertEquals(JsonBoolean.FALSE, t.at("data.result.status"), t.body());
    http.get("/metadata/2.root.json").expect(404);
  }

  @Test
  void rootUpdate_rootGivenTwice_is422NamingTheKey() {
    f.bootstrap();
    String root = pretty(root(2));
    String payload = "{\"metadata\": {\"root\": " + root + ", \"root\": " + root + "}}";

    Http.Resp r = http.post("/api/v1/metadata", payload).expect(422);

    assertEquals("json_invalid", r.str("detail.0.type"), r.body());
    assertEquals("duplicate key \"root\"", r.str("detail.0.ctx.error"), r.body());
    http.get("/metadata/2.root.json").expect(404);
  }

  @Test
  void bootstrap_metadataGivenTwice_is422NamingTheKey() {
    String payload = Ceremony.payload(pretty(root(1)), 4);
    String twice = payload.replace("\"timeout\": 300", "\"metadata\": {}, \"timeout\": 300");

    Http.Resp r = http.post("/api/v1/bootstrap", twice).expect(422);

    assertEquals("json_invalid", r.str("detail.0.type"), r.body());
    assertEquals("duplicate key \"metadata\"", r.str("detail.0.ctx.error"), r.body());
    assertEquals("System available for bootstrap.", http.get("/api/v1/bootstrap").str("message"));
  }
}
