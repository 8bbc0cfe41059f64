package dev.tufrepo.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class WithChangesProperties {

  @Provide
  Arbitrary<Map<String, Integer>> maps() {
    return Arbitraries.maps(keys(), Arbitraries.integers().between(0, 9)).ofMaxSize(30);
  }

  @Provide
  Arbitrary<Map<String, Integer>> changes() {
    // -1 stands for a removal
    return Arbitraries.maps(keys(), Arbitraries.integers().between(-1, 9)).ofMaxSize(12);
  }

  private static Arbitrary<String> keys() {
    // a small alphabet, so that changes often hit existing keys; and the code point trap
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars("abc").ofMaxLength(3), JsonTreeArbitraries.keys(false));
  }

  @Property
  void withChanges_anyBaseAndChanges_sameAsApplyingThemToATreeMap(
      @ForAll("maps") Map<String, Integer> base, @ForAll("changes") Map<String, Integer> changes) {
    TreeMap<String, Integer> expected = new TreeMap<>(Json.CODE_POINT_ORDER);
    expected.putAll(base);
    TreeMap<String, Integer> sortedChanges = new TreeMap<>(Json.CODE_POINT_ORDER);
    sortedChanges.putAll(changes);
    List<String> keys = new ArrayList<>();
    List<Integer> values = new ArrayList<>();
    sortedChanges.forEach(
        (k, v) -> {
          keys.add(k);
          values.add(v < 0 ? null : v);
          if (v < 0) {
            expected.remove(k);
          } else {
            expected.put(k, v);
          }
        });

    SortedMap<String, Integer> actual =
        Json.withChanges(
            Json.sortedMap(base), keys.toArray(new String[0]), values.toArray(), keys.size());

    assertEquals(expected, actual);
    assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()));
    assertEquals(Json.sortedMap(expected), actual);
  }

  @Test
  void withChanges_keysNotAscending_refused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Json.withChanges(Map.of(), new String[] {"b", "a"}, new Object[] {1, 2}, 2));
    assertThrows(
        IllegalArgumentException.class,
        () -> Json.withChanges(Map.of(), new String[] {"a", "a"}, new Object[] {1, 2}, 2));
  }

  @Test
  void withChanges_everythingRemoved_emptyMap() {
    SortedMap<String, Integer> none =
        Json.withChanges(Map.of("a", 1), new String[] {"a"}, new Object[] {null}, 1);
    assertEquals(0, none.size());
  }
}
