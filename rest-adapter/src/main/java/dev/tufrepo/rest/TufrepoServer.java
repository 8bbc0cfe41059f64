package dev.tufrepo.rest;

import dev.tufrepo.engine.RepositoryEngine;
import dev.tufrepo.keyvault.FileKeyVault;
import dev.tufrepo.keyvault.KeyVault;
import dev.tufrepo.rest.internal.Api;
import dev.tufrepo.rest.internal.ArtifactsResource;
import dev.tufrepo.rest.internal.AuthFilter;
import dev.tufrepo.rest.internal.Bodies;
import dev.tufrepo.rest.internal.BootstrapResource;
import dev.tufrepo.rest.internal.ConfigResource;
import dev.tufrepo.rest.internal.DelegationsResource;
import dev.tufrepo.rest.internal.DisabledEndpoints;
import dev.tufrepo.rest.internal.Health;
import dev.tufrepo.rest.internal.JsonbWriter;
import dev.tufrepo.rest.internal.Mappers;
import dev.tufrepo.rest.internal.MetadataFilesResource;
import dev.tufrepo.rest.internal.MetadataResource;
import dev.tufrepo.rest.internal.Metrics;
import dev.tufrepo.rest.internal.OpenApi;
import dev.tufrepo.rest.internal.OpsResource;
import dev.tufrepo.rest.internal.RequestTimer;
import dev.tufrepo.rest.internal.TaskResource;
import dev.tufrepo.rest.internal.TaskRunner;
import dev.tufrepo.rest.internal.Tokens;
import dev.tufrepo.rest.internal.UndertowHandlers;
import dev.tufrepo.storage.MetadataStore;
import dev.tufrepo.storage.StateStore;
import dev.tufrepo.storage.TaskRecord;
import dev.tufrepo.storage.embedded.QueueLogStateStore;
import dev.tufrepo.storage.fs.FileSystemMetadataStore;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.DeploymentManager;
import io.undertow.servlet.util.ImmediateInstanceFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST service: RSTUF API v1 (Jersey inside Undertow's servlet container) over a {@link
 * RepositoryEngine} with the embedded stores in the configured directories.
 *
 * <pre>{@code
 * try (TufrepoServer server = TufrepoServer.start(ServerConfig.resolve(flags, System.getenv()))) {
 *   ... server.baseUri() ...
 * }
 * }</pre>
 */
public final class TufrepoServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TufrepoServer.class);

  private final ServerConfig config;
  private final MetadataStore metadataStore;
  private final StateStore stateStore;
  private final KeyVault keyVault;
  private final RepositoryEngine engine;
  private final ExecutorService taskExecutor;
  private final ScheduledExecutorService timers;
  private final JsonbWriter jsonb;
  private final DeploymentManager deployment;
  private final Undertow undertow;
  private final int port;
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();

  private TufrepoServer(ServerConfig c) {
    this.config = c;
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      for (java.nio.file.Path d : List.of(c.metadataDir(), c.stateDir(), c.keyDir())) {
        Files.createDirectories(d);
      }
      metadataStore =
          FileSystemMetadataStore.builder(c.metadataDir())
              .fsync(c.fsync())
              .earlyWriteBackBytes(c.earlyWriteBackBytes())
              .build();
      opened.add(metadataStore);
      stateStore = QueueLogStateStore.h2(c.stateDir(), c.fsync());
      opened.add(stateStore);
      keyVault = FileKeyVault.of(c.keyDir());
      opened.add(keyVault);
      Metrics metrics = new Metrics(Clock.systemUTC());
      RepositoryEngine.Builder eb =
          RepositoryEngine.builder()
              .metadataStore(metadataStore)
              .stateStore(stateStore)
              .keyVault(keyVault)
              .listener(metrics)
              .signingThreads(c.effectiveSigningThreads())
              .autoPublish(c.groupCommit());
      if (!c.refreshInterval().isZero()) {
        eb.refreshInterval(c.refreshInterval());
      }
      eb.offlineExpiryWarning(c.offlineExpiryWarning().isZero() ? null : c.offlineExpiryWarning());
      if (c.retentionKeep() > 0) {
        eb.retention(c.retentionKeep(), c.retentionMinAge(), c.retentionInterval());
      }
      engine = eb.build();
      opened.add(engine);
      taskExecutor = Executors.newFixedThreadPool(2, daemon("tufrepo-task"));
      timers = Executors.newSingleThreadScheduledExecutor(daemon("tufrepo-timer"));
      jsonb = new JsonbWriter();
      TaskRunner tasks = new TaskRunner(engine, taskExecutor, this::recordFailure);
      Api api =
          new Api(
              engine,
              new Bodies(c.maxBodyBytes()),
              tasks,
              c.maxBatchSize(),
              metadataStore,
              new Health(engine, metadataStore, keyVault),
              metrics);
      ServletContainer jersey = new ServletContainer(application(api, c, metrics));
      DeploymentInfo info =
          Servlets.deployment()
              .setClassLoader(TufrepoServer.class.getClassLoader())
              .setContextPath("/")
              .setDeploymentName("tufrepo")
              .setDefaultEncoding("UTF-8")
              .addServlet(
                  Servlets.servlet(
                          "jersey", ServletContainer.class, new ImmediateInstanceFactory<>(jersey))
                      .addMapping("/*")
                      .setLoadOnStartup(1));
      deployment = Servlets.newContainer().addDeployment(info);
      deployment.deploy();
      HttpHandler handler =
          UndertowHandlers.normalizePath(
              UndertowHandlers.limitBody(deployment.start(), c.maxBodyBytes()));
      int timeoutMs = (int) Math.min(Integer.MAX_VALUE, c.requestTimeout().toMillis());
      undertow =
          Undertow.builder()
              .addHttpListener(c.port(), c.host())
              .setHandler(handler)
              .setServerOption(
                  UndertowOptions.MAX_ENTITY_SIZE, UndertowHandlers.hardLimit(c.maxBodyBytes()))
              .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, timeoutMs)
              .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, timeoutMs)
              .build();
      undertow.start();
      port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    } catch (IOException e) {
      closeAll(opened);
      throw new UncheckedIOException(e);
    } catch (jakarta.servlet.ServletException e) {
      closeAll(opened);
      throw new IllegalStateException("cannot start the servlet deployment", e);
    } catch (RuntimeException | Error e) {
      closeAll(opened);
      throw e;
    }
  }

  private ResourceConfig application(Api api, ServerConfig c, Metrics metrics) {
    ResourceConfig rc = new ResourceConfig();
    rc.property(ServerProperties.WADL_FEATURE_DISABLE, true);
    rc.property(ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true);
    rc.property(ServerProperties.BV_FEATURE_DISABLE, true);
    rc.register(jsonb);
    rc.register(new BootstrapResource(api, timers));
    rc.register(new ConfigResource(api));
    rc.register(new MetadataResource(api));
    rc.register(new DelegationsResource(api));
    rc.register(new ArtifactsResource(api));
    rc.register(new TaskResource(api));
    List<Class<?>> resources =
        new ArrayList<>(
            List.of(
                BootstrapResource.class,
                ConfigResource.class,
                MetadataResource.class,
                DelegationsResource.class,
                ArtifactsResource.class,
                TaskResource.class,
                OpsResource.class));
    if (c.serveMetadata()) {
      rc.register(new MetadataFilesResource(api.metadata()));
      resources.add(MetadataFilesResource.class);
    }
    rc.register(new OpsResource(api, OpenApi.document(resources, "1.0.1")));
    rc.register(new Mappers.Api());
    rc.register(new Mappers.Validation());
    rc.register(new Mappers.InvalidRequest());
    rc.register(new Mappers.Engine());
    rc.register(new Mappers.Web());
    rc.register(new Mappers.Unexpected());
    rc.register(new AuthFilter(new Tokens(c.authTokens())));
    rc.register(new DisabledEndpoints(c.disabledEndpoints()));
    rc.register(new RequestTimer(metrics));
    return rc;
  }

  /** Starts a server; the repository state lives in the configured directories. */
  public static TufrepoServer start(ServerConfig config) {
    LOG.info("starting tufrepo with\n{}", config.describe());
    TufrepoServer s = new TufrepoServer(config);
    LOG.info("tufrepo listening on {}; {}", s.baseUri(), s.metadataStore);
    return s;
  }

  /** The store the published metadata goes to (tests: how it makes files durable). */
  MetadataStore metadataStore() {
    return metadataStore;
  }

  public int port() {
    return port;
  }

  public URI baseUri() {
    String h = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
    if (h.equals("0.0.0.0")) {
      h = "127.0.0.1";
    }
    return URI.create("http://" + h + ":" + port + "/");
  }

  public RepositoryEngine engine() {
    return engine;
  }

  public ServerConfig config() {
    return config;
  }

  private void recordFailure(String taskId, String taskName, String reason) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String result = "{\"message\":" + jsonb.toJson(reason == null ? "task failed" : reason) + "}";
    stateStore.putTask(new TaskRecord(taskId, taskName, "FAILURE", now, result));
  }

  /**
   * Stops accepting requests, lets running tasks finish (up to 30 s), closes the stores. Calling it
   * again does nothing.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List<AutoCloseable> order = new ArrayList<>();
    order.add(undertow::stop);
    order.add(
        () -> {
          deployment.stop();
          deployment.undeploy();
        });
    order.add(
        () -> {
          taskExecutor.shutdown();
          timers.shutdownNow();
          taskExecutor.awaitTermination(30, TimeUnit.SECONDS);
        });
    order.add(engine);
    order.add(jsonb);
    order.add(stateStore);
    order.add(metadataStore);
    order.add(keyVault);
    closeAll(order);
  }

  private static void closeAll(List<AutoCloseable> items) {
    for (AutoCloseable a : items) {
      try {
        a.close();
      } catch (Exception e) {
        LOG.warn("error while closing: {}", e.toString());
      }
    }
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Process-wide logging for a server process (not done by {@link #start}, which touches no global
   * state): java.util.logging goes to SLF4J/Logback, and with {@link ServerConfig#jsonLogs()} the
   * console prints JSON lines.
   */
  public static void configureLogging(ServerConfig config) {
    Logging.configure(config.jsonLogs());
  }

  /** Runs the server until the process is stopped; flags are {@code --name=value}. */
  public static void main(String[] args) {
    Map<String, String> flags = new HashMap<>();
    for (String a : args) {
      if (!a.startsWith("--")) {
        System.err.println("usage: tufrepo-server [--name=value ...]; unexpected: " + a);
        System.exit(2);
      }
      int eq = a.indexOf('=');
      flags.put(
          eq < 0 ? a.substring(2) : a.substring(2, eq), eq < 0 ? "true" : a.substring(eq + 1));
    }
    ServerConfig config;
    try {
      config = ServerConfig.resolve(flags, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    configureLogging(config);
    TufrepoServer server = start(config);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "tufrepo-shutdown"));
  }
}
