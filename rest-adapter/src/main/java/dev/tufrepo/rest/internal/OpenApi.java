package dev.tufrepo.rest.internal;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The OpenAPI 3.0 document, built from the resource classes themselves so that it lists every route
 * the server answers, with the scope each needs when tokens are on.
 */
public final class OpenApi {
  /** Route summaries, keyed by {@code METHOD path}. */
  private static final Map<String, String> SUMMARIES =
      Map.ofEntries(
          Map.entry("GET /api/v1/bootstrap", "Bootstrap state"),
          Map.entry("POST /api/v1/bootstrap", "Bootstrap the repository (async)"),
          Map.entry("GET /api/v1/config", "Current settings"),
          Map.entry("PUT /api/v1/config", "Update the expiration policy (async)"),
          Map.entry("POST /api/v1/metadata", "Root metadata update (async)"),
          Map.entry("POST /api/v1/metadata/online", "Force new versions of online roles (async)"),
          Map.entry("GET /api/v1/metadata/sign", "Metadata waiting for signatures"),
          Map.entry("POST /api/v1/metadata/sign", "Add one signature (async)"),
          Map.entry("POST /api/v1/metadata/sign/delete", "Cancel a signing session (async)"),
          Map.entry("POST /api/v1/delegations", "Add custom delegated roles (async)"),
          Map.entry("PUT /api/v1/delegations", "Update custom delegated roles (async)"),
          Map.entry("POST /api/v1/delegations/delete", "Delete custom delegated roles (async)"),
          Map.entry("POST /api/v1/artifacts", "Add artifacts (queued durably, async publish)"),
          Map.entry("POST /api/v1/artifacts/delete", "Remove artifacts (async publish)"),
          Map.entry("POST /api/v1/artifacts/publish", "Publish everything queued (async)"),
          Map.entry("GET /api/v1/task", "Task state and result"),
          Map.entry("GET /", "Landing page"),
          Map.entry("GET /health/live", "Liveness"),
          Map.entry("GET /health/ready", "Readiness: state store, storage, online key"),
          Map.entry("GET /metrics", "Prometheus metrics"),
          Map.entry("GET /openapi.json", "This document"),
          Map.entry("GET /metadata", "Listing of the published metadata"),
          Map.entry("GET /metadata/{file}", "A published metadata file"));

  private OpenApi() {}

  public static JsonObject document(List<Class<?>> resources, String version) {
    Map<String, JsonObjectBuilder> paths = new TreeMap<>();
    for (Class<?> type : resources) {
      Path base = type.getAnnotation(Path.class);
      Method[] methods = type.getMethods();
      java.util.Arrays.sort(methods, Comparator.comparing(Method::getName));
      for (Method m : methods) {
        String verb = verb(m);
        if (verb == null) {
          continue;
        }
        String path = join(base == null ? "" : base.value(), m.getAnnotation(Path.class));
        JsonObjectBuilder op = Json.createObjectBuilder();
        op.add("summary", SUMMARIES.getOrDefault(verb.toUpperCase() + " " + path, m.getName()));
        op.add("operationId", type.getSimpleName() + "." + m.getName());
        Scope scope = m.getAnnotation(Scope.class);
        if (scope != null) {
          op.add(
              "security",
              Json.createArrayBuilder()
                  .add(
                      Json.createObjectBuilder()
                          .add("bearer", Json.createArrayBuilder().add(scope.value()))));
        }
        var params = Json.createArrayBuilder();
        boolean hasBody = false;
        for (Parameter p : m.getParameters()) {
          QueryParam q = p.getAnnotation(QueryParam.class);
          if (q != null) {
            params.add(
                Json.createObjectBuilder()
                    .add("name", q.value())
                    .add("in", "query")
                    .add("required", true)
                    .add("schema", Json.createObjectBuilder().add("type", "string")));
          } else if (p.getAnnotation(jakarta.ws.rs.PathParam.class) != null) {
            params.add(
                Json.createObjectBuilder()
                    .add("name", p.getAnnotation(jakarta.ws.rs.PathParam.class).value())
                    .add("in", "path")
                    .add("required", true)
                    .add("schema", Json.createObjectBuilder().add("type", "string")));
          } else if (p.getType() == java.io.InputStream.class) {
            hasBody = true;
          }
        }
        var built = params.build();
        if (!built.isEmpty()) {
          op.add("parameters", built);
        }
        if (hasBody) {
          op.add(
              "requestBody",
              Json.createObjectBuilder()
                  .add("required", true)
                  .add(
                      "content",
                      Json.createObjectBuilder()
                          .add(
                              "application/json",
                              Json.createObjectBuilder()
                                  .add(
                                      "schema",
                                      Json.createObjectBuilder().add("type", "object")))));
        }
        op.add("responses", responses(verb, scope != null, hasBody, path));
        paths.computeIfAbsent(path, k -> Json.createObjectBuilder()).add(verb, op);
      }
    }
    JsonObjectBuilder p = Json.createObjectBuilder();
    paths.forEach(p::add);
    return Json.createObjectBuilder()
        .add("openapi", "3.0.3")
        .add(
            "info",
            Json.createObjectBuilder()
                .add("title", "Repository Service for TUF API")
                .add(
                    "description", "tufrepo: RSTUF API v1, wire-compatible, plus operations routes")
                .add("version", version))
        .add("paths", p)
        .add(
            "components",
            Json.createObjectBuilder()
                .add(
                    "securitySchemes",
                    Json.createObjectBuilder()
                        .add(
                            "bearer",
                            Json.createObjectBuilder()
                                .add("type", "http")
                                .add("scheme", "bearer")
                                .add(
                                    "description",
                                    "Optional; off unless tokens are configured (scopes: read,"
                                        + " artifacts:write, metadata:sign, metadata:admin)"))))
        .build();
  }

  private static JsonObjectBuilder responses(
      String verb, boolean secured, boolean hasBody, String path) {
    JsonObjectBuilder r = Json.createObjectBuilder();
    boolean async = !verb.equals("get") && path.startsWith("/api/v1/");
    r.add(async ? "202" : "200", desc(async ? "Accepted: data.task_id, data.last_update" : "OK"));
    if (path.startsWith("/api/v1/")) {
      r.add("404", desc("Refused in the current bootstrap state (RSTUF messages)"));
    }
    if (hasBody || path.equals("/api/v1/task")) {
      r.add("422", desc("Validation error (FastAPI shape: detail[].type, loc, msg, input)"));
    }
    if (hasBody) {
      r.add("413", desc("Request body too large"));
    }
    if (secured) {
      r.add("401", desc("Missing or unknown bearer token (when tokens are configured)"));
      r.add("403", desc("The token lacks the route's scope"));
    }
    return r;
  }

  private static JsonObjectBuilder desc(String d) {
    return Json.createObjectBuilder().add("description", d);
  }

  private static String verb(Method m) {
    if (m.isAnnotationPresent(GET.class)) {
      return "get";
    }
    if (m.isAnnotationPresent(POST.class)) {
      return "post";
    }
    if (m.isAnnotationPresent(PUT.class)) {
      return "put";
    }
    return null;
  }

  static String join(String base, Path sub) {
    String b = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    if (sub == null) {
      return b.isEmpty() ? "/" : b;
    }
    String s = sub.value().startsWith("/") ? sub.value() : "/" + sub.value();
    return b + s;
  }
}
