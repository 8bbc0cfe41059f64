package dev.tufrepo.rest;

import dev.tufrepo.engine.TestRepository;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** A real server on 127.0.0.1 (any free port) with a ceremony's keys, for one test. */
final class ServerFixture implements AutoCloseable {
  final TestRepository repo;
  final TufrepoServer server;
  final Http http;

  ServerFixture(Path dir) {
    this(dir, b -> b);
  }

  ServerFixture(Path dir, UnaryOperator<ServerConfig.Builder> tweak) {
    this.repo = new TestRepository(dir.resolve("ceremony"));
    ServerConfig.Builder b =
        ServerConfig.builder()
            .host("127.0.0.1")
            .port(0)
            .dataDir(dir.resolve("data"))
            .keyDir(repo.keyDir)
            .groupCommit(java.time.Duration.ofMillis(50))
            .refreshInterval(java.time.Duration.ZERO);
    this.server = TufrepoServer.start(tweak.apply(b).build());
    this.http = new Http(server.baseUri());
  }

  /** Bootstraps with 4 bins and waits for the task; returns the task id. */
  String bootstrap() {
    Http.Resp r = http.post("/api/v1/bootstrap", Ceremony.payload(repo, 4)).expect(202);
    String id = r.str("data.task_id");
    Http.Resp t = http.waitForTask(id);
    if (!"SUCCESS".equals(t.str("data.state"))) {
      throw new AssertionError("bootstrap did not succeed: " + t.body());
    }
    // the task result is visible a moment before the engine's in-memory state is set (see the
    // note in coord/engine-lifecycle-api.md); wait for it so tests do not race the engine
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!server.engine().isBootstrapped() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    return id;
  }

  @Override
  public void close() {
    server.close(); // idempotent
    repo.close();
  }
}
