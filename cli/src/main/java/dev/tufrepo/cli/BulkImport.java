package dev.tufrepo.cli;

import dev.tufrepo.engine.Artifact;
import dev.tufrepo.engine.ArtifactBatch;
import dev.tufrepo.engine.InvalidRequestException;
import dev.tufrepo.engine.PublishResult;
import dev.tufrepo.engine.internal.ArtifactRules;
import dev.tufrepo.json.JsonWriter;
import dev.tufrepo.model.internal.Sha256;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Bulk import with bounded memory. Rows are read and checked one at a time (errors name the line).
 * Up to {@code roundRows} rows are kept in memory; beyond that, rows are spilled to partition files
 * by hash bin range. The partitions are then handed, one at a time, to the engine's bulk path
 * ({@link dev.tufrepo.engine.RepositoryEngine#importArtifacts}), which signs and writes each
 * partition's bins while the next partition is read and publishes one snapshot and one timestamp at
 * the end: every bin is signed and written once, and memory holds a few partitions. The input file
 * is the durable source: the durable queue is not used, and a failed import can be run again. A
 * path given more than once keeps its last row. With {@code --no-publish}, or a repository whose
 * targets are custom delegated roles rather than hash bins, rows go through the durable queue
 * instead, in rounds of {@code roundRows}.
 */
final class BulkImport {
  static final int PARTITIONS = 64;

  /** No row is shorter: a path, a length and 64 hex digits. */
  private static final int MIN_ROW_BYTES = 68;

  /** What the import did. */
  record Result(
      long rows, long unique, int batches, List<PublishResult> publishes, boolean spilled) {}

  private final LocalRepo repo;
  private final Progress progress;
  private final int roundRows;
  private final int chunk;
  private final boolean publish;
  private final int bitLength;
  private final List<PublishResult> publishes = new ArrayList<>();
  private int batches;
  private long unique;

  BulkImport(LocalRepo repo, Progress progress, int roundRows, int chunk, boolean publish) {
    this.repo = repo;
    this.progress = progress;
    this.roundRows = roundRows;
    this.chunk = chunk;
    this.publish = publish;
    this.bitLength = repo.engine.settings().orElseThrow().bitLength();
  }

  /** The default round size for this JVM's heap: about 2 KB of heap per row in flight. */
  static int defaultRoundRows() {
    long max = Runtime.getRuntime().maxMemory();
    return (int) Math.max(10_000, Math.min(2_000_000, max / 2048));
  }

  Result run(RowReader reader, String source, RepoCommands.CountingStream counted, long totalBytes)
      throws IOException {
    List<Artifact> mem = new ArrayList<>();
    Spill spill = null;
    long rows = 0;
    try {
      if (totalBytes / MIN_ROW_BYTES > roundRows) {
        spill = newSpill(); // surely more than one round: do not hold rows only to spill them
      }
      Artifact a;
      while ((a = reader.next()) != null) {
        check(a, source, reader.line());
        rows++;
        if (spill != null) {
          spill.write(a);
        } else {
          mem.add(a);
          if (mem.size() > roundRows) {
            spill = newSpill();
            for (Artifact m : mem) {
              spill.write(m);
            }
            mem = new ArrayList<>();
          }
        }
        if ((rows & 0x3fff) == 0) {
          progress.update(
              spill == null ? "read" : "partition",
              counted.count,
              totalBytes,
              String.format(Locale.ROOT, "%,d rows", rows));
        }
      }
      if (publish && repo.engine.usesSuccinctBins()) {
        importParts(mem, spill);
      } else if (spill == null) {
        round(mem);
      } else {
        spill.close();
        List<Path> group = new ArrayList<>();
        long groupRows = 0;
        for (int p = 0; p < PARTITIONS; p++) {
          group.add(spill.files[p]);
          groupRows += spill.counts[p];
          if (groupRows >= roundRows || p == PARTITIONS - 1) {
            List<Artifact> round = new ArrayList<>((int) Math.min(groupRows, Integer.MAX_VALUE));
            for (Path f : group) {
              try (BufferedReader br = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                RowReader rr = new RowReader(br, RowReader.Format.csv, f.toString(), true);
                Artifact x;
                while ((x = rr.next()) != null) {
                  round.add(x);
                }
              }
              Files.delete(f);
            }
            round(round);
            progress.update(
                "publish",
                p + 1,
                PARTITIONS,
                String.format(Locale.ROOT, "%d/%d partitions", p + 1, PARTITIONS));
            group.clear();
            groupRows = 0;
          }
        }
      }
    } finally {
      if (spill != null) {
        spill.delete();
      }
    }
    return new Result(rows, unique, batches, publishes, spill != null);
  }

  /**
   * The partition of {@code path}: the top bits of its bin index, so a partition holds whole bins.
   */
  private int partition(String path) {
    int bits = Math.min(Integer.numberOfTrailingZeros(PARTITIONS), bitLength);
    return bits == 0 ? 0 : (int) ((Sha256.prefix32(path) & 0xFFFFFFFFL) >>> (32 - bits));
  }

  /** Feeds the rows, partition by partition, to the engine's bulk import: one publish. */
  private void importParts(List<Artifact> mem, Spill spill) throws IOException {
    Iterator<List<Artifact>> parts;
    if (spill == null) {
      List<List<Artifact>> byPart = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        byPart.add(new ArrayList<>());
      }
      for (Artifact a : mem) {
        byPart.get(partition(a.path())).add(a);
      }
      mem.clear();
      byPart.removeIf(List::isEmpty);
      batches = byPart.size();
      parts = byPart.iterator();
    } else {
      spill.close();
      parts = spill.parts();
    }
    if (!parts.hasNext()) {
      return;
    }
    PublishResult r = repo.engine.importArtifacts(parts);
    unique = r.added();
    if (!r.isEmpty()) {
      publishes.add(r);
    }
  }

  private Spill newSpill() throws IOException {
    return new Spill(
        repo.dir.resolve(
            "import-spill-" + ProcessHandle.current().pid() + "-" + System.nanoTime()));
  }

  private static void check(Artifact a, String source, long line) {
    try {
      ArtifactRules.checkPath(a.path(), "path");
      ArtifactRules.checkInfo(a.info(), "info");
    } catch (InvalidRequestException e) {
      String field = e.field().startsWith("info.") ? e.field().substring(5) : e.field();
      throw CliException.invalid(source + " line " + line + ": " + field + ": " + e.reason());
    }
  }

  /** Queues {@code rows} (last row per path wins) in chunks, then publishes once. */
  private void round(List<Artifact> rows) {
    if (rows.isEmpty()) {
      return;
    }
    Map<String, Artifact> byPath = new LinkedHashMap<>(rows.size() * 4 / 3 + 1);
    for (Artifact a : rows) {
      byPath.put(a.path(), a); // a later row for the same path replaces the earlier one
    }
    rows.clear();
    unique += byPath.size();
    Collection<Artifact> values = byPath.values();
    List<Artifact> buf = new ArrayList<>(Math.min(chunk, values.size()));
    for (Artifact a : values) {
      buf.add(a);
      if (buf.size() >= chunk) {
        repo.engine.submit(ArtifactBatch.add(buf));
        batches++;
        buf = new ArrayList<>(Math.min(chunk, values.size()));
      }
    }
    if (!buf.isEmpty()) {
      repo.engine.submit(ArtifactBatch.add(buf));
      batches++;
    }
    byPath.clear();
    if (publish) {
      PublishResult r = repo.engine.publish();
      if (!r.isEmpty()) {
        publishes.add(r);
      }
    }
  }

  /** Partition files by bin range, rows written as CSV (or JSON when CSV cannot carry them). */
  private final class Spill {
    final Path dir;
    final Path[] files = new Path[PARTITIONS];
    final long[] counts = new long[PARTITIONS];
    private final BufferedWriter[] writers = new BufferedWriter[PARTITIONS];

    Spill(Path dir) throws IOException {
      this.dir = Files.createDirectories(dir);
      for (int p = 0; p < PARTITIONS; p++) {
        files[p] = dir.resolve("part-" + p);
        writers[p] = Files.newBufferedWriter(files[p], StandardCharsets.UTF_8);
      }
    }

    void write(Artifact a) throws IOException {
      int p = partition(a.path());
      BufferedWriter w = writers[p];
      counts[p]++;
      String path = a.path();
      if (a.info().custom() == null && plain(path) && a.info().hashes().size() <= 2) {
        w.write(path);
        w.write(',');
        w.write(Long.toString(a.info().length()));
        w.write(',');
        w.write(a.info().hashes().get("sha256"));
        String s512 = a.info().hashes().get("sha512");
        if (s512 != null) {
          w.write(',');
          w.write(s512);
        }
      } else {
        JsonWriter j = JsonWriter.json(256);
        j.beginObject().name("info");
        a.info().writeTo(j);
        j.name("path").value(path).endObject();
        w.write(new String(j.toByteArray(), StandardCharsets.UTF_8));
      }
      w.write('\n');
    }

    /** The non-empty partitions in bin order, each read back (and deleted) when it is reached. */
    Iterator<List<Artifact>> parts() {
      return new Iterator<>() {
        int next = advance(0);

        private int advance(int from) {
          int p = from;
          while (p < PARTITIONS && counts[p] == 0) {
            p++;
          }
          return p;
        }

        @Override
        public boolean hasNext() {
          return next < PARTITIONS;
        }

        @Override
        public List<Artifact> next() {
          if (!hasNext()) {
            throw new java.util.NoSuchElementException();
          }
          int p = next;
          next = advance(p + 1);
          batches++;
          try {
            List<Artifact> rows = read(p);
            Files.delete(files[p]);
            progress.update(
                "publish",
                p + 1,
                PARTITIONS,
                String.format(Locale.ROOT, "%d/%d partitions", p + 1, PARTITIONS));
            return rows;
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };
    }

    List<Artifact> read(int p) throws IOException {
      List<Artifact> rows = new ArrayList<>((int) Math.min(counts[p], Integer.MAX_VALUE));
      try (BufferedReader br = Files.newBufferedReader(files[p], StandardCharsets.UTF_8)) {
        RowReader rr = new RowReader(br, RowReader.Format.csv, files[p].toString(), true);
        Artifact x;
        while ((x = rr.next()) != null) {
          rows.add(x);
        }
      }
      return rows;
    }

    private static boolean plain(String path) {
      char c = path.charAt(0);
      return c != '{'
          && c != '"'
          && c != '#'
          && !path.startsWith("path,")
          && path.indexOf('\n') < 0
          && path.indexOf('\r') < 0;
    }

    void close() throws IOException {
      for (BufferedWriter w : writers) {
        w.close();
      }
    }

    void delete() {
      try {
        close();
      } catch (IOException ignored) {
        // already closed
      }
      try (var s = Files.list(dir)) {
        for (Path f : (Iterable<Path>) s::iterator) {
          Files.deleteIfExists(f);
        }
        Files.deleteIfExists(dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
