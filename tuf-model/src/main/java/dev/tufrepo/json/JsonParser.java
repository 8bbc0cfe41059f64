package dev.tufrepo.json;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A strict JSON parser for TUF metadata (RFC 8259 syntax, plus TUF's limits): integers only, no
 * lone surrogates, valid UTF-8, no duplicate keys unless asked, bounded nesting. Every error names
 * the JSON path and the byte offset.
 */
final class JsonParser {
  /** Deeper documents are refused, so hostile input cannot overflow the stack. */
  static final int MAX_DEPTH = 512;

  private final byte[] in;

  /** Where the input ends: {@code in.length}, or the end of a range. */
  private final int end;

  private final boolean lastKeyWins;

  /** Canonical JSON's strings: control characters stand as they are, not escaped. */
  private final boolean rawControlCharacters;

  private int pos;
  private final Object[] path = new Object[MAX_DEPTH + 1];
  private int depth;

  /** The member path whose value's byte range {@link #locate} reports; null when not locating. */
  private final String[] target;

  /** How many leading names of {@link #target} the objects being parsed have matched. */
  private int matched;

  private int spanStart = -1;
  private int spanEnd = -1;

  JsonParser(byte[] in, boolean lastKeyWins) {
    this(in, lastKeyWins, null);
  }

  private JsonParser(byte[] in, boolean lastKeyWins, String[] target) {
    this(in, 0, in.length, lastKeyWins, target);
  }

  private JsonParser(byte[] in, int from, int to, boolean lastKeyWins, String[] target) {
    this(in, from, to, lastKeyWins, target, false);
  }

  private JsonParser(
      byte[] in,
      int from,
      int to,
      boolean lastKeyWins,
      String[] target,
      boolean rawControlCharacters) {
    this.in = in;
    this.pos = from;
    this.end = to;
    this.lastKeyWins = lastKeyWins;
    this.target = target;
    this.rawControlCharacters = rawControlCharacters;
  }

  /**
   * Parses the one value in {@code in[from, to)} that a canonical writer wrote: as strictly as a
   * whole document, except that control characters stand unescaped in strings, as canonical JSON
   * (OLPC) writes them. Error offsets count from the start of {@code in}.
   */
  static JsonValue parseCanonicalRange(byte[] in, int from, int to) {
    java.util.Objects.checkFromToIndex(from, to, in.length);
    return new JsonParser(in, from, to, false, null, true).parseDocument();
  }

  /**
   * Parses {@code in} strictly and returns where the value at member path {@code names} lies in it,
   * or null when an object on the path lacks the member or a value on the path is not an object. A
   * name found twice in an object on the path is refused as a duplicate key.
   */
  static JsonSpan locate(byte[] in, String... names) {
    JsonParser p = new JsonParser(in, false, names.clone());
    p.parseDocument();
    return p.spanStart < 0 ? null : new JsonSpan(p.spanStart, p.spanEnd);
  }

  JsonValue parseDocument() {
    if (end - pos >= 3
        && (in[pos] & 0xFF) == 0xEF
        && (in[pos + 1] & 0xFF) == 0xBB
        && (in[pos + 2] & 0xFF) == 0xBF) {
      throw error("byte order mark is not allowed", pos);
    }
    skipWhitespace();
    int start = pos;
    JsonValue v = parseValue();
    if (target != null && target.length == 0) {
      spanStart = start;
      spanEnd = pos;
    }
    skipWhitespace();
    if (pos != end) {
      throw error("unexpected content after the JSON value", pos);
    }
    return v;
  }

  private JsonValue parseValue() {
    if (pos >= end) {
      throw error("unexpected end of input, expected a value", pos);
    }
    byte c = in[pos];
    switch (c) {
      case '{':
        return parseObject();
      case '[':
        return parseArray();
      case '"':
        return new JsonString(parseString());
      case 't':
        literal("true");
        return JsonBoolean.TRUE;
      case 'f':
        literal("false");
        return JsonBoolean.FALSE;
      case 'n':
        literal("null");
        return JsonNull.INSTANCE;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return parseNumber();
        }
        throw error("unexpected character " + describe(c) + ", expected a value", pos);
    }
  }

  private JsonObject parseObject() {
    enter();
    // this object is on the target path when every object above it matched its name there
    boolean onPath = target != null && matched == depth - 1 && matched < target.length;
    pos++; // '{'
    Json.SortedMapBuilder<JsonValue> members = new Json.SortedMapBuilder<>();
    skipWhitespace();
    if (peek() == '}') {
      pos++;
      depth--;
      return JsonObject.empty();
    }
    while (true) {
      skipWhitespace();
      if (peek() != '"') {
        throw error("expected a member name in double quotes", pos);
      }
      int keyOffset = pos;
      String key = parseString();
      path[depth] = key;
      skipWhitespace();
      expect(':');
      skipWhitespace();
      boolean hit = onPath && key.equals(target[matched]);
      if (hit) {
        matched++;
        if (matched == target.length) {
          if (spanStart >= 0) {
            throw error(duplicateKey(key), keyOffset);
          }
          spanStart = pos;
        }
      }
      JsonValue value = parseValue();
      if (hit) {
        if (matched == target.length) {
          spanEnd = pos;
        }
        matched--;
      }
      if (members.put(key, value) != null && !lastKeyWins) {
        throw error(duplicateKey(key), keyOffset);
      }
      skipWhitespace();
      byte c = peek();
      if (c == ',') {
        pos++;
        path[depth] = null;
      } else if (c == '}') {
        pos++;
        depth--;
        return new JsonObject(members.build());
      } else {
        throw error("expected ',' or '}' after a member", pos);
      }
    }
  }

  private JsonArray parseArray() {
    enter();
    pos++; // '['
    List<JsonValue> values = new ArrayList<>();
    skipWhitespace();
    if (peek() == ']') {
      pos++;
      depth--;
      return new JsonArray(values);
    }
    while (true) {
      path[depth] = values.size();
      skipWhitespace();
      values.add(parseValue());
      skipWhitespace();
      byte c = peek();
      if (c == ',') {
        pos++;
      } else if (c == ']') {
        pos++;
        depth--;
        return new JsonArray(values);
      } else {
        throw error("expected ',' or ']' after an element", pos);
      }
    }
  }

  private void enter() {
    if (depth >= MAX_DEPTH) {
      throw error("nesting deeper than " + MAX_DEPTH + " levels", pos);
    }
    depth++;
    path[depth] = null;
  }

  private JsonNumber parseNumber() {
    int start = pos;
    boolean negative = false;
    if (in[pos] == '-') {
      negative = true;
      pos++;
    }
    int digitsStart = pos;
    while (pos < end && in[pos] >= '0' && in[pos] <= '9') {
      pos++;
    }
    int digits = pos - digitsStart;
    if (digits == 0) {
      throw error("'-' must be followed by a digit", pos);
    }
    if (pos < end && (in[pos] == '.' || in[pos] == 'e' || in[pos] == 'E')) {
      throw error("floating-point numbers are not allowed in TUF metadata", start);
    }
    if (digits > 1 && in[digitsStart] == '0') {
      throw error("leading zeros are not allowed in numbers", start);
    }
    long value = 0;
    for (int i = digitsStart; i < pos; i++) {
      int d = in[i] - '0';
      // accumulate as a negative number so that Long.MIN_VALUE fits
      if (value < (Long.MIN_VALUE + d) / 10) {
        throw error("integer is out of the 64-bit range", start);
      }
      value = value * 10 - d;
    }
    if (!negative) {
      if (value == Long.MIN_VALUE) {
        throw error("integer is out of the 64-bit range", start);
      }
      value = -value;
    }
    return new JsonNumber(value);
  }

  private String parseString() {
    int start = ++pos; // after '"'
    // fast path: printable ASCII without escapes
    while (pos < end) {
      byte b = in[pos];
      if (b == '"') {
        String s = new String(in, start, pos - start, StandardCharsets.ISO_8859_1);
        pos++;
        return s;
      }
      if (b == '\\' || b < 0x20) { // b < 0x20 also catches non-ASCII (negative bytes)
        break;
      }
      pos++;
    }
    StringBuilder sb = new StringBuilder(pos - start + 16);
    for (int i = start; i < pos; i++) {
      sb.append((char) in[i]);
    }
    while (true) {
      if (pos >= end) {
        throw error("unterminated string", start - 1);
      }
      int b = in[pos] & 0xFF;
      if (b == '"') {
        pos++;
        return sb.toString();
      } else if (b == '\\') {
        parseEscape(sb);
      } else if (b < 0x20 && !rawControlCharacters) {
        throw error(
            "control character " + describe((byte) b) + " must be escaped in a string", pos);
      } else if (b < 0x80) {
        sb.append((char) b);
        pos++;
      } else {
        sb.appendCodePoint(decodeUtf8(b));
      }
    }
  }

  private void parseEscape(StringBuilder sb) {
    int at = pos;
    pos++; // '\'
    if (pos >= end) {
      throw error("unterminated escape", at);
    }
    byte e = in[pos++];
    switch (e) {
      case '"' -> sb.append('"');
      case '\\' -> sb.append('\\');
      case '/' -> sb.append('/');
      case 'b' -> sb.append('\b');
      case 'f' -> sb.append('\f');
      case 'n' -> sb.append('\n');
      case 'r' -> sb.append('\r');
      case 't' -> sb.append('\t');
      case 'u' -> {
        char c = hex4(at);
        if (Character.isHighSurrogate(c)) {
          if (pos + 1 < end && in[pos] == '\\' && in[pos + 1] == 'u') {
            int lowAt = pos;
            pos += 2;
            char low = hex4(lowAt);
            if (!Character.isLowSurrogate(low)) {
              throw error(
                  "lone surrogate: \\u" + hex(c) + " is not followed by a low surrogate", at);
            }
            sb.append(c).append(low);
          } else {
            throw error("lone surrogate: \\u" + hex(c) + " is not followed by a low surrogate", at);
          }
        } else if (Character.isLowSurrogate(c)) {
          throw error("lone surrogate: \\u" + hex(c) + " has no high surrogate before it", at);
        } else {
          sb.append(c);
        }
      }
      default -> throw error("invalid escape \\" + (char) (e & 0xFF), at);
    }
  }

  private char hex4(int escapeAt) {
    if (pos + 4 > end) {
      throw error("truncated \\u escape", escapeAt);
    }
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int d = Character.digit(in[pos + i], 16);
      if (d < 0) {
        throw error("\\u must be followed by 4 hex digits", escapeAt);
      }
      v = (v << 4) | d;
    }
    pos += 4;
    return (char) v;
  }

  /** Decodes one multi-byte UTF-8 sequence starting with lead byte {@code b} at {@code pos}. */
  private int decodeUtf8(int b) {
    int at = pos;
    int need;
    int cp;
    int min;
    if (b >= 0xC2 && b <= 0xDF) {
      need = 1;
      cp = b & 0x1F;
      min = 0x80;
    } else if (b >= 0xE0 && b <= 0xEF) {
      need = 2;
      cp = b & 0x0F;
      min = 0x800;
    } else if (b >= 0xF0 && b <= 0xF4) {
      need = 3;
      cp = b & 0x07;
      min = 0x10000;
    } else {
      throw error("invalid UTF-8 byte 0x" + Integer.toHexString(b), at);
    }
    if (pos + need >= end) {
      throw error("truncated UTF-8 sequence", at);
    }
    for (int i = 1; i <= need; i++) {
      int c = in[pos + i] & 0xFF;
      if ((c & 0xC0) != 0x80) {
        throw error("invalid UTF-8 continuation byte 0x" + Integer.toHexString(c), pos + i);
      }
      cp = (cp << 6) | (c & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF) {
      throw error("invalid UTF-8 sequence (overlong or out of range)", at);
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) {
      throw error("lone surrogate U+" + hex((char) cp) + " encoded in UTF-8", at);
    }
    pos += need + 1;
    return cp;
  }

  private void literal(String word) {
    int n = word.length();
    if (pos + n > end) {
      throw error("unexpected end of input, expected '" + word + "'", pos);
    }
    for (int i = 0; i < n; i++) {
      if (in[pos + i] != word.charAt(i)) {
        throw error("invalid literal, expected '" + word + "'", pos);
      }
    }
    pos += n;
  }

  private void expect(char c) {
    if (peek() != c) {
      throw error("expected '" + c + "'", pos);
    }
    pos++;
  }

  private byte peek() {
    if (pos >= end) {
      throw error("unexpected end of input", pos);
    }
    return in[pos];
  }

  private void skipWhitespace() {
    while (pos < end) {
      byte b = in[pos];
      if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
        pos++;
      } else {
        return;
      }
    }
  }

  /** "duplicate key" and the name, quoted and escaped as in a JSON path. */
  private static String duplicateKey(String key) {
    String member = JsonPath.member("", key); // root, or ["a b"] when not a plain name
    return "duplicate key "
        + (member.startsWith("[") ? member.substring(1, member.length() - 1) : '"' + key + '"');
  }

  private static String hex(char c) {
    return String.format(java.util.Locale.ROOT, "%04x", (int) c);
  }

  private static String describe(byte b) {
    int v = b & 0xFF;
    if (v >= 0x20 && v < 0x7F) {
      return "'" + (char) v + "'";
    }
    return String.format(java.util.Locale.ROOT, "0x%02x", v);
  }

  private JsonException error(String reason, int offset) {
    String p = "";
    for (int i = 1; i <= depth; i++) {
      Object seg = path[i];
      if (seg instanceof String s) {
        p = JsonPath.member(p, s);
      } else if (seg instanceof Integer idx) {
        p = JsonPath.element(p, idx);
      }
    }
    return new JsonException(p, reason, offset);
  }
}
