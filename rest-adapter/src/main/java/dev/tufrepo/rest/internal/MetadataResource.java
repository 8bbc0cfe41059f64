package dev.tufrepo.rest.internal;

import static dev.tufrepo.rest.internal.Checker.child;
import static dev.tufrepo.rest.internal.Checker.loc;

import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonArray;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/v1/metadata}: root update, forced new versions of online roles, and the signing
 * sessions (offline signatures for root and delegated roles).
 */
@Path("/api/v1/metadata")
@Produces(MediaType.APPLICATION_JSON)
public final class MetadataResource {
  private static final Set<String> BINS_ROLES =
      Set.of("root", "targets", "snapshot", "timestamp", "bins");

  private final Api api;

  public MetadataResource(Api api) {
    this.api = api;
  }

  private BootstrapState requireFinished() {
    BootstrapState s = api.bootstrapState();
    if (!s.bootstrap()) {
      throw ApiException.of(
          404, "Task not accepted.", "Requires bootstrap finished. State: " + s.display());
    }
    return s;
  }

  @POST
  @Consumes(MediaType.WILDCARD)
  @Scope(Scope.METADATA_ADMIN)
  public Response update(InputStream body) {
    Checker c = new Checker();
    byte[] raw = api.bodies().read(body);
    JsonObject payload = c.body(Bodies.parse(raw));
    List<Object> mat = loc("body", "metadata");
    JsonObject metadata = c.dict(payload, "metadata", mat, true);
    byte[] root = null;
    if (metadata != null) {
      for (String key : metadata.members().keySet()) {
        if (!key.equals("root")) {
          c.add(
              "literal_error",
              child(child(mat, key), "[key]"),
              "Input should be 'root'",
              key,
              Map.of("expected", "'root'"));
        }
      }
      JsonObject r = MetadataPayloads.metadata(c, metadata, "root", child(mat, "root"));
      if (r != null && c.ok()) {
        root = MetadataPayloads.rootBytes(c, raw, r, child(mat, "root"));
      }
    }
    c.done();
    requireFinished();
    byte[] rootJson = root;
    String taskId = TaskRunner.newTaskId();
    api.tasks().run(taskId, "metadata_update", id -> api.engine().updateRoot(id, rootJson));
    return Responses.accepted(taskId, "Metadata update accepted.");
  }

  @POST
  @Path("online")
  @Consumes(MediaType.WILDCARD)
  @Scope(Scope.METADATA_ADMIN)
  public Response online(InputStream body) {
    Checker c = new Checker();
    JsonObject payload = c.body(api.bodies().json(body));
    JsonArray roles = c.list(payload, "roles", loc("body", "roles"), true);
    Set<String> names = new LinkedHashSet<>();
    if (roles != null) {
      for (int i = 0; i < roles.values().size(); i++) {
        String r = c.string(roles.values().get(i), loc("body", "roles", i));
        if (r != null) {
          names.add(r);
        }
      }
    }
    c.done();
    requireFinished();
    boolean bins = api.engine().usesSuccinctBins();
    for (String r : names) {
      if (bins && !BINS_ROLES.contains(r)) {
        throw ApiException.of(
            404,
            "Task not accepted.",
            "Hash bin delegation is used and only root, targets, snapshot, timestamp and bins"
                + " roles can be bumped");
      }
      if (!bins && r.equals("bins")) {
        throw ApiException.of(
            404, "Task not accepted.", "Custom target delegation used and bins cannot be bumped");
      }
    }
    String taskId = TaskRunner.newTaskId();
    Instant now = Instant.now();
    api.tasks()
        .run(
            taskId,
            "force_online_metadata_update",
            id -> api.engine().forceOnlineUpdate(id, names));
    return Responses.accepted(
        taskId, Responses.naive(now), "Force online metadata update accepted.", Map.of());
  }

  @GET
  @Path("sign")
  @Scope(Scope.READ)
  public Response pending() {
    BootstrapState s = api.bootstrapState();
    if (!s.bootstrap() && !"signing".equals(s.state())) {
      throw ApiException.of(
          404,
          "No metadata pending signing available",
          "Requires bootstrap started. State: " + s.display());
    }
    Map<String, JsonValue> pending = api.engine().pendingSigning();
    if (pending.isEmpty()) {
      return Responses.ok(null, "No metadata pending signing available");
    }
    return Responses.ok(
        Map.of("metadata", JsonP.object(pending)), "Metadata role(s) pending signing");
  }

  @POST
  @Path("sign")
  @Consumes(MediaType.WILDCARD)
  @Scope(Scope.METADATA_SIGN)
  public Response sign(InputStream body) {
    Checker c = new Checker();
    JsonObject payload = c.body(api.bodies().json(body));
    String role = c.string(payload, "role", loc("body", "role"), true);
    JsonObject sig = c.object(payload, "signature", loc("body", "signature"), true);
    if (sig != null) {
      String keyid = c.string(sig, "keyid", loc("body", "signature", "keyid"), true);
      String hex = c.string(sig, "sig", loc("body", "signature", "sig"), true);
      c.object(sig, "bundle", loc("body", "signature", "bundle"), false);
      if (keyid != null && !isHex(keyid)) {
        c.valueError(loc("body", "signature", "keyid"), "must be hex digits", keyid);
      }
      if (hex != null && !isHex(hex)) {
        c.valueError(loc("body", "signature", "sig"), "must be hex digits", hex);
      }
    }
    c.done();
    BootstrapState s = api.bootstrapState();
    if (!s.bootstrap() && !"signing".equals(s.state())) {
      throw ApiException.of(
          404, "No signing pending.", "Requires bootstrap in signing state. State: " + s.display());
    }
    byte[] signature = Json.write(sig);
    String taskId = TaskRunner.newTaskId();
    api.tasks().run(taskId, "sign_metadata", id -> api.engine().sign(id, role, signature));
    return Responses.accepted(taskId, "Metadata sign accepted.");
  }

  @POST
  @Path("sign/delete")
  @Consumes(MediaType.WILDCARD)
  @Scope(Scope.METADATA_ADMIN)
  public Response deleteSigning(InputStream body) {
    Checker c = new Checker();
    JsonObject payload = c.body(api.bodies().json(body));
    String role = c.string(payload, "role", loc("body", "role"), true);
    c.done();
    if (!api.engine().hasSigningSession(role)) {
      throw ApiException.of(
          404,
          "No signing process for " + role + ".",
          "The " + role + " role is not in a signing process.");
    }
    String taskId = TaskRunner.newTaskId();
    api.tasks().run(taskId, "delete_sign_metadata", id -> api.engine().deleteSigning(id, role));
    return Responses.accepted(taskId, "Metadata sign delete accepted.");
  }

  static boolean isHex(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F'))) {
        return false;
      }
    }
    return true;
  }
}
