package dev.tufrepo.rest.internal;

import jakarta.annotation.Priority;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RSTUF's {@code RSTUF_DISABLE_ENDPOINTS}: a {@code :}-separated list of declared routes, each a
 * path ({@code /api/v1/artifacts/}: every method of that route) or a method set and a path as
 * Python prints them ({@code {'POST'}/api/v1/metadata/sign/}). A disabled route is answered as
 * absent: 404, or 405 when other methods of the same path stay.
 */
@PreMatching
@Priority(100)
public final class DisabledEndpoints implements ContainerRequestFilter {
  /** RSTUF's declared routes and their methods. */
  public static final Map<String, Set<String>> ROUTES =
      Map.ofEntries(
          Map.entry("/api/v1/bootstrap", Set.of("GET", "POST")),
          Map.entry("/api/v1/config", Set.of("GET", "PUT")),
          Map.entry("/api/v1/metadata", Set.of("POST")),
          Map.entry("/api/v1/metadata/online", Set.of("POST")),
          Map.entry("/api/v1/metadata/sign", Set.of("GET", "POST")),
          Map.entry("/api/v1/metadata/sign/delete", Set.of("POST")),
          Map.entry("/api/v1/delegations", Set.of("POST", "PUT")),
          Map.entry("/api/v1/delegations/delete", Set.of("POST")),
          Map.entry("/api/v1/artifacts", Set.of("POST")),
          Map.entry("/api/v1/artifacts/delete", Set.of("POST")),
          Map.entry("/api/v1/artifacts/publish", Set.of("POST")),
          Map.entry("/api/v1/task", Set.of("GET")));

  private static final Pattern WITH_METHODS = Pattern.compile("\\{([^}]*)\\}(/.*)");
  private static final Pattern QUOTED = Pattern.compile("'([A-Za-z]+)'|\"([A-Za-z]+)\"");

  private final Map<String, Set<String>> disabled = new HashMap<>();

  /**
   * @throws IllegalArgumentException naming an entry that is not a declared RSTUF route
   */
  public DisabledEndpoints(List<String> entries) {
    for (String raw : entries) {
      String e = raw.trim();
      if (e.isEmpty()) {
        continue;
      }
      Set<String> methods = null;
      String path = e;
      Matcher m = WITH_METHODS.matcher(e);
      if (m.matches()) {
        methods = new HashSet<>();
        Matcher q = QUOTED.matcher(m.group(1));
        while (q.find()) {
          methods.add((q.group(1) != null ? q.group(1) : q.group(2)).toUpperCase(Locale.ROOT));
        }
        path = m.group(2);
      }
      path = strip(path);
      Set<String> declared = ROUTES.get(path);
      if (declared == null) {
        throw new IllegalArgumentException(
            "RSTUF_DISABLE_ENDPOINTS: \"" + e + "\" is not an API v1 route");
      }
      disabled
          .computeIfAbsent(path, k -> new HashSet<>())
          .addAll(methods == null ? declared : methods);
    }
  }

  public boolean isEmpty() {
    return disabled.isEmpty();
  }

  static String strip(String path) {
    String p = path.replaceAll("/{2,}", "/");
    while (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  @Override
  public void filter(ContainerRequestContext req) {
    if (disabled.isEmpty()) {
      return;
    }
    String path = strip("/" + req.getUriInfo().getPath(true));
    Set<String> off = disabled.get(path);
    if (off == null || !off.contains(req.getMethod())) {
      return;
    }
    boolean allOff = off.containsAll(ROUTES.get(path));
    req.abortWith(
        Response.status(allOff ? 404 : 405)
            .entity(new Responses.Detail(allOff ? "Not Found" : "Method Not Allowed"))
            .type(MediaType.APPLICATION_JSON_TYPE)
            .build());
  }
}
