package dev.tufrepo.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Every independent client, one instance each for a scenario (so one Node process per scenario),
 * run side by side: a scenario step runs all clients in parallel and then checks each result.
 */
final class Clients implements AutoCloseable {
  final List<TufClient> all;
  private final ExecutorService pool;

  private Clients(List<TufClient> all) {
    this.all = List.copyOf(all);
    this.pool =
        Executors.newFixedThreadPool(
            all.size(),
            r -> {
              Thread t = new Thread(r, "conformance-client");
              t.setDaemon(true);
              return t;
            });
  }

  /** tuf-js and sigstore-java; fails (never skips) when a client cannot start. */
  static Clients start(Path workDir) {
    return start(workDir, TufJsClient.DEFAULT_TIMEOUT);
  }

  /** As {@link #start(Path)}, giving each tuf-js session up to {@code tufJsTimeout}. */
  static Clients start(Path workDir, Duration tufJsTimeout) {
    return new Clients(List.of(new TufJsClient(workDir, tufJsTimeout), new SigstoreJavaClient()));
  }

  /** A fresh session per client, each starting from root v1 of {@code repo}. */
  Map<TufClient, Session> newSessions(ConformanceRepository repo) {
    Map<TufClient, Session> m = new LinkedHashMap<>();
    all.forEach(c -> m.put(c, repo.newSession(c)));
    return m;
  }

  /** Runs {@code step} for every client at once; results in client order. */
  List<ClientRun> each(Function<TufClient, ClientRun> step) {
    List<CompletableFuture<ClientRun>> futures = new ArrayList<>();
    for (TufClient c : all) {
      futures.add(CompletableFuture.supplyAsync(() -> step.apply(c), pool));
    }
    List<ClientRun> out = new ArrayList<>();
    futures.forEach(f -> out.add(f.join()));
    return out;
  }

  /**
   * Every client refreshes its session at the repository's clock and must find everything it can
   * see (and not find what was removed).
   */
  List<ClientRun> update(ConformanceRepository repo, Map<TufClient, Session> sessions) {
    return each(c -> c.update(sessions.get(c), repo.clock().instant(), repo.expectation(c)));
  }

  /** Every run succeeded and trusts the repository's current timestamp and snapshot. */
  static void assertAllCurrent(String step, ConformanceRepository repo, List<ClientRun> runs) {
    assertAllOk(step, runs);
    for (ClientRun r : runs) {
      assertEquals(repo.version("timestamp"), r.version("timestamp"), step + ": " + r);
      assertEquals(repo.version("snapshot"), r.version("snapshot"), step + ": " + r);
      assertEquals(repo.version("targets"), r.version("targets"), step + ": " + r);
      assertEquals(repo.version("root"), r.version("root"), step + ": " + r);
    }
  }

  static void assertAllOk(String step, List<ClientRun> runs) {
    List<String> failed = new ArrayList<>();
    for (ClientRun r : runs) {
      if (!r.ok()) {
        failed.add(r.toString());
      }
    }
    if (!failed.isEmpty()) {
      fail(step + ": clients refused the repository:\n  " + String.join("\n  ", failed));
    }
  }

  /** Every run failed (a negative control); returns the runs for further checks. */
  static List<ClientRun> assertAllFail(String step, List<ClientRun> runs) {
    List<String> accepted = new ArrayList<>();
    for (ClientRun r : runs) {
      if (r.ok()) {
        accepted.add(r.toString());
      }
    }
    if (!accepted.isEmpty()) {
      fail(step + ": clients accepted a bad repository:\n  " + String.join("\n  ", accepted));
    }
    runs.forEach(r -> System.out.println("negative control, " + step + ": " + r));
    return runs;
  }

  @Override
  public void close() {
    all.forEach(TufClient::close);
    pool.shutdownNow();
  }
}
