package dev.tufrepo.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.json.Json;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The publisher's path sort keys agree with the code point order of the paths. */
class PathOrderProperties {

  /** Short strings over characters where the keys change behaviour. */
  @Provide
  Arbitrary<String> paths() {
    Arbitrary<Character> c =
        Arbitraries.oneOf(
            Arbitraries.of('a', 'b', '/', '\u0001', '\u007f', '\u0080'),
            Arbitraries.chars().range('\u00fc', '\u0101'),
            Arbitraries.chars().range('\ud7fe', '\ue001'),
            Arbitraries.chars().range('\ufffd', '\uffff'),
            Arbitraries.chars().all());
    return c.list()
        .ofMaxSize(9)
        .map(l -> l.stream().map(String::valueOf).reduce("", String::concat));
  }

  @Property(tries = 5000)
  void key_neverContradictsCodePointOrder(
      @ForAll("paths") String prefix, @ForAll("paths") String a, @ForAll("paths") String b) {
    String x = prefix + a;
    String y = prefix + b;
    int from = prefix.length();
    long kx = PathOrder.key(x, from);
    long ky = PathOrder.key(y, from);
    int order = Integer.signum(Json.CODE_POINT_ORDER.compare(x, y));
    if (kx != ky) {
      assertEquals(Long.signum(Long.compareUnsigned(kx, ky)), order, x + " vs " + y);
    }
    if (order == 0) {
      assertEquals(kx, ky);
    }
    assertTrue(kx >= 0 && kx < 1L << 40);
  }

  @Property(tries = 2000)
  void commonPrefix_isTheLengthOfTheSharedStart(
      @ForAll("paths") String prefix, @ForAll("paths") String a, @ForAll("paths") String b) {
    int n = PathOrder.commonPrefix(prefix + a, prefix + b, Integer.MAX_VALUE);
    assertTrue(n >= prefix.length());
    assertTrue((prefix + a).regionMatches(0, prefix + b, 0, n));
    assertTrue(
        n == (prefix + a).length()
            || n == (prefix + b).length()
            || (prefix + a).charAt(n) != (prefix + b).charAt(n));
    assertEquals(Math.min(n, 3), PathOrder.commonPrefix(prefix + a, prefix + b, 3));
  }

  @Example
  void key_ordersTheEndBeforeAnyCharacter_andSaturatesFromU00FE() {
    assertTrue(PathOrder.key("ab", 0) < PathOrder.key("ab\u0000", 0));
    assertEquals(PathOrder.key("\u00fe", 0), PathOrder.key("\uffffzzz", 0));
    assertTrue(PathOrder.key("\u00fdzzzz", 0) < PathOrder.key("\u00fe", 0));
  }
}
