package dev.tufrepo.rest;

import dev.tufrepo.json.JsonArray;
import dev.tufrepo.json.JsonBoolean;
import dev.tufrepo.json.JsonNumber;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonString;
import dev.tufrepo.json.JsonValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Writes JSON the way a client other than us might: indented, members in reverse code point order
 * (so never canonical order), {@code /} written as {@code \/} and every non-ASCII character as a
 * {@code \}{@code u} escape. The text means the same tree as our compact JSON but shares few of its
 * bytes.
 */
final class PrettyJson {
  private PrettyJson() {}

  static String write(JsonValue v) {
    StringBuilder sb = new StringBuilder();
    value(sb, v, "");
    return sb.toString();
  }

  private static void value(StringBuilder sb, JsonValue v, String indent) {
    String inner = indent + "  ";
    if (v instanceof JsonObject o) {
      List<String> names = new ArrayList<>(o.members().keySet());
      Collections.reverse(names);
      if (names.isEmpty()) {
        sb.append("{}");
        return;
      }
      sb.append("{\n");
      for (int i = 0; i < names.size(); i++) {
        sb.append(inner);
        string(sb, names.get(i));
        sb.append(" :  ");
        value(sb, o.get(names.get(i)), inner);
        sb.append(i + 1 < names.size() ? ",\n" : "\n");
      }
      sb.append(indent).append('}');
    } else if (v instanceof JsonArray a) {
      sb.append("[ ");
      for (int i = 0; i < a.values().size(); i++) {
        sb.append(i > 0 ? ",\n" + inner : "");
        value(sb, a.values().get(i), inner);
      }
      sb.append(" ]");
    } else if (v instanceof JsonString s) {
      string(sb, s.value());
    } else if (v instanceof JsonNumber n) {
      sb.append(n.value());
    } else if (v instanceof JsonBoolean b) {
      sb.append(b.value());
    } else {
      sb.append("null");
    }
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c == '/') {
        sb.append("\\/");
      } else if (c < 0x20 || c > 0x7E) {
        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    sb.append('"');
  }
}
