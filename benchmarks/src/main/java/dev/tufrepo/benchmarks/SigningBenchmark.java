package dev.tufrepo.benchmarks;

import dev.tufrepo.model.KeyScheme;
import dev.tufrepo.model.PrivateKeySigner;
import dev.tufrepo.model.TargetFile;
import dev.tufrepo.model.Targets;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Signing a small bin on one thread with {@link PrivateKeySigner#signRaw}: the message is the
 * canonical JSON of a targets role with a few targets, about 2,400 bytes (its size is printed when
 * the trial starts). Ed25519 is what bins are signed with; ECDSA P-256 and RSA-PSS (3072-bit) are
 * measured for reference.
 *
 * <p>Goal: at least 20,000 Ed25519 signatures per second on one thread.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Benchmark)
public class SigningBenchmark {
  /** The message size aimed at: a small bin's canonical JSON. */
  static final int MESSAGE_SIZE = 2_400;

  @Param({"ED25519", "ECDSA_P256", "RSA_PSS_SHA256"})
  public KeyScheme scheme;

  PrivateKeySigner signer;
  byte[] message;

  @Setup(Level.Trial)
  public void setUp() {
    signer = PrivateKeySigner.generate(scheme, new SecureRandom());
    message = smallBin(MESSAGE_SIZE).toCanonicalJson();
    System.out.printf(
        Locale.ROOT, "%n# %s signing a %,d-byte bin%n", scheme.scheme(), message.length);
  }

  /**
   * A bin with as many targets as keep its canonical JSON at or below {@code size} bytes, the last
   * target's length chosen to land close to it.
   */
  static Targets smallBin(int size) {
    Random r = new Random(7);
    Map<String, TargetFile> files = new LinkedHashMap<>();
    Targets bin = Targets.empty(1, Fixtures.EXPIRES);
    for (String path : Fixtures.paths(1_000, 7)) {
      files.put(
          path, new TargetFile(1_024 + r.nextInt(1_000_000), Fixtures.targetFile(r).hashes()));
      Targets next = bin.withTargets(files);
      if (next.toCanonicalJson().length > size) {
        break;
      }
      bin = next;
    }
    return bin;
  }

  @Benchmark
  public byte[] signRaw() {
    return signer.signRaw(message, 0, message.length);
  }
}
