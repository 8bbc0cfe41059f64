package dev.tufrepo.conformance;

import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonArray;
import dev.tufrepo.json.JsonBoolean;
import dev.tufrepo.json.JsonNumber;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonString;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.model.internal.Sha256;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * tuf-js 5.0.1 (npm) in a Node process: {@code js/client.js} answers one JSON request per line, so
 * one process serves a whole scenario. The first use installs the pinned packages with {@code npm
 * ci} when {@code js/node_modules} is missing and checks that the client starts; if it cannot, the
 * test fails (never a skip).
 */
final class TufJsClient implements TufClient {
  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);
  private static volatile boolean checked;

  private final Process process;
  private final OutputStream stdin;
  private final BufferedReader stdout;
  private final Path stderr;
  private final Duration timeout;
  private int nextId = 1;

  TufJsClient(Path workDir) {
    this(workDir, DEFAULT_TIMEOUT);
  }

  /** A client that gives each session up to {@code timeout}. */
  TufJsClient(Path workDir, Duration timeout) {
    this.timeout = timeout;
    Path js = ensureInstalled();
    try {
      Files.createDirectories(workDir);
      stderr = Files.createTempFile(workDir, "tuf-js", ".stderr");
      process =
          new ProcessBuilder(node(), js.resolve("client.js").toString())
              .directory(js.toFile())
              .redirectError(stderr.toFile())
              .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the tuf-js client: " + e.getMessage(), e);
    }
    stdin = process.getOutputStream();
    stdout =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  @Override
  public String name() {
    return "tuf-js";
  }

  @Override
  public boolean followsDelegations() {
    return true;
  }

  @Override
  public synchronized ClientRun update(Session session, Instant now, Expectation expect) {
    Map<String, JsonValue> present = new LinkedHashMap<>();
    expect.present().forEach((p, bytes) -> present.put(p, new JsonString(Sha256.hex(bytes))));
    List<JsonValue> absent = new ArrayList<>();
    expect.absent().forEach(p -> absent.add(new JsonString(p)));
    int id = nextId++;
    Map<String, JsonValue> req = new HashMap<>();
    req.put("id", new JsonNumber(id));
    req.put("metadataDir", new JsonString(session.metadataDir().toString()));
    req.put("targetDir", new JsonString(session.targetDir().toString()));
    req.put("initialRoot", new JsonString(session.initialRoot().toString()));
    req.put("metadataUrl", new JsonString(session.metadataUrl()));
    req.put("targetsUrl", new JsonString(session.targetsUrl()));
    req.put("now", new JsonString(now.toString()));
    req.put("present", JsonObject.of(present));
    req.put("absent", new JsonArray(absent));
    String line = readAnswer(Json.write(JsonObject.of(req)));
    JsonObject answer = (JsonObject) Json.parse(line);
    if (!(answer.get("id") instanceof JsonNumber n) || n.value() != id) {
      throw new IllegalStateException("tuf-js client answered out of turn: " + line);
    }
    Map<String, Integer> versions = new HashMap<>();
    if (answer.get("versions") instanceof JsonObject v) {
      v.members().forEach((role, value) -> versions.put(role, (int) ((JsonNumber) value).value()));
    }
    List<String> downloaded = new ArrayList<>();
    if (answer.get("downloaded") instanceof JsonArray a) {
      a.values().forEach(p -> downloaded.add(((JsonString) p).value()));
    }
    boolean ok = answer.get("ok") instanceof JsonBoolean b && b.value();
    return new ClientRun(
        name(),
        ok,
        ok ? null : text(answer.get("errorType")),
        ok ? null : text(answer.get("error")),
        versions,
        downloaded);
  }

  private String readAnswer(byte[] request) {
    try {
      stdin.write(request);
      stdin.write('\n');
      stdin.flush();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!stdout.ready()) {
        if (!process.isAlive()) {
          throw new IllegalStateException("the tuf-js client died: " + stderrText());
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the tuf-js client did not answer in " + timeout);
        }
        Thread.sleep(2);
      }
      String line = stdout.readLine();
      if (line == null) {
        throw new IllegalStateException("the tuf-js client closed its output: " + stderrText());
      }
      return line;
    } catch (IOException e) {
      throw new IllegalStateException("talking to the tuf-js client failed: " + stderrText(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static String text(JsonValue v) {
    return v instanceof JsonString s ? s.value() : String.valueOf(v);
  }

  private String stderrText() {
    try {
      return Files.readString(stderr);
    } catch (IOException e) {
      return "(no stderr: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    try {
      stdin.close();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------ installation

  static String node() {
    return System.getProperty("conformance.node", "node");
  }

  /** The js directory, with tuf-js installed (by {@code npm ci} if needed) and able to start. */
  static synchronized Path ensureInstalled() {
    Path js = Path.of(System.getProperty("conformance.js.dir", "js")).toAbsolutePath().normalize();
    if (checked) {
      return js;
    }
    if (!Files.isRegularFile(js.resolve("package-lock.json"))) {
      throw new IllegalStateException("no package-lock.json in " + js);
    }
    if (!Files.isRegularFile(js.resolve("node_modules/tuf-js/package.json"))) {
      run(js, Duration.ofMinutes(5), "npm", "ci", "--no-audit", "--no-fund");
    }
    String out = run(js, Duration.ofMinutes(1), node(), "client.js", "--check");
    if (!out.contains("\"tufJs\":\"5.0.1\"")) {
      throw new IllegalStateException("the tuf-js client is not tuf-js 5.0.1: " + out);
    }
    checked = true;
    return js;
  }

  private static String run(Path dir, Duration timeout, String... command) {
    try {
      Path log = Files.createTempFile("conformance-js", ".log");
      try {
        Process p =
            new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException(String.join(" ", command) + " timed out");
        }
        String out = Files.readString(log);
        if (p.exitValue() != 0) {
          throw new IllegalStateException(
              String.join(" ", command) + " failed (exit " + p.exitValue() + "):\n" + out);
        }
        return out;
      } finally {
        Files.deleteIfExists(log);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot run " + String.join(" ", command) + " (is Node.js installed?)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
