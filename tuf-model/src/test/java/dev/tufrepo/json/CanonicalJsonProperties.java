package dev.tufrepo.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Properties of the OLPC canonical JSON encoder and of the strict parser, checked against oracles
 * written here from the rules (sorted by code point, only {@code "} and {@code \} escaped, UTF-8),
 * not against the encoder's own helpers such as {@link Json#CODE_POINT_ORDER}.
 */
class CanonicalJsonProperties {

  // ---------------------------------------------------------------- generators

  /** Trees without control characters: their canonical bytes are valid JSON text. */
  @Provide
  Arbitrary<JsonValue> treesWithoutControls() {
    return JsonTreeArbitraries.values(false, 4);
  }

  /** Objects whose strings may hold raw control characters (canonical JSON writes them raw). */
  @Provide
  Arbitrary<JsonValue> objectsWithControls() {
    return JsonTreeArbitraries.objects(true, 4);
  }

  @Provide
  Arbitrary<JsonValue> treesWithControls() {
    return JsonTreeArbitraries.values(true, 4);
  }

  /**
   * Printable ASCII strings long enough for the writer's eight-bytes-at-a-time path, with at most
   * one character that path must refuse or may pass (a control, DEL, quote, backslash, {@code ?},
   * non-ASCII), at any position, so that both the refusal and every word boundary are exercised.
   */
  @Provide
  Arbitrary<String> mostlyAscii() {
    Arbitrary<String> ascii =
        Arbitraries.strings().withCharRange(' ', '~').ofMinLength(16).ofMaxLength(72);
    Arbitrary<Integer> odd =
        Arbitraries.of(
            0x00, 0x09, 0x1F, 0x7F, (int) '"', (int) '\\', (int) '?', 0xE9, 0x141, 0x1F600);
    return Combinators.combine(
            ascii, odd, Arbitraries.integers().between(0, 72), Arbitraries.of(true, false))
        .as(
            (s, cp, at, insert) -> {
              if (!insert) {
                return s;
              }
              int i = Math.min(at, s.length());
              return s.substring(0, i) + Character.toString(cp) + s.substring(i);
            });
  }

  @Provide
  Arbitrary<String> keys() {
    return JsonTreeArbitraries.keys(true);
  }

  /** Floating-point literals in valid JSON number syntax, so that only their floatness is wrong. */
  @Provide
  Arbitrary<String> floatLiterals() {
    Arbitrary<String> digits =
        Arbitraries.strings().withCharRange('0', '9').ofMinLength(1).ofMaxLength(6);
    Arbitrary<String> intPart =
        Arbitraries.oneOf(
            Arbitraries.just("0"),
            Arbitraries.integers().between(1, 9).map(String::valueOf),
            Arbitraries.longs().between(1, Long.MAX_VALUE).map(String::valueOf),
            Arbitraries.just("99999999999999999999999"));
    Arbitrary<String> fraction = digits.map(d -> "." + d);
    Arbitrary<String> exponent =
        Combinators.combine(Arbitraries.of("e", "E"), Arbitraries.of("", "+", "-"), digits)
            .as((e, s, d) -> e + s + d);
    Arbitrary<String> tail =
        Arbitraries.oneOf(
            fraction, exponent, Combinators.combine(fraction, exponent).as((f, e) -> f + e));
    Arbitrary<String> generated =
        Combinators.combine(Arbitraries.of("", "-"), intPart, tail).as((s, i, t) -> s + i + t);
    return Arbitraries.frequencyOf(
        Tuple.of(4, generated),
        Tuple.of(1, Arbitraries.of("1.5", "1e3", "1.0", "-0.0", "0e0", "1E+2", "0.1", "1e-7")));
  }

  /**
   * A JSON string literal holding a lone surrogate escape, with the byte offset of that escape's
   * backslash inside the literal.
   */
  @Provide
  Arbitrary<Tuple.Tuple2<String, Integer>> loneSurrogateStrings() {
    Arbitrary<String> hi = hex4(0xD800, 0xDBFF);
    Arbitrary<String> lo = hex4(0xDC00, 0xDFFF);
    Arbitrary<String> notLow = Arbitraries.oneOf(hex4(0x0000, 0xDBFF), hex4(0xE000, 0xFFFF));
    Arbitrary<String> loneEscape =
        Arbitraries.frequencyOf(
            Tuple.of(1, Arbitraries.just("\\ud800")),
            // a high surrogate with no escape after it
            Tuple.of(3, hi),
            // a high surrogate followed by an escape of something that is not a low surrogate
            Tuple.of(2, Combinators.combine(hi, notLow).as((h, n) -> h + n)),
            // a low surrogate with no high surrogate before it
            Tuple.of(3, lo),
            // a valid pair followed by a second low surrogate
            Tuple.of(1, Combinators.combine(hi, lo, lo).as((h, l, l2) -> h + l + l2)));
    Arbitrary<String> text = JsonTreeArbitraries.strings(true, 6);
    return Combinators.combine(text, loneEscape, text)
        .as(
            (before, esc, after) -> {
              String head = "\"" + escapeBody(before);
              int offset = utf8Length(head);
              if (esc.length() == 18) {
                // pair + stray low: the error is at the stray low surrogate
                offset += 12;
              }
              return Tuple.of(head + esc + escapeBody(after) + "\"", offset);
            });
  }

  /** {@code \}{@code uXXXX} for a code unit in [from, to], hex digits in mixed case. */
  private static Arbitrary<String> hex4(int from, int to) {
    return Combinators.combine(Arbitraries.integers().between(from, to), Arbitraries.longs())
        .as(
            (v, caseBits) -> {
              char[] h = String.format("%04x", v).toCharArray();
              for (int i = 0; i < 4; i++) {
                if (((caseBits >>> i) & 1) != 0) {
                  h[i] = Character.toUpperCase(h[i]);
                }
              }
              return "\\u" + new String(h);
            });
  }

  // ---------------------------------------------------------------- idempotence and round trip

  @Property(tries = 1000)
  void canonicalOfParsedCanonical_isTheSameBytes(@ForAll("treesWithoutControls") JsonValue v) {
    byte[] once = Json.canonical(v);
    byte[] twice = Json.canonical(Json.parse(once));
    assertArrayEquals(once, twice);
  }

  @Property(tries = 1000)
  void parseOfCanonical_returnsEqualTree(@ForAll("treesWithoutControls") JsonValue v) {
    assertEquals(v, Json.parse(Json.canonical(v)));
  }

  @Property(tries = 1000)
  void parseOfWrite_returnsEqualTree_evenWithControlCharacters(
      @ForAll("treesWithControls") JsonValue v) {
    byte[] text = Json.write(v);
    assertEquals(v, Json.parse(text));
    for (byte b : text) {
      assertTrue((b & 0xFF) >= 0x20, "Json.write must escape every control character");
    }
  }

  @Property(tries = 2000)
  void longMostlyAsciiStrings_canonicalIsReference_andWriteParsesBack(
      @ForAll("mostlyAscii") String s) {
    JsonValue v = new JsonString(s);
    assertArrayEquals(referenceCanonical(v), Json.canonical(v));
    byte[] text = Json.write(v);
    assertEquals(v, Json.parse(text));
    for (byte b : text) {
      assertTrue((b & 0xFF) >= 0x20, "Json.write must escape every control character");
    }
  }

  // ---------------------------------------------------------------- key order and exact bytes

  @Property(tries = 1000)
  void canonicalObjectKeys_comeOutSortedByCodePoint_atEveryLevel(
      @ForAll("objectsWithControls") JsonValue v) {
    byte[] out = Json.canonical(v);
    CanonicalReader r = new CanonicalReader(out);
    Object node = r.value();
    assertEquals(out.length, r.pos, "trailing bytes after the canonical value");
    assertSameTree(v, node);
  }

  @Property(tries = 1000)
  void canonicalBytes_equalReferenceEncoder(@ForAll("objectsWithControls") JsonValue v) {
    assertArrayEquals(referenceCanonical(v), Json.canonical(v));
  }

  @Property(tries = 1000)
  void codePointOrder_agreesWithComparingCodePointSequences(
      @ForAll("keys") String a, @ForAll("keys") String b) {
    int expected = Integer.signum(referenceCompare(a, b));
    assertEquals(expected, Integer.signum(Json.CODE_POINT_ORDER.compare(a, b)), a + " vs " + b);
    // the reference comparator itself must agree with unsigned UTF-8 byte order
    assertEquals(
        expected,
        Integer.signum(
            Arrays.compareUnsigned(
                a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8))));
  }

  // ---------------------------------------------------------------- rejection

  @Property(tries = 1000)
  void parse_rejectsFloatInsertedAnywhereAsAValue(
      @ForAll("treesWithControls") JsonValue v,
      @ForAll("floatLiterals") String literal,
      @ForAll long seed) {
    Random random = new Random(seed);
    int slot = random.nextInt(countValues(v));
    TextWriter w = new TextWriter(random, slot, literal);
    w.value(v);
    byte[] text = w.sb.toString().getBytes(StandardCharsets.UTF_8);

    JsonException e = assertThrows(JsonException.class, () -> Json.parse(text), w.sb::toString);
    assertTrue(
        e.reason().contains("floating-point"),
        () -> "reason does not mention floating-point: " + e.reason());
    assertEquals(w.insertedAtByte, e.offset(), () -> "offset of " + literal + " in " + w.sb);
  }

  @Property(tries = 1000)
  void parse_rejectsLoneSurrogateEscape_inValuesAndKeys(
      @ForAll("treesWithControls") JsonValue v,
      @ForAll("loneSurrogateStrings") Tuple.Tuple2<String, Integer> lone,
      @ForAll boolean asKey,
      @ForAll long seed) {
    Random random = new Random(seed);
    int slot = random.nextInt(countValues(v));
    String literal = asKey ? "{" + lone.get1() + ":0}" : lone.get1();
    TextWriter w = new TextWriter(random, slot, literal);
    w.value(v);
    byte[] text = w.sb.toString().getBytes(StandardCharsets.UTF_8);

    JsonException e = assertThrows(JsonException.class, () -> Json.parse(text), w.sb::toString);
    assertTrue(
        e.reason().contains("lone surrogate"),
        () -> "reason does not mention a lone surrogate: " + e.reason());
    assertEquals(
        w.insertedAtByte + (asKey ? 1 : 0) + lone.get2(), e.offset(), () -> "offset in " + w.sb);
  }

  // ---------------------------------------------------------------- oracles

  /** Compares by code point sequence, written independently of {@link Json#CODE_POINT_ORDER}. */
  static int referenceCompare(String a, String b) {
    return Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());
  }

  /** A tiny canonical encoder: sorted keys, only quote and backslash escaped, UTF-8. */
  static byte[] referenceCanonical(JsonValue v) {
    StringBuilder sb = new StringBuilder();
    encode(v, sb);
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void encode(JsonValue v, StringBuilder sb) {
    if (v instanceof JsonObject o) {
      List<String> keys = new ArrayList<>(o.members().keySet());
      keys.sort(CanonicalJsonProperties::referenceCompare);
      sb.append('{');
      for (int i = 0; i < keys.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        encodeString(keys.get(i), sb);
        sb.append(':');
        encode(o.members().get(keys.get(i)), sb);
      }
      sb.append('}');
    } else if (v instanceof JsonArray a) {
      sb.append('[');
      for (int i = 0; i < a.values().size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        encode(a.values().get(i), sb);
      }
      sb.append(']');
    } else if (v instanceof JsonString s) {
      encodeString(s.value(), sb);
    } else if (v instanceof JsonNumber n) {
      sb.append(n.value());
    } else if (v instanceof JsonBoolean b) {
      sb.append(b.value());
    } else {
      sb.append("null");
    }
  }

  private static void encodeString(String s, StringBuilder sb) {
    sb.append('"');
    s.codePoints()
        .forEach(
            cp -> {
              if (cp == '"' || cp == '\\') {
                sb.append('\\');
              }
              sb.appendCodePoint(cp);
            });
    sb.append('"');
  }

  /**
   * Checks that {@code node}, read from canonical bytes, is {@code v} with keys in code point
   * order.
   */
  private static void assertSameTree(JsonValue v, Object node) {
    if (v instanceof JsonObject o) {
      assertTrue(node instanceof ReadObject, "expected an object");
      ReadObject ro = (ReadObject) node;
      List<String> expectedOrder = new ArrayList<>(o.members().keySet());
      expectedOrder.sort(CanonicalJsonProperties::referenceCompare);
      assertEquals(expectedOrder, ro.keys, "object keys not in code point order");
      for (int i = 0; i < ro.keys.size(); i++) {
        assertSameTree(o.get(ro.keys.get(i)), ro.values.get(i));
      }
    } else if (v instanceof JsonArray a) {
      assertTrue(node instanceof List<?>, "expected an array");
      List<?> items = (List<?>) node;
      assertEquals(a.values().size(), items.size());
      for (int i = 0; i < items.size(); i++) {
        assertSameTree(a.values().get(i), items.get(i));
      }
    } else if (v instanceof JsonString s) {
      assertEquals(new ReadString(s.value()), node);
    } else if (v instanceof JsonNumber n) {
      assertEquals(Long.toString(n.value()), node);
    } else if (v instanceof JsonBoolean b) {
      assertEquals(Boolean.toString(b.value()), node);
    } else {
      assertEquals("null", node);
    }
  }

  private record ReadObject(List<String> keys, List<Object> values) {}

  private record ReadString(String value) {}

  /**
   * Reads canonical JSON bytes independently of {@link JsonParser}: keeps object keys in the order
   * they appear, accepts raw control characters, and accepts only the escapes canonical JSON uses.
   * Arrays come back as lists, literals and numbers as their text.
   */
  private static final class CanonicalReader {
    final byte[] in;
    int pos;

    CanonicalReader(byte[] in) {
      this.in = in;
    }

    Object value() {
      byte c = in[pos];
      if (c == '{') {
        pos++;
        ReadObject o = new ReadObject(new ArrayList<>(), new ArrayList<>());
        if (in[pos] == '}') {
          pos++;
          return o;
        }
        while (true) {
          o.keys.add(string());
          expect(':');
          o.values.add(value());
          if (in[pos] == ',') {
            pos++;
          } else {
            expect('}');
            return o;
          }
        }
      } else if (c == '[') {
        pos++;
        List<Object> items = new ArrayList<>();
        if (in[pos] == ']') {
          pos++;
          return items;
        }
        while (true) {
          items.add(value());
          if (in[pos] == ',') {
            pos++;
          } else {
            expect(']');
            return items;
          }
        }
      } else if (c == '"') {
        return new ReadString(string());
      } else {
        int start = pos;
        while (pos < in.length && in[pos] != ',' && in[pos] != '}' && in[pos] != ']') {
          pos++;
        }
        return new String(in, start, pos - start, StandardCharsets.US_ASCII);
      }
    }

    String string() {
      expect('"');
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      while (in[pos] != '"') {
        if (in[pos] == '\\') {
          pos++;
          assertTrue(in[pos] == '"' || in[pos] == '\\', "canonical JSON escapes only \" and \\");
        }
        bytes.write(in[pos++]);
      }
      pos++;
      return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
    }

    void expect(char c) {
      assertEquals(c, (char) in[pos], "at byte " + pos);
      pos++;
    }
  }

  // ---------------------------------------------------------------- JSON text with one value
  // replaced

  private static int countValues(JsonValue v) {
    int n = 1;
    if (v instanceof JsonObject o) {
      for (JsonValue c : o.members().values()) {
        n += countValues(c);
      }
    } else if (v instanceof JsonArray a) {
      for (JsonValue c : a.values()) {
        n += countValues(c);
      }
    }
    return n;
  }

  /**
   * Writes standard JSON text with random whitespace between tokens, members in random order, and
   * the value in pre-order position {@code slot} replaced by {@code literal}.
   */
  private static final class TextWriter {
    final StringBuilder sb = new StringBuilder();
    final Random random;
    final int slot;
    final String literal;
    int next;
    int insertedAtByte = -1;

    TextWriter(Random random, int slot, String literal) {
      this.random = random;
      this.slot = slot;
      this.literal = literal;
    }

    void value(JsonValue v) {
      if (next++ == slot) {
        insertedAtByte = utf8Length(sb);
        sb.append(literal);
        skipSubtree(v);
        return;
      }
      if (v instanceof JsonObject o) {
        List<Map.Entry<String, JsonValue>> members = new ArrayList<>(o.members().entrySet());
        java.util.Collections.shuffle(members, random);
        sb.append('{');
        space();
        for (int i = 0; i < members.size(); i++) {
          if (i > 0) {
            sb.append(',');
            space();
          }
          sb.append(escape(members.get(i).getKey()));
          space();
          sb.append(':');
          space();
          value(members.get(i).getValue());
          space();
        }
        sb.append('}');
      } else if (v instanceof JsonArray a) {
        sb.append('[');
        space();
        for (int i = 0; i < a.values().size(); i++) {
          if (i > 0) {
            sb.append(',');
            space();
          }
          value(a.values().get(i));
          space();
        }
        sb.append(']');
      } else if (v instanceof JsonString s) {
        sb.append(escape(s.value()));
      } else if (v instanceof JsonNumber n) {
        sb.append(n.value());
      } else if (v instanceof JsonBoolean b) {
        sb.append(b.value());
      } else {
        sb.append("null");
      }
    }

    /** Keeps pre-order numbering the same as {@link #countValues} when a container is replaced. */
    private void skipSubtree(JsonValue v) {
      next += countValues(v) - 1;
    }

    private void space() {
      int n = random.nextInt(4) == 0 ? random.nextInt(3) : 0;
      for (int i = 0; i < n; i++) {
        sb.append(" \t\n\r".charAt(random.nextInt(4)));
      }
    }
  }

  /** A JSON string literal for {@code s}: quote, backslash and control characters escaped. */
  static String escape(String s) {
    return '"' + escapeBody(s) + '"';
  }

  /** The characters between the quotes of {@link #escape}. */
  static String escapeBody(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04X", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  static int utf8Length(CharSequence s) {
    return s.toString().getBytes(StandardCharsets.UTF_8).length;
  }
}
