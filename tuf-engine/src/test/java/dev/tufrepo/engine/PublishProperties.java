package dev.tufrepo.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tufrepo.model.MetaFile;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.Snapshot;
import dev.tufrepo.model.SuccinctRoles;
import dev.tufrepo.model.TargetFile;
import dev.tufrepo.model.Timestamp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Invariants of publishing, over random sequences of adds, removes and publishes. */
class PublishProperties {

  /** One step: add (seed >= 0) or remove (seed < 0) path number {@code n}; or publish. */
  record Step(boolean publish, int n, int seed) {}

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Step> change =
        Combinators.combine(
                Arbitraries.integers().between(0, 40), Arbitraries.integers().between(-3, 5))
            .as((n, seed) -> new Step(false, n, seed));
    Arbitrary<Step> publish = Arbitraries.just(new Step(true, 0, 0));
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(6, change), net.jqwik.api.Tuple.of(1, publish))
        .list()
        .ofMinSize(1)
        .ofMaxSize(60);
  }

  /**
   * Characters around the limits of the publisher's path sort keys (U+00FE and up; surrogates
   * against U+E000..U+FFFF, where code point and UTF-16 order differ), at every position of a key.
   */
  private static final String[] TRICKY = {
    "",
    "a",
    "\u00fd",
    "\u00fe",
    "\u00ff",
    "\u0100",
    "\ue000",
    "\ud83d\ude00",
    "\uffff",
    "ab",
    "a\u00ff",
    "\u00ffa",
    "\ud83d\ude00a"
  };

  /** Path number {@code n}: plain ones in three directories, and ones with awkward characters. */
  static String path(int n) {
    return n % 2 == 0
        ? "dir" + (n % 3) + "/file-" + n + ".bin"
        : "x/" + TRICKY[n % TRICKY.length] + TRICKY[(n / 3) % TRICKY.length] + "-" + n;
  }

  @Property(tries = 40)
  void incrementalSnapshot_equalsOneComputedFromScratch(
      @ForAll("steps") List<Step> steps, @ForAll("bitLengths") int bitLength) throws IOException {
    Path dir = Files.createTempDirectory("tufrepo-prop");
    try (TestRepository repo = new TestRepository(dir);
        RepositoryEngine engine = repo.engine()) {
      engine.bootstrap(repo.bootstrapRequest(1 << bitLength));
      Map<String, TargetFile> model = new TreeMap<>();
      List<Artifact> adds = new ArrayList<>();
      List<String> removes = new ArrayList<>();
      for (Step s : steps) {
        if (s.publish) {
          flush(engine, adds, removes);
          engine.publish();
          continue;
        }
        String path = path(s.n);
        if (adds.stream().anyMatch(a -> a.path().equals(path)) || removes.contains(path)) {
          flush(engine, adds, removes); // a path once per batch
        }
        if (s.seed >= 0) {
          Artifact a = TestRepository.artifact(path, s.seed);
          adds.add(a);
          model.put(path, a.info());
        } else {
          removes.add(path);
          model.remove(path);
        }
      }
      flush(engine, adds, removes);
      engine.publish();

      // the published content is the model
      var report = repo.verify();
      assertEquals(List.of(), report.problems());
      assertEquals(model, report.targets());

      // the snapshot equals one computed from scratch from the stored files
      Timestamp ts =
          Metadata.parseTimestamp(repo.metadata.read("timestamp.json").orElseThrow()).signed();
      Snapshot snap =
          Metadata.parseSnapshot(
                  repo.metadata.read(ts.snapshotMeta().version() + ".snapshot.json").orElseThrow())
              .signed();
      Map<String, Integer> latest = new HashMap<>();
      for (String f : repo.metadata.list()) {
        String[] parts = f.split("\\.", 2);
        if (parts.length == 2 && parts[0].chars().allMatch(Character::isDigit)) {
          String role = parts[1].substring(0, parts[1].length() - ".json".length());
          if (!role.equals("root") && !role.equals("snapshot")) {
            latest.merge(role + ".json", Integer.parseInt(parts[0]), Math::max);
          }
        }
      }
      Map<String, Integer> listed = new HashMap<>();
      for (Map.Entry<String, MetaFile> e : snap.meta().entrySet()) {
        listed.put(e.getKey(), e.getValue().version());
      }
      assertEquals(latest, listed);
      // every bin holds exactly the model's targets that hash to it
      SuccinctRoles bins = new SuccinctRoles(List.of(), 1, bitLength, "bins");
      for (String bin : bins.roleNames()) {
        Map<String, TargetFile> expected = new TreeMap<>();
        model.forEach(
            (p, tf) -> {
              if (bins.roleForTarget(p).equals(bin)) {
                expected.put(p, tf);
              }
            });
        int v = listed.get(bin + ".json");
        var md = Metadata.parseTargets(repo.metadata.read(v + "." + bin + ".json").orElseThrow());
        assertEquals(expected, new TreeMap<>(md.signed().targets()), bin);
      }
    } finally {
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Provide
  Arbitrary<Integer> bitLengths() {
    return Arbitraries.integers().between(1, 4);
  }

  private static void flush(RepositoryEngine engine, List<Artifact> adds, List<String> removes) {
    if (!adds.isEmpty()) {
      engine.submit(ArtifactBatch.add(List.copyOf(adds)));
    }
    if (!removes.isEmpty()) {
      engine.submit(ArtifactBatch.remove(List.copyOf(removes)));
    }
    adds.clear();
    removes.clear();
  }
}
