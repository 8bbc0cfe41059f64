package dev.tufrepo.rest.internal;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Optional bearer-token auth (RSTUF has none; off unless tokens are configured). A route marked
 * {@link Scope} needs a token with that scope: 401 without a known token, 403 without the scope,
 * each with the reason.
 */
@Priority(Priorities.AUTHENTICATION)
public final class AuthFilter implements ContainerRequestFilter {
  private final Tokens tokens;
  @Context private ResourceInfo resource;

  public AuthFilter(Tokens tokens) {
    this.tokens = tokens;
  }

  @Override
  public void filter(ContainerRequestContext req) {
    if (!tokens.enabled()) {
      return;
    }
    Method m = resource.getResourceMethod();
    Scope scope = m == null ? null : m.getAnnotation(Scope.class);
    if (scope == null) {
      return;
    }
    String header = req.getHeaderString(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      req.abortWith(unauthorized("missing bearer token (Authorization: Bearer <token>)"));
      return;
    }
    Optional<Set<String>> scopes = tokens.scopes(header.substring(7).trim());
    if (scopes.isEmpty()) {
      req.abortWith(unauthorized("unknown token"));
      return;
    }
    if (!Tokens.grants(scopes.get(), scope.value())) {
      req.abortWith(
          Response.status(403)
              .entity(
                  new Responses.Detail(
                      Map.of(
                          "message",
                          "Forbidden.",
                          "error",
                          "the token lacks the scope " + scope.value())))
              .type(MediaType.APPLICATION_JSON_TYPE)
              .build());
    }
  }

  private static Response unauthorized(String reason) {
    return Response.status(401)
        .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"tufrepo\"")
        .entity(new Responses.Detail(Map.of("message", "Unauthorized.", "error", reason)))
        .type(MediaType.APPLICATION_JSON_TYPE)
        .build();
  }
}
