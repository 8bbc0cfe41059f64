package dev.tufrepo.rest.internal;

import static dev.tufrepo.rest.internal.Checker.child;
import static dev.tufrepo.rest.internal.Checker.loc;

import dev.tufrepo.json.JsonNumber;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET/PUT /api/v1/config}: the repository settings and the expiry policy. */
@Path("/api/v1/config")
@Produces(MediaType.APPLICATION_JSON)
public final class ConfigResource {
  private final Api api;

  public ConfigResource(Api api) {
    this.api = api;
  }

  private void requireBootstrap() {
    BootstrapState s = api.bootstrapState();
    if (!s.bootstrap()) {
      throw ApiException.of(
          404,
          "No Repository Settings/Config found.",
          "It requires bootstrap. State: " + s.display());
    }
  }

  @GET
  @Scope(Scope.READ)
  public Response get() {
    requireBootstrap();
    return Responses.ok(JsonP.object(api.engine().config()), "Current Settings");
  }

  @PUT
  @Consumes(MediaType.WILDCARD)
  @Scope(Scope.METADATA_ADMIN)
  public Response put(InputStream body) {
    Checker c = new Checker();
    JsonObject payload = c.body(api.bodies().json(body));
    JsonObject settings = c.object(payload, "settings", loc("body", "settings"), true);
    Map<String, Integer> days = new LinkedHashMap<>();
    if (settings != null) {
      List<Object> eat = loc("body", "settings", "expiration");
      JsonObject exp = c.dict(settings, "expiration", eat, true);
      if (exp != null) {
        for (Map.Entry<String, JsonValue> e : exp.members().entrySet()) {
          List<Object> at = child(eat, e.getKey());
          if (!(e.getValue() instanceof JsonNumber n)) {
            c.add("int_type", at, "Input should be a valid integer", e.getValue());
          } else if (n.value() <= 0 || n.value() > 36500) {
            c.valueError(at, "must be between 1 and 36500 days", e.getValue());
          } else {
            days.put(e.getKey(), (int) n.value());
          }
        }
      }
    }
    c.done();
    requireBootstrap();
    String taskId = TaskRunner.newTaskId();
    api.tasks().run(taskId, "update_settings", id -> api.engine().updateSettings(id, days));
    return Responses.accepted(taskId, "Settings successfully submitted.");
  }
}
