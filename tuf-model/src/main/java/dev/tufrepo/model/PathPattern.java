package dev.tufrepo.model;

/**
 * Matches a target path against a delegation's path pattern the way python-tuf does: both are split
 * on {@code /}, must have the same number of segments, and each segment is matched with Python's
 * {@code fnmatch} rules ({@code *}, {@code ?}, {@code [seq]}, {@code [!seq]}).
 */
final class PathPattern {
  private PathPattern() {}

  static boolean matches(String pattern, String path) {
    String[] p = pattern.split("/", -1);
    String[] t = path.split("/", -1);
    if (p.length != t.length) {
      return false;
    }
    for (int i = 0; i < p.length; i++) {
      if (!segment(p[i], 0, t[i], 0)) {
        return false;
      }
    }
    return true;
  }

  /** Glob match with the classic star-backtracking walk: linear in practice, never exponential. */
  private static boolean segment(String p, int pi, String s, int si) {
    int starP = -1;
    int starS = -1;
    while (si < s.length()) {
      int next = pi < p.length() ? step(p, pi, s.charAt(si)) : -1;
      if (pi < p.length() && p.charAt(pi) == '*') {
        starP = ++pi;
        starS = si;
      } else if (next >= 0) {
        pi = next;
        si++;
      } else if (starP >= 0) {
        pi = starP;
        si = ++starS;
      } else {
        return false;
      }
    }
    while (pi < p.length() && p.charAt(pi) == '*') {
      pi++;
    }
    return pi == p.length();
  }

  /**
   * If the pattern element at {@code pi} (not '*') matches {@code c}, the index after it; else -1.
   */
  private static int step(String p, int pi, char c) {
    char e = p.charAt(pi);
    if (e == '*') {
      return -1;
    }
    if (e == '?') {
      return pi + 1;
    }
    if (e == '[') {
      int close = classEnd(p, pi);
      if (close >= 0) {
        return inClass(p, pi + 1, close, c) ? close + 1 : -1;
      }
    }
    return e == c ? pi + 1 : -1;
  }

  /** Index of the ']' closing the class that opens at {@code open}, or -1. */
  private static int classEnd(String p, int open) {
    int i = open + 1;
    if (i < p.length() && p.charAt(i) == '!') {
      i++;
    }
    if (i < p.length() && p.charAt(i) == ']') {
      i++;
    }
    while (i < p.length() && p.charAt(i) != ']') {
      i++;
    }
    return i < p.length() ? i : -1;
  }

  private static boolean inClass(String p, int from, int to, char c) {
    boolean negate = from < to && p.charAt(from) == '!';
    int i = negate ? from + 1 : from;
    boolean found = false;
    while (i < to) {
      char lo = p.charAt(i);
      if (i + 2 < to && p.charAt(i + 1) == '-') {
        char hi = p.charAt(i + 2);
        if (lo <= c && c <= hi) {
          found = true;
        }
        i += 3;
      } else {
        if (lo == c) {
          found = true;
        }
        i++;
      }
    }
    return found != negate;
  }
}
