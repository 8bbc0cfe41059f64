package dev.tufrepo.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
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

  @Provide
  Arbitrary<java.util.Set<String>> largeKeySets() {
    // past KeyIndex.MIN_KEYS (256); "Aa" and "BB" have the same String.hashCode, so keys made of
    // these letters collide in the index and are found by probing; and the code point trap
    Arbitrary<String> key =
        Arbitraries.oneOf(
            Arbitraries.strings().withChars("AaBb").ofMinLength(1).ofMaxLength(7),
            JsonTreeArbitraries.keys(false));
    return key.set().ofMinSize(250).ofMaxSize(600);
  }

  /**
   * Rounds of changes to a map large enough to be looked up through its hash index: rounds that
   * only replace values (the new map shares the keys and the index), rounds that add and remove.
   * After each round every key is found with its value, and keys not in it are not.
   */
  @Property(tries = 200)
  void withChanges_largeMaps_lookupsSameAsATreeMap(
      @ForAll("largeKeySets") java.util.Set<String> keySet, @ForAll long seed) {
    java.util.Random random = new java.util.Random(seed);
    TreeMap<String, Integer> expected = new TreeMap<>(Json.CODE_POINT_ORDER);
    for (String k : keySet) {
      expected.put(k, random.nextInt(10));
    }
    SortedMap<String, Integer> actual = Json.sortedMap(expected);
    for (int round = 0; round < 6; round++) {
      boolean replaceOnly = round % 2 == 0;
      TreeMap<String, Integer> changes = new TreeMap<>(Json.CODE_POINT_ORDER);
      List<String> present = new ArrayList<>(expected.keySet());
      for (int c = 0; c < 20 && !present.isEmpty(); c++) {
        int kind = replaceOnly ? 0 : random.nextInt(3);
        if (kind == 0) {
          changes.put(present.get(random.nextInt(present.size())), random.nextInt(10));
        } else if (kind == 1) {
          changes.put("new" + random.nextInt(1000), random.nextInt(10));
        } else {
          changes.put(present.get(random.nextInt(present.size())), null);
        }
      }
      String[] keys = changes.keySet().toArray(new String[0]);
      Object[] values = changes.values().toArray();
      changes.forEach(
          (k, v) -> {
            if (v == null) {
              expected.remove(k);
            } else {
              expected.put(k, v);
            }
          });
      actual = Json.withChanges(actual, keys, values, keys.length);

      assertEquals(expected, actual);
      for (Map.Entry<String, Integer> e : expected.entrySet()) {
        assertEquals(e.getValue(), actual.get(e.getKey()), e.getKey());
      }
      for (String probe : List.of("zz", "new" + random.nextInt(1000), "AaAa", "BBBB", "")) {
        assertEquals(expected.get(probe), actual.get(probe), probe);
        assertEquals(expected.containsKey(probe), actual.containsKey(probe), probe);
      }
    }
  }

  /**
   * 512 keys with one hash code ("Aa" and "BB" hash alike, and so does any string of nine of them):
   * the index would put them all in a row, so the map is searched by halves instead, and still
   * finds every key, also after changes.
   */
  @Test
  void largeMap_keysWithOneHashCode_noIndex_lookupsStillRight() {
    TreeMap<String, Integer> expected = new TreeMap<>(Json.CODE_POINT_ORDER);
    for (int bits = 0; bits < 512; bits++) {
      StringBuilder key = new StringBuilder();
      for (int b = 0; b < 9; b++) {
        key.append((bits >>> b & 1) == 0 ? "Aa" : "BB");
      }
      expected.put(key.toString(), bits);
    }
    assertEquals(1, expected.keySet().stream().mapToInt(String::hashCode).distinct().count());
    SortedMap<String, Integer> map = Json.sortedMap(expected);
    assertEquals(false, Json.indexed(map));
    String first = expected.firstKey();
    map = Json.withChanges(map, new String[] {first}, new Object[] {-1}, 1);
    expected.put(first, -1);
    for (Map.Entry<String, Integer> e : expected.entrySet()) {
      assertEquals(e.getValue(), map.get(e.getKey()), e.getKey());
    }
    assertEquals(null, map.get("AaAaAaAaAaAaAaAaAa" + "x"));
  }

  @Test
  void largeMap_ordinaryKeys_indexed_andTheIndexSharedWhenOnlyValuesChange() {
    TreeMap<String, Integer> base = new TreeMap<>(Json.CODE_POINT_ORDER);
    for (int i = 0; i < 16_384; i++) {
      base.put(String.format("bins-%04x.json", i), i);
    }
    SortedMap<String, Integer> map = Json.sortedMap(base);
    assertEquals(true, Json.indexed(map));
    SortedMap<String, Integer> next =
        Json.withChanges(map, new String[] {"bins-0001.json"}, new Object[] {7}, 1);
    assertEquals(7, next.get("bins-0001.json"));
    assertEquals(2, next.get("bins-0002.json"));
    assertEquals(true, Json.indexed(next));
  }

  /** A value that writes itself, with text that needs escaping now and then. */
  private record Note(String text) implements JsonWritable {
    @Override
    public void writeTo(JsonWriter w) {
      w.beginObject().name("n").value(text).name("x").value(text.length()).endObject();
    }
  }

  @Provide
  Arbitrary<List<Map<String, String>>> rounds() {
    Arbitrary<String> text =
        Arbitraries.oneOf(
            Arbitraries.strings().withChars("xy\"\\\u00e9\n").ofMaxLength(4),
            Arbitraries.just("-")); // "-" stands for a removal
    return Arbitraries.maps(keys(), text).ofMaxSize(12).list().ofMinSize(1).ofMaxSize(4);
  }

  /** Canonical bytes written the slow way, member by member, from a plain TreeMap. */
  private static byte[] encodedFresh(Map<String, Note> map) {
    TreeMap<String, Note> tree = new TreeMap<>(Json.CODE_POINT_ORDER);
    tree.putAll(map);
    JsonWriter w = JsonWriter.canonical();
    w.beginObject();
    tree.forEach(
        (k, v) -> {
          w.name(k);
          v.writeTo(w);
        });
    w.endObject();
    return w.toByteArray();
  }

  private static byte[] written(Map<String, Note> map, JsonWriter w) {
    w.beginArray().value(1); // inside an array after a value: the copy must add the comma
    Json.writeObject(w, map);
    w.endArray();
    byte[] all = w.toByteArray();
    return java.util.Arrays.copyOfRange(all, 3, all.length - 1);
  }

  @Property
  void writeObject_afterRoundsOfChanges_copiedBytesEqualAFreshEncoding(
      @ForAll("rounds") List<Map<String, String>> rounds,
      @ForAll boolean encodeBaseFirst,
      @ForAll boolean emptyBase,
      @ForAll boolean encodeAhead) {
    SortedMap<String, Note> map =
        emptyBase ? Json.sortedMap(Map.of()) : Json.sortedMap(Map.of("b", new Note("base")));
    if (encodeBaseFirst) {
      written(map, JsonWriter.canonical()); // the base keeps its bytes; later maps copy them
    }
    Json.MemberEncoder ahead = new Json.MemberEncoder();
    int changeNo = 0;
    for (Map<String, String> round : rounds) {
      TreeMap<String, String> sorted = new TreeMap<>(Json.CODE_POINT_ORDER);
      sorted.putAll(round);
      String[] keys = sorted.keySet().toArray(new String[0]);
      Object[] values =
          sorted.values().stream().map(t -> t.equals("-") ? null : new Note(t)).toArray();
      Json.EncodedMember[] encoded = null;
      if (encodeAhead) {
        encoded = new Json.EncodedMember[keys.length];
        for (int i = 0; i < keys.length; i++) {
          if (values[i] != null && changeNo++ % 3 != 2) {
            encoded[i] = ahead.encode(keys[i], (Note) values[i]);
          } else if (values[i] != null && changeNo % 2 == 0) {
            // made for another (equal) value object: the map must not copy it
            encoded[i] = ahead.encode(keys[i], new Note(((Note) values[i]).text() + "!"));
          }
        }
      }
      map = Json.withChanges(map, keys, values, encoded, keys.length);

      assertArrayEquals(encodedFresh(map), written(map, JsonWriter.canonical()));
      assertArrayEquals(encodedFresh(map), written(map, JsonWriter.canonical())); // kept bytes
      assertArrayEquals(
          new String(encodedFresh(map), java.nio.charset.StandardCharsets.UTF_8)
              .replace("\n", "\\n")
              .getBytes(java.nio.charset.StandardCharsets.UTF_8),
          written(map, JsonWriter.json()),
          "a standard JSON writer encodes anew (control characters escaped)");
    }
  }

  @Provide
  Arbitrary<String> noteTexts() {
    // mostly short; now and then longer than a run (1 kB), and escapes that change the length
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(
            8, Arbitraries.strings().withChars("xy\"\\\u00e9\n").ofMaxLength(120)),
        net.jqwik.api.Tuple.of(
            1, Arbitraries.strings().withChars("xyz\\").ofMinLength(900).ofMaxLength(2500)));
  }

  /**
   * Maps of many runs (see Json's Encoding), changed in rounds: scattered changes, a run of adds,
   * removals of a whole stretch; compact or not, members encoded ahead or not. After each round the
   * copied bytes equal a fresh encoding and every member reads back.
   */
  @Property(tries = 300)
  void largeMaps_roundsOfChanges_bytesAndReadsLikeAFreshMap(
      @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 400) int size,
      @ForAll("noteTexts") String longText,
      @ForAll boolean compact,
      @ForAll boolean encodeAhead,
      @ForAll long seed) {
    java.util.Random random = new java.util.Random(seed);
    TreeMap<String, Note> expected = new TreeMap<>(Json.CODE_POINT_ORDER);
    for (int i = 0; i < size; i++) {
      expected.put(String.format("k%05d", random.nextInt(100_000)), note(random, longText));
    }
    SortedMap<String, Note> map = Json.sortedMap(expected);
    written(map, JsonWriter.canonical()); // encoded: later versions copy its runs
    if (compact) {
      map = Json.compact(map, WithChangesProperties::decodeNote);
    }
    Json.MemberEncoder ahead = new Json.MemberEncoder();
    for (int round = 0; round < 5; round++) {
      TreeMap<String, Note> changes = new TreeMap<>(Json.CODE_POINT_ORDER);
      List<String> present = new ArrayList<>(expected.keySet());
      int kind = random.nextInt(3);
      if (kind == 0) { // scattered
        for (int c = random.nextInt(8); c >= 0; c--) {
          boolean remove = !present.isEmpty() && random.nextInt(3) == 0;
          String key =
              remove || (!present.isEmpty() && random.nextBoolean())
                  ? present.get(random.nextInt(present.size()))
                  : String.format("k%05d", random.nextInt(100_000));
          changes.put(key, remove ? null : note(random, longText));
        }
      } else if (kind == 1) { // a stretch of adds
        int from = random.nextInt(99_000);
        for (int c = random.nextInt(60); c >= 0; c--) {
          changes.put(String.format("k%05d", from + c), note(random, longText));
        }
      } else if (!present.isEmpty()) { // a stretch of removals
        int from = random.nextInt(present.size());
        int to = Math.min(present.size(), from + 1 + random.nextInt(80));
        for (String k : present.subList(from, to)) {
          changes.put(k, null);
        }
      }
      String[] keys = changes.keySet().toArray(new String[0]);
      Object[] values = changes.values().toArray();
      Json.EncodedMember[] encoded = new Json.EncodedMember[keys.length];
      for (int i = 0; i < keys.length; i++) {
        if (values[i] == null) {
          expected.remove(keys[i]);
        } else {
          expected.put(keys[i], (Note) values[i]);
          if (encodeAhead) {
            encoded[i] = ahead.encode(keys[i], (Note) values[i]);
          }
        }
      }
      map = Json.withChanges(map, keys, values, encoded, keys.length);

      assertArrayEquals(encodedFresh(expected), written(map, JsonWriter.canonical()));
      assertEquals(expected, map);
      assertEquals(List.copyOf(expected.values()), List.copyOf(map.values()));
      for (String k : expected.keySet()) {
        assertEquals(expected.get(k), map.get(k), k);
      }
    }
  }

  private static Note note(java.util.Random random, String longText) {
    return new Note(random.nextInt(40) == 0 ? longText : "v".repeat(random.nextInt(200)));
  }

  /**
   * A large map changed in one member shares all its runs but those around the change: what a
   * re-signed bin leaves behind for the collector is about a run, not the whole bin.
   */
  @Test
  void largeMap_oneChange_sharesTheRunsItDidNotTouch() {
    TreeMap<String, Note> base = new TreeMap<>(Json.CODE_POINT_ORDER);
    for (int i = 0; i < 300; i++) {
      base.put(String.format("k%05d", i * 10), new Note("v".repeat(120)));
    }
    SortedMap<String, Note> map =
        Json.compact(Json.sortedMap(base), WithChangesProperties::decodeNote);
    int total = Json.encodedLength(map);

    SortedMap<String, Note> next =
        Json.withChanges(map, new String[] {"k00995"}, new Object[] {new Note("new")}, 1);

    assertEquals(true, total > 30_000, "a map of many runs");
    int copied = Json.encodedLength(next) - Json.sharedRunBytes(map, next);
    assertEquals(true, copied <= 3 * 1024, copied + " bytes not shared");
  }

  private static Note decodeNote(String key, JsonValue json) {
    JsonObject o = (JsonObject) json;
    String text = ((JsonString) o.get("n")).value();
    if (((JsonNumber) o.get("x")).value() != text.length()) {
      throw new AssertionError("decoded a member other than " + key);
    }
    return new Note(text);
  }

  @Provide
  Arbitrary<String> escapedKeys() {
    // keys whose canonical form has escapes: the decoder must find where the key ends
    return Arbitraries.strings().withChars("a\"\\:,").ofMaxLength(4);
  }

  @Property
  void compact_afterRoundsOfChanges_readsAndWritesLikeTheFullMap(
      @ForAll("rounds") List<Map<String, String>> rounds,
      @ForAll("escapedKeys") String escapedKey,
      @ForAll List<Boolean> compactAfterRound) {
    SortedMap<String, Note> map =
        Json.compact(
            Json.sortedMap(Map.of("b", new Note("base"), escapedKey, new Note(escapedKey))),
            WithChangesProperties::decodeNote);
    TreeMap<String, Note> expected = new TreeMap<>(Json.CODE_POINT_ORDER);
    expected.put("b", new Note("base"));
    expected.put(escapedKey, new Note(escapedKey));
    for (int r = 0; r < rounds.size(); r++) {
      TreeMap<String, String> sorted = new TreeMap<>(Json.CODE_POINT_ORDER);
      sorted.putAll(rounds.get(r));
      String[] keys = sorted.keySet().toArray(new String[0]);
      Object[] values =
          sorted.values().stream().map(t -> t.equals("-") ? null : new Note(t)).toArray();
      for (int i = 0; i < keys.length; i++) {
        if (values[i] == null) {
          expected.remove(keys[i]);
        } else {
          expected.put(keys[i], (Note) values[i]);
        }
      }
      map = Json.withChanges(map, keys, values, keys.length);
      if (r < compactAfterRound.size() && compactAfterRound.get(r)) {
        map = Json.compact(map, WithChangesProperties::decodeNote);
      }

      assertEquals(expected, map);
      assertEquals(map, expected);
      assertEquals(List.copyOf(expected.values()), List.copyOf(map.values()));
      for (String k : expected.keySet()) {
        assertEquals(expected.get(k), map.get(k), k);
      }
      assertArrayEquals(encodedFresh(map), written(map, JsonWriter.canonical()));
    }
  }

  @Test
  void compact_controlCharactersInValues_readBackAsWritten() {
    // canonical JSON writes control characters raw; a strict parser would refuse them
    SortedMap<String, Note> compact =
        Json.compact(
            Json.sortedMap(Map.of("a", new Note("line\nnext\u0001"))),
            WithChangesProperties::decodeNote);

    assertEquals(new Note("line\nnext\u0001"), compact.get("a"));
  }

  @Test
  void compact_changed_holdsItsNewMembersAsBytesOnly() {
    // an artifact index that held every target added since the start would grow to the size of
    // the whole object graph of its targets
    SortedMap<String, Note> compact =
        Json.compact(
            Json.sortedMap(Map.of("a", new Note("1"), "c", new Note("3"))),
            WithChangesProperties::decodeNote);
    Note added = new Note("2");

    SortedMap<String, Note> changed =
        Json.withChanges(compact, new String[] {"b"}, new Object[] {added}, 1);

    assertEquals(added, changed.get("b"));
    assertNotSame(added, changed.get("b"), "read back from the map's bytes, not held");
    assertArrayEquals(encodedFresh(changed), written(changed, JsonWriter.canonical()));
  }

  @Test
  void compact_valueThatCannotWriteItself_decodesTheRestAndKeepsEveryValue() {
    SortedMap<String, Note> compact =
        Json.compact(
            Json.sortedMap(Map.of("a", new Note("1"), "c", new Note("3"))),
            WithChangesProperties::decodeNote);

    SortedMap<String, Object> changed =
        Json.withChanges(compact, new String[] {"b"}, new Object[] {42}, 1);

    assertEquals(Map.of("a", new Note("1"), "b", 42, "c", new Note("3")), changed);
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
  void withSortedChanges_keysNotAscending_caughtByTheAssertionInTests() {
    // surefire runs with assertions enabled: the order a caller promises is still checked here
    assertThrows(
        AssertionError.class,
        () ->
            Json.withSortedChanges(
                Map.of(), new String[] {"b", "a"}, new Object[] {1, 2}, null, 2));
  }

  @Test
  void withChanges_everythingRemoved_emptyMap() {
    SortedMap<String, Integer> none =
        Json.withChanges(Map.of("a", 1), new String[] {"a"}, new Object[] {null}, 1);
    assertEquals(0, none.size());
  }
}
