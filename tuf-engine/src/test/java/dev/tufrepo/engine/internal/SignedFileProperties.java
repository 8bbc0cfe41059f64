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
    return b.array(byte[].class).ofMaxSize(100);
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
  void hasControlBytes_oneControlByteAnywhereInALongRange_isFound(
      @ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 200) int length,
      @ForAll @net.jqwik.api.constraints.IntRange(max = 199) int position,
      @ForAll @net.jqwik.api.constraints.ByteRange(max = 0x1f) byte control,
      @ForAll @net.jqwik.api.constraints.ByteRange(min = -128, max = 0x1f) byte other,
      @ForAll boolean place) {
    // printable and UTF-8 bytes (0x80-0xff look like control bytes in a signed view), one control
    // byte or none; the scan reads 32 bytes per test, so the place within a block matters
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (i % 3 == 0 ? 0x20 + i % 95 : 0x80 + i % 128);
    }
    int at = position % length;
    if (place) {
      b[at] = control;
    }
    if (other < 0 && length > 1) {
      b[(at + 1) % length] = other; // a non-ASCII byte beside it must not count
    }
    assertEquals(place, SignedFile.hasControlBytes(b, 0, length));
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
