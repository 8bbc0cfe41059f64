package dev.tufrepo.model.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import jdk.incubator.vector.LongVector;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * {@link Sha512Lanes} gives the JDK's SHA-512 of each lane's head and message, whatever the mix of
 * lengths in one call. Runs with the Vector API module resolved (surefire's argLine), as the
 * service runs.
 */
class Sha512LanesProperties {
  /** A message: a range of a larger array, so offsets other than 0 are covered. */
  record Msg(byte[] buffer, int offset, int length) {}

  @Example
  void lanes_matchThisMachinesVectors() {
    int preferred = LongVector.SPECIES_PREFERRED.length();
    assertEquals(preferred >= 8 ? 8 : 4, Sha512Lanes.LANES);
  }

  @Example
  void everyLengthAroundTheBlockEdges_hashesLikeTheJdk() throws Exception {
    // head + message ends on each side of where the padding needs a second block (112 mod 128),
    // and of full blocks (0 mod 128), for both of Ed25519's heads
    Random random = new Random(512);
    Sha512Lanes lanes = new Sha512Lanes();
    for (int head : new int[] {32, 64, 0, 128}) {
      for (int length = 0; length <= 400; length += Sha512Lanes.LANES) {
        int n = Sha512Lanes.LANES;
        byte[][] heads = new byte[n][];
        byte[][] ms = new byte[n][];
        int[] offs = new int[n];
        int[] lens = new int[n];
        for (int l = 0; l < n; l++) {
          heads[l] = bytes(random, head);
          ms[l] = bytes(random, length + l + 3);
          offs[l] = l % 4;
          lens[l] = length + l;
        }
        assertLikeJdk(lanes, n, heads, head, ms, offs, lens);
      }
    }
  }

  // no edge cases: they alone outnumbered the tries; the block edges have their own example above
  @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
  void mixedLengthsAndCounts_hashLikeTheJdk(
      @ForAll("messages") @Size(min = 1, max = 8) List<Msg> messages,
      @ForAll("heads") int head,
      @ForAll @IntRange(min = 0, max = 1_000_000) int seed)
      throws Exception {
    int n = Math.min(messages.size(), Sha512Lanes.LANES);
    Random random = new Random(seed);
    byte[][] heads = new byte[n][];
    byte[][] ms = new byte[n][];
    int[] offs = new int[n];
    int[] lens = new int[n];
    for (int l = 0; l < n; l++) {
      heads[l] = bytes(random, head + random.nextInt(3)); // may be longer than the head used
      ms[l] = messages.get(l).buffer();
      offs[l] = messages.get(l).offset();
      lens[l] = messages.get(l).length();
    }
    assertLikeJdk(new Sha512Lanes(), n, heads, head, ms, offs, lens);
  }

  @Example
  void oneInstance_reusedAcrossCalls_keepsNoState() throws Exception {
    Random random = new Random(9);
    Sha512Lanes lanes = new Sha512Lanes();
    for (int round = 0; round < 20; round++) {
      int n = 1 + random.nextInt(Sha512Lanes.LANES);
      byte[][] heads = new byte[n][];
      byte[][] ms = new byte[n][];
      int[] offs = new int[n];
      int[] lens = new int[n];
      for (int l = 0; l < n; l++) {
        heads[l] = bytes(random, 32);
        lens[l] = random.nextInt(round % 2 == 0 ? 20_000 : 300);
        ms[l] = bytes(random, lens[l]);
      }
      assertLikeJdk(lanes, n, heads, 32, ms, offs, lens);
    }
  }

  @Example
  void badArguments_areRefused() {
    Sha512Lanes lanes = new Sha512Lanes();
    byte[][] one = {new byte[64]};
    byte[] out = new byte[64 * Sha512Lanes.LANES];
    assertThrows(
        IllegalArgumentException.class,
        () -> lanes.digest(0, one, 32, one, new int[1], new int[1], out));
    assertThrows(
        IllegalArgumentException.class,
        () -> lanes.digest(1, one, 12, one, new int[1], new int[1], out));
    assertThrows(
        IndexOutOfBoundsException.class,
        () -> lanes.digest(1, one, 32, one, new int[] {10}, new int[] {60}, out));
  }

  @Provide
  Arbitrary<List<Msg>> messages() {
    Arbitrary<Integer> lengths =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0, 300)),
            net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 12_000)));
    Arbitrary<Msg> msg =
        Combinators.combine(lengths, Arbitraries.integers().between(0, 9), Arbitraries.longs())
            .as(
                (length, offset, seed) -> {
                  byte[] b = bytes(new Random(seed), length + offset + 5);
                  return new Msg(b, offset, length);
                });
    return msg.list();
  }

  @Provide
  Arbitrary<Integer> heads() {
    return Arbitraries.of(0, 8, 32, 64, 120, 128);
  }

  private static void assertLikeJdk(
      Sha512Lanes lanes, int n, byte[][] heads, int head, byte[][] ms, int[] offs, int[] lens)
      throws Exception {
    byte[] out = new byte[64 * n];
    lanes.digest(n, heads, head, ms, offs, lens, out);
    for (int l = 0; l < n; l++) {
      MessageDigest md = MessageDigest.getInstance("SHA-512");
      md.update(heads[l], 0, head);
      md.update(ms[l], offs[l], lens[l]);
      assertArrayEquals(
          md.digest(),
          Arrays.copyOfRange(out, 64 * l, 64 * l + 64),
          "lane " + l + " of " + n + ": head " + head + ", message of " + lens[l] + " bytes");
    }
  }

  private static byte[] bytes(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
