package dev.tufrepo.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link Json#locate}: the located bytes of a nested member are exactly the bytes a writer wrote
 * for that value (random whitespace, member order and escapes), and they parse to the same tree as
 * the parser's value for that member. The writer here records its own offsets, so the oracle does
 * not depend on the parser.
 */
class JsonSpanProperties {

  @Provide
  Arbitrary<JsonValue> objects() {
    return JsonTreeArbitraries.objects(true, 5);
  }

  @Property(tries = 2000)
  void locate_nestedMember_isTheWrittenBytes_andReparsesToTheParsedValue(
      @ForAll("objects") JsonValue doc, @ForAll long seed) {
    Random random = new Random(seed);
    List<String> path = randomMemberPath(doc, random);
    TextWriter w = new TextWriter(random, path);
    w.document(doc);
    byte[] text = w.out.toByteArray();
    String shown = new String(text, StandardCharsets.UTF_8);

    Optional<JsonSpan> span = Json.locate(text, path.toArray(new String[0]));

    assertTrue(span.isPresent(), () -> "path " + path + " not found in " + shown);
    assertEquals(new JsonSpan(w.start, w.end), span.get(), () -> path + " in " + shown);
    JsonValue expected = memberAt(Json.parse(text), path);
    assertEquals(expected, Json.parse(span.get().copyOf(text)), () -> path + " in " + shown);
    assertEquals(memberAt(doc, path), expected);
  }

  @Property(tries = 500)
  void locate_missingMemberOrNonObjectOnPath_isEmpty(
      @ForAll("objects") JsonValue doc, @ForAll long seed) {
    Random random = new Random(seed);
    List<String> path = new ArrayList<>(randomMemberPath(doc, random));
    JsonValue last = memberAt(doc, path);
    // a name no generated key has (generated keys hold at most 8 code points)
    path.add("not-a-member-of-this-document");
    TextWriter w = new TextWriter(random, List.of());
    w.document(doc);
    byte[] text = w.out.toByteArray();

    Optional<JsonSpan> span = Json.locate(text, path.toArray(new String[0]));

    assertTrue(span.isEmpty(), () -> path + " found in a " + last.typeName());
  }

  // ---------------------------------------------------------------- helpers

  /** A path of member names from the top object down, through objects only; may be empty. */
  private static List<String> randomMemberPath(JsonValue doc, Random random) {
    List<String> path = new ArrayList<>();
    JsonValue v = doc;
    while (v instanceof JsonObject o && !o.isEmpty() && random.nextInt(4) != 0) {
      List<String> names = new ArrayList<>(o.members().keySet());
      String name = names.get(random.nextInt(names.size()));
      path.add(name);
      v = o.get(name);
    }
    return path;
  }

  private static JsonValue memberAt(JsonValue doc, List<String> path) {
    JsonValue v = doc;
    for (String name : path) {
      v = ((JsonObject) v).get(name);
    }
    return v;
  }

  /**
   * Writes JSON text with random whitespace, members in random order and strings with randomly
   * chosen escapes ({@code \/}, {@code \u00e9}, escaped surrogate pairs, short escapes), and
   * records the byte offsets of the value at {@code target}.
   */
  private static final class TextWriter {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final Random random;
    final List<String> target;
    int start = -1;
    int end = -1;

    TextWriter(Random random, List<String> target) {
      this.random = random;
      this.target = target;
    }

    void document(JsonValue v) {
      space();
      value(v, new ArrayList<>());
      space();
    }

    /** {@code at} is the member path of {@code v}, or null inside an array. */
    private void value(JsonValue v, List<String> at) {
      boolean isTarget = at != null && at.equals(target);
      if (isTarget) {
        start = out.size();
      }
      if (v instanceof JsonObject o) {
        List<Map.Entry<String, JsonValue>> members = new ArrayList<>(o.members().entrySet());
        Collections.shuffle(members, random);
        put("{");
        space();
        for (int i = 0; i < members.size(); i++) {
          if (i > 0) {
            put(",");
            space();
          }
          string(members.get(i).getKey());
          space();
          put(":");
          space();
          List<String> child = null;
          if (at != null) {
            child = new ArrayList<>(at);
            child.add(members.get(i).getKey());
          }
          value(members.get(i).getValue(), child);
          space();
        }
        put("}");
      } else if (v instanceof JsonArray a) {
        put("[");
        space();
        for (int i = 0; i < a.values().size(); i++) {
          if (i > 0) {
            put(",");
            space();
          }
          value(a.values().get(i), null);
          space();
        }
        put("]");
      } else if (v instanceof JsonString s) {
        string(s.value());
      } else if (v instanceof JsonNumber n) {
        put(Long.toString(n.value()));
      } else if (v instanceof JsonBoolean b) {
        put(Boolean.toString(b.value()));
      } else {
        put("null");
      }
      if (isTarget) {
        end = out.size();
      }
    }

    private void string(String s) {
      StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        boolean escape = random.nextInt(5) == 0;
        if (Character.isHighSurrogate(c)) {
          // both halves of a pair are written the same way: raw, or two escapes
          char low = s.charAt(++i);
          sb.append(escape ? unicode(c) + unicode(low) : "" + c + low);
        } else if (c == '"' || c == '\\') {
          sb.append(escape ? unicode(c) : "\\" + c);
        } else if (c < 0x20) {
          String shortForm =
              switch (c) {
                case '\n' -> "\\n";
                case '\t' -> "\\t";
                case '\r' -> "\\r";
                case '\b' -> "\\b";
                case '\f' -> "\\f";
                default -> null;
              };
          sb.append(shortForm != null && !escape ? shortForm : unicode(c));
        } else if (c == '/' && escape) {
          sb.append(random.nextBoolean() ? "\\/" : unicode(c));
        } else if (escape) {
          sb.append(unicode(c));
        } else {
          sb.append(c);
        }
      }
      put(sb.append('"').toString());
    }

    private String unicode(char c) {
      String hex = String.format(Locale.ROOT, "%04x", (int) c);
      return "\\u" + (random.nextBoolean() ? hex : hex.toUpperCase(Locale.ROOT));
    }

    private void space() {
      int n = random.nextInt(3) == 0 ? random.nextInt(4) : 0;
      for (int i = 0; i < n; i++) {
        put(String.valueOf(" \t\n\r".charAt(random.nextInt(4))));
      }
    }

    private void put(String s) {
      out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }
  }
}
