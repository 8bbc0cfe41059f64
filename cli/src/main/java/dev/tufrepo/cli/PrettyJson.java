package dev.tufrepo.cli;

import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonArray;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/** Indented JSON for people (two spaces, keys in code point order); values as {@link Json}. */
public final class PrettyJson {
  private PrettyJson() {}

  public static String write(JsonValue value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, 0);
    return sb.append('\n').toString();
  }

  private static void write(StringBuilder sb, JsonValue v, int depth) {
    if (v instanceof JsonObject o) {
      if (o.isEmpty()) {
        sb.append("{}");
        return;
      }
      sb.append("{\n");
      Iterator<Map.Entry<String, JsonValue>> it = o.members().entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<String, JsonValue> e = it.next();
        indent(sb, depth + 1);
        sb.append(scalar(new dev.tufrepo.json.JsonString(e.getKey()))).append(": ");
        write(sb, e.getValue(), depth + 1);
        sb.append(it.hasNext() ? ",\n" : "\n");
      }
      indent(sb, depth);
      sb.append('}');
    } else if (v instanceof JsonArray a) {
      if (a.values().isEmpty()) {
        sb.append("[]");
        return;
      }
      sb.append("[\n");
      for (int i = 0; i < a.values().size(); i++) {
        indent(sb, depth + 1);
        write(sb, a.values().get(i), depth + 1);
        sb.append(i + 1 < a.values().size() ? ",\n" : "\n");
      }
      indent(sb, depth);
      sb.append(']');
    } else {
      sb.append(scalar(v));
    }
  }

  private static String scalar(JsonValue v) {
    return new String(Json.write(v), StandardCharsets.UTF_8);
  }

  private static void indent(StringBuilder sb, int depth) {
    sb.append("  ".repeat(depth));
  }
}
