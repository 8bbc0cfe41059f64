package dev.tufrepo.benchmarks;

import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonString;
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
 * canonical JSON of a targets role with a few targets, by default 2,400 bytes. Ed25519 is what bins
 * are signed with; ECDSA P-256 and RSA-PSS (3072-bit) are measured for reference.
 *
 * <p>Goal: at least 20,000 Ed25519 signatures per second on one thread.
 *
 * <p>{@code -p messageSize=8700} signs a bin as large as those the engine and REST benchmarks
 * re-sign (1 M targets in 16,384 bins: about 61 targets, 8.7 kB a bin). Ed25519 hashes the message
 * twice with SHA-512, so at that size hashing takes about as long as the curve arithmetic, and the
 * figure bounds how fast any publish of that repository can be.
 *
 * <p>{@code signEightTogether} signs eight such bins in one {@link PrivateKeySigner#signAll} call,
 * as the engine's signing threads do; its figure is per signature. With Ed25519 and the Vector API
 * module resolved (this benchmark's fork resolves it) the eight SHA-512 passes run side by side.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@Threads(1)
@State(Scope.Benchmark)
public class SigningBenchmark {
  @Param({"ED25519", "ECDSA_P256", "RSA_PSS_SHA256"})
  public KeyScheme scheme;

  /** The size of the bin's canonical JSON: a small bin by default. */
  @Param({"2400"})
  public int messageSize;

  PrivateKeySigner signer;
  byte[] message;
  byte[][] eight;
  int[] eightLengths;

  @Setup(Level.Trial)
  public void setUp() {
    signer = PrivateKeySigner.generate(scheme, new SecureRandom());
    message = smallBin(messageSize).toCanonicalJson();
    eight = new byte[8][];
    eightLengths = new int[8];
    for (int i = 0; i < 8; i++) {
      eight[i] = message.clone();
      eight[i][eight[i].length / 2] ^= (byte) i; // eight messages of one size, each different
      eightLengths[i] = message.length;
    }
    System.out.printf(
        Locale.ROOT, "%n# %s signing a %,d-byte bin%n", scheme.scheme(), message.length);
  }

  /**
   * A bin of exactly {@code size} canonical bytes: as many targets as fit, the last one padded with
   * a {@code custom} note to make up the difference.
   */
  static Targets smallBin(int size) {
    Random r = new Random(7);
    Map<String, TargetFile> files = new LinkedHashMap<>();
    String last = null;
    for (String path : Fixtures.paths(1_000, 7)) {
      TargetFile file =
          new TargetFile(1_024 + r.nextInt(1_000_000), Fixtures.targetFile(r).hashes());
      files.put(path, file.withCustom(note("")));
      if (bin(files).toCanonicalJson().length > size) {
        files.remove(path);
        break;
      }
      files.put(path, file);
      last = path;
    }
    TargetFile padded = files.get(last);
    files.put(last, padded.withCustom(note("")));
    int missing = size - bin(files).toCanonicalJson().length;
    files.put(last, padded.withCustom(note("x".repeat(missing))));
    Targets bin = bin(files);
    if (bin.toCanonicalJson().length != size) {
      throw new IllegalStateException("bin is not " + size + " bytes");
    }
    return bin;
  }

  private static Targets bin(Map<String, TargetFile> files) {
    return Targets.empty(1, Fixtures.EXPIRES).withTargets(files);
  }

  private static JsonObject note(String text) {
    return JsonObject.of(Map.of("note", new JsonString(text)));
  }

  @Benchmark
  public byte[] signRaw() {
    return signer.signRaw(message, 0, message.length);
  }

  @Benchmark
  @org.openjdk.jmh.annotations.OperationsPerInvocation(8)
  public java.util.List<dev.tufrepo.model.Signature> signEightTogether() {
    return signer.signAll(eight, eightLengths);
  }
}
