package dev.tufrepo.engine.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.engine.PublishVerificationException;
import dev.tufrepo.json.Json;
import dev.tufrepo.model.MetaFile;
import dev.tufrepo.model.SuccinctRoles;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

/** The snapshot checks that walk two sorted maps side by side, against a plain lookup. */
class ClientCheckWalkProperties {
  private static final SuccinctRoles BINS = new SuccinctRoles(List.of("k"), 1, 4, "bins");

  private static Map<String, MetaFile> meta(Map<String, Integer> versions) {
    Map<String, MetaFile> m = new TreeMap<>(Json.CODE_POINT_ORDER);
    versions.forEach((k, v) -> m.put(k, MetaFile.of(v)));
    return Json.sortedMap(m);
  }

  /** The 16 bins, minus those whose bit is set in {@code missing}, plus other roles. */
  @Property
  void listsEveryBin_failsExactlyWhenABinIsMissing_namingTheFirst(
      @ForAll @IntRange(min = 0, max = 0xFFFF) int missing,
      @ForAll @Size(max = 5) List<@StringLength(min = 1, max = 12) String> others) {
    Map<String, Integer> versions = new TreeMap<>();
    for (String o : others) {
      versions.put(o + ".json", 1);
    }
    versions.put("targets.json", 1);
    String firstMissing = null;
    for (int i = 0; i < 16; i++) {
      String bin = BINS.roleName(i) + ".json";
      if ((missing >>> i & 1) == 0) {
        versions.put(bin, 1);
      } else if (firstMissing == null && !versions.containsKey(bin)) {
        firstMissing = bin;
      }
    }
    Map<String, MetaFile> meta = meta(versions);
    if (firstMissing == null) {
      assertDoesNotThrow(() -> ClientCheck.listsEveryBin(meta, BINS));
    } else {
      PublishVerificationException e =
          assertThrows(
              PublishVerificationException.class, () -> ClientCheck.listsEveryBin(meta, BINS));
      assertTrue(e.getMessage().contains(firstMissing), e.getMessage());
    }
  }

  @Property
  void noRollback_failsExactlyWhenAnEntryIsDroppedOrGoesBack(
      @ForAll @Size(max = 12)
          Map<@StringLength(min = 1, max = 6) String, @IntRange(min = 1, max = 4) Integer> previous,
      @ForAll @Size(max = 12)
          Map<@StringLength(min = 1, max = 6) String, @IntRange(min = 1, max = 4) Integer> next) {
    boolean ok = true;
    for (Map.Entry<String, Integer> e : previous.entrySet()) {
      Integer v = next.get(e.getKey());
      ok &= v != null && v >= e.getValue();
    }
    Map<String, MetaFile> prev = meta(previous);
    Map<String, MetaFile> nxt = meta(next);
    if (ok) {
      assertDoesNotThrow(() -> ClientCheck.noRollback(prev, nxt));
    } else {
      assertThrows(PublishVerificationException.class, () -> ClientCheck.noRollback(prev, nxt));
    }
    assertEquals(ok, !throwsFor(prev, nxt));
  }

  private static boolean throwsFor(Map<String, MetaFile> prev, Map<String, MetaFile> next) {
    try {
      ClientCheck.noRollback(prev, next);
      return false;
    } catch (PublishVerificationException e) {
      return true;
    }
  }
}
