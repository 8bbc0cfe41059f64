package dev.tufrepo.json;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes JSON into a growing byte buffer, in one of two dialects:
 *
 * <ul>
 *   <li>{@link #canonical()}: OLPC canonical JSON exactly as securesystemslib writes it: only
 *       {@code "} and {@code \} are escaped; control characters and non-ASCII are written as raw
 *       UTF-8. These are the bytes TUF signs. They are not always valid JSON text (a raw newline in
 *       a string is not), so files are written with {@link #json()}.
 *   <li>{@link #json()}: compact standard JSON; control characters are escaped.
 * </ul>
 *
 * <p>The writer does not sort: callers write object members in {@link Json#CODE_POINT_ORDER} order
 * ({@link #value(JsonValue)} does this for trees, the model records do it for themselves). Lone
 * surrogates cannot be encoded and throw {@link JsonException}. Not thread-safe.
 */
public final class JsonWriter {
  private static final byte[] HEX =
      "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
  private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
  private static final byte[] NULL = {'n', 'u', 'l', 'l'};

  /** Strings at least this long are checked eight bytes at a time ({@link #writeBulk}). */
  private static final int BULK_MIN = 16;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH_BITS = 0x8080808080808080L;

  private final boolean canonical;
  private byte[] buf;
  private int len;
  private boolean[] hasMembers = new boolean[32];
  private int depth;
  private boolean afterName;

  private JsonWriter(boolean canonical, int capacity) {
    this.canonical = canonical;
    this.buf = new byte[Math.max(16, capacity)];
  }

  /** A writer of canonical JSON (the signed bytes). */
  public static JsonWriter canonical() {
    return new JsonWriter(true, 256);
  }

  /** A writer of canonical JSON with an initial buffer of {@code capacity} bytes. */
  public static JsonWriter canonical(int capacity) {
    return new JsonWriter(true, capacity);
  }

  /** A writer of compact standard JSON (the file bytes). */
  public static JsonWriter json() {
    return new JsonWriter(false, 256);
  }

  /** A writer of compact standard JSON with an initial buffer of {@code capacity} bytes. */
  public static JsonWriter json(int capacity) {
    return new JsonWriter(false, capacity);
  }

  public boolean isCanonical() {
    return canonical;
  }

  public JsonWriter beginObject() {
    beforeValue();
    push();
    put((byte) '{');
    return this;
  }

  public JsonWriter endObject() {
    depth--;
    put((byte) '}');
    return this;
  }

  public JsonWriter beginArray() {
    beforeValue();
    push();
    put((byte) '[');
    return this;
  }

  public JsonWriter endArray() {
    depth--;
    put((byte) ']');
    return this;
  }

  /** Writes a member name; the next call writes its value. */
  public JsonWriter name(String name) {
    separator();
    writeString(name);
    put((byte) ':');
    afterName = true;
    return this;
  }

  public JsonWriter value(String s) {
    beforeValue();
    writeString(s);
    return this;
  }

  public JsonWriter value(long v) {
    beforeValue();
    if (v >= 0 && v < 10) {
      put((byte) ('0' + v));
      return this;
    }
    if (v > 0 && v <= Integer.MAX_VALUE) {
      // Lengths and versions: int arithmetic, no String.
      int i = (int) v;
      int digits = 2;
      for (int limit = 100; digits < 10 && i >= limit; limit *= 10) {
        digits++;
      }
      ensure(digits);
      byte[] b = buf;
      int p = len + digits;
      len = p;
      do {
        int q = i / 10;
        b[--p] = (byte) ('0' + (i - q * 10));
        i = q;
      } while (i != 0);
      return this;
    }
    String s = Long.toString(v);
    ensure(s.length());
    for (int i = 0; i < s.length(); i++) {
      buf[len++] = (byte) s.charAt(i);
    }
    return this;
  }

  public JsonWriter value(boolean v) {
    beforeValue();
    putAll(v ? TRUE : FALSE);
    return this;
  }

  public JsonWriter nullValue() {
    beforeValue();
    putAll(NULL);
    return this;
  }

  /** Writes a value tree; object members come out in code point order. */
  public JsonWriter value(JsonValue value) {
    if (value instanceof JsonString s) {
      return value(s.value());
    } else if (value instanceof JsonNumber n) {
      return value(n.value());
    } else if (value instanceof JsonObject o) {
      beginObject();
      members(o.members());
      return endObject();
    } else if (value instanceof JsonArray a) {
      beginArray();
      for (JsonValue v : a.values()) {
        value(v);
      }
      return endArray();
    } else if (value instanceof JsonBoolean b) {
      return value(b.value());
    } else {
      return nullValue();
    }
  }

  /**
   * Starts the next value, {@code length} bytes that {@link #rawByte} and {@link #rawBytes} then
   * append: a complete value encoded by a writer of this kind, in pieces. Package-private: only
   * {@link Json} copies bytes it encoded itself.
   */
  void rawBegin(int length) {
    beforeValue();
    ensure(length);
  }

  void rawByte(byte b) {
    put(b);
  }

  void rawBytes(byte[] bytes, int from, int length) {
    ensure(length);
    System.arraycopy(bytes, from, buf, len, length);
    len += length;
  }

  /**
   * The writer's own buffer, not a copy: its first {@link #size()} bytes are what was written. For
   * a caller that signs or copies the bytes in place; it must not change them, and must not use the
   * array after the next write or {@link #reset()}, which may change or replace it.
   */
  public byte[] buffer() {
    return buf;
  }

  /** Writes the members of a map already sorted in code point order (a model record's map). */
  public JsonWriter members(Map<String, ? extends JsonValue> sortedMembers) {
    for (Map.Entry<String, ? extends JsonValue> e : sortedMembers.entrySet()) {
      name(e.getKey());
      value(e.getValue());
    }
    return this;
  }

  public int size() {
    return len;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buf, len);
  }

  /** Forgets what was written, keeping the buffer, so one writer can be reused. */
  public void reset() {
    len = 0;
    depth = 0;
    afterName = false;
  }

  private void push() {
    if (++depth == hasMembers.length) {
      hasMembers = Arrays.copyOf(hasMembers, depth * 2);
    }
    hasMembers[depth] = false;
  }

  private void beforeValue() {
    if (afterName) {
      afterName = false;
    } else {
      separator();
    }
  }

  private void separator() {
    if (depth > 0) {
      if (hasMembers[depth]) {
        put((byte) ',');
      } else {
        hasMembers[depth] = true;
      }
    }
  }

  private void writeString(String s) {
    int n = s.length();
    if (n >= BULK_MIN && writeBulk(s, n)) {
      return;
    }
    ensure(n + 2);
    byte[] b = buf;
    int p = len;
    b[p++] = '"';
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
        b[p++] = (byte) c;
      } else {
        len = p;
        writeStringSlow(s, i);
        return;
      }
    }
    b[p++] = '"';
    len = p;
  }

  /**
   * Writes {@code s} quoted if every character is printable ASCII needing no escape, copying eight
   * bytes at a time; returns false, having written nothing, otherwise.
   *
   * <p>ISO-8859-1 encoding gives one byte per character for the ASCII strings this is for (a plain
   * copy for the JDK's compact Latin-1 strings). Any other character either becomes a byte this
   * method refuses ({@code "}, {@code \}, non-ASCII, and controls unless canonical) or is replaced
   * by {@code ?}, which is refused too, so an accepted string is exactly its bytes.
   */
  private boolean writeBulk(String s, int n) {
    byte[] ascii = s.getBytes(StandardCharsets.ISO_8859_1);
    if (ascii.length != n || !isPlainAscii(ascii, n, canonical)) {
      return false;
    }
    ensure(n + 2);
    byte[] b = buf;
    int p = len;
    b[p] = '"';
    System.arraycopy(ascii, 0, b, p + 1, n);
    b[p + n + 1] = '"';
    len = p + n + 2;
    return true;
  }

  /**
   * True if {@code a[0, n)} are all ASCII that {@link #writeStringSlow} would copy as they are: no
   * {@code "} or {@code \}, no control character unless {@code canonical} (canonical JSON escapes
   * none), and no {@code ?} (see {@link #writeBulk}). DEL is copied as it is in both forms.
   *
   * <p>Eight bytes at a time: each term sets the high bit of a byte that is non-ASCII, below 0x20
   * (not canonical), or equal to one of the refused characters. A borrow can also set it in bytes
   * above such a byte, but never in a word without one, so "any high bit set" is exact.
   */
  private static boolean isPlainAscii(byte[] a, int n, boolean canonical) {
    int i = 0;
    for (; i + 8 <= n; i += 8) {
      long x = (long) LONGS.get(a, i);
      long bad =
          x
              | zeroByte(x ^ 0x2222222222222222L)
              | zeroByte(x ^ 0x5c5c5c5c5c5c5c5cL)
              | zeroByte(x ^ 0x3f3f3f3f3f3f3f3fL);
      if (!canonical) { // invariant: the JIT can unswitch the loop
        bad |= (x - 0x2020202020202020L) & ~x;
      }
      if ((bad & HIGH_BITS) != 0) {
        return false;
      }
    }
    for (; i < n; i++) {
      byte c = a[i];
      if (c < 0 || (c < 0x20 && !canonical) || c == '"' || c == '\\' || c == '?') {
        return false;
      }
    }
    return true;
  }

  /** The high bit of each byte of {@code x} is set where that byte is zero (and maybe above). */
  private static long zeroByte(long x) {
    return (x - ONES) & ~x;
  }

  private void writeStringSlow(String s, int from) {
    int n = s.length();
    ensure((n - from) * 6 + 1);
    byte[] b = buf;
    int p = len;
    for (int i = from; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        if (c == '"' || c == '\\') {
          b[p++] = '\\';
          b[p++] = (byte) c;
        } else if (c < 0x20 && !canonical) {
          p = escapeControl(b, p, c);
        } else {
          b[p++] = (byte) c;
        }
      } else if (c < 0x800) {
        b[p++] = (byte) (0xC0 | (c >> 6));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isSurrogate(c)) {
        if (!Character.isHighSurrogate(c)
            || i + 1 >= n
            || !Character.isLowSurrogate(s.charAt(i + 1))) {
          len = p;
          throw new JsonException(
              "",
              String.format(
                  java.util.Locale.ROOT,
                  "lone surrogate U+%04X at index %d cannot be encoded as UTF-8",
                  (int) c,
                  i),
              -1);
        }
        int cp = Character.toCodePoint(c, s.charAt(++i));
        b[p++] = (byte) (0xF0 | (cp >> 18));
        b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (cp & 0x3F));
      } else {
        b[p++] = (byte) (0xE0 | (c >> 12));
        b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    b[p++] = '"';
    len = p;
  }

  private static int escapeControl(byte[] b, int p, char c) {
    b[p++] = '\\';
    switch (c) {
      case '\n' -> b[p++] = 'n';
      case '\t' -> b[p++] = 't';
      case '\r' -> b[p++] = 'r';
      case '\b' -> b[p++] = 'b';
      case '\f' -> b[p++] = 'f';
      default -> {
        b[p++] = 'u';
        b[p++] = '0';
        b[p++] = '0';
        b[p++] = HEX[c >> 4];
        b[p++] = HEX[c & 0xF];
      }
    }
    return p;
  }

  private void put(byte c) {
    ensure(1);
    buf[len++] = c;
  }

  private void putAll(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buf, len, bytes.length);
    len += bytes.length;
  }

  private void ensure(int extra) {
    if (len + extra > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
    }
  }
}
