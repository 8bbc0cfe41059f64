package dev.tufrepo.rest.bench;

import dev.tufrepo.engine.TestRepository;
import dev.tufrepo.engine.ThreadCpu;
import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonString;
import dev.tufrepo.model.internal.Sha256;
import dev.tufrepo.rest.ServerConfig;
import dev.tufrepo.rest.TufrepoServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Loopback load test of {@code POST /api/v1/artifacts} (issue 4): a repository of {@code -Dtargets}
 * targets (default 1 M) in {@code -Dbins} hash bins (16,384) with group commit on; {@code
 * -Dclients} closed-loop clients (32) post {@code -DperRequest} artifacts (10) each, for {@code
 * -Dseconds} (30). Reports requests/s, request latency percentiles, and the time from acceptance to
 * published (SUCCESS) for every {@code -DsampleEvery}-th task (10), polled every {@code -DpollMs}
 * (20 ms). With {@code -Drate=N} the load is an open loop instead: a request is due every 1/N s
 * whatever the server does, and its latency counts from when it was due; it is preceded by {@code
 * -Dwarmup} seconds (60) of the same load that are not measured; its POSTs go over {@code
 * -Dconnections} (64) keep-alive connections of {@link RawHttpPool}. {@code -DsigningThreads} sets
 * the server's {@code signing-threads} (default 0: one fewer than the processors), {@code
 * -DearlyWriteBackBytes} its {@code early-write-back-bytes} (default 0), and {@code -DslowMs} lists
 * the requests at least that late. Run with {@code benchmarks/rest-load.sh}. Traffic goes to
 * 127.0.0.1 only and stops by itself.
 */
public final class RestLoadBenchmark {
  public static void main(String[] args) throws Exception {
    int targets = Integer.getInteger("targets", 1_000_000);
    int bins = Integer.getInteger("bins", 16384);
    int clients = Integer.getInteger("clients", 32);
    int perRequest = Integer.getInteger("perRequest", 10);
    int seconds = Integer.getInteger("seconds", 30);
    int sampleEvery = Integer.getInteger("sampleEvery", 10);
    long groupCommitMs = Long.getLong("groupCommitMs", 1000);
    int rate = Integer.getInteger("rate", 0);
    int warmup = Integer.getInteger("warmup", 60);
    long pollMs = Long.getLong("pollMs", 20);
    int signingThreads = Integer.getInteger("signingThreads", 0);
    long earlyWriteBackBytes = Long.getLong("earlyWriteBackBytes", 0L);
    System.out.println("fsync=" + System.getProperty("fsync", "true"));
    Path dir = Files.createTempDirectory("tufrepo-load");
    System.out.printf(
        Locale.ROOT,
        "targets=%d bins=%d %s perRequest=%d seconds=%d groupCommitMs=%d dir=%s%n",
        targets,
        bins,
        rate > 0 ? "open loop at " + rate + " req/s" : clients + " closed-loop clients",
        perRequest,
        seconds,
        groupCommitMs,
        dir);
    TestRepository keys = new TestRepository(dir.resolve("ceremony"));
    try (TufrepoServer server =
        TufrepoServer.start(
            ServerConfig.builder()
                .port(0)
                .dataDir(dir.resolve("data"))
                .keyDir(keys.keyDir)
                .groupCommit(Duration.ofMillis(groupCommitMs))
                .refreshInterval(Duration.ZERO)
                .fsync(Boolean.parseBoolean(System.getProperty("fsync", "true")))
                .signingThreads(signingThreads)
                .earlyWriteBackBytes(earlyWriteBackBytes)
                .build())) {
      HttpClient http =
          HttpClient.newBuilder()
              .executor(
                  Executors.newFixedThreadPool(
                      4,
                      r -> {
                        // daemon threads: the JVM exits once the report is printed
                        Thread t = new Thread(r, "load-http");
                        t.setDaemon(true);
                        return t;
                      }))
              .connectTimeout(Duration.ofSeconds(5))
              .build();
      URI base = server.baseUri();
      // the open loop's POSTs: keep-alive sockets, cheaper than HttpClient (see RawHttpPool)
      RawHttpPool pool =
          new RawHttpPool(base.getHost(), base.getPort(), Integer.getInteger("connections", 64));
      long t0 = System.nanoTime();
      String payload = bootstrapPayload(keys, bins);
      String task = field(post(http, base, "api/v1/bootstrap", payload), "task_id");
      waitSuccess(http, base, task, Duration.ofMinutes(5));
      while (!server.engine().isBootstrapped()) {
        Thread.sleep(5);
      }
      System.out.printf(Locale.ROOT, "bootstrap: %d ms%n", ms(t0));

      long t1 = System.nanoTime();
      // the bulk import path: one publish of every bin (one part: it covers all bins)
      server
          .engine()
          .importArtifacts(List.of(TestRepository.artifacts("preload", 0, targets)).iterator());
      System.out.printf(Locale.ROOT, "preload of %d targets: %d ms%n", targets, ms(t1));

      AtomicLong seq = new AtomicLong();
      ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<Long> publishLatencies = new ConcurrentLinkedQueue<>();
      AtomicLong measuredFrom = new AtomicLong(Long.MIN_VALUE); // tasks accepted before: warm-up
      ConcurrentLinkedQueue<long[]> sampled = new ConcurrentLinkedQueue<>();
      java.util.Map<Long, String> sampledIds = new java.util.concurrent.ConcurrentHashMap<>();
      AtomicLong errors = new AtomicLong();
      long deadline;
      CountDownLatch done = new CountDownLatch(clients);
      java.util.concurrent.atomic.AtomicBoolean loadDone =
          new java.util.concurrent.atomic.AtomicBoolean();
      // One poller checks the sampled tasks oldest first, every -DpollMs (20), up to the first not
      // published yet: the queue is drained in acceptance order, so a later task cannot be
      // published before an earlier one, and a lagging repository is not also flooded with polls.
      // Its GETs go over one keep-alive socket: C2 was still compiling the JDK HttpClient's code,
      // in the server's JVM, minutes into a run.
      RawHttpPool polls = new RawHttpPool(base.getHost(), base.getPort(), 1);
      Thread poller =
          new Thread(
              () -> {
                java.util.ArrayDeque<long[]> pending = new java.util.ArrayDeque<>();
                long stopAt = Long.MAX_VALUE;
                while (System.nanoTime() < stopAt) {
                  for (long[] s; (s = sampled.poll()) != null; ) {
                    pending.add(s);
                  }
                  if (loadDone.get() && stopAt == Long.MAX_VALUE) {
                    stopAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                  }
                  if (loadDone.get() && pending.isEmpty() && sampled.isEmpty()) {
                    break;
                  }
                  List<long[]> ordered = new ArrayList<>(pending);
                  ordered.sort(java.util.Comparator.comparingLong(s -> s[0]));
                  pending.clear();
                  pending.addAll(ordered);
                  while (!pending.isEmpty()) {
                    long[] s = pending.peek();
                    try {
                      String state = state(polls, sampledIds.get(s[0]));
                      if (state.equals("SUCCESS")) {
                        if (s[1] >= measuredFrom.get()) { // not a warm-up task
                          publishLatencies.add(System.nanoTime() - s[1]);
                        }
                      } else if (state.equals("FAILURE") || state.equals("ERRORED")) {
                        errors.incrementAndGet();
                      } else {
                        break;
                      }
                    } catch (Exception e) {
                      errors.incrementAndGet();
                    }
                    pending.poll();
                  }
                  try {
                    Thread.sleep(pollMs);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              });
      poller.setDaemon(true);
      poller.start();
      if (rate > 0 && warmup > 0) {
        // the same load, tasks polled too, not measured: the JIT compiles the request, task and
        // publish paths and the bins touched are parsed into the engine's cache, as in a service
        // that has been running (without the polls, compiling GET /task fell in the measurement)
        measuredFrom.set(Long.MAX_VALUE); // nothing published during the warm-up counts
        long w0 = System.nanoTime();
        openLoop(
            pool,
            base,
            rate,
            perRequest,
            sampleEvery,
            w0,
            w0 + TimeUnit.SECONDS.toNanos(warmup),
            seq,
            new ConcurrentLinkedQueue<>(),
            sampled,
            sampledIds,
            new AtomicLong());
        while (server.engine().queueDepth() > 0) {
          Thread.sleep(50);
        }
        measuredFrom.set(System.nanoTime());
        publishLatencies.clear();
        slow.clear();
        System.out.printf(Locale.ROOT, "warm-up: %d s at %d req/s, done%n", warmup, rate);
      }
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      long start = System.nanoTime();
      long cpuAtStart = processCpuNanos();
      long gcAtStart = gcPauseMillis();
      double uptimeAtStart = uptimeSeconds();
      ThreadCpu threadsAtStart = ThreadCpu.snapshot();
      if (rate > 0) {
        // open loop: request k is due at start + k / rate whatever the server does; its latency
        // counts from then, so a stall shows up in full (no coordinated omission)
        openLoop(
            pool,
            base,
            rate,
            perRequest,
            sampleEvery,
            start,
            deadline,
            seq,
            latencies,
            sampled,
            sampledIds,
            errors);
        for (int c = 0; c < clients; c++) {
          done.countDown();
        }
      }
      for (int c = 0; rate <= 0 && c < clients; c++) {
        Thread t =
            new Thread(
                () -> {
                  try {
                    while (System.nanoTime() < deadline) {
                      long n = seq.getAndIncrement();
                      String body = artifacts(n, perRequest);
                      long s = System.nanoTime();
                      HttpResponse<String> r;
                      try {
                        r = send(http, base, "api/v1/artifacts", body);
                      } catch (Exception e) {
                        errors.incrementAndGet();
                        continue;
                      }
                      long accepted = System.nanoTime();
                      latencies.add(accepted - s);
                      if (r.statusCode() != 202) {
                        errors.incrementAndGet();
                        continue;
                      }
                      if (n % sampleEvery == 0) {
                        sampledIds.put(n, field(r.body(), "task_id"));
                        sampled.add(new long[] {n, accepted});
                      }
                    }
                  } finally {
                    done.countDown();
                  }
                });
        t.setDaemon(true);
        t.start();
      }
      done.await();
      double elapsed = (System.nanoTime() - start) / 1e9;
      double cpu = (processCpuNanos() - cpuAtStart) / 1e9;
      long gcPauses = gcPauseMillis() - gcAtStart;
      ThreadCpu threadsAtEnd = ThreadCpu.snapshot();
      loadDone.set(true);
      pool.close();
      poller.join();
      polls.close();
      List<Long> lat = new ArrayList<>(latencies);
      List<Long> pub = new ArrayList<>(publishLatencies);
      Collections.sort(lat);
      Collections.sort(pub);
      System.out.printf(
          Locale.ROOT,
          "requests: %d in %.1f s = %.0f req/s (%.0f artifacts/s), errors %d%n",
          lat.size(),
          elapsed,
          lat.size() / elapsed,
          lat.size() * perRequest / elapsed,
          errors.get());
      System.out.printf(
          Locale.ROOT,
          "request latency ms: p50 %.1f  p99 %.1f  max %.1f%n",
          pct(lat, 0.50),
          pct(lat, 0.99),
          pct(lat, 1.0));
      System.out.printf(
          Locale.ROOT,
          "accepted-to-published ms (%d sampled tasks): p50 %.0f  p99 %.0f  max %.0f%n",
          pub.size(),
          pct(pub, 0.50),
          pct(pub, 0.99),
          pct(pub, 1.0));
      // server and load generator together: compare runs at the same rate, not across rates
      System.out.printf(
          Locale.ROOT,
          "process CPU while measured: %.1f s in %.1f s = %.2f of %d cores; GC pauses %d ms%n",
          cpu,
          elapsed,
          cpu / elapsed,
          Runtime.getRuntime().availableProcessors(),
          gcPauses);
      // the JIT compiler still at work after the warm-up shows here ("CN CompilerThre": Linux
      // keeps 15 characters of a thread's name)
      System.out.println(
          "cores by thread while measured: " + threadsAtEnd.coresSince(threadsAtStart, elapsed));
      // to pick the measured window out of a GC log (-Xlog:gc:file=...:uptime)
      System.out.printf(
          Locale.ROOT,
          "measured window: JVM uptime %.3f s to %.3f s%n",
          uptimeAtStart,
          uptimeAtStart + elapsed);
      if (SLOW_NANOS < Long.MAX_VALUE) {
        // when the slow requests were due, to set beside a GC log and the publish trace
        List<long[]> late = new ArrayList<>(slow);
        late.sort(java.util.Comparator.comparingLong(a -> a[0]));
        StringBuilder line = new StringBuilder("slow requests (due at JVM uptime s: latency ms):");
        for (long[] r : late) {
          line.append(
              String.format(
                  Locale.ROOT, " %.3f:%.0f", uptimeAtStart + (r[0] - start) / 1e9, r[1] / 1e6));
        }
        System.out.println(line);
      }
    } finally {
      // about 2 GB of metadata and state per run
      try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  /** Requests at least this late are listed with when they were due ({@code -DslowMs}). */
  private static final long SLOW_NANOS =
      Long.getLong("slowMs") == null
          ? Long.MAX_VALUE
          : TimeUnit.MILLISECONDS.toNanos(Long.getLong("slowMs"));

  private static final ConcurrentLinkedQueue<long[]> slow = new ConcurrentLinkedQueue<>();

  /** Sends requests at {@code rate} per second until {@code deadline}, then waits for all. */
  private static void openLoop(
      RawHttpPool http,
      URI base,
      int rate,
      int perRequest,
      int sampleEvery,
      long start,
      long deadline,
      AtomicLong seq,
      ConcurrentLinkedQueue<Long> latencies,
      ConcurrentLinkedQueue<long[]> sampled,
      java.util.Map<Long, String> sampledIds,
      AtomicLong errors)
      throws InterruptedException {
    String path = base.resolve("api/v1/artifacts").getRawPath();
    int maxInFlight = 1024;
    java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(maxInFlight);
    double interval = 1e9 / rate;
    for (long k = 0; ; k++) {
      long due = start + (long) (k * interval);
      if (due >= deadline) {
        break;
      }
      long wait = due - System.nanoTime();
      if (wait > 0) {
        java.util.concurrent.locks.LockSupport.parkNanos(wait);
      }
      long n = seq.getAndIncrement();
      byte[] request = http.post(path, artifacts(n, perRequest));
      inFlight.acquire();
      http.send(
          request,
          (status, body, failure) -> {
            long now = System.nanoTime();
            inFlight.release();
            latencies.add(now - due);
            if (now - due >= SLOW_NANOS) {
              slow.add(new long[] {due, now - due});
            }
            if (failure != null || status != 202) {
              errors.incrementAndGet();
            } else if (n % sampleEvery == 0) {
              sampledIds.put(n, field(body, "task_id"));
              sampled.add(new long[] {n, now});
            }
          });
    }
    inFlight.acquire(maxInFlight);
  }

  private static String bootstrapPayload(TestRepository keys, int bins) {
    String root =
        new String(keys.root(keys.rootKeys.size(), keys.rootKeys).toJson(), StandardCharsets.UTF_8);
    return "{\"settings\":{\"roles\":{\"root\":{\"expiration\":365},\"timestamp\":{\"expiration\":1},"
        + "\"snapshot\":{\"expiration\":1},\"targets\":{\"expiration\":365},"
        + "\"bins\":{\"expiration\":1,\"number_of_delegated_bins\":"
        + bins
        + "},\"delegations\":null}},\"metadata\":{\"root\":"
        + root
        + "},\"timeout\":300}";
  }

  /** How long this JVM has run, as GC logs with {@code uptime} decorations count it. */
  private static double uptimeSeconds() {
    return java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
  }

  /** CPU time of this process, all threads, user and system; 0 when the OS does not tell. */
  private static long processCpuNanos() {
    return ProcessHandle.current()
        .info()
        .totalCpuDuration()
        .map(java.time.Duration::toNanos)
        .orElse(0L);
  }

  /**
   * Milliseconds the collectors have paused the application, as the JVM counts them: G1's and the
   * parallel collector's beans count pauses; ZGC's and Shenandoah's "Cycles" beans count their
   * concurrent work, which is left out (their "Pauses" beans count the pauses).
   */
  private static long gcPauseMillis() {
    long total = 0;
    for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc.getName().endsWith(" Cycles")) {
        continue;
      }
      total += Math.max(0, gc.getCollectionTime());
    }
    return total;
  }

  private static String artifacts(long n, int count) {
    StringBuilder b = new StringBuilder(count * 160).append("{\"artifacts\":[");
    for (int i = 0; i < count; i++) {
      String path = "load/r" + n + "/file-" + i + ".tar.gz";
      byte[] content = path.getBytes(StandardCharsets.UTF_8);
      if (i > 0) {
        b.append(',');
      }
      b.append("{\"path\":\"")
          .append(path)
          .append("\",\"info\":{\"length\":")
          .append(content.length)
          .append(",\"hashes\":{\"sha256\":\"")
          .append(Sha256.hex(content))
          .append("\"}}}");
    }
    return b.append("]}").toString();
  }

  private static HttpResponse<String> send(HttpClient http, URI base, String path, String body)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(base.resolve(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String post(HttpClient http, URI base, String path, String body) throws Exception {
    HttpResponse<String> r = send(http, base, path, body);
    if (r.statusCode() != 202) {
      throw new IllegalStateException(path + ": " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  private static String state(RawHttpPool polls, String id) throws Exception {
    return field(polls.exchange(polls.get("/api/v1/task?task_id=" + id)), "state");
  }

  private static void waitSuccess(HttpClient http, URI base, String id, Duration max)
      throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(base.resolve("api/v1/task?task_id=" + id)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      String state = field(r.body(), "state");
      if (state.equals("SUCCESS")) {
        return;
      }
      if (state.equals("FAILURE") || state.equals("ERRORED")) {
        throw new IllegalStateException("task " + id + ": " + r.body());
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException("task " + id + " not done in " + max);
  }

  private static String field(String envelope, String name) {
    JsonObject data = (JsonObject) ((JsonObject) Json.parse(envelope)).get("data");
    return ((JsonString) data.get(name)).value();
  }

  private static long ms(long since) {
    return (System.nanoTime() - since) / 1_000_000;
  }

  private static double pct(List<Long> sorted, double p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int i = (int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1);
    return sorted.get(Math.max(0, i)) / 1e6;
  }

  private RestLoadBenchmark() {}
}
