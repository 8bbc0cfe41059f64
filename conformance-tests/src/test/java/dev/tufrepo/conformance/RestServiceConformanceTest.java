package dev.tufrepo.conformance;

import static dev.tufrepo.conformance.Clients.assertAllOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.engine.TestRepository;
import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonNumber;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonString;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.model.internal.Sha256;
import dev.tufrepo.rest.ServerConfig;
import dev.tufrepo.rest.TufrepoServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through the service: the REST server (RSTUF API v1) is bootstrapped and fed artifacts over HTTP,
 * and the clients read the metadata from the server's own {@code /metadata/} endpoint (its 404 for
 * the next root, its answers to sigstore-java's {@code Accept} header). Targets come from the
 * test's file server: the service does not store artifacts. The service runs on the real clock.
 */
class RestServiceConformanceTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void restService_bootstrapAndArtifactsOverHttp_clientsReadItsMetadataEndpoint() throws Exception {
    Path targetsDir = Files.createDirectories(dir.resolve("targets"));
    try (TestRepository ceremony = new TestRepository(dir.resolve("ceremony"));
        TufrepoServer server =
            TufrepoServer.start(
                ServerConfig.builder()
                    .host("127.0.0.1")
                    .port(0)
                    .dataDir(dir.resolve("data"))
                    .keyDir(ceremony.keyDir)
                    .groupCommit(Duration.ofMillis(50))
                    .refreshInterval(Duration.ZERO)
                    .build());
        RepositoryServer files =
            RepositoryServer.start(Files.createDirectories(dir.resolve("none")), targetsDir);
        Clients clients = Clients.start(dir.resolve("clients"))) {
      String base = server.baseUri().toString().replaceAll("/$", "");
      // the root as a client other than us writes it: indented, "/" escaped; it is published as
      // sent, and the clients take exactly those bytes as their trusted root
      String root =
          indented(
              new String(
                  ceremony.root(ceremony.rootKeys.size(), ceremony.rootKeys).toJson(),
                  StandardCharsets.UTF_8));
      String bootstrap =
          """
          {"settings": {"roles": {"root": {"expiration": 365}, "timestamp": {"expiration": 1},
            "snapshot": {"expiration": 1}, "targets": {"expiration": 365},
            "bins": {"expiration": 1, "number_of_delegated_bins": 16}}},
           "metadata": {"root": %s}}
          """
              .formatted(root);
      awaitTask(base, post(base + "/api/v1/bootstrap", bootstrap));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!server.engine().isBootstrapped() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      Path trusted = dir.resolve("trusted-root.json");
      Files.write(trusted, get(base + "/metadata/1.root.json", 200));
      assertEquals(root, Files.readString(trusted), "1.root.json is the root as sent");

      Map<String, byte[]> present = new LinkedHashMap<>();
      awaitTask(base, post(base + "/api/v1/artifacts", artifacts(targetsDir, present, 0, 12)));
      Map<TufClient, Session> sessions = new LinkedHashMap<>();
      for (TufClient c : clients.all) {
        sessions.put(
            c,
            new Session(dir.resolve(c.name()), trusted, base + "/metadata/", files.targetsUrl()));
      }
      List<ClientRun> runs = update(clients, sessions, present);
      assertAllOk("through the REST service", runs);
      assertServedVersions(base, runs);
      assertTrue(runs.get(0).downloaded().containsAll(present.keySet()), runs.get(0).toString());

      awaitTask(base, post(base + "/api/v1/artifacts", artifacts(targetsDir, present, 12, 4)));
      runs = update(clients, sessions, present);
      assertAllOk("through the REST service, second batch", runs);
      assertServedVersions(base, runs);
      assertEquals(16, runs.get(0).downloaded().size(), runs.get(0).toString());
    }
  }

  /**
   * {@code compact} JSON indented by two spaces a level, with a space after each {@code :} and
   * {@code /} in strings written as {@code \/}: the same JSON value in other bytes.
   */
  static String indented(String compact) {
    StringBuilder sb = new StringBuilder(compact.length() * 2);
    String indent = "";
    boolean inString = false;
    for (int i = 0; i < compact.length(); i++) {
      char c = compact.charAt(i);
      if (inString) {
        if (c == '\\') {
          sb.append(c).append(compact.charAt(++i));
        } else {
          sb.append(c == '/' ? "\\/" : String.valueOf(c));
          inString = c != '"';
        }
      } else if (c == '{' || c == '[') {
        indent += "  ";
        sb.append(c).append('\n').append(indent);
      } else if (c == '}' || c == ']') {
        indent = indent.substring(2);
        sb.append('\n').append(indent).append(c);
      } else if (c == ',') {
        sb.append(",\n").append(indent);
      } else if (c == ':') {
        sb.append(": ");
      } else {
        sb.append(c);
        inString = c == '"';
      }
    }
    return sb.toString();
  }

  private static List<ClientRun> update(
      Clients clients, Map<TufClient, Session> sessions, Map<String, byte[]> present) {
    return clients.each(
        c ->
            c.update(
                sessions.get(c),
                Instant.now(),
                c.followsDelegations() ? Expectation.present(present) : Expectation.nothing()));
  }

  /** The clients trust the timestamp the service serves now. */
  private static void assertServedVersions(String base, List<ClientRun> runs) throws Exception {
    JsonObject ts = (JsonObject) Json.parse(get(base + "/metadata/timestamp.json", 200));
    long version = ((JsonNumber) ((JsonObject) ts.get("signed")).get("version")).value();
    for (ClientRun r : runs) {
      assertEquals(version, r.version("timestamp"), r.toString());
    }
  }

  /** An artifacts payload for paths {@code from..from+count}; writes the target files. */
  private static String artifacts(Path targetsDir, Map<String, byte[]> present, int from, int count)
      throws IOException {
    List<String> items = new ArrayList<>();
    for (String path : ConformanceRepository.paths("rest", from, count)) {
      byte[] bytes = ConformanceRepository.content(path, 0);
      String sha = Sha256.hex(bytes);
      int slash = path.lastIndexOf('/');
      Path file =
          targetsDir.resolve(
              (slash < 0 ? "" : path.substring(0, slash + 1))
                  + sha
                  + "."
                  + path.substring(slash + 1));
      Files.createDirectories(file.getParent());
      Files.write(file, bytes);
      present.put(path, bytes);
      items.add(
          "{\"path\": "
              + new String(Json.write(new JsonString(path)), StandardCharsets.UTF_8)
              + ", \"info\": {\"length\": "
              + bytes.length
              + ", \"hashes\": {\"sha256\": \""
              + sha
              + "\"}}}");
    }
    return "{\"artifacts\": [" + String.join(",", items) + "]}";
  }

  private static String post(String url, String body) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(202, r.statusCode(), url + ": " + r.body());
    return str(Json.parse(r.body()), "data", "task_id");
  }

  private static byte[] get(String url, int status) throws Exception {
    HttpResponse<byte[]> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(status, r.statusCode(), url);
    return r.body();
  }

  private static void awaitTask(String base, String taskId) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String state = null;
    String body = null;
    while (System.nanoTime() < deadline) {
      body = new String(get(base + "/api/v1/task?task_id=" + taskId, 200), StandardCharsets.UTF_8);
      state = str(Json.parse(body), "data", "state");
      if (state.equals("SUCCESS") || state.equals("FAILURE") || state.equals("ERRORED")) {
        break;
      }
      Thread.sleep(20);
    }
    assertEquals("SUCCESS", state, body);
  }

  private static String str(JsonValue v, String... path) {
    for (String p : path) {
      v = ((JsonObject) v).get(p);
    }
    return ((JsonString) v).value();
  }
}
