package dev.tufrepo.conformance;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves a published repository over HTTP on 127.0.0.1 the way a static web server would: {@code
 * /metadata/<file>} from the metadata store's directory (flat, as the engine writes it) and {@code
 * /targets/<dir>/<hash>.<name>} from a target directory holding the consistent-snapshot names.
 * Paths are URL-decoded (clients percent-encode spaces and non-ASCII). Anything missing is a 404,
 * the only "not found" every client understands (sigstore-java treats 403 as an error).
 *
 * <p>A test can replace what one metadata file serves ({@link #override}) to play an attacker or a
 * broken mirror without touching what the engine wrote.
 */
final class RepositoryServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;
  private final Path metadataDir;
  private final Path targetsDir;
  private final Map<String, byte[]> overrides = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();

  private RepositoryServer(Path metadataDir, Path targetsDir) throws IOException {
    this.metadataDir = metadataDir.toAbsolutePath().normalize();
    this.targetsDir = targetsDir.toAbsolutePath().normalize();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    executor = Executors.newFixedThreadPool(4, r -> daemon(r));
    server.setExecutor(executor);
    server.createContext("/metadata/", ex -> serve(ex, "/metadata/", this.metadataDir, true));
    server.createContext("/targets/", ex -> serve(ex, "/targets/", this.targetsDir, false));
    server.createContext("/", ex -> respond(ex, 404, new byte[0]));
    server.start();
  }

  static RepositoryServer start(Path metadataDir, Path targetsDir) {
    try {
      return new RepositoryServer(metadataDir, targetsDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "conformance-http");
    t.setDaemon(true);
    return t;
  }

  String metadataUrl() {
    return base() + "/metadata/";
  }

  String targetsUrl() {
    return base() + "/targets/";
  }

  private String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Serves {@code bytes} for metadata file {@code name} instead of what is stored. */
  void override(String name, byte[] bytes) {
    overrides.put(name, bytes.clone());
  }

  void clearOverrides() {
    overrides.clear();
  }

  /** Every request path seen so far, decoded, e.g. {@code /metadata/2.root.json}. */
  List<String> requests() {
    return List.copyOf(requests);
  }

  private void serve(HttpExchange ex, String prefix, Path dir, boolean metadata)
      throws IOException {
    try (ex) {
      String path = URI.create(ex.getRequestURI().getRawPath()).getPath(); // decodes %20, %C3%BC
      requests.add(path);
      if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
        respond(ex, 405, new byte[0]);
        return;
      }
      String name = path.substring(prefix.length());
      byte[] replaced = metadata ? overrides.get(name) : null;
      if (replaced != null) {
        respond(ex, 200, replaced);
        return;
      }
      Path file = dir.resolve(name).normalize();
      if (name.isEmpty() || !file.startsWith(dir) || !Files.isRegularFile(file)) {
        respond(ex, 404, new byte[0]);
        return;
      }
      respond(ex, 200, Files.readAllBytes(file));
    }
  }

  private static void respond(HttpExchange ex, int status, byte[] body) throws IOException {
    boolean head = "HEAD".equals(ex.getRequestMethod());
    ex.getResponseHeaders()
        .set("Content-Type", status == 200 ? "application/octet-stream" : "text/plain");
    ex.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
    if (!head && body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
    ex.close();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
