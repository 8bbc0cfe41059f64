package dev.tufrepo.json;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A JSON object. Members are kept sorted by Unicode code point ({@link Json#CODE_POINT_ORDER}), the
 * order canonical JSON writes them in.
 */
public record JsonObject(SortedMap<String, JsonValue> members) implements JsonValue {
  private static final JsonObject EMPTY = new JsonObject(Collections.emptySortedMap());

  public JsonObject {
    members = Json.sortedCopy(members);
  }

  public static JsonObject empty() {
    return EMPTY;
  }

  /** An object with the given members, in any order. */
  public static JsonObject of(Map<String, ? extends JsonValue> members) {
    TreeMap<String, JsonValue> sorted = new TreeMap<>(Json.CODE_POINT_ORDER);
    sorted.putAll(members);
    return new JsonObject(sorted);
  }

  /** The member named {@code name}, or {@code null}. */
  public JsonValue get(String name) {
    return members.get(name);
  }

  public boolean isEmpty() {
    return members.isEmpty();
  }

  @Override
  public String typeName() {
    return "object";
  }
}
