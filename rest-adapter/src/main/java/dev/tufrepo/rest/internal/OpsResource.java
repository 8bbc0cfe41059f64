package dev.tufrepo.rest.internal;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** Beyond RSTUF: liveness, readiness, Prometheus metrics, the OpenAPI document, a landing page. */
@Path("/")
public final class OpsResource {
  static final String OPENAPI_RESOURCE = "/dev/tufrepo/rest/openapi.json";
  private final Api api;
  private final byte[] openapi;

  public OpsResource(Api api) {
    this.api = api;
    try (InputStream in = OpsResource.class.getResourceAsStream(OPENAPI_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing " + OPENAPI_RESOURCE);
      }
      this.openapi = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
