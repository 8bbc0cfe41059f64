package dev.tufrepo.rest.internal;

import static dev.tufrepo.rest.internal.Checker.loc;

import dev.tufrepo.engine.DelegationAction;
import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.Map;

/** {@code /api/v1/delegations}: custom delegated roles (add, update, delete). */
@Path("/api/v1/delegations")
@Produces(MediaType.APPLICATION_JSON)
public final class DelegationsResource {
  private final Api api;

  public DelegationsResource(Api api) {
    this.api = api;
  }

  @POST
  @Consumes(MediaType.WILDCARD)
  @Scope(Scope.METADATA_ADMIN)
  public Response add(InputStream body) {
    return run(body, DelegationAction.ADD, "Metadata delegation add accepted.");
  }

  @PUT
  @Consumes(MediaType.WILDCARD)
  @Scope(Scope.METADATA_ADMIN)
  public Response update(InputStream body) {
    return run(body, DelegationAction.UPDATE, "Metadata delegation update accepted.");
  }

  @POST
  @Path("delete")
  @Consumes(MediaType.WILDCARD)
  @Scope(Scope.METADATA_ADMIN)
  public Response delete(InputStream body) {
    return run(body, DelegationAction.DELETE, "Metadata delegation delete accepted.");
  }

  private Response run(InputStream body, DelegationAction action, String message) {
    Checker c = new Checker();
    JsonObject payload = c.body(api.bodies().json(body));
    JsonObject d = c.object(payload, "delegations", loc("body", "delegations"), true);
    if (d != null) {
      MetadataPayloads.delegations(
          c, d, loc("body", "delegations"), action == DelegationAction.DELETE);
    }
    c.done();
    BootstrapState s = api.bootstrapState();
    if (!s.bootstrap()) {
      // RSTUF answers this refusal with HTTP 200 (tests/unit/api/test_delegations.py)
      return Response.ok(
              new Responses.Detail(
                  Map.of(
                      "message",
                      "Task not accepted.",
                      "error",
                      "Requires bootstrap finished. State: " + s.display())),
              MediaType.APPLICATION_JSON_TYPE)
          .build();
    }
    byte[] json = Json.write(d);
    String taskId = TaskRunner.newTaskId();
    api.tasks()
        .run(taskId, "metadata_delegation", id -> api.engine().delegations(id, action, json));
    return Responses.accepted(taskId, message);
  }
}
