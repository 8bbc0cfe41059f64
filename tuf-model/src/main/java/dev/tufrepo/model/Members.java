package dev.tufrepo.model;

import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.json.JsonWriter;
import java.util.Iterator;
import java.util.Map;

/** Writes a record's known fields merged with its unrecognized fields, in code point order. */
final class Members {
  /** Writes known field {@code index} (name and value), or nothing when it is absent. */
  interface KnownWriter {
    void write(int index);
  }

  private Members() {}

  /**
   * @param known the record's field names, sorted by {@link Json#CODE_POINT_ORDER}
   */
  static void write(
      JsonWriter w, String[] known, Map<String, JsonValue> unrecognized, KnownWriter writer) {
    if (unrecognized.isEmpty()) {
      for (int i = 0; i < known.length; i++) {
        writer.write(i);
      }
      return;
    }
    Iterator<Map.Entry<String, JsonValue>> it = unrecognized.entrySet().iterator();
    Map.Entry<String, JsonValue> next = it.next();
    for (int i = 0; i < known.length; i++) {
      while (next != null && Json.CODE_POINT_ORDER.compare(next.getKey(), known[i]) < 0) {
        w.name(next.getKey()).value(next.getValue());
        next = it.hasNext() ? it.next() : null;
      }
      writer.write(i);
    }
    while (next != null) {
      w.name(next.getKey()).value(next.getValue());
      next = it.hasNext() ? it.next() : null;
    }
  }

  /** Checks that no unrecognized field shadows a known one, and returns a sorted copy. */
  static Map<String, JsonValue> unrecognized(Map<String, JsonValue> unrecognized, String[] known) {
    if (unrecognized == null || unrecognized.isEmpty()) {
      return Map.of();
    }
    for (String k : known) {
      if (unrecognized.containsKey(k)) {
        throw new MetadataFormatException(k, "is a known field and cannot be unrecognized");
      }
    }
    return Json.sortedMap(unrecognized);
  }

  static void writeStringMap(JsonWriter w, Map<String, String> sorted) {
    w.beginObject();
    for (Map.Entry<String, String> e : sorted.entrySet()) {
      w.name(e.getKey()).value(e.getValue());
    }
    w.endObject();
  }

  static void writeStrings(JsonWriter w, java.util.List<String> values) {
    w.beginArray();
    for (String s : values) {
      w.value(s);
    }
    w.endArray();
  }
}
