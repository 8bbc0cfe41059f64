package dev.tufrepo.cli;

import dev.tufrepo.rest.ServerConfig;
import dev.tufrepo.rest.TufrepoServer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** A real REST server for CLI tests: random loopback port, fast group commit, no refresh timer. */
final class TestServers {
  private TestServers() {}

  static TufrepoServer start(Path dataDir, Map<String, String> extra) {
    Map<String, String> flags = new HashMap<>(extra);
    flags.put("port", "0");
    flags.put("data-dir", dataDir.toString());
    flags.put("group-commit-ms", "20");
    flags.put("refresh-interval-s", "0");
    return TufrepoServer.start(ServerConfig.resolve(flags, Map.of()));
  }
}
