package dev.tufrepo.model;

import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonArray;
import dev.tufrepo.json.JsonBoolean;
import dev.tufrepo.json.JsonNumber;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonPath;
import dev.tufrepo.json.JsonString;
import dev.tufrepo.json.JsonValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the members of one JSON object into a record, naming the JSON path of every error, and
 * hands back the members it did not read so they are kept.
 */
final class Fields {
  private final JsonObject object;
  private final String path;
  private final Set<String> read = new HashSet<>();

  private Fields(JsonObject object, String path) {
    this.object = object;
    this.path = path;
  }

  static Fields of(JsonValue value, String path) {
    if (value instanceof JsonObject o) {
      return new Fields(o, path);
    }
    throw new MetadataFormatException(path, "must be an object, not " + typeOf(value));
  }

  String path() {
    return path;
  }

  String path(String name) {
    return JsonPath.member(path, name);
  }

  MetadataFormatException error(String name, String reason) {
    return new MetadataFormatException(path(name), reason);
  }

  boolean has(String name) {
    return object.get(name) != null;
  }

  JsonValue required(String name) {
    read.add(name);
    JsonValue v = object.get(name);
    if (v == null) {
      throw error(name, "required field is missing");
    }
    return v;
  }

  /** The member, or {@code null} when absent. */
  JsonValue optional(String name) {
    read.add(name);
    return object.get(name);
  }

  String string(String name) {
    JsonValue v = required(name);
    if (v instanceof JsonString s) {
      return s.value();
    }
    throw error(name, "must be a string, not " + typeOf(v));
  }

  String optionalString(String name) {
    JsonValue v = optional(name);
    return v == null ? null : string(name);
  }

  long integer(String name) {
    JsonValue v = required(name);
    if (v instanceof JsonNumber n) {
      return n.value();
    }
    throw error(name, "must be an integer, not " + typeOf(v));
  }

  int intField(String name) {
    long v = integer(name);
    if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
      throw error(name, "must be <= " + Integer.MAX_VALUE);
    }
    return (int) v;
  }

  boolean bool(String name) {
    JsonValue v = required(name);
    if (v instanceof JsonBoolean b) {
      return b.value();
    }
    throw error(name, "must be a boolean, not " + typeOf(v));
  }

  Fields object(String name) {
    return Fields.of(required(name), path(name));
  }

  JsonArray array(String name) {
    JsonValue v = required(name);
    if (v instanceof JsonArray a) {
      return a;
    }
    throw error(name, "must be an array, not " + typeOf(v));
  }

  List<String> stringList(String name) {
    JsonArray a = array(name);
    List<String> out = new ArrayList<>(a.values().size());
    for (int i = 0; i < a.values().size(); i++) {
      JsonValue v = a.values().get(i);
      if (!(v instanceof JsonString s)) {
        throw new MetadataFormatException(
            JsonPath.element(path(name), i), "must be a string, not " + typeOf(v));
      }
      out.add(s.value());
    }
    return out;
  }

  /** An object whose every value is a string (hashes, keyval). */
  Map<String, String> stringMap(String name) {
    Fields f = object(name);
    TreeMap<String, String> out = new TreeMap<>(Json.CODE_POINT_ORDER);
    for (Map.Entry<String, JsonValue> e : f.object.members().entrySet()) {
      if (!(e.getValue() instanceof JsonString s)) {
        throw f.error(e.getKey(), "must be a string, not " + typeOf(e.getValue()));
      }
      out.put(e.getKey(), s.value());
    }
    return out;
  }

  Instant expires(String name) {
    try {
      return Expires.parse(string(name));
    } catch (IllegalArgumentException e) {
      throw error(name, e.getMessage());
    }
  }

  /** The members of this object: for maps of role names, target paths and so on. */
  Map<String, JsonValue> members() {
    return object.members();
  }

  /** Members not read so far: the fields this version of tufrepo does not know. */
  Map<String, JsonValue> unrecognized() {
    // read may name absent optional fields (optional("custom")), so compare names, not counts
    if (read.containsAll(object.members().keySet())) {
      return Map.of();
    }
    TreeMap<String, JsonValue> rest = new TreeMap<>(Json.CODE_POINT_ORDER);
    for (Map.Entry<String, JsonValue> e : object.members().entrySet()) {
      if (!read.contains(e.getKey())) {
        rest.put(e.getKey(), e.getValue());
      }
    }
    return Json.freeze(rest);
  }

  /**
   * Runs a record's constructor on values already read, and puts this object's path in front of the
   * relative path of any error the constructor's validation raises.
   */
  <T> T build(java.util.function.Supplier<T> constructor) {
    try {
      return constructor.get();
    } catch (MetadataFormatException e) {
      throw e.under(path);
    }
  }

  static String typeOf(JsonValue v) {
    return v == null ? "missing" : v.typeName();
  }
}
