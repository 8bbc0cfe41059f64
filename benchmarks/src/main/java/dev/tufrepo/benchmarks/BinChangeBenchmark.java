package dev.tufrepo.benchmarks;

import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.json.JsonWriter;
import dev.tufrepo.model.TargetFile;
import java.util.List;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The artifact index's side of re-signing a bin, on bins held as the engine's cache holds them
 * ({@link Json#compact compact}: keys and canonical bytes in runs of about 1 kB): 4,096 bins of 61
 * targets each, as a repository of 250,000 targets in 4,096 bins, or 1 M in 16,384, has them.
 *
 * <ul>
 *   <li>{@link #addOneRemoveOne}: one bin gets a new target (its member encoded ahead, as the
 *       engine encodes an artifact when its batch is read) and loses its oldest, so that the bins
 *       keep their size; the bins are taken in turn, so each change finds its bin out of the CPU's
 *       caches, as a publish does.
 *   <li>{@link #writeBin}: a bin's targets written into a reused writer, as signing a bin writes
 *       them: copies of its runs.
 * </ul>
 *
 * <p>Run with {@code java -jar benchmarks/target/benchmarks.jar BinChangeBenchmark}. Not a goal of
 * an issue: it measures the cost per bin that the engine's {@code apply} stage and its signing pay,
 * to compare ways of holding a bin.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Thread)
public class BinChangeBenchmark {
  /** Number of bins; a power of two. */
  public static final int BINS = 4096;

  /** Targets per bin. */
  public static final int PER_BIN = 61;

  /** New paths, used in turn; a multiple of {@link #BINS}, so a path always goes to one bin. */
  private static final int POOL = 1 << 18;

  private SortedMap<String, TargetFile>[] bins;

  /** Per bin, its paths in the order they are removed: first in, first out. */
  private String[][] held;

  private String[] pool;
  private TargetFile[] poolFiles;
  private Json.EncodedMember[] poolMembers;
  private final JsonWriter writer = JsonWriter.canonical(64 * 1024);
  private final String[] keys = new String[2];
  private final Object[] values = new Object[2];
  private final Json.EncodedMember[] encoded = new Json.EncodedMember[2];
  private long changes;
  private int written;

  @Setup
  @SuppressWarnings("unchecked")
  public void setUp() {
    Random r = new Random(7);
    List<String> paths = Fixtures.paths(BINS * PER_BIN + POOL, 7);
    bins = new SortedMap[BINS];
    held = new String[BINS][PER_BIN];
    for (int b = 0; b < BINS; b++) {
      TreeMap<String, TargetFile> bin = new TreeMap<>(Json.CODE_POINT_ORDER);
      for (int i = 0; i < PER_BIN; i++) {
        String path = paths.get(b * PER_BIN + i);
        bin.put(path, Fixtures.targetFile(r));
        held[b][i] = path; // the fixtures' paths are in random order
      }
      bins[b] = Json.compact(bin, BinChangeBenchmark::decode);
    }
    // encoded ahead, as the engine encodes an artifact once, when its batch is read; a path added
    // again (after POOL changes) was removed long before (after PER_BIN * BINS changes)
    Json.MemberEncoder encoder = new Json.MemberEncoder();
    pool = new String[POOL];
    poolFiles = new TargetFile[POOL];
    poolMembers = new Json.EncodedMember[POOL];
    for (int i = 0; i < POOL; i++) {
      pool[i] = paths.get(BINS * PER_BIN + i);
      poolFiles[i] = Fixtures.targetFile(r);
      poolMembers[i] = encoder.encode(pool[i], poolFiles[i]);
    }
  }

  private static TargetFile decode(String path, JsonValue json) {
    return TargetFile.fromJson(json, path);
  }

  /**
   * Adds a new target to the next bin and removes the one that has been in it longest, so the bins
   * keep their size and both changes fall at random places in it; returns the bin's new size.
   */
  @Benchmark
  public int addOneRemoveOne() {
    long k = changes++;
    int b = (int) (k & (BINS - 1));
    int slot = (int) ((k / BINS) % PER_BIN);
    int p = (int) (k & (POOL - 1));
    String removed = held[b][slot];
    String path = pool[p];
    held[b][slot] = path;
    int first = Json.CODE_POINT_ORDER.compare(removed, path) < 0 ? 0 : 1;
    keys[first] = removed;
    values[first] = null;
    encoded[first] = null;
    keys[1 - first] = path;
    values[1 - first] = poolFiles[p];
    encoded[1 - first] = poolMembers[p];
    SortedMap<String, TargetFile> changed = Json.withChanges(bins[b], keys, values, encoded, 2);
    bins[b] = changed;
    return changed.size();
  }

  /** Writes the next bin's targets; returns the bytes written. */
  @Benchmark
  public int writeBin() {
    SortedMap<String, TargetFile> bin = bins[written++ & (BINS - 1)];
    writer.reset();
    Json.writeObject(writer, bin);
    return writer.size();
  }
}
