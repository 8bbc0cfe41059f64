package dev.tufrepo.keyvault;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.model.KeyScheme;
import dev.tufrepo.model.PrivateKeySigner;
import dev.tufrepo.model.Signature;
import dev.tufrepo.model.Signer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Measures what the pool costs: 20,000 signatures from 2 threads, straight on a {@link
 * PrivateKeySigner} and through a {@link PooledSigner} of them, rounds alternating, best round
 * kept, both wall time and the threads' CPU time. Timing is noisy, so it runs only when asked:
 * {@code mvn -pl keyvault-spi test -Dtest=PooledSignerOverheadTest -Dtufrepo.perf=true}.
 */
@EnabledIfSystemProperty(named = "tufrepo.perf", matches = "true")
class PooledSignerOverheadTest {
  private static final int SIGNATURES = 20_000;
  private static final int THREADS = 2;
  private static final int WARMUP_ROUNDS = 3;
  private static final int ROUNDS = 10;
  private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

  /** Best wall time and best summed thread CPU time of a round, in ns. */
  private record Timing(long wallNs, long cpuNs) {
    Timing best(Timing o) {
      return new Timing(Math.min(wallNs, o.wallNs), Math.min(cpuNs, o.cpuNs));
    }

    double wallUsPerSig() {
      return wallNs / 1e3 / SIGNATURES * THREADS; // latency seen by one thread
    }

    double cpuUsPerSig() {
      return cpuNs / 1e3 / SIGNATURES;
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = KeyScheme.class,
      names = {"ED25519", "ECDSA_P256"})
  void pooledSigning_addsNegligibleOverhead(KeyScheme scheme) throws Exception {
    PrivateKeySigner key = PrivateKeySigner.generate(scheme, new SecureRandom());
    String pem = key.toPkcs8Pem();
    ExecutorService threads = Executors.newFixedThreadPool(THREADS);
    try (PooledSigner pooled =
        PooledSigner.builder(() -> PrivateKeySigner.fromPem(pem)).size(THREADS).build()) {
      Timing direct = new Timing(Long.MAX_VALUE, Long.MAX_VALUE);
      Timing viaPool = direct;
      for (int round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
        Timing d = run(threads, key); // alternate, so load from elsewhere hits both alike
        Timing p = run(threads, pooled);
        if (round >= WARMUP_ROUNDS) {
          direct = direct.best(d);
          viaPool = viaPool.best(p);
        }
      }
      double cpuOverhead = 100.0 * (viaPool.cpuNs() - direct.cpuNs()) / direct.cpuNs();
      System.out.printf(
          Locale.ROOT,
          "%s, %d signatures on %d threads (best of %d):%n"
              + "  direct: wall %.1f ms (%.2f us/sig per thread), cpu %.2f us/sig%n"
              + "  pooled: wall %.1f ms (%.2f us/sig per thread), cpu %.2f us/sig%n"
              + "  overhead: wall %+.1f%%, cpu %+.1f%% (%+.2f us/sig)%n",
          scheme.scheme(),
          SIGNATURES,
          THREADS,
          ROUNDS,
          direct.wallNs() / 1e6,
          direct.wallUsPerSig(),
          direct.cpuUsPerSig(),
          viaPool.wallNs() / 1e6,
          viaPool.wallUsPerSig(),
          viaPool.cpuUsPerSig(),
          100.0 * (viaPool.wallNs() - direct.wallNs()) / direct.wallNs(),
          cpuOverhead,
          viaPool.cpuUsPerSig() - direct.cpuUsPerSig());
      assertTrue(cpuOverhead < 25, "pool CPU overhead " + cpuOverhead + "%");
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void borrowAndReturn_costPerSignature() throws Exception {
    Signature fixed = new Signature("k", new byte[] {1});
    ExecutorService threads = Executors.newFixedThreadPool(THREADS);
    try (PooledSigner pooled = PooledSigner.builder(() -> message -> fixed).size(THREADS).build()) {
      Timing best = new Timing(Long.MAX_VALUE, Long.MAX_VALUE);
      for (int round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
        Timing t = run(threads, pooled);
        if (round >= WARMUP_ROUNDS) {
          best = best.best(t);
        }
      }
      System.out.printf(
          Locale.ROOT,
          "pool borrow+return around a no-op signer, %d threads: wall %.2f us/sig per thread,"
              + " cpu %.2f us/sig%n",
          THREADS,
          best.wallUsPerSig(),
          best.cpuUsPerSig());
    } finally {
      threads.shutdownNow();
    }
  }

  private static Timing run(ExecutorService threads, Signer signer) throws Exception {
    CyclicBarrier start = new CyclicBarrier(THREADS + 1);
    List<Future<Long>> done = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      byte[] message =
          ("{\"_type\":\"timestamp\",\"thread\":" + t + "}").getBytes(StandardCharsets.UTF_8);
      done.add(
          threads.submit(
              () -> {
                start.await();
                long cpu0 = MX.getCurrentThreadCpuTime();
                int sink = 0;
                for (int i = 0; i < SIGNATURES / THREADS; i++) {
                  sink += signer.sign(message).sig().length();
                }
                long cpu = MX.getCurrentThreadCpuTime() - cpu0;
                return sink < 0 ? -1 : cpu;
              }));
    }
    start.await();
    long t0 = System.nanoTime();
    long cpu = 0;
    for (Future<Long> f : done) {
      cpu += f.get(5, TimeUnit.MINUTES);
    }
    return new Timing(System.nanoTime() - t0, cpu);
  }
}
