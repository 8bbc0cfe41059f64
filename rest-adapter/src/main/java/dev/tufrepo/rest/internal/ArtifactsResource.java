package dev.tufrepo.rest.internal;

import static dev.tufrepo.rest.internal.Checker.child;
import static dev.tufrepo.rest.internal.Checker.loc;

import dev.tufrepo.engine.Artifact;
import dev.tufrepo.engine.ArtifactBatch;
import dev.tufrepo.engine.InvalidRequestException;
import dev.tufrepo.json.JsonArray;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonString;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.model.TargetFile;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/artifacts}: add, remove and publish. Add and remove are queued durably before the
 * 202 is sent (a refused batch queues nothing); group commit publishes them, and the task becomes
 * SUCCESS with RSTUF's details once the new metadata is visible.
 */
@Path("/api/v1/artifacts")
@Produces(MediaType.APPLICATION_JSON)
public final class ArtifactsResource {
  private static final String SKIPPED = " Publishing will be skipped.";

  private final Api api;

  public ArtifactsResource(Api api) {
    this.api = api;
  }

  /** The list's name as the client sent it: {@code artifacts}, or {@code targets} before v0.14. */
  private static String listName(JsonObject payload) {
    return payload.get("artifacts") == null && payload.get("targets") != null
        ? "targets"
        : "artifacts";
  }

  private static Boolean publishFlag(Checker c, JsonObject payload) {
    String name =
        payload.get("publish_artifacts") == null && payload.get("publish_targets") != null
            ? "publish_targets"
            : "publish_artifacts";
    Boolean b = c.bool(payload, name, loc("body", name), false);
    return b == null ? Boolean.TRUE : b;
  }

  private void requireFinished() {
    BootstrapState s = api.bootstrapState();
    if (!s.bootstrap()) {
      throw ApiException.of(
          404, "Task not accepted.", "It requires bootstrap finished. State: " + s.display());
    }
  }

  private JsonArray list(Checker c, JsonObject payload, String name) {
    JsonArray list = c.list(payload, name, loc("body", name), true);
    if (list != null && list.values().size() > api.maxBatch()) {
      c.add(
          "too_long",
          loc("body", name),
          "List should have at most "
              + api.maxBatch()
              + " items after validation, not "
              + list.values().size(),
          null,
          Map.of("max_length", api.maxBatch(), "actual_length", list.values().size()));
      return null;
    }
    return list;
  }

  @POST
  @Consumes(MediaType.WILDCARD)
  @Scope(Scope.ARTIFACTS_WRITE)
  public Response add(InputStream body) {
    Checker c = new Checker();
    JsonObject payload = c.body(api.bodies().json(body));
    String name = listName(payload);
    JsonArray list = list(c, payload, name);
    Boolean addTaskId =
        c.bool(payload, "add_task_id_to_custom", loc("body", "add_task_id_to_custom"), false);
    boolean publish = publishFlag(c, payload);
    List<Artifact> artifacts = new ArrayList<>();
    if (list != null) {
      for (int i = 0; i < list.values().size(); i++) {
        Artifact a = artifact(c, list.values().get(i), loc("body", name, i));
        if (a != null) {
          artifacts.add(a);
        }
      }
    }
    c.done();
    requireFinished();
    ArtifactBatch batch =
        new ArtifactBatch(artifacts, List.of(), Boolean.TRUE.equals(addTaskId), publish);
    String taskId = TaskRunner.newTaskId();
    Instant now = Instant.now();
    submit(taskId, batch, name);
    List<String> paths = new ArrayList<>(artifacts.size());
    artifacts.forEach(a -> paths.add(a.path()));
    api.metrics().accepted(artifacts.size());
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put(name, paths);
    return Responses.accepted(
        taskId,
        Responses.lastUpdate(now),
        "New Artifact(s) successfully submitted." + (publish ? "" : SKIPPED),
        extra);
  }

  @POST
  @Path("delete")
  @Consumes(MediaType.WILDCARD)
  @Scope(Scope.ARTIFACTS_WRITE)
  public Response delete(InputStream body) {
    Checker c = new Checker();
    JsonObject payload = c.body(api.bodies().json(body));
    String name = listName(payload);
    JsonArray list = list(c, payload, name);
    boolean publish = publishFlag(c, payload);
    List<String> paths = new ArrayList<>();
    if (list != null) {
      for (int i = 0; i < list.values().size(); i++) {
        String p = c.string(list.values().get(i), loc("body", name, i));
        if (p != null) {
          paths.add(p);
        }
      }
    }
    c.done();
    requireFinished();
    String taskId = TaskRunner.newTaskId();
    Instant now = Instant.now();
    submit(taskId, new ArtifactBatch(List.of(), paths, false, publish), name);
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put(name, paths);
    return Responses.accepted(
        taskId,
        Responses.lastUpdate(now),
        "Remove Artifact(s) successfully submitted." + (publish ? "" : SKIPPED),
        extra);
  }

  @POST
  @Path("publish")
  @Consumes(MediaType.WILDCARD)
  @Scope(Scope.ARTIFACTS_WRITE)
  public Response publish() {
    String taskId = TaskRunner.newTaskId();
    Instant now = Instant.now();
    api.tasks().run(taskId, "publish_artifacts", id -> api.engine().publishTask(id));
    return Responses.accepted(
        taskId,
        Responses.lastUpdate(now),
        "Publish artifacts successfully submitted.",
        Map.of("artifacts", List.of()));
  }

  private void submit(String taskId, ArtifactBatch batch, String listName) {
    try {
      api.engine().submit(taskId, batch);
    } catch (InvalidRequestException e) {
      Checker c = new Checker();
      c.valueError(FieldPaths.loc(e.field(), listName), e.reason(), null);
      c.done();
    }
  }

  /** One {@code {"path", "info": {"length", "hashes", "custom"?}}}; null if invalid. */
  private static Artifact artifact(Checker c, JsonValue v, List<Object> at) {
    if (!(v instanceof JsonObject o)) {
      c.add(
          "model_attributes_type",
          at,
          "Input should be a valid dictionary or object to extract fields from",
          v);
      return null;
    }
    String path = c.string(o, "path", child(at, "path"), true);
    JsonObject info = c.object(o, "info", child(at, "info"), true);
    if (info == null) {
      return null;
    }
    List<Object> iat = child(at, "info");
    Long length = c.integer(info, "length", child(iat, "length"), true);
    if (length != null && length < 0) {
      c.add(
          "greater_than_equal",
          child(iat, "length"),
          "Input should be greater than or equal to 0",
          length,
          Map.of("ge", 0));
      length = null;
    }
    JsonObject hashes = c.dict(info, "hashes", child(iat, "hashes"), true);
    Map<String, String> h = new LinkedHashMap<>();
    if (hashes != null) {
      for (Map.Entry<String, JsonValue> e : hashes.members().entrySet()) {
        String hex = c.string(e.getValue(), child(child(iat, "hashes"), e.getKey()));
        if (hex != null) {
          h.put(e.getKey(), hex);
        }
      }
      if (hashes.members().isEmpty()) {
        c.valueError(child(iat, "hashes"), "must not be empty", hashes);
      }
    }
    JsonValue custom = info.get("custom");
    if (custom instanceof dev.tufrepo.json.JsonNull) {
      custom = null;
    }
    if (custom != null && !(custom instanceof JsonObject)) {
      c.add("dict_type", child(iat, "custom"), "Input should be a valid dictionary", custom);
    }
    if (path == null || length == null || h.isEmpty() || !c.ok()) {
      return null;
    }
    return new Artifact(path, new TargetFile(length, h, custom, Map.of()));
  }

  static JsonString str(String s) {
    return new JsonString(s);
  }
}
