package dev.tufrepo.benchmarks;

import dev.tufrepo.json.JsonWriter;
import dev.tufrepo.model.Targets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Canonical JSON encoding (the bytes TUF signs) of a targets role with 10,000 targets: paths like
 * {@code packages/<name>/<name>-<version>.tar.gz}, a length, SHA-256 and SHA-512 hex digests, and a
 * {@code custom} object on about one target in five (about 3.2 MB encoded).
 *
 * <p>Goal: at least 500 MB/s on one thread. The {@code bytes} secondary result of each benchmark is
 * the encoded bytes per second ({@code bytes/s / 1e6} is MB/s); the encoded size is also printed
 * when the trial starts, so MB/s = ops/s &times; size / 1e6.
 *
 * <ul>
 *   <li>{@link #toCanonicalJson}: {@code JsonWritable.toCanonicalJson()}, as {@code
 *       Metadata.signedBytes()} calls it: a fresh writer whose buffer grows from 1 kB, then a copy.
 *   <li>{@link #reusedWriter}: one writer {@linkplain JsonWriter#reset() reset} and refilled, its
 *       buffer already large enough: the encoding alone, without allocation.
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class CanonicalJsonBenchmark {
  /** Number of targets in the encoded role. */
  public static final int TARGETS = 10_000;

  Targets targets;
  int encodedSize;

  /** Counts the bytes encoded, reported as a rate next to ops/s. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Bytes {
    /** Encoded bytes; JMH reports it per second. */
    public long bytes;

    @Setup(Level.Iteration)
    public void clear() {
      bytes = 0;
    }
  }

  /** A writer per thread, kept across invocations. */
  @State(Scope.Thread)
  public static class Writer {
    JsonWriter writer;

    @Setup(Level.Trial)
    public void setUp(CanonicalJsonBenchmark b) {
      writer = JsonWriter.canonical(b.encodedSize);
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    targets = Fixtures.targets(TARGETS, 1);
    encodedSize = targets.toCanonicalJson().length;
    System.out.printf(
        Locale.ROOT,
        "%n# targets role: %,d targets, %,d canonical bytes (MB/s = ops/s x %.4f)%n",
        TARGETS,
        encodedSize,
        encodedSize / 1e6);
  }

  @Benchmark
  public byte[] toCanonicalJson(Bytes counter) {
    byte[] bytes = targets.toCanonicalJson();
    counter.bytes += bytes.length;
    return bytes;
  }

  @Benchmark
  public int reusedWriter(Writer w, Bytes counter) {
    JsonWriter writer = w.writer;
    writer.reset();
    targets.writeTo(writer);
    int size = writer.size();
    counter.bytes += size;
    return size;
  }
}
