package dev.tufrepo.model;

import dev.tufrepo.json.JsonValue;
import dev.tufrepo.json.JsonWritable;
import dev.tufrepo.json.JsonWriter;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * A top-level role in root: the ids of the keys trusted for it and how many must sign (<a
 * href="https://theupdateframework.github.io/specification/latest/#root-role">spec, root</a>).
 */
public record Role(List<String> keyids, int threshold, Map<String, JsonValue> unrecognized)
    implements JsonWritable {
  private static final String[] KNOWN = {"keyids", "threshold"};

  public Role {
    keyids = uniqueKeyids(keyids, "keyids");
    checkThreshold(threshold, "threshold");
    unrecognized = Members.unrecognized(unrecognized, KNOWN);
  }

  public Role(List<String> keyids, int threshold) {
    this(keyids, threshold, Map.of());
  }

  static Role fromJson(JsonValue json, String path) {
    Fields f = Fields.of(json, path);
    List<String> keyids = f.stringList("keyids");
    int threshold = f.intField("threshold");
    Map<String, JsonValue> rest = f.unrecognized();
    return f.build(() -> new Role(keyids, threshold, rest));
  }

  @Override
  public void writeTo(JsonWriter w) {
    w.beginObject();
    Members.write(
        w,
        KNOWN,
        unrecognized,
        i -> {
          if (i == 0) {
            w.name("keyids");
            Members.writeStrings(w, keyids);
          } else {
            w.name("threshold").value(threshold);
          }
        });
    w.endObject();
  }

  static List<String> uniqueKeyids(List<String> keyids, String field) {
    List<String> copy = List.copyOf(keyids);
    if (new HashSet<>(copy).size() != copy.size()) {
      throw new MetadataFormatException(field, "must not contain the same keyid twice");
    }
    return copy;
  }

  static void checkThreshold(int threshold, String field) {
    if (threshold < 1) {
      throw new MetadataFormatException(field, "must be >= 1");
    }
  }
}
