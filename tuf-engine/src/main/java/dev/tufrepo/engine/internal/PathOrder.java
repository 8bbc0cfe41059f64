package dev.tufrepo.engine.internal;

/**
 * Sort keys that order target paths by code point (the order of a role's {@code targets}) without
 * reading the paths again: a 40-bit number made from five characters of the path. For paths that
 * share their first {@code from} characters, {@code key(a, from) < key(b, from)} implies that
 * {@code a} sorts before {@code b}, and {@code a} sorting before {@code b} implies {@code key(a,
 * from) <= key(b, from)}; equal keys say nothing, and such paths are compared whole.
 *
 * <p>Each character becomes one byte: the end of the path 0 (a path sorts before its extensions), a
 * character below U+00FE its value plus one, and any character from U+00FE up 0xFF, which also
 * fills the rest of the key, since the order among such characters is not kept. Code point order
 * and UTF-16 order differ only among characters from U+D800 up, which all become 0xFF.
 */
final class PathOrder {
  /** Characters in a key. */
  static final int CHARS = 5;

  private PathOrder() {}

  /** The key of {@code path} from character {@code from} on. */
  static long key(String path, int from) {
    long key = 0;
    int n = path.length();
    boolean high = false;
    for (int j = 0; j < CHARS; j++) {
      int i = from + j;
      int b;
      if (high) {
        b = 0xFF;
      } else if (i >= n) {
        b = 0;
      } else {
        char c = path.charAt(i);
        high = c >= 0xFE;
        b = high ? 0xFF : c + 1;
      }
      key = key << 8 | b;
    }
    return key;
  }

  /** How many leading characters {@code a} and {@code b} share, at most {@code limit}. */
  static int commonPrefix(String a, String b, int limit) {
    int n = Math.min(limit, Math.min(a.length(), b.length()));
    int i = 0;
    while (i < n && a.charAt(i) == b.charAt(i)) {
      i++;
    }
    return i;
  }
}
