package dev.tufrepo.cli;

import dev.tufrepo.json.JsonArray;
import dev.tufrepo.json.JsonBoolean;
import dev.tufrepo.json.JsonNull;
import dev.tufrepo.json.JsonNumber;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonString;
import dev.tufrepo.json.JsonValue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small helpers to build and read {@link JsonValue}s. */
public final class Jsons {
  private Jsons() {}

  /** An object from alternating names and values (values converted by {@link #of}). */
  public static JsonObject obj(Object... namesAndValues) {
    Map<String, JsonValue> m = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      m.put((String) namesAndValues[i], of(namesAndValues[i + 1]));
    }
    return JsonObject.of(m);
  }

  /** Converts strings, numbers, booleans, null, maps, collections and JSON values. */
  public static JsonValue of(Object o) {
    if (o == null) {
      return JsonNull.INSTANCE;
    }
    if (o instanceof JsonValue v) {
      return v;
    }
    if (o instanceof String s) {
      return new JsonString(s);
    }
    if (o instanceof Number n) {
      return new JsonNumber(n.longValue());
    }
    if (o instanceof Boolean b) {
      return JsonBoolean.of(b);
    }
    if (o instanceof Map<?, ?> map) {
      Map<String, JsonValue> m = new LinkedHashMap<>();
      map.forEach((k, v) -> m.put(String.valueOf(k), of(v)));
      return JsonObject.of(m);
    }
    if (o instanceof Collection<?> c) {
      List<JsonValue> l = new ArrayList<>(c.size());
      for (Object x : c) {
        l.add(of(x));
      }
      return new JsonArray(l);
    }
    return new JsonString(o.toString());
  }

  /** The member at the dotted {@code path} of {@code v}, or null when any step is missing. */
  public static JsonValue at(JsonValue v, String... path) {
    JsonValue cur = v;
    for (String p : path) {
      if (!(cur instanceof JsonObject o)) {
        return null;
      }
      cur = o.get(p);
    }
    return cur;
  }

  /** The string at {@code path}, or null. */
  public static String string(JsonValue v, String... path) {
    return at(v, path) instanceof JsonString s ? s.value() : null;
  }

  /** Plain text of a scalar: a string without quotes, anything else as JSON. */
  public static String text(JsonValue v) {
    if (v == null || v instanceof JsonNull) {
      return "";
    }
    if (v instanceof JsonString s) {
      return s.value();
    }
    return new String(dev.tufrepo.json.Json.write(v), java.nio.charset.StandardCharsets.UTF_8);
  }
}
