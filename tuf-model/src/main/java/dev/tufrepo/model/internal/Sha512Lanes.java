package dev.tufrepo.model.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SHA-512 (FIPS 180-4) of several messages at once, one message in each lane of a vector of 64-bit
 * words: 8 lanes with AVX-512, 4 with AVX2. The rounds of SHA-512 do the same additions, rotations
 * and logic on every message, so a lane of a vector instruction can run each. On the Intel Xeon
 * guest of 2026-11-27, 8 lanes hashed 9.5 kB messages at 620-940 MB/s on one core, against 230-320
 * MB/s for the JDK's intrinsified {@code MessageDigest} one message at a time; 4 lanes (256-bit
 * vectors) at 410-480 MB/s.
 *
 * <p>Uses the incubating Vector API ({@code jdk.incubator.vector}), which the JVM resolves only
 * when started with {@code --add-modules jdk.incubator.vector}; without it this class fails to load
 * with a {@link LinkageError}, which {@link FastEd25519} takes as "not available". Its loops are
 * fast only once C2 has compiled them; interpreted, each vector operation allocates.
 *
 * <p>Each message is a short head (the 32 or 64 bytes Ed25519 puts before the message) followed by
 * a range of a larger array, read in place. Messages of different lengths may share a call; a lane
 * whose message has ended idles until the longest one ends, so callers group messages of similar
 * lengths. Not thread-safe: one instance per thread.
 */
final class Sha512Lanes {
  private static final VectorSpecies<Long> SPECIES = species();

  /** Messages hashed per call: the number of 64-bit lanes of the vectors used. */
  static final int LANES = SPECIES.length();

  private static final VarHandle BE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private static final long[] K = {
    0x428a2f98d728ae22L, 0x7137449123ef65cdL, 0xb5c0fbcfec4d3b2fL, 0xe9b5dba58189dbbcL,
    0x3956c25bf348b538L, 0x59f111f1b605d019L, 0x923f82a4af194f9bL, 0xab1c5ed5da6d8118L,
    0xd807aa98a3030242L, 0x12835b0145706fbeL, 0x243185be4ee4b28cL, 0x550c7dc3d5ffb4e2L,
    0x72be5d74f27b896fL, 0x80deb1fe3b1696b1L, 0x9bdc06a725c71235L, 0xc19bf174cf692694L,
    0xe49b69c19ef14ad2L, 0xefbe4786384f25e3L, 0x0fc19dc68b8cd5b5L, 0x240ca1cc77ac9c65L,
    0x2de92c6f592b0275L, 0x4a7484aa6ea6e483L, 0x5cb0a9dcbd41fbd4L, 0x76f988da831153b5L,
    0x983e5152ee66dfabL, 0xa831c66d2db43210L, 0xb00327c898fb213fL, 0xbf597fc7beef0ee4L,
    0xc6e00bf33da88fc2L, 0xd5a79147930aa725L, 0x06ca6351e003826fL, 0x142929670a0e6e70L,
    0x27b70a8546d22ffcL, 0x2e1b21385c26c926L, 0x4d2c6dfc5ac42aedL, 0x53380d139d95b3dfL,
    0x650a73548baf63deL, 0x766a0abb3c77b2a8L, 0x81c2c92e47edaee6L, 0x92722c851482353bL,
    0xa2bfe8a14cf10364L, 0xa81a664bbc423001L, 0xc24b8b70d0f89791L, 0xc76c51a30654be30L,
    0xd192e819d6ef5218L, 0xd69906245565a910L, 0xf40e35855771202aL, 0x106aa07032bbd1b8L,
    0x19a4c116b8d2d0c8L, 0x1e376c085141ab53L, 0x2748774cdf8eeb99L, 0x34b0bcb5e19b48a8L,
    0x391c0cb3c5c95a63L, 0x4ed8aa4ae3418acbL, 0x5b9cca4f7763e373L, 0x682e6ff3d6b2b8a3L,
    0x748f82ee5defb2fcL, 0x78a5636f43172f60L, 0x84c87814a1f0ab72L, 0x8cc702081a6439ecL,
    0x90befffa23631e28L, 0xa4506cebde82bde9L, 0xbef9a3f7b2c67915L, 0xc67178f2e372532bL,
    0xca273eceea26619cL, 0xd186b8c721c0c207L, 0xeada7dd6cde0eb1eL, 0xf57d4f7fee6ed178L,
    0x06f067aa72176fbaL, 0x0a637dc5a2c898a6L, 0x113f9804bef90daeL, 0x1b710b35131c471bL,
    0x28db77f523047d84L, 0x32caab7b40c72493L, 0x3c9ebe0a15c9bebcL, 0x431d67c49c100d4cL,
    0x4cc5d4becb3e42b6L, 0x597f299cfc657e2aL, 0x5fcb6fab3ad6faecL, 0x6c44198c4a475817L
  };

  private static final long[] H0 = {
    0x6a09e667f3bcc908L, 0xbb67ae8584caa73bL, 0x3c6ef372fe94f82bL, 0xa54ff53a5f1d36f1L,
    0x510e527fade682d1L, 0x9b05688c2b3e6c1fL, 0x1f83d9abfb41bd6bL, 0x5be0cd19137e2179L
  };

  private static final int BLOCK = 128;

  /** The chaining state, word-major: word {@code i} of lane {@code l} at {@code i * LANES + l}. */
  private final long[] state = new long[8 * LANES];

  /** The block being compressed (then its message schedule), word-major like {@link #state}. */
  private final long[] words = new long[16 * LANES];

  /** Per lane, the message's last bytes and its padding: one or two blocks. */
  private final byte[][] tails = new byte[LANES][2 * BLOCK];

  private final int[] fullBlocks = new int[LANES];
  private final int[] blocks = new int[LANES];

  /**
   * The largest vectors of 64-bit lanes this JVM runs in hardware, or a failure when they hold
   * fewer than 4 (SSE only, or no vector support): then the JDK's digest is faster.
   */
  /**
   * 512 bits with AVX-512, else 256: on narrower hardware the Vector API runs a 256-bit species in
   * smaller instructions, correct but slower than the JDK's SHA-512 ({@link #available()}).
   */
  private static VectorSpecies<Long> species() {
    return LongVector.SPECIES_PREFERRED.length() >= 8
        ? LongVector.SPECIES_512
        : LongVector.SPECIES_256;
  }

  /**
   * True when this JVM's vectors hold at least four 64-bit lanes (AVX2 or AVX-512 on x86), so that
   * hashing messages side by side is faster than one at a time.
   */
  static boolean available() {
    return LongVector.SPECIES_PREFERRED.length() >= 4;
  }

  /**
   * For {@code i < n}, writes at {@code out[i * 64]} the SHA-512 of {@code heads[i][0, headLength)}
   * followed by {@code messages[i][offsets[i], offsets[i] + lengths[i])}.
   *
   * @param n how many messages, 1 to {@link #LANES}
   * @param headLength a multiple of 8, at most 128
   */
  void digest(
      int n,
      byte[][] heads,
      int headLength,
      byte[][] messages,
      int[] offsets,
      int[] lengths,
      byte[] out) {
    if (n < 1 || n > LANES || headLength % 8 != 0 || headLength > BLOCK || headLength < 0) {
      throw new IllegalArgumentException("n=" + n + ", headLength=" + headLength);
    }
    int maxBlocks = 0;
    for (int l = 0; l < n; l++) {
      java.util.Objects.checkFromIndexSize(offsets[l], lengths[l], messages[l].length);
      java.util.Objects.checkFromIndexSize(0, headLength, heads[l].length);
      long total = (long) headLength + lengths[l];
      int full = (int) (total / BLOCK);
      int rest = (int) (total - (long) full * BLOCK);
      int tailBlocks = rest + 17 <= BLOCK ? 1 : 2;
      fullBlocks[l] = full;
      blocks[l] = full + tailBlocks;
      maxBlocks = Math.max(maxBlocks, blocks[l]);
      byte[] tail = tails[l];
      Arrays.fill(tail, (byte) 0);
      // the message's bytes after its last full block: part of the head only when there is none
      long from = (long) full * BLOCK;
      int t = 0;
      if (from < headLength) {
        t = headLength - (int) from;
        System.arraycopy(heads[l], (int) from, tail, 0, t);
      }
      int mFrom = (int) Math.max(0, from - headLength);
      System.arraycopy(messages[l], offsets[l] + mFrom, tail, t, lengths[l] - mFrom);
      tail[rest] = (byte) 0x80;
      BE.set(tail, tailBlocks * BLOCK - 8, total * 8); // the bit length; its high 64 bits are 0
      for (int i = 0; i < 8; i++) {
        state[i * LANES + l] = H0[i];
      }
    }
    for (int b = 0; b < maxBlocks; b++) {
      for (int l = 0; l < n; l++) {
        if (b < fullBlocks[l]) {
          loadFull(l, b, heads[l], headLength, messages[l], offsets[l]);
        } else if (b < blocks[l]) {
          byte[] tail = tails[l];
          int base = (b - fullBlocks[l]) * BLOCK;
          for (int i = 0; i < 16; i++) {
            words[i * LANES + l] = (long) BE.get(tail, base + 8 * i);
          }
        } // else the lane's message has ended: its state is not read again
      }
      compress(state, words);
      for (int l = 0; l < n; l++) {
        if (blocks[l] == b + 1) {
          for (int i = 0; i < 8; i++) {
            BE.set(out, l * 64 + 8 * i, state[i * LANES + l]);
          }
        }
      }
    }
  }

  /** Loads block {@code b} of lane {@code l}'s message, which lies wholly before its tail. */
  private void loadFull(int l, int b, byte[] head, int headLength, byte[] m, int off) {
    int start = b * BLOCK;
    if (start >= headLength) {
      int p = off + start - headLength;
      for (int i = 0; i < 16; i++) {
        words[i * LANES + l] = (long) BE.get(m, p + 8 * i);
      }
      return;
    }
    for (int i = 0; i < 16; i++) {
      int at = start + 8 * i;
      words[i * LANES + l] =
          at < headLength ? (long) BE.get(head, at) : (long) BE.get(m, off + at - headLength);
    }
  }

  /**
   * One SHA-512 compression of every lane's block in {@code w} into {@code st}. The message
   * schedule is kept in {@code w} (16 words, rolled) rather than in an array of vectors, which C2
   * did not keep in registers: 280-520 MB/s that way against 620-940 MB/s this way.
   */
  private static void compress(long[] st, long[] w) {
    final int n = LANES;
    LongVector a = LongVector.fromArray(SPECIES, st, 0);
    LongVector b = LongVector.fromArray(SPECIES, st, n);
    LongVector c = LongVector.fromArray(SPECIES, st, 2 * n);
    LongVector d = LongVector.fromArray(SPECIES, st, 3 * n);
    LongVector e = LongVector.fromArray(SPECIES, st, 4 * n);
    LongVector f = LongVector.fromArray(SPECIES, st, 5 * n);
    LongVector g = LongVector.fromArray(SPECIES, st, 6 * n);
    LongVector h = LongVector.fromArray(SPECIES, st, 7 * n);
    for (int t = 0; t < 80; t++) {
      LongVector wt;
      if (t < 16) {
        wt = LongVector.fromArray(SPECIES, w, t * n);
      } else {
        LongVector w15 = LongVector.fromArray(SPECIES, w, ((t - 15) & 15) * n);
        LongVector w2 = LongVector.fromArray(SPECIES, w, ((t - 2) & 15) * n);
        LongVector s0 =
            w15.lanewise(VectorOperators.ROR, 1)
                .lanewise(VectorOperators.XOR, w15.lanewise(VectorOperators.ROR, 8))
                .lanewise(VectorOperators.XOR, w15.lanewise(VectorOperators.LSHR, 7));
        LongVector s1 =
            w2.lanewise(VectorOperators.ROR, 19)
                .lanewise(VectorOperators.XOR, w2.lanewise(VectorOperators.ROR, 61))
                .lanewise(VectorOperators.XOR, w2.lanewise(VectorOperators.LSHR, 6));
        wt =
            LongVector.fromArray(SPECIES, w, (t & 15) * n)
                .add(s0)
                .add(LongVector.fromArray(SPECIES, w, ((t - 7) & 15) * n))
                .add(s1);
        wt.intoArray(w, (t & 15) * n);
      }
      LongVector bigS1 =
          e.lanewise(VectorOperators.ROR, 14)
              .lanewise(VectorOperators.XOR, e.lanewise(VectorOperators.ROR, 18))
              .lanewise(VectorOperators.XOR, e.lanewise(VectorOperators.ROR, 41));
      LongVector ch = f.lanewise(VectorOperators.XOR, g).and(e).lanewise(VectorOperators.XOR, g);
      LongVector t1 = h.add(bigS1).add(ch).add(K[t]).add(wt);
      LongVector bigS0 =
          a.lanewise(VectorOperators.ROR, 28)
              .lanewise(VectorOperators.XOR, a.lanewise(VectorOperators.ROR, 34))
              .lanewise(VectorOperators.XOR, a.lanewise(VectorOperators.ROR, 39));
      LongVector maj = a.and(b).or(c.and(a.or(b)));
      LongVector t2 = bigS0.add(maj);
      h = g;
      g = f;
      f = e;
      e = d.add(t1);
      d = c;
      c = b;
      b = a;
      a = t1.add(t2);
    }
    LongVector.fromArray(SPECIES, st, 0).add(a).intoArray(st, 0);
    LongVector.fromArray(SPECIES, st, n).add(b).intoArray(st, n);
    LongVector.fromArray(SPECIES, st, 2 * n).add(c).intoArray(st, 2 * n);
    LongVector.fromArray(SPECIES, st, 3 * n).add(d).intoArray(st, 3 * n);
    LongVector.fromArray(SPECIES, st, 4 * n).add(e).intoArray(st, 4 * n);
    LongVector.fromArray(SPECIES, st, 5 * n).add(f).intoArray(st, 5 * n);
    LongVector.fromArray(SPECIES, st, 6 * n).add(g).intoArray(st, 6 * n);
    LongVector.fromArray(SPECIES, st, 7 * n).add(h).intoArray(st, 7 * n);
  }
}
