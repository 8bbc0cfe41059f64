package dev.tufrepo.rest.internal;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/** Beyond RSTUF: liveness, readiness, Prometheus metrics, the OpenAPI document, a landing page. */
@Path("/")
public final class OpsResource {
  private final Api api;
  private final jakarta.json.JsonObject openapi;

  /** {@code openapi}: the document of every route the server runs ({@link OpenApi}). */
  public OpsResource(Api api, jakarta.json.JsonObject openapi) {
    this.api = api;
    this.openapi = openapi;
  }

  @GET
  @Produces(MediaType.TEXT_HTML)
  public String root() {
    return "<!DOCTYPE html><html><head><title>Repository Service for TUF API</title></head>"
        + "<body><h1>Repository Service for TUF API</h1>"
        + "<p>tufrepo: RSTUF API v1. <a href=\"/openapi.json\">OpenAPI document</a>.</p>"
        + "</body></html>";
  }

  @GET
  @Path("health/live")
  @Produces(MediaType.APPLICATION_JSON)
  public Response live() {
    return Response.ok(Map.of("status", "UP")).build();
  }

  @GET
  @Path("health/ready")
  @Produces(MediaType.APPLICATION_JSON)
  public Response ready() {
    Map<String, String> checks = api.health().ready();
    boolean up = checks.values().stream().allMatch("ok"::equals);
    return Response.status(up ? 200 : 503)
        .entity(Map.of("status", up ? "UP" : "DOWN", "checks", checks))
        .build();
  }

  @GET
  @Path("metrics")
  public Response metrics() {
    return Response.ok(api.metrics().scrape())
        .type("text/plain; version=0.0.4; charset=utf-8")
        .build();
  }

  @GET
  @Path("openapi.json")
  public Response openapi() {
    return Response.ok(openapi, MediaType.APPLICATION_JSON_TYPE).build();
  }
}
