package dev.tufrepo.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class SignedFileProperties {

  @Provide
  Arbitrary<byte[]> bytes() {
    // mostly printable and UTF-8 lead/continuation bytes, with control bytes now and then
    Arbitrary<Byte> b =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(40, Arbitraries.bytes().between((byte) 0x20, (byte) 0x7f)),
            net.jqwik.api.Tuple.of(10, Arbitraries.bytes().between((byte) 0x80, (byte) 0xff)),
            net.jqwik.api.Tuple.of(1, Arbitraries.bytes().between((byte) 0x00, (byte) 0x1f)));
    return b.array(byte[].class).ofMaxSize(40);
  }

  @Property(tries = 5000)
  void hasControlBytes_anyBytes_sameAsCheckingEachByte(@ForAll("bytes") byte[] b) {
    boolean expected = false;
    for (byte x : b) {
      expected |= x >= 0 && x < 0x20;
    }
    assertEquals(expected, SignedFile.hasControlBytes(b, 0, b.length));
  }

  @Property(tries = 5000)
  void hasControlBytes_ofARange_looksOnlyInsideIt(
      @ForAll("bytes") byte[] b,
      @ForAll @net.jqwik.api.constraints.IntRange(max = 11) int before,
      @ForAll @net.jqwik.api.constraints.IntRange(max = 11) int after) {
    // control bytes around the range must not count
    byte[] padded = new byte[before + b.length + after];
    java.util.Arrays.fill(padded, (byte) 0x0a);
    System.arraycopy(b, 0, padded, before, b.length);
    boolean expected = false;
    for (byte x : b) {
      expected |= x >= 0 && x < 0x20;
    }
    assertEquals(expected, SignedFile.hasControlBytes(padded, before, b.length));
  }
}
