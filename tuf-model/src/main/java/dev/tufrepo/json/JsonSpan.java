package dev.tufrepo.json;

import java.util.Arrays;

/**
 * Where a JSON value lies in the text it was parsed from: bytes {@code [start, end)}, from the
 * value's first byte to just after its last, exactly as written (whitespace inside it, member order
 * and escapes as they are). Found by {@link Json#locate}.
 *
 * @param start offset of the value's first byte
 * @param end offset just after the value's last byte
 */
public record JsonSpan(int start, int end) {
  public JsonSpan {
    if (start < 0 || end <= start) {
      throw new IllegalArgumentException(
          "not a span of a JSON value: [" + start + ", " + end + ")");
    }
  }

  /** The bytes of this span in {@code text}, the text it was located in. */
  public byte[] copyOf(byte[] text) {
    return Arrays.copyOfRange(text, start, end);
  }
}
