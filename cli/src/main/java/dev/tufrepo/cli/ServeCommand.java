package dev.tufrepo.cli;

import dev.tufrepo.engine.RepositoryEngine;
import dev.tufrepo.engine.TaskResult;
import dev.tufrepo.rest.ServerConfig;
import dev.tufrepo.rest.TufrepoServer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tufrepo serve}: the REST service with embedded storage. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the REST service (RSTUF API v1 under /api/v1, published metadata under /metadata/)",
      "with embedded storage in --data-dir. Settings: options, then environment (RSTUF_*, TUFREPO_*), then defaults.",
      "--dev on an empty repository runs a development ceremony and bootstraps (NOT FOR PRODUCTION)."
    })
final class ServeCommand extends Cmd {
  @Option(
      names = "--host",
      paramLabel = "ADDR",
      description = "Listen address (default 127.0.0.1).")
  String host;

  @Option(
      names = {"-p", "--port"},
      paramLabel = "PORT",
      description = "TCP port (default 8080; 0 = any free port).")
  Integer port;

  @Option(
      names = {"-d", "--data-dir", "--repo"},
      paramLabel = "DIR",
      description = "Data directory (default ./tufrepo-data).")
  Path dataDir;

  @Option(
      names = "--set",
      paramLabel = "NAME=VALUE",
      description = {
        "Any other server setting, e.g. --set group-commit-ms=200 --set auth-tokens=t=*;",
        "retention: --set retention-keep=N (0 = off) retention-min-age=7d retention-interval=1h;",
        "--set offline-expiry-warning=30d (0 = off) warns before root or an offline role expires;",
        "--set signing-threads=N (default: one fewer than the processors, at least 1);",
        "--set early-write-back-bytes=N starts the disk on a publish's files every N bytes",
        "(default 0 = at the commit only: early flushes delay the 202s of concurrent requests)."
      })
  Map<String, String> settings = new LinkedHashMap<>();

  @Option(
      names = "--dev",
      description = "Development mode: bootstrap an empty repository with generated keys.")
  boolean dev;

  @Option(
      names = "--dev-bins",
      paramLabel = "N",
      defaultValue = "256",
      description = "Hash bins for --dev (default ${DEFAULT-VALUE}).")
  int devBins;

  ServeCommand(Io io) {
    super(io);
  }

  @Override
  protected void run() throws Exception {
    Map<String, String> flags = new LinkedHashMap<>(settings);
    if (host != null) {
      flags.put("host", host);
    }
    if (port != null) {
      flags.put("port", Integer.toString(port));
    }
    if (dataDir != null) {
      flags.put("data-dir", dataDir.toString());
    }
    ServerConfig config;
    try {
      config = ServerConfig.resolve(flags, io.env());
    } catch (IllegalArgumentException e) {
      throw CliException.invalid(e.getMessage());
    }
    if (io.env().get("TUFREPO_LOG_LEVEL") == null
        && org.slf4j.LoggerFactory.getILoggerFactory()
            instanceof ch.qos.logback.classic.LoggerContext ctx) {
      ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.INFO);
    }
    // java.util.logging (Jersey) through SLF4J; JSON lines with --set log-json=true
    TufrepoServer.configureLogging(config);
    CountDownLatch stop = new CountDownLatch(1);
    boolean interrupted = false;
    TufrepoServer server = TufrepoServer.start(config);
    Thread hook =
        new Thread(
            () -> {
              server.close();
              stop.countDown();
            },
            "tufrepo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      if (dev) {
        devBootstrap(server.engine(), config, devBins);
      }
      String base = server.baseUri().toString();
      note(
          "tufrepo listening on "
              + base
              + " (API "
              + base
              + "api/v1/, metadata "
              + base
              + "metadata/)");
      note("data in " + config.dataDir().toAbsolutePath() + "; stop with Ctrl-C");
      io.out().flush();
      stop.await();
    } catch (InterruptedException e) {
      // stopped by the embedding thread (tests): shut down like on Ctrl-C
      interrupted = true;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
        server.close();
      } catch (IllegalStateException shuttingDown) {
        // the hook is running and closes the server
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** On an empty repository: a ceremony with generated keys, then bootstrap. */
  private void devBootstrap(RepositoryEngine engine, ServerConfig config, int bins) {
    if (engine.isBootstrapped() || engine.bootstrapState().isPresent()) {
      note("--dev: the repository is already bootstrapped; using it as it is");
      return;
    }
    Path rootKeys = config.dataDir().resolve("dev-root-keys");
    Ceremony.Spec spec =
        new Ceremony.Spec(
            365,
            365,
            1,
            1,
            1,
            bins,
            1,
            List.of(Ceremony.KeySpec.parse("generate:ed25519:dev-root")),
            Ceremony.KeySpec.parse("generate:ed25519"),
            null,
            rootKeys,
            config.keyDir(),
            true,
            300);
    Ceremony.Result r = Ceremony.run(spec, Instant.now());
    TaskResult tr = engine.bootstrap(r.bootstrapRequest(spec));
    if (!tr.status()) {
      throw CliException.invalid("dev bootstrap: " + tr.message() + ": " + tr.error());
    }
    String bar = "*".repeat(78);
    io.err().println(bar);
    io.err().println("*  DEVELOPMENT REPOSITORY - NOT FOR PRODUCTION");
    io.err().println("*  Root key generated on this machine: " + rootKeys.resolve("dev-root.pem"));
    io.err().println("*  Online key: " + r.onlineKeyUri() + " in " + config.keyDir());
    io.err().println("*  Anyone with these files can sign anything. For production, run");
    io.err().println("*  tufrepo admin ceremony offline and tufrepo admin send bootstrap.");
    io.err().println(bar);
    io.err().flush();
  }
}
