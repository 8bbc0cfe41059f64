package dev.tufrepo.json;

import java.util.List;

/** A JSON array; element order is kept. */
public record JsonArray(List<JsonValue> values) implements JsonValue {
  public JsonArray {
    values = List.copyOf(values);
  }

  public static JsonArray of(JsonValue... values) {
    return new JsonArray(List.of(values));
  }

  @Override
  public String typeName() {
    return "array";
  }
}
