package dev.tufrepo.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonArray;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonString;
import dev.tufrepo.json.JsonValue;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** A small HTTP client for the tests: JSON in, status and parsed JSON out. */
final class Http {
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI base;
  private final Map<String, String> headers;

  Http(URI base) {
    this(base, Map.of());
  }

  Http(URI base, Map<String, String> headers) {
    this.base = base;
    this.headers = headers;
  }

  Http withHeader(String name, String value) {
    return new Http(base, Map.of(name, value));
  }

  /** A response: status, headers, text, and the body parsed as JSON when it is JSON. */
  record Resp(int status, String body, HttpResponse<byte[]> raw) {
    JsonValue json() {
      return Json.parse(body);
    }

    /** The value at a dotted path ({@code data.task_id}, {@code detail.0.loc}). */
    JsonValue at(String path) {
      JsonValue v = json();
      for (String p : path.split("\\.")) {
        if (v instanceof JsonObject o) {
          v = o.get(p);
        } else if (v instanceof JsonArray a) {
          int i = Integer.parseInt(p);
          v = i < a.values().size() ? a.values().get(i) : null;
        } else {
          return null;
        }
        if (v == null) {
          return null;
        }
      }
      return v;
    }

    String str(String path) {
      JsonValue v = at(path);
      return v instanceof JsonString s ? s.value() : null;
    }

    Resp expect(int code) {
      assertEquals(code, status, () -> "status of " + raw.uri() + ": " + body);
      return this;
    }
  }

  Resp send(String method, String path, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path.startsWith("/") ? path.substring(1) : path))
            .timeout(Duration.ofSeconds(30));
    if (path.startsWith("//")) {
      b.uri(URI.create(base.toString().replaceAll("/$", "") + path));
    }
    headers.forEach(b::header);
    if (body != null) {
      b.header("Content-Type", "application/json");
      b.method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    try {
      HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Resp(r.statusCode(), new String(r.body(), StandardCharsets.UTF_8), r);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  Resp get(String path) {
    return send("GET", path, null);
  }

  Resp post(String path, String body) {
    return send("POST", path, body);
  }

  Resp put(String path, String body) {
    return send("PUT", path, body);
  }

  /** Polls the task until it leaves the waiting states; returns the last answer. */
  Resp waitForTask(String taskId) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      Resp r = get("/api/v1/task?task_id=" + taskId).expect(200);
      String state = r.str("data.state");
      if (!state.equals("PENDING")
          && !state.equals("RECEIVED")
          && !state.equals("STARTED")
          && !state.equals("RUNNING")
          && !state.equals("PRE_RUN")) {
        return r;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    fail("task " + taskId + " did not finish in 30 s");
    return null;
  }
}
