package dev.tufrepo.json;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/**
 * Generators of JSON value trees and of the strings in them, for property tests.
 *
 * <p>Strings are built from whole code points, so they never hold a lone surrogate. They favour the
 * characters where canonical JSON goes wrong: {@code "} and {@code \}, U+E000..U+FFFF (which sort
 * before supplementary characters by code point but after them by UTF-16 unit) and supplementary
 * characters. With {@code controls} set they also hold U+0000..U+001F, which canonical JSON writes
 * raw (its bytes are then not valid JSON text).
 */
public final class JsonTreeArbitraries {
  /**
   * A few code points that make keys share prefixes and disagree between UTF-16 and code point
   * order.
   */
  private static final int[] TRICKY = {
    'a', 'b', '"', '\\', 0x7F, 0xE9, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF
  };

  private JsonTreeArbitraries() {}

  /** One Unicode scalar value (never a surrogate); control characters only if {@code controls}. */
  public static Arbitrary<Integer> codePoints(boolean controls) {
    List<Tuple.Tuple2<Integer, Arbitrary<Integer>>> parts = new ArrayList<>();
    parts.add(Tuple.of(30, Arbitraries.integers().between(0x20, 0x7E)));
    parts.add(Tuple.of(6, Arbitraries.of((int) '"', (int) '\\', (int) '/', 0x7F)));
    parts.add(Tuple.of(8, Arbitraries.integers().between(0x80, 0x7FF)));
    parts.add(Tuple.of(8, Arbitraries.integers().between(0x800, 0xD7FF)));
    parts.add(Tuple.of(14, Arbitraries.integers().between(0xE000, 0xFFFF)));
    parts.add(Tuple.of(14, Arbitraries.integers().between(0x10000, 0x10FFFF)));
    parts.add(Tuple.of(6, Arbitraries.of(boxed(TRICKY))));
    if (controls) {
      parts.add(Tuple.of(4, Arbitraries.of(0x00, (int) '\t', (int) '\n', (int) '\r', 0x08, 0x0C)));
      parts.add(Tuple.of(6, Arbitraries.integers().between(0x00, 0x1F)));
    }
    return Arbitraries.frequencyOf(parts);
  }

  /** Strings of up to {@code maxCodePoints} code points. */
  public static Arbitrary<String> strings(boolean controls, int maxCodePoints) {
    return codePoints(controls)
        .list()
        .ofMaxSize(maxCodePoints)
        .map(JsonTreeArbitraries::fromCodePoints);
  }

  /** Strings of any length up to 12 code points. */
  public static Arbitrary<String> strings(boolean controls) {
    return strings(controls, 12);
  }

  /**
   * Object member names: general strings, short strings over a tiny alphabet of tricky code points
   * (so that keys share prefixes and their order matters), and the given {@code nearNames} with a
   * prefix or suffix so they sort between the names a record knows.
   */
  public static Arbitrary<String> keys(boolean controls, Collection<String> nearNames) {
    Arbitrary<String> tricky =
        Arbitraries.of(boxed(TRICKY)).list().ofMaxSize(4).map(JsonTreeArbitraries::fromCodePoints);
    List<Tuple.Tuple2<Integer, Arbitrary<String>>> parts = new ArrayList<>();
    parts.add(Tuple.of(5, strings(controls, 8)));
    parts.add(Tuple.of(3, tricky));
    if (!nearNames.isEmpty()) {
      Arbitrary<String> near =
          net.jqwik.api.Combinators.combine(
                  Arbitraries.of(List.copyOf(nearNames)), tricky, Arbitraries.of(true, false))
              .as((name, extra, before) -> before ? extra + name : name + extra);
      parts.add(Tuple.of(3, near));
    }
    return Arbitraries.frequencyOf(parts);
  }

  public static Arbitrary<String> keys(boolean controls) {
    return keys(controls, Set.of());
  }

  /** Null, booleans, integers over the whole 64-bit range, and strings. */
  public static Arbitrary<JsonValue> leaves(boolean controls) {
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just(JsonNull.INSTANCE)),
        Tuple.of(1, Arbitraries.of(JsonBoolean.TRUE, JsonBoolean.FALSE)),
        Tuple.of(
            3,
            Arbitraries.frequencyOf(
                    Tuple.of(3, Arbitraries.longs()),
                    Tuple.of(1, Arbitraries.longs().between(-1000, 1000)),
                    Tuple.of(
                        1,
                        Arbitraries.of(
                            Long.MIN_VALUE,
                            Long.MAX_VALUE,
                            0L,
                            -1L,
                            JsonNumber.MAX_PORTABLE,
                            -JsonNumber.MAX_PORTABLE)))
                .map(JsonNumber::new)),
        Tuple.of(4, strings(controls).map(JsonString::new)));
  }

  /** JSON trees nested up to {@code depth} containers deep. */
  public static Arbitrary<JsonValue> values(boolean controls, int depth) {
    Arbitrary<JsonValue> leaf = leaves(controls);
    if (depth <= 0) {
      return leaf;
    }
    Arbitrary<JsonValue> child = values(controls, depth - 1);
    return Arbitraries.frequencyOf(
        Tuple.of(3, leaf), Tuple.of(1, arrays(child)), Tuple.of(2, objects(controls, child)));
  }

  /** JSON objects nested up to {@code depth} containers deep (the object itself is one). */
  public static Arbitrary<JsonValue> objects(boolean controls, int depth) {
    return objects(controls, values(controls, depth - 1));
  }

  private static Arbitrary<JsonValue> objects(boolean controls, Arbitrary<JsonValue> child) {
    return Arbitraries.maps(keys(controls), child)
        .ofMaxSize(5)
        .map(m -> (JsonValue) JsonObject.of(m));
  }

  private static Arbitrary<JsonValue> arrays(Arbitrary<JsonValue> child) {
    return child.list().ofMaxSize(4).map(l -> (JsonValue) new JsonArray(l));
  }

  public static String fromCodePoints(List<Integer> cps) {
    StringBuilder sb = new StringBuilder(cps.size() * 2);
    for (int cp : cps) {
      sb.appendCodePoint(cp);
    }
    return sb.toString();
  }

  private static Integer[] boxed(int[] values) {
    Integer[] out = new Integer[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }
}
