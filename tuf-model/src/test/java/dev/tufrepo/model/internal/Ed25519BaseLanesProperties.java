package dev.tufrepo.model.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Method;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * {@link Ed25519BaseLanes} encodes {@code [r]B} exactly as a reference computed independently
 * ({@link BigInteger} double-and-add on the affine curve) and as BouncyCastle's own fixed-base
 * multiplication, for any scalar below 2^255, whatever the other lanes hold. The arithmetic does
 * not depend on the machine: without AVX-512 the Vector API runs the 512-bit species in narrower
 * instructions, more slowly, and these tests run all the same (the signer uses the class only with
 * 512-bit vectors, {@link Ed25519BaseLanes#available()}).
 */
class Ed25519BaseLanesProperties {
  /** The group order L = 2^252 + 27742317777372353535851937790883648493. */
  static final BigInteger L =
      BigInteger.ONE.shiftLeft(252).add(new BigInteger("27742317777372353535851937790883648493"));

  @Example
  void edgeScalars_encodeLikeTheReferenceAndBouncyCastle() {
    BigInteger max = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.ONE);
    List<BigInteger> scalars =
        List.of(
            BigInteger.ZERO,
            BigInteger.ONE,
            BigInteger.TWO,
            BigInteger.valueOf(8),
            BigInteger.valueOf(9),
            L.subtract(BigInteger.ONE),
            L,
            L.add(BigInteger.ONE),
            BigInteger.ONE.shiftLeft(252),
            max,
            new BigInteger("08" + "88".repeat(31), 16), // every digit 8: each carries into the next
            new BigInteger("77".repeat(32), 16),
            new BigInteger("7f" + "ff".repeat(30) + "f8", 16),
            BigInteger.ONE.shiftLeft(254));
    Ed25519BaseLanes lanes = new Ed25519BaseLanes();
    for (int from = 0; from < scalars.size(); from += Ed25519BaseLanes.LANES) {
      int n = Math.min(Ed25519BaseLanes.LANES, scalars.size() - from);
      byte[][] in = new byte[n][];
      for (int i = 0; i < n; i++) {
        in[i] = littleEndian(scalars.get(from + i));
      }
      assertLikeReference(lanes, n, in);
    }
  }

  @Property(tries = 200, edgeCases = EdgeCasesMode.NONE)
  void randomScalars_encodeLikeBouncyCastle(@ForAll("batches") List<byte[]> scalars) {
    assertLikeBouncyCastle(new Ed25519BaseLanes(), scalars.size(), scalars.toArray(byte[][]::new));
  }

  @Example
  void oneInstanceReused_givesEachCallsOwnResults() {
    Random random = new Random(25519);
    Ed25519BaseLanes lanes = new Ed25519BaseLanes();
    for (int round = 0; round < 20; round++) {
      int n = 1 + random.nextInt(Ed25519BaseLanes.LANES);
      byte[][] in = new byte[n][];
      for (int i = 0; i < n; i++) {
        in[i] = randomScalar(random);
      }
      assertLikeBouncyCastle(lanes, n, in);
    }
    // and against the independent reference, a few of them
    byte[][] in = {randomScalar(random), randomScalar(random), randomScalar(random)};
    assertLikeReference(lanes, in.length, in);
  }

  @Example
  void badArguments_areRefused() {
    Ed25519BaseLanes lanes = new Ed25519BaseLanes();
    byte[][] out = new byte[Ed25519BaseLanes.LANES + 1][32];
    byte[] topBitSet = new byte[32];
    topBitSet[31] = (byte) 0x80;
    assertThrows(
        IllegalArgumentException.class,
        () -> lanes.scalarMultBaseEncoded(1, new byte[][] {topBitSet}, out, 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> lanes.scalarMultBaseEncoded(1, new byte[][] {new byte[31]}, out, 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> lanes.scalarMultBaseEncoded(0, new byte[0][], out, 0));
    byte[][] tooMany = new byte[Ed25519BaseLanes.LANES + 1][32];
    assertThrows(
        IllegalArgumentException.class,
        () -> lanes.scalarMultBaseEncoded(tooMany.length, tooMany, out, 0));
  }

  @Example
  void table_startsWithTheBasePointOfRfc8032() {
    BigInteger[] b = Ed25519BaseLanes.Table.basePoint();
    assertEquals(
        new BigInteger(
            "15112221349535400772501151409588531511454012693041857206046113283949847762202"),
        b[0]);
    assertEquals(
        new BigInteger(
            "46316835694926478169428394003475163141307993866256225615783033603165251855960"),
        b[1]);
  }

  @Provide
  Arbitrary<List<byte[]>> batches() {
    Arbitrary<byte[]> scalar =
        Arbitraries.bytes()
            .array(byte[].class)
            .ofSize(32)
            .map(
                a -> {
                  a[31] &= 0x1f; // below 2^253, as BouncyCastle takes them (r < L is)
                  return a;
                });
    return scalar.list().ofMinSize(1).ofMaxSize(Ed25519BaseLanes.LANES);
  }

  private static void assertLikeBouncyCastle(Ed25519BaseLanes lanes, int n, byte[][] in) {
    byte[][] out = run(lanes, n, in);
    for (int i = 0; i < n; i++) {
      assertArrayEquals(bouncyCastle(in[i]), Arrays.copyOfRange(out[i], 3, 35), "lane " + i);
    }
  }

  private static void assertLikeReference(Ed25519BaseLanes lanes, int n, byte[][] in) {
    byte[][] out = run(lanes, n, in);
    for (int i = 0; i < n; i++) {
      byte[] expected = reference(new BigInteger(1, reverse(in[i])));
      assertArrayEquals(expected, Arrays.copyOfRange(out[i], 3, 35), "lane " + i);
      if (new BigInteger(1, reverse(in[i])).compareTo(BigInteger.ONE.shiftLeft(253)) < 0) {
        assertArrayEquals(expected, bouncyCastle(in[i]), "BouncyCastle, lane " + i);
      }
    }
  }

  /** Runs a call writing at offset 3 of 40-byte outputs, with the inputs left unchanged. */
  private static byte[][] run(Ed25519BaseLanes lanes, int n, byte[][] in) {
    byte[][] copies = new byte[n][];
    for (int i = 0; i < n; i++) {
      copies[i] = in[i].clone();
    }
    byte[][] out = new byte[n][40];
    lanes.scalarMultBaseEncoded(n, in, out, 3);
    for (int i = 0; i < n; i++) {
      assertArrayEquals(copies[i], in[i], "the scalar was changed");
      for (int b : new int[] {0, 1, 2, 35, 36, 37, 38, 39}) {
        assertEquals(0, out[i][b], "written outside its 32 bytes");
      }
    }
    return out;
  }

  /** [k]B by double-and-add in affine BigInteger arithmetic, encoded per RFC 8032 5.1.2. */
  static byte[] reference(BigInteger k) {
    BigInteger[] acc = {BigInteger.ZERO, BigInteger.ONE};
    BigInteger[] b = Ed25519BaseLanes.Table.basePoint();
    for (int i = k.bitLength() - 1; i >= 0; i--) {
      acc = Ed25519BaseLanes.Table.add(acc, acc);
      if (k.testBit(i)) {
        acc = Ed25519BaseLanes.Table.add(acc, b);
      }
    }
    byte[] y = littleEndian(acc[1]);
    if (acc[0].testBit(0)) {
      y[31] |= (byte) 0x80;
    }
    return y;
  }

  /** BouncyCastle's private fixed-base multiplication, which takes scalars below 2^253. */
  static byte[] bouncyCastle(byte[] scalar) {
    try {
      Method m =
          Ed25519.class.getDeclaredMethod(
              "scalarMultBaseEncoded", byte[].class, byte[].class, int.class);
      m.setAccessible(true);
      byte[] out = new byte[32];
      m.invoke(null, scalar.clone(), out, 0);
      return out;
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  static byte[] randomScalar(Random random) {
    byte[] a = new byte[32];
    random.nextBytes(a);
    a[31] &= 0x0f; // below 2^252, so BouncyCastle takes it too
    return a;
  }

  static byte[] littleEndian(BigInteger v) {
    byte[] be = v.toByteArray();
    byte[] out = new byte[32];
    for (int i = 0; i < Math.min(32, be.length); i++) {
      out[i] = be[be.length - 1 - i];
    }
    return out;
  }

  private static byte[] reverse(byte[] a) {
    byte[] out = new byte[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[a.length - 1 - i];
    }
    return out;
  }
}
