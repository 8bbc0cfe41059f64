package dev.tufrepo.rest.internal;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.charset.StandardCharsets;

/** What runs in Undertow before the servlet: path clean-up and the body size limit. */
public final class UndertowHandlers {
  private UndertowHandlers() {}

  /**
   * Collapses duplicate slashes ({@code //api/v1/...}, which RSTUF's CLI sends when the server URL
   * ends with a slash) so every route is found directly, without a redirect.
   */
  public static HttpHandler normalizePath(HttpHandler next) {
    return exchange -> {
      String path = exchange.getRequestPath();
      if (path.contains("//")) {
        String clean = path.replaceAll("/{2,}", "/");
        exchange.setRequestPath(clean);
        exchange.setRelativePath(exchange.getRelativePath().replaceAll("/{2,}", "/"));
        exchange.setRequestURI(exchange.getRequestURI().replaceAll("/{2,}", "/"));
      }
      next.handleRequest(exchange);
    };
  }

  /** Refuses a declared body larger than {@code maxBytes} with 413 before reading it. */
  public static HttpHandler limitBody(HttpHandler next, long maxBytes) {
    return exchange -> {
      if (exchange.getRequestContentLength() > maxBytes) {
        reject413(exchange, maxBytes);
        return;
      }
      // a hard guard for chunked bodies; Bodies answers 413 precisely at maxBytes, long before
      exchange.setMaxEntitySize(hardLimit(maxBytes));
      next.handleRequest(exchange);
    };
  }

  /** What Undertow itself enforces (it drops the connection there, without an answer). */
  public static long hardLimit(long maxBytes) {
    return maxBytes * 2 + 1024 * 1024;
  }

  private static void reject413(HttpServerExchange exchange, long maxBytes) {
    exchange.setStatusCode(413);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    exchange.getResponseHeaders().put(Headers.CONNECTION, "close");
    exchange.setPersistent(false);
    exchange
        .getResponseSender()
        .send(
            "{\"detail\":{\"error\":\"the body exceeds the limit of "
                + maxBytes
                + " bytes\",\"message\":\"Request body too large.\"}}",
            StandardCharsets.UTF_8);
  }
}
