package dev.tufrepo.rest.internal;

import static dev.tufrepo.rest.internal.Checker.child;
import static dev.tufrepo.rest.internal.Checker.loc;

import dev.tufrepo.engine.BootstrapRequest;
import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** {@code GET/POST /api/v1/bootstrap}: the bootstrap state and the bootstrap itself. */
@Path("/api/v1/bootstrap")
@Produces(MediaType.APPLICATION_JSON)
public final class BootstrapResource {
  static final List<String> ROLES = List.of("root", "targets", "snapshot", "timestamp");

  private final Api api;
  private final ScheduledExecutorService timers;

  public BootstrapResource(Api api, ScheduledExecutorService timers) {
    this.api = api;
    this.timers = timers;
  }

  @GET
  @Scope(Scope.READ)
  public Response status() {
    BootstrapState s = api.bootstrapState();
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("bootstrap", s.bootstrap());
    if (s.state() != null) {
      data.put("state", s.state());
    }
    if (s.taskId() != null) {
      data.put("id", s.taskId());
    }
    return Responses.ok(
        data, s.locked() ? "System LOCKED for bootstrap." : "System available for bootstrap.");
  }

  @POST
  @Consumes(MediaType.WILDCARD)
  @Scope(Scope.METADATA_ADMIN)
  public Response bootstrap(InputStream body) {
    Checker c = new Checker();
    byte[] raw = api.bodies().read(body);
    JsonObject payload = c.body(Bodies.parse(raw));
    Parsed p = parse(c, raw, payload);
    c.done();
    BootstrapState s = api.bootstrapState();
    if (s.locked()) {
      throw alreadyHasMetadata(s);
    }
    String taskId = TaskRunner.newTaskId();
    if (!api.engine().lockBootstrap(taskId)) {
      throw alreadyHasMetadata(api.bootstrapState());
    }
    String lastUpdate = Responses.lastUpdate(java.time.Instant.now());
    api.tasks()
        .run(
            taskId,
            "bootstrap",
            id -> api.engine().bootstrap(id, p.request()),
            e -> api.engine().releaseBootstrapLock(taskId));
    timers.schedule(
        () -> {
          // RSTUF's watchdog: a bootstrap still "pre" after the timeout gives the lock back
          if (api.engine().bootstrapState().filter(v -> v.equals("pre-" + taskId)).isPresent()) {
            api.engine().releaseBootstrapLock(taskId);
          }
        },
        p.timeoutSeconds(),
        TimeUnit.SECONDS);
    return Responses.accepted(taskId, lastUpdate, "Bootstrap accepted.", Map.of());
  }

  private static ApiException alreadyHasMetadata(BootstrapState s) {
    return ApiException.of(404, null, "System already has a Metadata. State: " + s.display());
  }

  record Parsed(BootstrapRequest request, int timeoutSeconds) {}

  /**
   * Reads RSTUF's {@code BootstrapPayload} ({@code payload}, parsed from the request body {@code
   * raw}); problems go to {@code c}. The root is taken as its exact bytes in {@code raw}.
   */
  static Parsed parse(Checker c, byte[] raw, JsonObject payload) {
    List<Object> sat = loc("body", "settings");
    JsonObject settings = c.object(payload, "settings", sat, true);
    Map<String, Integer> days = new HashMap<>();
    Integer bins = null;
    JsonObject delegations = null;
    if (settings != null) {
      List<Object> rat = child(sat, "roles");
      JsonObject roles = c.object(settings, "roles", rat, true);
      if (roles != null) {
        for (String role : ROLES) {
          JsonObject r = c.object(roles, role, child(rat, role), true);
          if (r != null) {
            Integer d =
                c.intGreaterThan(r, "expiration", child(child(rat, role), "expiration"), true, 0);
            if (d != null) {
              days.put(role, d);
            }
          }
        }
        JsonObject b = c.object(roles, "bins", child(rat, "bins"), false);
        if (b != null) {
          List<Object> bat = child(rat, "bins");
          Integer d = c.intGreaterThan(b, "expiration", child(bat, "expiration"), true, 0);
          if (d != null) {
            days.put("bins", d);
          }
          List<Object> nat = child(bat, "number_of_delegated_bins");
          Integer n = c.intGreaterThan(b, "number_of_delegated_bins", nat, true, 1);
          if (n != null) {
            if (n >= 16385) {
              c.add(
                  "less_than",
                  nat,
                  "Input should be less than 16385",
                  n,
                  Map.<String, Object>of("lt", 16385));
            } else if (Integer.bitCount(n) != 1) {
              c.valueError(nat, "must be a power of two from 2 to 16384, not " + n, n);
            } else {
              bins = n;
            }
          }
        }
        delegations = c.object(roles, "delegations", child(rat, "delegations"), false);
        if (delegations != null) {
          MetadataPayloads.delegations(c, delegations, child(rat, "delegations"), false);
        }
        boolean hasBins = roles.get("bins") != null && !isNull(roles.get("bins"));
        boolean hasDelegations =
            roles.get("delegations") != null && !isNull(roles.get("delegations"));
        if (hasBins == hasDelegations) {
          c.valueError(rat, "Exactly one of 'bins' and 'delegations' must be set", roles);
        }
      }
    }
    List<Object> mat = loc("body", "metadata");
    JsonObject metadata = c.dict(payload, "metadata", mat, true);
    byte[] rootBytes = null;
    if (metadata != null) {
      JsonObject root = MetadataPayloads.metadata(c, metadata, "root", child(mat, "root"));
      if (root != null && c.ok()) {
        rootBytes = MetadataPayloads.rootBytes(c, raw, root, child(mat, "root"));
      }
    }
    Long timeout = c.integer(payload, "timeout", loc("body", "timeout"), false);
    if (timeout != null && timeout <= 0) {
      c.add(
          "greater_than",
          loc("body", "timeout"),
          "Input should be greater than 0",
          timeout,
          Map.of("gt", 0));
    }
    if (!c.ok()) {
      return null;
    }
    BootstrapRequest req =
        delegations != null
            ? BootstrapRequest.withDelegations(rootBytes, days, Json.write(delegations))
            : new BootstrapRequest(rootBytes, days, bins);
    int t = timeout == null ? 300 : (int) Math.min(timeout, 86_400);
    return new Parsed(req, t);
  }

  private static boolean isNull(dev.tufrepo.json.JsonValue v) {
    return v instanceof dev.tufrepo.json.JsonNull;
  }
}
