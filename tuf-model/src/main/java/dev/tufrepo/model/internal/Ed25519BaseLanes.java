package dev.tufrepo.model.internal;

import java.math.BigInteger;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Ed25519's fixed-base scalar multiplication {@code [r]B} of eight scalars at once, one in each
 * 64-bit lane of an AVX-512 vector, encoded as RFC 8032 encodes a point: the {@code R} half of
 * eight signatures. It is the curve step between the two SHA-512 passes of a signature, which
 * {@link FastEd25519#signAll} otherwise takes from BouncyCastle one signature at a time.
 *
 * <p>The arithmetic is SUPERCOP's ref10, lane for lane: field elements of ten signed limbs in radix
 * 2<sup>25.5</sup> (26 bits for even limbs, 25 for odd ones) with ref10's multiplication, squaring
 * and carry chain, so that ref10's bounds on the limbs hold here too; {@code ge_madd}, {@code
 * ge_p2_dbl} and the conversions between coordinate systems; and {@code ge_scalarmult_base}: the
 * scalar in 64 signed radix-16 digits, a table of {@code j * 256^i * B} for {@code i < 32}, {@code
 * j <= 8}, 64 mixed additions and 4 doublings, then one inversion. The table is computed at class
 * initialization with {@link BigInteger} affine arithmetic from the curve's definition (a few
 * milliseconds).
 *
 * <p>Constant time as ref10 is: every lane runs the same instructions whatever its scalar, and a
 * table entry is chosen by blending all eight candidates under masks, never by an index that
 * depends on the scalar.
 *
 * <p>Needs 512-bit vectors ({@link #available()}): with narrower ones the 64-bit lane
 * multiplication this relies on has no single instruction. Uses the incubating Vector API like
 * {@link Sha512Lanes}, with the same caveats. Not thread-safe: one instance per thread.
 */
final class Ed25519BaseLanes {
  private static final VectorSpecies<Long> S = LongVector.SPECIES_512;

  /** Scalars multiplied per call. */
  static final int LANES = S.length();

  private static final int N = LANES;

  /** Longs of one field element: ten limbs, each a vector of {@link #N} lanes. */
  private static final int F = 10 * N;

  /** Bit widths of the limbs, and where each starts in the 255-bit number. */
  private static final int[] WIDTH = {26, 25, 26, 25, 26, 25, 26, 25, 26, 25};

  private static final int[] SHIFT = {0, 26, 51, 77, 102, 128, 153, 179, 204, 230};

  // the workspace: field elements at these offsets of w
  private static final int X = 0; // the point being built, extended coordinates (ref10's ge_p3)
  private static final int Y = F;
  private static final int Z = 2 * F;
  private static final int T = 3 * F;
  private static final int RX = 4 * F; // an intermediate sum (ref10's ge_p1p1)
  private static final int RY = 5 * F;
  private static final int RZ = 6 * F;
  private static final int RT = 7 * F;
  private static final int QP = 8 * F; // the table entry chosen: y + x, y - x, 2dxy
  private static final int QM = 9 * F;
  private static final int QXY = 10 * F;
  private static final int T0 = 11 * F;
  private static final int I0 = 12 * F; // the inversion's temporaries
  private static final int I1 = 13 * F;
  private static final int I2 = 14 * F;
  private static final int I3 = 15 * F;
  private static final int AX = 16 * F; // affine x and y
  private static final int AY = 17 * F;

  /**
   * {@code j * 256^i * B} for {@code i < 32}, {@code 1 <= j <= 8}, as ref10's precomputed points:
   * entry {@code (i, j)} at {@code (i * 8 + j - 1) * 30}, its {@code y + x}, {@code y - x} and
   * {@code 2 * d * x * y} (mod p) ten limbs each.
   */
  private static final long[] TABLE = Table.build();

  private final long[] w = new long[18 * F];
  private final long[] digits = new long[64 * N];
  private final long[] limbs = new long[10];
  private final byte[] bytes = new byte[32];

  /** True when this JVM's preferred vectors are 512 bits wide (AVX-512 on x86). */
  static boolean available() {
    return LongVector.SPECIES_PREFERRED.length() >= LANES;
  }

  /**
   * Writes the 32-byte encoding of {@code [scalars[i]]B} at {@code out[i][outOffset]} for each
   * {@code i < n}. Each scalar is 32 bytes, little-endian, below 2<sup>255</sup> (a scalar reduced
   * mod the group order, as Ed25519's {@code r} is).
   *
   * @throws IllegalArgumentException if {@code n} is not 1 to {@link #LANES}, or a scalar is not 32
   *     bytes or has its top bit set
   */
  void scalarMultBaseEncoded(int n, byte[][] scalars, byte[][] out, int outOffset) {
    if (n < 1 || n > LANES) {
      throw new IllegalArgumentException("n must be 1 to " + LANES + ": " + n);
    }
    for (int l = 0; l < N; l++) {
      if (l < n) {
        byte[] a = scalars[l];
        if (a.length != 32 || a[31] < 0) {
          throw new IllegalArgumentException("scalar " + l + " is not 32 bytes below 2^255");
        }
        recode(a, l);
      } else {
        for (int i = 0; i < 64; i++) {
          digits[i * N + l] = 0; // the identity, ignored
        }
      }
    }
    // ref10's ge_scalarmult_base: the odd digits, times 16, then the even ones
    identity();
    for (int i = 1; i < 64; i += 2) {
      select(i / 2, i);
      madd();
      p1p1ToP3();
    }
    p2Dbl();
    p1p1ToP2();
    p2Dbl();
    p1p1ToP2();
    p2Dbl();
    p1p1ToP2();
    p2Dbl();
    p1p1ToP3();
    for (int i = 0; i < 64; i += 2) {
      select(i / 2, i);
      madd();
      p1p1ToP3();
    }
    // ge_p3_tobytes: y = Y/Z with the sign of x = X/Z in the top bit
    invert(I0, Z);
    mul(w, AX, X, I0);
    mul(w, AY, Y, I0);
    for (int l = 0; l < n; l++) {
      lane(AX, l);
      toBytes(limbs, bytes);
      int sign = bytes[0] & 1;
      lane(AY, l);
      toBytes(limbs, bytes);
      bytes[31] |= (byte) (sign << 7);
      System.arraycopy(bytes, 0, out[l], outOffset, 32);
    }
    java.util.Arrays.fill(digits, 0L); // the secret nonces' digits do not outlive the call
  }

  /** The scalar in 64 signed radix-16 digits from -8 to 8, into lane {@code l} (ref10). */
  private void recode(byte[] a, int l) {
    long carry = 0;
    for (int i = 0; i < 63; i++) {
      long e = (i & 1) == 0 ? a[i >> 1] & 15 : (a[i >> 1] >> 4) & 15;
      e += carry;
      carry = (e + 8) >> 4;
      e -= carry << 4;
      digits[i * N + l] = e;
    }
    digits[63 * N + l] = ((a[31] >> 4) & 15) + carry;
  }

  /** Lane {@code l} of the field element at {@code fe}, into {@link #limbs}. */
  private void lane(int fe, int l) {
    for (int k = 0; k < 10; k++) {
      limbs[k] = w[fe + k * N + l];
    }
  }

  /** The point at X, Y, Z, T becomes the neutral element (0, 1) in every lane. */
  private void identity() {
    java.util.Arrays.fill(w, X, X + 4 * F, 0L);
    for (int l = 0; l < N; l++) {
      w[Y + l] = 1;
      w[Z + l] = 1;
    }
  }

  /**
   * ref10's {@code select}: the table entry of position {@code pos} for each lane's digit {@code
   * step} ({@code |digit| * 256^pos * B}, negated for a negative digit, the neutral element for 0)
   * into QP, QM, QXY, by blending all eight candidates.
   */
  private void select(int pos, int step) {
    LongVector b = LongVector.fromArray(S, digits, step * N);
    VectorMask<Long> negative = b.compare(VectorOperators.LT, 0L);
    LongVector abs = b.lanewise(VectorOperators.ABS);
    int base = pos * 8 * 30;
    LongVector zero = LongVector.zero(S);
    LongVector one = LongVector.broadcast(S, 1L);
    for (int k = 0; k < 10; k++) {
      LongVector yp = k == 0 ? one : zero;
      LongVector ym = yp;
      LongVector xy = zero;
      for (int j = 0; j < 8; j++) {
        VectorMask<Long> m = abs.compare(VectorOperators.EQ, (long) (j + 1));
        int e = base + j * 30 + k;
        yp = yp.blend(TABLE[e], m);
        ym = ym.blend(TABLE[e + 10], m);
        xy = xy.blend(TABLE[e + 20], m);
      }
      // -(x, y) = (-x, y): y + x and y - x trade places, 2dxy changes sign
      yp.blend(ym, negative).intoArray(w, QP + k * N);
      ym.blend(yp, negative).intoArray(w, QM + k * N);
      xy.blend(xy.neg(), negative).intoArray(w, QXY + k * N);
    }
  }

  /** ref10's {@code ge_madd}: R (completed) = P (X, Y, Z, T) + Q (the precomputed point chosen). */
  private void madd() {
    add(RX, Y, X);
    sub(RY, Y, X);
    mul(w, RZ, RX, QP);
    mul(w, RY, RY, QM);
    mul(w, RT, QXY, T);
    add(T0, Z, Z);
    sub(RX, RZ, RY);
    add(RY, RZ, RY);
    add(RZ, T0, RT);
    sub(RT, T0, RT);
  }

  /** ref10's {@code ge_p2_dbl}: R (completed) = 2 * P (X, Y, Z). */
  private void p2Dbl() {
    sqr(w, RX, X, false);
    sqr(w, RZ, Y, false);
    sqr(w, RT, Z, true);
    add(RY, X, Y);
    sqr(w, T0, RY, false);
    add(RY, RZ, RX);
    sub(RZ, RZ, RX);
    sub(RX, T0, RY);
    sub(RT, RT, RZ);
  }

  /** ref10's {@code ge_p1p1_to_p3}. */
  private void p1p1ToP3() {
    mul(w, X, RX, RT);
    mul(w, Y, RY, RZ);
    mul(w, Z, RZ, RT);
    mul(w, T, RX, RY);
  }

  /** ref10's {@code ge_p1p1_to_p2}: T is left as it was, unused until the next {@code p3}. */
  private void p1p1ToP2() {
    mul(w, X, RX, RT);
    mul(w, Y, RY, RZ);
    mul(w, Z, RZ, RT);
  }

  private void add(int h, int f, int g) {
    for (int k = 0; k < 10; k++) {
      LongVector.fromArray(S, w, f + k * N)
          .add(LongVector.fromArray(S, w, g + k * N))
          .intoArray(w, h + k * N);
    }
  }

  private void sub(int h, int f, int g) {
    for (int k = 0; k < 10; k++) {
      LongVector.fromArray(S, w, f + k * N)
          .sub(LongVector.fromArray(S, w, g + k * N))
          .intoArray(w, h + k * N);
    }
  }

  /** {@code out = z^(p-2) = 1/z}, ref10's {@code fe_invert}; {@code out} must not be I1 to I3. */
  private void invert(int out, int z) {
    sqr(w, I0, z, false); // z^2 (the exponent so far, in the comments: 2)
    sqr(w, I1, I0, false);
    sqr(w, I1, I1, false); // 8
    mul(w, I1, z, I1); // 9
    mul(w, I0, I0, I1); // 11
    sqr(w, I2, I0, false); // 22
    mul(w, I1, I1, I2); // 2^5 - 1
    sqrTimes(I2, I1, 5);
    mul(w, I1, I2, I1); // 2^10 - 1
    sqrTimes(I2, I1, 10);
    mul(w, I2, I2, I1); // 2^20 - 1
    sqrTimes(I3, I2, 20);
    mul(w, I2, I3, I2); // 2^40 - 1
    sqrTimes(I2, I2, 10);
    mul(w, I1, I2, I1); // 2^50 - 1
    sqrTimes(I2, I1, 50);
    mul(w, I2, I2, I1); // 2^100 - 1
    sqrTimes(I3, I2, 100);
    mul(w, I2, I3, I2); // 2^200 - 1
    sqrTimes(I2, I2, 50);
    mul(w, I1, I2, I1); // 2^250 - 1
    sqrTimes(I1, I1, 5); // 2^255 - 2^5
    mul(w, out, I1, I0); // 2^255 - 21 = p - 2
  }

  /** {@code h = f^(2^times)}. */
  private void sqrTimes(int h, int f, int times) {
    sqr(w, h, f, false);
    for (int i = 1; i < times; i++) {
      sqr(w, h, h, false);
    }
  }

  /**
   * ref10's {@code fe_tobytes}: {@code h} (the limbs of a product, ref10's bounds) reduced mod p to
   * its canonical value, as 32 little-endian bytes. {@code h} is overwritten.
   */
  static void toBytes(long[] h, byte[] s) {
    long q = (19 * h[9] + (1L << 24)) >> 25;
    for (int k = 0; k < 10; k++) {
      q = (h[k] + q) >> WIDTH[k];
    }
    h[0] += 19 * q; // h - q * p, whose limbs the carries below make canonical
    for (int k = 0; k < 9; k++) {
      long c = h[k] >> WIDTH[k];
      h[k + 1] += c;
      h[k] -= c << WIDTH[k];
    }
    h[9] -= (h[9] >> 25) << 25; // the carry out of bit 255 is q * 2^255, already subtracted
    long acc = 0;
    int bits = 0;
    int o = 0;
    for (int k = 0; k < 10; k++) {
      acc |= h[k] << bits;
      bits += WIDTH[k];
      while (bits >= 8) {
        s[o++] = (byte) acc;
        acc >>>= 8;
        bits -= 8;
      }
    }
    s[31] = (byte) acc; // the last 7 bits
  }

  /** The limbs of a number below p, each in {@code [0, 2^width)}. */
  static long[] limbsOf(BigInteger v) {
    long[] out = new long[10];
    for (int k = 0; k < 10; k++) {
      out[k] = v.shiftRight(SHIFT[k]).longValue() & ((1L << WIDTH[k]) - 1);
    }
    return out;
  }

  /** The table of precomputed multiples of the base point, from the curve's definition. */
  static final class Table {
    static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));

    /** d = -121665 / 121666 (RFC 8032, section 5.1). */
    static final BigInteger D =
        BigInteger.valueOf(-121665).multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);

    private Table() {}

    static long[] build() {
      BigInteger[] b = basePoint();
      // extended coordinates (X : Y : Z : T), x = X/Z, y = Y/Z, xy = T/Z: no inversion per
      // addition; the 256 entries are made affine together at the end, with one inversion
      BigInteger[][] points = new BigInteger[256][];
      BigInteger[] step = {b[0], b[1], BigInteger.ONE, b[0].multiply(b[1]).mod(P)}; // 256^i * B
      for (int i = 0; i < 32; i++) {
        BigInteger[] multiple = step;
        for (int j = 0; j < 8; j++) {
          points[i * 8 + j] = multiple;
          multiple = addExtended(multiple, step);
        }
        for (int d = 0; d < 8; d++) {
          step = addExtended(step, step);
        }
      }
      BigInteger[] inverses = invertAll(points);
      long[] table = new long[32 * 8 * 30];
      for (int e = 0; e < 256; e++) {
        BigInteger x = points[e][0].multiply(inverses[e]).mod(P);
        BigInteger y = points[e][1].multiply(inverses[e]).mod(P);
        System.arraycopy(limbsOf(y.add(x).mod(P)), 0, table, e * 30, 10);
        System.arraycopy(limbsOf(y.subtract(x).mod(P)), 0, table, e * 30 + 10, 10);
        BigInteger xy2d = x.multiply(y).mod(P).multiply(D).shiftLeft(1).mod(P);
        System.arraycopy(limbsOf(xy2d), 0, table, e * 30 + 20, 10);
      }
      return table;
    }

    /**
     * The unified addition of RFC 8032 section 5.1.4 in extended coordinates (complete: it doubles
     * too).
     */
    static BigInteger[] addExtended(BigInteger[] p, BigInteger[] q) {
      BigInteger a = p[1].subtract(p[0]).multiply(q[1].subtract(q[0])).mod(P);
      BigInteger b = p[1].add(p[0]).multiply(q[1].add(q[0])).mod(P);
      BigInteger c = p[3].multiply(D).shiftLeft(1).multiply(q[3]).mod(P);
      BigInteger d = p[2].shiftLeft(1).multiply(q[2]).mod(P);
      BigInteger e = b.subtract(a);
      BigInteger f = d.subtract(c);
      BigInteger g = d.add(c);
      BigInteger h = b.add(a);
      return new BigInteger[] {
        e.multiply(f).mod(P), g.multiply(h).mod(P), f.multiply(g).mod(P), e.multiply(h).mod(P)
      };
    }

    /** 1/Z of every point, with one modular inversion (Montgomery's trick). */
    static BigInteger[] invertAll(BigInteger[][] points) {
      int n = points.length;
      BigInteger[] prefix = new BigInteger[n + 1];
      prefix[0] = BigInteger.ONE;
      for (int i = 0; i < n; i++) {
        prefix[i + 1] = prefix[i].multiply(points[i][2]).mod(P);
      }
      BigInteger inv = prefix[n].modInverse(P); // 1 / (Z_0 ... Z_n-1)
      BigInteger[] out = new BigInteger[n];
      for (int i = n - 1; i >= 0; i--) {
        out[i] = inv.multiply(prefix[i]).mod(P);
        inv = inv.multiply(points[i][2]).mod(P);
      }
      return out;
    }

    /** B: y = 4/5, x the even square root of (y^2 - 1) / (d y^2 + 1) (RFC 8032, 5.1). */
    static BigInteger[] basePoint() {
      BigInteger y = BigInteger.valueOf(4).multiply(BigInteger.valueOf(5).modInverse(P)).mod(P);
      BigInteger yy = y.multiply(y).mod(P);
      BigInteger u = yy.subtract(BigInteger.ONE).mod(P);
      BigInteger v = D.multiply(yy).add(BigInteger.ONE).mod(P);
      BigInteger xx = u.multiply(v.modInverse(P)).mod(P);
      // p = 5 mod 8: a root is xx^((p+3)/8), times sqrt(-1) = 2^((p-1)/4) if its square is -xx
      BigInteger x = xx.modPow(P.add(BigInteger.valueOf(3)).shiftRight(3), P);
      if (!x.multiply(x).mod(P).equals(xx)) {
        x = x.multiply(BigInteger.TWO.modPow(P.subtract(BigInteger.ONE).shiftRight(2), P)).mod(P);
      }
      if (!x.multiply(x).mod(P).equals(xx)) {
        throw new IllegalStateException("no square root: the curve constants are wrong");
      }
      if (x.testBit(0)) {
        x = P.subtract(x);
      }
      return new BigInteger[] {x, y};
    }

    /**
     * Affine addition on -x^2 + y^2 = 1 + d x^2 y^2: complete, so it also doubles (RFC 8032,
     * 5.1.4).
     */
    static BigInteger[] add(BigInteger[] p1, BigInteger[] p2) {
      BigInteger x1 = p1[0];
      BigInteger y1 = p1[1];
      BigInteger x2 = p2[0];
      BigInteger y2 = p2[1];
      BigInteger t = D.multiply(x1).multiply(x2).multiply(y1).multiply(y2).mod(P);
      BigInteger x3 =
          x1.multiply(y2).add(y1.multiply(x2)).multiply(BigInteger.ONE.add(t).modInverse(P)).mod(P);
      BigInteger y3 =
          y1.multiply(y2)
              .add(x1.multiply(x2))
              .multiply(BigInteger.ONE.subtract(t).mod(P).modInverse(P))
              .mod(P);
      return new BigInteger[] {x3, y3};
    }
  }

  /**
   * {@code h = f * g} (mod p), in lanes: ref10's {@code fe_mul} with its carry chain. Generated (by
   * {@code tuf-model/tools/gen_ed25519_field_lanes.py}): each {@code h_k} sums {@code f_i * g_j}
   * over {@code i + j = k} (mod 10), times 19 when {@code i + j >= 10} (2^255 = 19 mod p) and times
   * 2 when both limbs are odd (their widths sum to one bit more than {@code h_k}'s position).
   * {@code h} may be {@code f} or {@code g}.
   */
  static void mul(long[] w, int h, int f, int g) {
    LongVector f0 = LongVector.fromArray(S, w, f + 0 * N);
    LongVector f1 = LongVector.fromArray(S, w, f + 1 * N);
    LongVector f2 = LongVector.fromArray(S, w, f + 2 * N);
    LongVector f3 = LongVector.fromArray(S, w, f + 3 * N);
    LongVector f4 = LongVector.fromArray(S, w, f + 4 * N);
    LongVector f5 = LongVector.fromArray(S, w, f + 5 * N);
    LongVector f6 = LongVector.fromArray(S, w, f + 6 * N);
    LongVector f7 = LongVector.fromArray(S, w, f + 7 * N);
    LongVector f8 = LongVector.fromArray(S, w, f + 8 * N);
    LongVector f9 = LongVector.fromArray(S, w, f + 9 * N);
    LongVector g0 = LongVector.fromArray(S, w, g + 0 * N);
    LongVector g1 = LongVector.fromArray(S, w, g + 1 * N);
    LongVector g2 = LongVector.fromArray(S, w, g + 2 * N);
    LongVector g3 = LongVector.fromArray(S, w, g + 3 * N);
    LongVector g4 = LongVector.fromArray(S, w, g + 4 * N);
    LongVector g5 = LongVector.fromArray(S, w, g + 5 * N);
    LongVector g6 = LongVector.fromArray(S, w, g + 6 * N);
    LongVector g7 = LongVector.fromArray(S, w, g + 7 * N);
    LongVector g8 = LongVector.fromArray(S, w, g + 8 * N);
    LongVector g9 = LongVector.fromArray(S, w, g + 9 * N);
    LongVector g1x19 = g1.mul(19L);
    LongVector g2x19 = g2.mul(19L);
    LongVector g3x19 = g3.mul(19L);
    LongVector g4x19 = g4.mul(19L);
    LongVector g5x19 = g5.mul(19L);
    LongVector g6x19 = g6.mul(19L);
    LongVector g7x19 = g7.mul(19L);
    LongVector g8x19 = g8.mul(19L);
    LongVector g9x19 = g9.mul(19L);
    LongVector f1x2 = f1.add(f1);
    LongVector f3x2 = f3.add(f3);
    LongVector f5x2 = f5.add(f5);
    LongVector f7x2 = f7.add(f7);
    LongVector f9x2 = f9.add(f9);
    LongVector h0 =
        f0.mul(g0)
            .add(f1x2.mul(g9x19))
            .add(f2.mul(g8x19))
            .add(f3x2.mul(g7x19))
            .add(f4.mul(g6x19))
            .add(f5x2.mul(g5x19))
            .add(f6.mul(g4x19))
            .add(f7x2.mul(g3x19))
            .add(f8.mul(g2x19))
            .add(f9x2.mul(g1x19));
    LongVector h1 =
        f0.mul(g1)
            .add(f1.mul(g0))
            .add(f2.mul(g9x19))
            .add(f3.mul(g8x19))
            .add(f4.mul(g7x19))
            .add(f5.mul(g6x19))
            .add(f6.mul(g5x19))
            .add(f7.mul(g4x19))
            .add(f8.mul(g3x19))
            .add(f9.mul(g2x19));
    LongVector h2 =
        f0.mul(g2)
            .add(f1x2.mul(g1))
            .add(f2.mul(g0))
            .add(f3x2.mul(g9x19))
            .add(f4.mul(g8x19))
            .add(f5x2.mul(g7x19))
            .add(f6.mul(g6x19))
            .add(f7x2.mul(g5x19))
            .add(f8.mul(g4x19))
            .add(f9x2.mul(g3x19));
    LongVector h3 =
        f0.mul(g3)
            .add(f1.mul(g2))
            .add(f2.mul(g1))
            .add(f3.mul(g0))
            .add(f4.mul(g9x19))
            .add(f5.mul(g8x19))
            .add(f6.mul(g7x19))
            .add(f7.mul(g6x19))
            .add(f8.mul(g5x19))
            .add(f9.mul(g4x19));
    LongVector h4 =
        f0.mul(g4)
            .add(f1x2.mul(g3))
            .add(f2.mul(g2))
            .add(f3x2.mul(g1))
            .add(f4.mul(g0))
            .add(f5x2.mul(g9x19))
            .add(f6.mul(g8x19))
            .add(f7x2.mul(g7x19))
            .add(f8.mul(g6x19))
            .add(f9x2.mul(g5x19));
    LongVector h5 =
        f0.mul(g5)
            .add(f1.mul(g4))
            .add(f2.mul(g3))
            .add(f3.mul(g2))
            .add(f4.mul(g1))
            .add(f5.mul(g0))
            .add(f6.mul(g9x19))
            .add(f7.mul(g8x19))
            .add(f8.mul(g7x19))
            .add(f9.mul(g6x19));
    LongVector h6 =
        f0.mul(g6)
            .add(f1x2.mul(g5))
            .add(f2.mul(g4))
            .add(f3x2.mul(g3))
            .add(f4.mul(g2))
            .add(f5x2.mul(g1))
            .add(f6.mul(g0))
            .add(f7x2.mul(g9x19))
            .add(f8.mul(g8x19))
            .add(f9x2.mul(g7x19));
    LongVector h7 =
        f0.mul(g7)
            .add(f1.mul(g6))
            .add(f2.mul(g5))
            .add(f3.mul(g4))
            .add(f4.mul(g3))
            .add(f5.mul(g2))
            .add(f6.mul(g1))
            .add(f7.mul(g0))
            .add(f8.mul(g9x19))
            .add(f9.mul(g8x19));
    LongVector h8 =
        f0.mul(g8)
            .add(f1x2.mul(g7))
            .add(f2.mul(g6))
            .add(f3x2.mul(g5))
            .add(f4.mul(g4))
            .add(f5x2.mul(g3))
            .add(f6.mul(g2))
            .add(f7x2.mul(g1))
            .add(f8.mul(g0))
            .add(f9x2.mul(g9x19));
    LongVector h9 =
        f0.mul(g9)
            .add(f1.mul(g8))
            .add(f2.mul(g7))
            .add(f3.mul(g6))
            .add(f4.mul(g5))
            .add(f5.mul(g4))
            .add(f6.mul(g3))
            .add(f7.mul(g2))
            .add(f8.mul(g1))
            .add(f9.mul(g0));
    LongVector c;
    c = h0.add(1L << 25).lanewise(VectorOperators.ASHR, 26);
    h1 = h1.add(c);
    h0 = h0.sub(c.lanewise(VectorOperators.LSHL, 26));
    c = h4.add(1L << 25).lanewise(VectorOperators.ASHR, 26);
    h5 = h5.add(c);
    h4 = h4.sub(c.lanewise(VectorOperators.LSHL, 26));
    c = h1.add(1L << 24).lanewise(VectorOperators.ASHR, 25);
    h2 = h2.add(c);
    h1 = h1.sub(c.lanewise(VectorOperators.LSHL, 25));
    c = h5.add(1L << 24).lanewise(VectorOperators.ASHR, 25);
    h6 = h6.add(c);
    h5 = h5.sub(c.lanewise(VectorOperators.LSHL, 25));
    c = h2.add(1L << 25).lanewise(VectorOperators.ASHR, 26);
    h3 = h3.add(c);
    h2 = h2.sub(c.lanewise(VectorOperators.LSHL, 26));
    c = h6.add(1L << 25).lanewise(VectorOperators.ASHR, 26);
    h7 = h7.add(c);
    h6 = h6.sub(c.lanewise(VectorOperators.LSHL, 26));
    c = h3.add(1L << 24).lanewise(VectorOperators.ASHR, 25);
    h4 = h4.add(c);
    h3 = h3.sub(c.lanewise(VectorOperators.LSHL, 25));
    c = h7.add(1L << 24).lanewise(VectorOperators.ASHR, 25);
    h8 = h8.add(c);
    h7 = h7.sub(c.lanewise(VectorOperators.LSHL, 25));
    c = h4.add(1L << 25).lanewise(VectorOperators.ASHR, 26);
    h5 = h5.add(c);
    h4 = h4.sub(c.lanewise(VectorOperators.LSHL, 26));
    c = h8.add(1L << 25).lanewise(VectorOperators.ASHR, 26);
    h9 = h9.add(c);
    h8 = h8.sub(c.lanewise(VectorOperators.LSHL, 26));
    c = h9.add(1L << 24).lanewise(VectorOperators.ASHR, 25);
    h0 = h0.add(c.mul(19L));
    h9 = h9.sub(c.lanewise(VectorOperators.LSHL, 25));
    c = h0.add(1L << 25).lanewise(VectorOperators.ASHR, 26);
    h1 = h1.add(c);
    h0 = h0.sub(c.lanewise(VectorOperators.LSHL, 26));
    h0.intoArray(w, h + 0 * N);
    h1.intoArray(w, h + 1 * N);
    h2.intoArray(w, h + 2 * N);
    h3.intoArray(w, h + 3 * N);
    h4.intoArray(w, h + 4 * N);
    h5.intoArray(w, h + 5 * N);
    h6.intoArray(w, h + 6 * N);
    h7.intoArray(w, h + 7 * N);
    h8.intoArray(w, h + 8 * N);
    h9.intoArray(w, h + 9 * N);
  }

  /**
   * {@code h = f^2} (mod p), or {@code 2 f^2} when {@code twice}, in lanes: ref10's {@code fe_sq}
   * and {@code fe_sq2}, generated like {@link #mul} with each cross product counted once, doubled.
   * The carry chain is {@link #mul}'s, repeated: a shared helper would take the ten sums through
   * memory (C2 keeps vectors in registers only within a method and the methods it inlines).
   */
  static void sqr(long[] w, int h, int f, boolean twice) {
    LongVector f0 = LongVector.fromArray(S, w, f + 0 * N);
    LongVector f1 = LongVector.fromArray(S, w, f + 1 * N);
    LongVector f2 = LongVector.fromArray(S, w, f + 2 * N);
    LongVector f3 = LongVector.fromArray(S, w, f + 3 * N);
    LongVector f4 = LongVector.fromArray(S, w, f + 4 * N);
    LongVector f5 = LongVector.fromArray(S, w, f + 5 * N);
    LongVector f6 = LongVector.fromArray(S, w, f + 6 * N);
    LongVector f7 = LongVector.fromArray(S, w, f + 7 * N);
    LongVector f8 = LongVector.fromArray(S, w, f + 8 * N);
    LongVector f9 = LongVector.fromArray(S, w, f + 9 * N);
    LongVector f0x2 = f0.add(f0);
    LongVector f1x2 = f1.add(f1);
    LongVector f1x4 = f1.lanewise(VectorOperators.LSHL, 2);
    LongVector f2x2 = f2.add(f2);
    LongVector f3x2 = f3.add(f3);
    LongVector f3x4 = f3.lanewise(VectorOperators.LSHL, 2);
    LongVector f4x2 = f4.add(f4);
    LongVector f5x19 = f5.mul(19L);
    LongVector f5x2 = f5.add(f5);
    LongVector f5x4 = f5.lanewise(VectorOperators.LSHL, 2);
    LongVector f6x19 = f6.mul(19L);
    LongVector f6x2 = f6.add(f6);
    LongVector f7x19 = f7.mul(19L);
    LongVector f7x2 = f7.add(f7);
    LongVector f7x4 = f7.lanewise(VectorOperators.LSHL, 2);
    LongVector f8x19 = f8.mul(19L);
    LongVector f8x2 = f8.add(f8);
    LongVector f9x19 = f9.mul(19L);
    LongVector f9x2 = f9.add(f9);
    LongVector h0 =
        f0.mul(f0)
            .add(f1x4.mul(f9x19))
            .add(f2x2.mul(f8x19))
            .add(f3x4.mul(f7x19))
            .add(f4x2.mul(f6x19))
            .add(f5x2.mul(f5x19));
    LongVector h1 =
        f0x2.mul(f1)
            .add(f2x2.mul(f9x19))
            .add(f3x2.mul(f8x19))
            .add(f4x2.mul(f7x19))
            .add(f5x2.mul(f6x19));
    LongVector h2 =
        f0x2.mul(f2)
            .add(f1x2.mul(f1))
            .add(f3x4.mul(f9x19))
            .add(f4x2.mul(f8x19))
            .add(f5x4.mul(f7x19))
            .add(f6.mul(f6x19));
    LongVector h3 =
        f0x2.mul(f3)
            .add(f1x2.mul(f2))
            .add(f4x2.mul(f9x19))
            .add(f5x2.mul(f8x19))
            .add(f6x2.mul(f7x19));
    LongVector h4 =
        f0x2.mul(f4)
            .add(f1x4.mul(f3))
            .add(f2.mul(f2))
            .add(f5x4.mul(f9x19))
            .add(f6x2.mul(f8x19))
            .add(f7x2.mul(f7x19));
    LongVector h5 =
        f0x2.mul(f5).add(f1x2.mul(f4)).add(f2x2.mul(f3)).add(f6x2.mul(f9x19)).add(f7x2.mul(f8x19));
    LongVector h6 =
        f0x2.mul(f6)
            .add(f1x4.mul(f5))
            .add(f2x2.mul(f4))
            .add(f3x2.mul(f3))
            .add(f7x4.mul(f9x19))
            .add(f8.mul(f8x19));
    LongVector h7 =
        f0x2.mul(f7).add(f1x2.mul(f6)).add(f2x2.mul(f5)).add(f3x2.mul(f4)).add(f8x2.mul(f9x19));
    LongVector h8 =
        f0x2.mul(f8)
            .add(f1x4.mul(f7))
            .add(f2x2.mul(f6))
            .add(f3x4.mul(f5))
            .add(f4.mul(f4))
            .add(f9x2.mul(f9x19));
    LongVector h9 =
        f0x2.mul(f9).add(f1x2.mul(f8)).add(f2x2.mul(f7)).add(f3x2.mul(f6)).add(f4x2.mul(f5));
    if (twice) {
      h0 = h0.add(h0);
      h1 = h1.add(h1);
      h2 = h2.add(h2);
      h3 = h3.add(h3);
      h4 = h4.add(h4);
      h5 = h5.add(h5);
      h6 = h6.add(h6);
      h7 = h7.add(h7);
      h8 = h8.add(h8);
      h9 = h9.add(h9);
    }
    LongVector c;
    c = h0.add(1L << 25).lanewise(VectorOperators.ASHR, 26);
    h1 = h1.add(c);
    h0 = h0.sub(c.lanewise(VectorOperators.LSHL, 26));
    c = h4.add(1L << 25).lanewise(VectorOperators.ASHR, 26);
    h5 = h5.add(c);
    h4 = h4.sub(c.lanewise(VectorOperators.LSHL, 26));
    c = h1.add(1L << 24).lanewise(VectorOperators.ASHR, 25);
    h2 = h2.add(c);
    h1 = h1.sub(c.lanewise(VectorOperators.LSHL, 25));
    c = h5.add(1L << 24).lanewise(VectorOperators.ASHR, 25);
    h6 = h6.add(c);
    h5 = h5.sub(c.lanewise(VectorOperators.LSHL, 25));
    c = h2.add(1L << 25).lanewise(VectorOperators.ASHR, 26);
    h3 = h3.add(c);
    h2 = h2.sub(c.lanewise(VectorOperators.LSHL, 26));
    c = h6.add(1L << 25).lanewise(VectorOperators.ASHR, 26);
    h7 = h7.add(c);
    h6 = h6.sub(c.lanewise(VectorOperators.LSHL, 26));
    c = h3.add(1L << 24).lanewise(VectorOperators.ASHR, 25);
    h4 = h4.add(c);
    h3 = h3.sub(c.lanewise(VectorOperators.LSHL, 25));
    c = h7.add(1L << 24).lanewise(VectorOperators.ASHR, 25);
    h8 = h8.add(c);
    h7 = h7.sub(c.lanewise(VectorOperators.LSHL, 25));
    c = h4.add(1L << 25).lanewise(VectorOperators.ASHR, 26);
    h5 = h5.add(c);
    h4 = h4.sub(c.lanewise(VectorOperators.LSHL, 26));
    c = h8.add(1L << 25).lanewise(VectorOperators.ASHR, 26);
    h9 = h9.add(c);
    h8 = h8.sub(c.lanewise(VectorOperators.LSHL, 26));
    c = h9.add(1L << 24).lanewise(VectorOperators.ASHR, 25);
    h0 = h0.add(c.mul(19L));
    h9 = h9.sub(c.lanewise(VectorOperators.LSHL, 25));
    c = h0.add(1L << 25).lanewise(VectorOperators.ASHR, 26);
    h1 = h1.add(c);
    h0 = h0.sub(c.lanewise(VectorOperators.LSHL, 26));
    h0.intoArray(w, h + 0 * N);
    h1.intoArray(w, h + 1 * N);
    h2.intoArray(w, h + 2 * N);
    h3.intoArray(w, h + 3 * N);
    h4.intoArray(w, h + 4 * N);
    h5.intoArray(w, h + 5 * N);
    h6.intoArray(w, h + 6 * N);
    h7.intoArray(w, h + 7 * N);
    h8.intoArray(w, h + 8 * N);
    h9.intoArray(w, h + 9 * N);
  }
}
