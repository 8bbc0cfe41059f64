package dev.tufrepo.rest.internal;

import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import java.lang.reflect.Method;

/** Times every request into {@code http_server_requests_seconds{method,uri,status}}. */
@PreMatching
public final class RequestTimer implements ContainerRequestFilter, ContainerResponseFilter {
  private static final String START = RequestTimer.class.getName() + ".start";
  private final Metrics metrics;
  @Context private ResourceInfo resource;

  public RequestTimer(Metrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void filter(ContainerRequestContext req) {
    req.setProperty(START, System.nanoTime());
  }

  @Override
  public void filter(ContainerRequestContext req, ContainerResponseContext res) {
    Object start = req.getProperty(START);
    if (!(start instanceof Long t0)) {
      return;
    }
    metrics.request(req.getMethod(), route(), res.getStatus(), System.nanoTime() - t0);
  }

  private String route() {
    Method m = resource == null ? null : resource.getResourceMethod();
    if (m == null) {
      return "UNMATCHED";
    }
    Path c = m.getDeclaringClass().getAnnotation(Path.class);
    Path p = m.getAnnotation(Path.class);
    String base = c == null ? "" : c.value();
    return p == null ? base : (base.endsWith("/") ? base : base + "/") + p.value();
  }
}
