package dev.tufrepo.benchmarks;

import dev.tufrepo.engine.Artifact;
import dev.tufrepo.engine.ArtifactBatch;
import dev.tufrepo.engine.BootstrapRequest;
import dev.tufrepo.engine.PublishResult;
import dev.tufrepo.engine.RepositoryEngine;
import dev.tufrepo.engine.TestRepository;
import dev.tufrepo.engine.ThreadCpu;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * The engine end to end on the embedded defaults (files on disk, H2, a PEM online key), each
 * publish including self-verification, the durable writes and the state commit. Goals on a 2-core
 * machine: bootstrap of 16,384 bins <= 1 s; full publish of 1 M targets into 16,384 bins <= 2 s;
 * +1,000 targets into that repository <= 120 ms. Single-shot: each measurement is one operation on
 * a repository prepared outside the timed part.
 *
 * <p>{@code -p fsync=false} measures without fsync (page cache only: survives kill -9, not power
 * loss). By default the engine re-verifies a sample of the bin signatures it makes (every 64th, as
 * {@code RepositoryEngine.Builder.verifyBinSignatures(false)}); {@code -p verifyBins=true} verifies
 * every one. The +1,000 benchmark warms up for 250 publishes and measures a long-running service:
 * the JIT compiler keeps compiling (much of it H2 and its SQL parser) for the first hundred or so;
 * after 40 publishes it still took 35-50 ms of CPU per publish; in one run, 11 ms on average over
 * publishes 136-150, then 49 ms over 151-165 (with {@code -XX:+PrintCompilation}: mostly first-tier
 * compilations of H2's SQL parser and MVStore), and 7 ms over 166-180; after 250 about 9 ms. The
 * artifacts the warm-up adds are removed before the measurement. The 1 M publish warms up for
 * seven: with {@code -Dtufrepo.bench.threadCpu=true}, the compiler threads still took 0.7-2.4 s of
 * CPU during the third and fourth, against 3.5-5 s for the whole publish, and under 0.2 s from the
 * fifth or sixth on; since {@code [r]B} is computed in vector lanes (more code for C2 to compile),
 * they took 0.2-1.2 s in the sixth to eighth and 0.04-0.34 s after seven. A service that has run
 * publishes of any size has this code compiled.
 *
 * <p>Run it through {@code benchmarks/engine.sh}, which keeps every repository until the run ends
 * ({@code -Dtufrepo.bench.keepData=true}) and then deletes them. Deleting a repository right after
 * its measurement made the next one slower to write: ext4 without a journal (the file system of the
 * development VM) skips inodes freed in the last minutes when it allocates new ones, one check per
 * freed inode, so after a 33,000-file repository was deleted, file creation in the next measurement
 * took several times longer (the 1 M publish's write stage went from 0.3 s to 7 s). The check only
 * costs while the inode-table blocks of the freed inodes are cached, so the script, when run as
 * root, also syncs and drops the clean page cache after deleting, and a run right after is not
 * slowed.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
// jvmArgs, not jvmArgsAppend: -jvmArgsAppend on the command line (-Dtufrepo.trace=true, say) would
// replace these instead of adding to them. The Vector API module is resolved as the tufrepo script
// resolves it for the service: Ed25519 then hashes eight bins at once (-jvmArgsAppend
// -Dtufrepo.ed25519.lanes=false measures without).
@Fork(
    value = 1,
    jvmArgs = {"-Xmx6g", "-Xms6g", "-XX:+AlwaysPreTouch", "--add-modules=jdk.incubator.vector"})
public class EngineBenchmark {
  /**
   * With {@code -Dtufrepo.bench.threadCpu=true}, each measured operation prints where its CPU time
   * went, by thread group ({@link ThreadCpu}).
   */
  static final boolean THREAD_CPU = Boolean.getBoolean("tufrepo.bench.threadCpu");

  static final int BINS = 16_384;

  /** Leave the repositories for the caller to delete when the whole run is over. */
  static final boolean KEEP_DATA = Boolean.getBoolean("tufrepo.bench.keepData");

  /** A fresh directory per repository, deleted afterwards. */
  @State(Scope.Thread)
  public static class Fresh {
    @Param({"true"})
    public boolean fsync;

    @Param({"false"})
    public boolean verifyBins;

    Path dir;
    ThreadCpu cpuBefore; // with -Dtufrepo.bench.threadCpu=true: where the CPU went, per operation
    TestRepository repo;
    RepositoryEngine engine;

    void open() throws IOException {
      dir =
          Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "tufrepo-bench");
      repo = new TestRepository(dir, dev.tufrepo.model.KeyScheme.ED25519, 1, fsync);
      engine = repo.engineBuilder().verifyBinSignatures(verifyBins).build();
    }

    void close() throws IOException {
      engine.close();
      repo.close();
      if (KEEP_DATA) {
        return;
      }
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** An empty store; the benchmark bootstraps it. */
  public static class ToBootstrap extends Fresh {
    BootstrapRequest request;

    @Setup(Level.Invocation)
    public void setUp() throws IOException {
      open();
      request = repo.bootstrapRequest(BINS);
    }

    @TearDown(Level.Invocation)
    public void tearDown() throws IOException {
      close();
    }
  }

  /** A bootstrapped repository with 1 M artifacts queued; the benchmark publishes them. */
  public static class MillionQueued extends Fresh {
    @Setup(Level.Invocation)
    public void setUp() throws IOException {
      open();
      engine.bootstrap(repo.bootstrapRequest(BINS));
      engine.submit(ArtifactBatch.add(TestRepository.artifacts("pkg", 0, 1_000_000)));
      // the previous invocation's repository is garbage now: collect it outside the timed part
      System.gc();
      cpuBefore = THREAD_CPU ? ThreadCpu.snapshot() : null;
    }

    @TearDown(Level.Invocation)
    public void tearDown() throws IOException {
      if (cpuBefore != null) {
        System.out.println(ThreadCpu.snapshot().since(cpuBefore));
      }
      close();
    }
  }

  /**
   * A repository holding 1 M artifacts; each invocation publishes 1,000 more. Before the first
   * measured invocation, the artifacts that the warm-up added are removed again (untimed), so that
   * the measured publishes go into 1.00-1.03 M artifacts, as the goal says, and not into the 1.25 M
   * that the warm-up left (bins a quarter larger, and so slower to sign).
   */
  public static class MillionPublished extends Fresh {
    int round;
    boolean trimmed;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      open();
      engine.bootstrap(repo.bootstrapRequest(BINS));
      engine.submit(ArtifactBatch.add(TestRepository.artifacts("pkg", 0, 1_000_000)));
      engine.publish();
    }

    @Setup(Level.Iteration)
    public void removeWarmUpArtifacts(IterationParams iteration) {
      if (iteration.getType() != IterationType.MEASUREMENT || trimmed) {
        return;
      }
      trimmed = true;
      List<String> added = new ArrayList<>(round * 1000);
      for (int r = 0; r < round; r++) {
        for (Artifact a : TestRepository.artifacts("more" + r, 0, 1000)) {
          added.add(a.path());
        }
      }
      if (!added.isEmpty()) {
        engine.submit(ArtifactBatch.remove(added));
        engine.publish();
      }
      System.gc();
    }

    @Setup(Level.Invocation)
    public void queueThousand() {
      List<Artifact> more = TestRepository.artifacts("more" + round++, 0, 1000);
      engine.submit(ArtifactBatch.add(more));
      cpuBefore = THREAD_CPU ? ThreadCpu.snapshot() : null;
    }

    @TearDown(Level.Invocation)
    public void cpuUsed() {
      if (cpuBefore != null) {
        System.out.println(ThreadCpu.snapshot().since(cpuBefore));
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      close();
    }
  }

  @Benchmark
  @Warmup(iterations = 2)
  @Measurement(iterations = 5)
  public Object bootstrap16384Bins(ToBootstrap s) {
    return s.engine.bootstrap(s.request);
  }

  @Benchmark
  @Warmup(iterations = 7)
  @Measurement(iterations = 3)
  public PublishResult publishMillionInto16384Bins(MillionQueued s) {
    return s.engine.publish();
  }

  @Benchmark
  @Warmup(iterations = 250)
  @Measurement(iterations = 30)
  public PublishResult publishThousandMore(MillionPublished s) {
    return s.engine.publish();
  }
}
