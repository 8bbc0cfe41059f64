package dev.tufrepo.model.internal;

/** Lowercase hexadecimal, as TUF writes signatures, keys and hashes. */
public final class Hex {
  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  private Hex() {}

  public static String encode(byte[] bytes) {
    char[] out = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = DIGITS[(bytes[i] >> 4) & 0xF];
      out[2 * i + 1] = DIGITS[bytes[i] & 0xF];
    }
    return new String(out);
  }

  /** Decodes hex (either case); throws {@link IllegalArgumentException} on anything else. */
  public static byte[] decode(String hex) {
    int n = hex.length();
    if ((n & 1) != 0) {
      throw new IllegalArgumentException("odd number of hex digits");
    }
    byte[] out = new byte[n / 2];
    for (int i = 0; i < n; i += 2) {
      int hi = Character.digit(hex.charAt(i), 16);
      int lo = Character.digit(hex.charAt(i + 1), 16);
      if (hi < 0 || lo < 0 || hex.charAt(i) > 'f' || hex.charAt(i + 1) > 'f') {
        throw new IllegalArgumentException("not a hex digit at index " + (hi < 0 ? i : i + 1));
      }
      out[i / 2] = (byte) ((hi << 4) | lo);
    }
    return out;
  }

  /** True if {@code s} is non-empty lowercase hex of even length. */
  public static boolean isLowerHex(String s) {
    if (s.isEmpty() || (s.length() & 1) != 0) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
