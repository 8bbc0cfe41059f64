package dev.tufrepo.cli;

import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --api-server}, {@code -H} and {@code --token} for commands that talk to a server. */
final class ServerOptions {
  @Option(
      names = {"-s", "--api-server"},
      paramLabel = "URL",
      description =
          "The REST API server (default: $TUFREPO_API_SERVER, else http://127.0.0.1:8080).")
  String server;

  @Option(
      names = {"-H", "--header", "--headers"},
      paramLabel = "HEADER",
      description = "Extra request header \"Name: value\" (repeatable; several comma separated).")
  List<String> headers;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description = "Bearer token for the Authorization header (default: $TUFREPO_TOKEN).")
  String token;

  ApiClient client(Io io) {
    String url = server;
    if (url == null) {
      url = io.env().getOrDefault("TUFREPO_API_SERVER", "http://127.0.0.1:8080");
    }
    Map<String, String> h = ApiClient.parseHeaders(headers);
    String t = token != null ? token : io.env().get("TUFREPO_TOKEN");
    if (t != null && !t.isBlank()) {
      h.put("Authorization", "Bearer " + t.strip());
    }
    return new ApiClient(url, h);
  }
}
