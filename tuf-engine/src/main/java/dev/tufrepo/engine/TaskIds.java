package dev.tufrepo.engine;

import java.security.SecureRandom;

/**
 * Task ids: 32 lowercase hex digits without dashes, the form of RSTUF's {@code uuid4().hex}, laid
 * out as a version 7 UUID (RFC 9562): the first 48 bits are the Unix time in milliseconds, the
 * other 74 free bits come from a {@link SecureRandom}, so ids stay unguessable. Because ids made
 * later sort later, a database indexes new tasks at the end of its task index instead of at random
 * places: with random ids every acknowledged request dirtied a different B-tree page of the state
 * store (the embedded H2 serialized them all at each commit, the largest part of a request's CPU).
 * Clients treat ids as opaque strings.
 */
public final class TaskIds {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private TaskIds() {}

  /** A new id for a task received now. */
  public static String newTaskId() {
    return newTaskId(System.currentTimeMillis());
  }

  static String newTaskId(long epochMillis) {
    byte[] random = new byte[10];
    RANDOM.nextBytes(random);
    long high =
        (epochMillis & 0xFFFF_FFFF_FFFFL) << 16
            | 0x7000L
            | (random[0] & 0x0F) << 8
            | (random[1] & 0xFF);
    long low = 0x8000_0000_0000_0000L | ((random[2] & 0x3FL) << 56);
    for (int i = 3; i < 10; i++) {
      low |= (random[i] & 0xFFL) << (8 * (9 - i));
    }
    char[] out = new char[32];
    hex(high, out, 0);
    hex(low, out, 16);
    return new String(out);
  }

  private static void hex(long v, char[] out, int at) {
    for (int i = 15; i >= 0; i--) {
      out[at + i] = HEX[(int) (v & 0xF)];
      v >>>= 4;
    }
  }
}
