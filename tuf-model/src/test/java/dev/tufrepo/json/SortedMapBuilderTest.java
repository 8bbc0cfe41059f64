package dev.tufrepo.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SortedMapBuilderTest {

  @Test
  void build_keysInAnyOrder_sameMapAsTreeMapInCodePointOrder() {
    // U+FF61 sorts before U+1F600 by code point, after it in UTF-16 (a surrogate pair)
    List<String> keys =
        new ArrayList<>(List.of("b", "a", "\uFF61", "\uD83D\uDE00", "aa", "", "B", "a\u0000"));
    for (long seed = 0; seed < 20; seed++) {
      Collections.shuffle(keys, new Random(seed));
      Json.SortedMapBuilder<Integer> builder = new Json.SortedMapBuilder<>(2);
      TreeMap<String, Integer> expected = new TreeMap<>(Json.CODE_POINT_ORDER);
      for (int i = 0; i < keys.size(); i++) {
        builder.put(keys.get(i), i);
        expected.put(keys.get(i), i);
      }
      SortedMap<String, Integer> built = builder.build();
      assertEquals(expected, built);
      assertEquals(List.copyOf(expected.keySet()), List.copyOf(built.keySet()));
      assertEquals(Json.sortedMap(expected), built);
      assertEquals(Json.sortedMap(expected).hashCode(), built.hashCode());
    }
  }

  @Test
  void put_sameKeyAgain_returnsPreviousValueAndLastOneWins() {
    Json.SortedMapBuilder<String> inOrder = new Json.SortedMapBuilder<>();
    assertNull(inOrder.put("a", "1"));
    assertEquals("1", inOrder.put("a", "2"));
    assertNull(inOrder.put("b", "3"));
    assertEquals("2", inOrder.put("a", "4")); // out of order: through the tree
    assertEquals("4", inOrder.build().get("a"));
    assertEquals(2, inOrder.build().size());
  }

  @Test
  void build_nothingAdded_emptyMap_nullsRefused() {
    Json.SortedMapBuilder<String> builder = new Json.SortedMapBuilder<>();
    assertEquals(0, builder.build().size());
    assertThrows(NullPointerException.class, () -> builder.put(null, "x"));
    assertThrows(NullPointerException.class, () -> builder.put("x", null));
  }

  @Test
  void frozenMaps_differentValueOrKey_notEqual() {
    TreeMap<String, Integer> a = new TreeMap<>(Json.CODE_POINT_ORDER);
    a.put("x", 1);
    a.put("y", 2);
    TreeMap<String, Integer> b = new TreeMap<>(a);
    b.put("y", 3);
    TreeMap<String, Integer> c = new TreeMap<>(Json.CODE_POINT_ORDER);
    c.put("x", 1);
    c.put("z", 2);
    assertEquals(Json.sortedMap(a), Json.sortedMap(new TreeMap<>(a)));
    assertEquals(false, Json.sortedMap(a).equals(Json.sortedMap(b)));
    assertEquals(false, Json.sortedMap(a).equals(Json.sortedMap(c)));
    assertEquals(Json.sortedMap(a), a);
  }
}
