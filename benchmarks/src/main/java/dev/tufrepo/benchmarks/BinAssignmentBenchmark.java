package dev.tufrepo.benchmarks;

import dev.tufrepo.model.SuccinctRoles;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Assigning target paths to succinct hash bins ({@link SuccinctRoles#binIndex}, the first 14 bits
 * of SHA-256 of the path, 16,384 bins) over 1,024 distinct paths like {@code
 * packages/<name>/<name>-<version>.tar.gz}. One operation is one path.
 *
 * <p>Goal: at least 5 million paths per second on one thread.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Thread)
public class BinAssignmentBenchmark {
  /** Number of distinct paths assigned per invocation. */
  public static final int PATHS = 1_024;

  SuccinctRoles bins;
  String[] paths;

  @Setup(Level.Trial)
  public void setUp() {
    bins = new SuccinctRoles(List.of("ab".repeat(32)), 1, 14, "bins");
    paths = Fixtures.paths(PATHS, 3).toArray(new String[0]);
  }

  @Benchmark
  @OperationsPerInvocation(PATHS)
  public long binIndex() {
    long sum = 0;
    for (String path : paths) {
      sum += bins.binIndex(path);
    }
    return sum;
  }
}
