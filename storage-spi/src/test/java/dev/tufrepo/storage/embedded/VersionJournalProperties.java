package dev.tufrepo.storage.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.storage.PublishCommit;
import dev.tufrepo.storage.RoleVersion;
import dev.tufrepo.storage.StateStore;
import dev.tufrepo.storage.jdbc.JdbcStateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * Against a plain map: whatever mix of committed publishes (any subset of roles), publishes whose
 * commit fails after their journal record is written, and reopens, with full records as often as
 * every few entries, the store's role versions are exactly the committed ones, and the journal
 * keeps at most two files.
 */
class VersionJournalProperties {
  private static final Instant T0 = Instant.parse("2031-05-06T07:08:09Z");

  sealed interface Step permits Commit, FailedCommit, Reopen {}

  /** Sets the roles whose bit is set in {@code mask} to the next version. */
  record Commit(int mask) implements Step {}

  /** As {@link Commit}, but the database transaction fails after the record is written. */
  record FailedCommit(int mask) implements Step {}

  record Reopen() implements Step {}

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Integer> masks = Arbitraries.integers().between(1, (1 << 12) - 1);
    Arbitrary<Step> commit = masks.map(Commit::new);
    Arbitrary<Step> failed = masks.map(FailedCommit::new);
    Arbitrary<Step> reopen = Arbitraries.just(new Reopen());
    return Arbitraries.frequencyOf(Tuple.of(6, commit), Tuple.of(2, failed), Tuple.of(1, reopen))
        .list()
        .ofMaxSize(40);
  }

  @Property(tries = 60)
  void roleVersions_afterAnySteps_equalTheCommittedOnes(
      @ForAll("steps") List<Step> steps, @ForAll @IntRange(min = 1, max = 16) int floor)
      throws IOException {
    Path dir = Files.createTempDirectory("version-journal");
    StateStore store = open(dir, floor);
    Map<String, RoleVersion> model = new HashMap<>();
    int version = 0;
    try {
      for (Step step : steps) {
        if (step instanceof Reopen) {
          store.close();
          store = open(dir, floor);
        } else {
          int mask = step instanceof Commit c ? c.mask() : ((FailedCommit) step).mask();
          Map<String, RoleVersion> changes = changes(mask, ++version);
          PublishCommit commit = new PublishCommit(0, changes, List.of(), List.of(), Map.of());
          if (step instanceof Commit) {
            store.commitPublish(commit);
            model.putAll(changes);
          } else {
            StateStore s = store;
            assertThrows(
                IllegalStateException.class,
                () ->
                    s.commitPublish(
                        commit,
                        () -> {
                          throw new IllegalStateException("flush failed");
                        }));
          }
        }
        assertEquals(model, store.roleVersions());
        assertTrue(journalFiles(dir) <= 2, "journal files: " + journalFiles(dir));
      }
      store.close();
      store = open(dir, floor);
      assertEquals(model, store.roleVersions());
    } finally {
      store.close();
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static Map<String, RoleVersion> changes(int mask, int version) {
    Map<String, RoleVersion> out = new HashMap<>();
    for (int i = 0; i < 12; i++) {
      if ((mask & (1 << i)) != 0) {
        out.put("role-" + i, new RoleVersion(version, T0.plusSeconds(version * 60L + i)));
      }
    }
    return out;
  }

  private static long journalFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("state").resolve("queue"))) {
      return files.filter(p -> p.getFileName().toString().startsWith("versions-")).count();
    }
  }

  private static StateStore open(Path dir, int floor) {
    return QueueLogStateStore.open(
        JdbcStateStore.h2(dir), dir.resolve("state").resolve("queue"), false, 1 << 20, floor);
  }
}
