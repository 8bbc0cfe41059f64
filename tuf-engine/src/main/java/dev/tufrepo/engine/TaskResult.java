package dev.tufrepo.engine;

import dev.tufrepo.json.JsonBoolean;
import dev.tufrepo.json.JsonNull;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonString;
import dev.tufrepo.json.JsonValue;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A task's result in RSTUF's shape: {@code {"task", "status", "last_update", "message", "error",
 * "details"}}. {@code status} is true when {@code error} is null.
 */
public record TaskResult(
    String task, Instant lastUpdate, String message, String error, JsonObject details) {

  public boolean status() {
    return error == null;
  }

  public static TaskResult ok(String task, Instant when, String message, JsonObject details) {
    return new TaskResult(task, when, message, null, details);
  }

  public static TaskResult failed(String task, Instant when, String message, String error) {
    return new TaskResult(task, when, message, error, null);
  }

  /** The result as compact JSON text, as the state store keeps it. */
  public String toJsonText() {
    return new String(
        dev.tufrepo.json.Json.write(toJson()), java.nio.charset.StandardCharsets.UTF_8);
  }

  public JsonObject toJson() {
    Map<String, JsonValue> m = new LinkedHashMap<>();
    m.put("task", new JsonString(task));
    m.put("status", JsonBoolean.of(status()));
    m.put("last_update", new JsonString(lastUpdate.toString()));
    m.put("message", new JsonString(message));
    m.put("error", error == null ? JsonNull.INSTANCE : new JsonString(error));
    m.put("details", details == null ? JsonNull.INSTANCE : details);
    return JsonObject.of(m);
  }
}
