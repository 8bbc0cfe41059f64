package dev.tufrepo.rest.internal;

import dev.tufrepo.engine.TaskStates;
import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonBoolean;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.storage.TaskRecord;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code GET /api/v1/task?task_id=}: a task's state and result, as RSTUF reports them. */
@Path("/api/v1/task")
@Produces(MediaType.APPLICATION_JSON)
public final class TaskResource {
  /** The only state names RSTUF's clients know; anything else would be a hard error to them. */
  static final Set<String> STATES =
      Set.of(
          "PENDING",
          "PRE_RUN",
          "RECEIVED",
          "STARTED",
          "RUNNING",
          "SUCCESS",
          "FAILURE",
          "ERRORED",
          "REVOKED",
          "REJECTED",
          "RETRY",
          "IGNORED");

  private final Api api;

  public TaskResource(Api api) {
    this.api = api;
  }

  @GET
  @Scope(Scope.READ)
  public Response get(@QueryParam("task_id") String taskId) {
    if (taskId == null) {
      throw new ValidationException(
          List.of(
              new Problem("missing", List.of("query", "task_id"), "Field required", null, null)));
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("task_id", taskId);
    Optional<TaskRecord> rec = api.engine().task(taskId);
    if (rec.isEmpty()) {
      data.put("state", TaskStates.PENDING);
      return Responses.ok(data, "Task state.");
    }
    TaskRecord t = rec.get();
    String state = STATES.contains(t.state()) ? t.state() : TaskStates.RUNNING;
    JsonObject result = null;
    if (t.result() != null) {
      JsonValue parsed = Json.parse(t.result());
      result = parsed instanceof JsonObject o ? o : null;
    }
    if (state.equals(TaskStates.SUCCESS)
        && (result == null || !(result.get("status") instanceof JsonBoolean b && b.value()))) {
      // RSTUF (#518): a finished task whose result does not say status true is ERRORED
      state = TaskStates.ERRORED;
      if (result == null) {
        result = JsonObject.empty();
      }
    }
    data.put("state", state);
    if (result != null) {
      if (state.equals(TaskStates.FAILURE)) {
        JsonValue msg = result.get("message");
        if (msg == null) {
          msg = result.get("error");
        }
        result = msg == null ? JsonObject.empty() : JsonObject.of(Map.of("message", msg));
      }
      data.put("result", JsonP.of(result));
    }
    return Responses.ok(data, "Task state.");
  }
}
