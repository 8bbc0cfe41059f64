package dev.tufrepo.model;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * The {@code expires} format of TUF: exactly {@code YYYY-MM-DDTHH:MM:SSZ} in UTC (<a
 * href="https://theupdateframework.github.io/specification/latest/#file-formats-general-principles">spec</a>).
 * python-tuf parses it with {@code strptime("%Y-%m-%dT%H:%M:%SZ")}: no fractions, no offsets.
 */
public final class Expires {
  private Expires() {}

  /** Parses {@code text}; throws {@link IllegalArgumentException} naming what is wrong. */
  public static Instant parse(String text) {
    if (text.length() != 20
        || text.charAt(4) != '-'
        || text.charAt(7) != '-'
        || text.charAt(10) != 'T'
        || text.charAt(13) != ':'
        || text.charAt(16) != ':'
        || text.charAt(19) != 'Z'
        || !digits(text, 0, 4)
        || !digits(text, 5, 7)
        || !digits(text, 8, 10)
        || !digits(text, 11, 13)
        || !digits(text, 14, 16)
        || !digits(text, 17, 19)) {
      throw new IllegalArgumentException("must be a UTC time in the form YYYY-MM-DDTHH:MM:SSZ");
    }
    try {
      return LocalDateTime.of(
              num(text, 0, 4),
              num(text, 5, 7),
              num(text, 8, 10),
              num(text, 11, 13),
              num(text, 14, 16),
              num(text, 17, 19))
          .toInstant(ZoneOffset.UTC);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("is not a valid date and time: " + e.getMessage(), e);
    }
  }

  /** Formats {@code instant} (whole seconds; anything finer is dropped). */
  public static String format(Instant instant) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
    int year = t.getYear();
    if (year < 0 || year > 9999) {
      throw new IllegalArgumentException("expires must be within years 0000 to 9999");
    }
    char[] c = new char[20];
    put(c, 0, year, 4);
    c[4] = '-';
    put(c, 5, t.getMonthValue(), 2);
    c[7] = '-';
    put(c, 8, t.getDayOfMonth(), 2);
    c[10] = 'T';
    put(c, 11, t.getHour(), 2);
    c[13] = ':';
    put(c, 14, t.getMinute(), 2);
    c[16] = ':';
    put(c, 17, t.getSecond(), 2);
    c[19] = 'Z';
    return new String(c);
  }

  /** {@code instant} truncated to whole seconds, the precision of {@code expires}. */
  public static Instant truncate(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS);
  }

  private static void put(char[] c, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      c[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  private static boolean digits(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char ch = s.charAt(i);
      if (ch < '0' || ch > '9') {
        return false;
      }
    }
    return true;
  }

  private static int num(String s, int from, int to) {
    return Integer.parseInt(s, from, to, 10);
  }
}
