package dev.tufrepo.testing;

import dev.tufrepo.json.JsonArray;
import dev.tufrepo.json.JsonBoolean;
import dev.tufrepo.json.JsonNumber;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonString;
import dev.tufrepo.json.JsonValue;
import java.util.List;

/** Terse reads of JSON test data. */
public final class JsonAccess {
  private JsonAccess() {}

  public static JsonObject obj(JsonValue v) {
    return (JsonObject) v;
  }

  public static JsonValue get(JsonValue v, String name) {
    return obj(v).get(name);
  }

  public static String str(JsonValue v, String name) {
    JsonValue m = get(v, name);
    return m instanceof JsonString s ? s.value() : null;
  }

  public static long num(JsonValue v, String name) {
    return ((JsonNumber) get(v, name)).value();
  }

  public static boolean bool(JsonValue v) {
    return ((JsonBoolean) v).value();
  }

  public static List<JsonValue> arr(JsonValue v, String name) {
    return ((JsonArray) get(v, name)).values();
  }

  public static List<JsonValue> arr(JsonValue v) {
    return ((JsonArray) v).values();
  }
}
