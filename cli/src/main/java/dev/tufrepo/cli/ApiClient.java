package dev.tufrepo.cli;

import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonValue;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Talks to a tufrepo (or RSTUF) REST API v1 server with java.net.http. */
final class ApiClient {
  /** Task states after which a task does not change any more. */
  static final Set<String> FINAL_STATES =
      Set.of("SUCCESS", "ERRORED", "FAILURE", "REVOKED", "REJECTED");

  /** A response: status code and parsed body (null when the body is not JSON). */
  record Response(int status, JsonValue body, String raw) {}

  private final String base;
  private final Map<String, String> headers;
  private final HttpClient http;

  ApiClient(String server, Map<String, String> headers) {
    if (server == null || server.isBlank()) {
      throw CliException.invalid("api-server: required (or set TUFREPO_API_SERVER)");
    }
    String s = server.strip();
    if (!s.startsWith("http://") && !s.startsWith("https://")) {
      throw CliException.invalid(
          "api-server: must start with http:// or https://, got \"" + s + "\"");
    }
    this.base = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    this.headers = new LinkedHashMap<>(headers);
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  String base() {
    return base;
  }

  Response get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET(), "GET", path);
  }

  Response post(String path, JsonValue body) {
    byte[] bytes = body == null ? new byte[0] : Json.write(body);
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)),
        "POST",
        path);
  }

  Response put(String path, JsonValue body) {
    byte[] bytes = body == null ? new byte[0] : Json.write(body);
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)),
        "PUT",
        path);
  }

  /** POSTs {@code body} and returns {@code data.task_id} of the 202 answer. */
  String submit(String path, JsonValue body) {
    return submit("POST", path, body);
  }

  /**
   * POSTs {@code json}, bytes sent as they are (a payload file whose signed root the server keeps
   * byte for byte), and returns {@code data.task_id} of the 202 answer.
   */
  String submitRaw(String path, byte[] json) {
    Response r =
        send(
            HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json)),
            "POST",
            path);
    return taskId("POST", path, r);
  }

  /** POSTs or PUTs {@code body} and returns {@code data.task_id} of the 202 answer. */
  String submit(String method, String path, JsonValue body) {
    Response r = method.equals("PUT") ? put(path, body) : post(path, body);
    return taskId(method, path, r);
  }

  private String taskId(String method, String path, Response r) {
    if (r.status() != 202 && r.status() != 200) {
      throw failure(method, path, r);
    }
    String id = Jsons.string(r.body(), "data", "task_id");
    if (id == null) {
      throw new CliException(
          Tufrepo.EXIT_INVALID, failure(method, path, r).getMessage() + " (no task was started)");
    }
    return id;
  }

  /** GET /api/v1/task/?task_id= : the {@code data} object. */
  JsonValue task(String taskId) {
    String path = "api/v1/task/?task_id=" + URLEncoder.encode(taskId, StandardCharsets.UTF_8);
    Response r = get(path);
    if (r.status() != 200) {
      throw failure("GET", path, r);
    }
    return Jsons.at(r.body(), "data");
  }

  /** Polls a task until it is final or {@code timeout} passes; returns its last {@code data}. */
  JsonValue waitFor(String taskId, Duration timeout, java.util.function.Consumer<String> onState) {
    Instant deadline = Instant.now().plus(timeout);
    long sleep = 100;
    String lastState = null;
    while (true) {
      JsonValue data = task(taskId);
      String state = Jsons.string(data, "state");
      if (onState != null && state != null && !state.equals(lastState)) {
        onState.accept(state);
      }
      lastState = state;
      if (state != null && FINAL_STATES.contains(state)) {
        return data;
      }
      if (Instant.now().isAfter(deadline)) {
        throw CliException.io(
            "task " + taskId + " is still " + state + " after " + timeout.toSeconds() + " s", null);
      }
      try {
        Thread.sleep(sleep);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw CliException.io("interrupted while waiting for task " + taskId, e);
      }
      sleep = Math.min(1000, sleep * 2);
    }
  }

  /** An error for an unexpected answer: 4xx is a validation error (2), anything else 3. */
  CliException failure(String method, String path, Response r) {
    String detail = r.body() != null ? detail(r.body()) : r.raw();
    if (detail != null && detail.length() > 2000) {
      detail = detail.substring(0, 2000) + "...";
    }
    String msg =
        method
            + " "
            + base
            + "/"
            + path
            + ": HTTP "
            + r.status()
            + (detail == null || detail.isBlank() ? "" : ": " + detail);
    return new CliException(
        r.status() >= 400 && r.status() < 500 ? Tufrepo.EXIT_INVALID : Tufrepo.EXIT_IO, msg);
  }

  private static String detail(JsonValue body) {
    JsonValue d = Jsons.at(body, "detail");
    if (d == null) {
      String m = Jsons.string(body, "message");
      return m != null ? m : Jsons.text(body);
    }
    String err = Jsons.string(d, "error");
    String msg = Jsons.string(d, "message");
    if (err != null || msg != null) {
      return (msg == null ? "" : msg + " ") + (err == null ? "" : err);
    }
    return Jsons.text(d);
  }

  private URI uri(String path) {
    try {
      return URI.create(base + "/" + path);
    } catch (IllegalArgumentException e) {
      throw CliException.invalid("api-server: invalid URL " + base + "/" + path);
    }
  }

  private Response send(HttpRequest.Builder b, String method, String path) {
    b.timeout(Duration.ofSeconds(300));
    headers.forEach(b::header);
    try {
      HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      String raw = new String(r.body(), StandardCharsets.UTF_8);
      JsonValue body = null;
      if (!raw.isBlank()) {
        try {
          body = Json.parseLastKeyWins(r.body());
        } catch (RuntimeException e) {
          body = null;
        }
      }
      return new Response(r.statusCode(), body, raw);
    } catch (ConnectException e) {
      throw CliException.io("failed to connect to " + base + " (" + method + " " + path + ")", e);
    } catch (IOException e) {
      throw CliException.io(method + " " + base + "/" + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CliException.io("interrupted", e);
    }
  }

  /**
   * Parses {@code K: V} headers; one argument may hold several, comma separated, like rstuf's -H.
   */
  static Map<String, String> parseHeaders(List<String> args) {
    Map<String, String> out = new LinkedHashMap<>();
    if (args == null) {
      return out;
    }
    for (String arg : args) {
      for (String h : arg.split(",(?=\\s*[A-Za-z0-9-]+\\s*:)")) {
        int colon = h.indexOf(':');
        if (colon <= 0) {
          throw CliException.invalid("header: expected \"Name: value\", got \"" + h.strip() + "\"");
        }
        out.put(h.substring(0, colon).strip(), h.substring(colon + 1).strip());
      }
    }
    return out;
  }
}
