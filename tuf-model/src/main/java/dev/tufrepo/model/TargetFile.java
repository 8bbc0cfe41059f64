package dev.tufrepo.model;

import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.json.JsonWritable;
import dev.tufrepo.json.JsonWriter;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of a targets role's {@code targets}: length, hashes and optional opaque {@code custom}
 * data (<a href="https://theupdateframework.github.io/specification/latest/#targets">spec,
 * TARGETS</a>).
 *
 * @param hashes algorithm to lowercase hex digest, never empty
 * @param custom the {@code custom} value, or {@code null} when absent
 */
public record TargetFile(
    long length, Map<String, String> hashes, JsonValue custom, Map<String, JsonValue> unrecognized)
    implements JsonWritable {
  private static final String[] KNOWN = {"custom", "hashes", "length"};

  public TargetFile {
    if (length < 0) {
      throw new MetadataFormatException("length", "must be >= 0");
    }
    Objects.requireNonNull(hashes, "hashes");
    if (hashes.isEmpty()) {
      throw new MetadataFormatException("hashes", "must not be empty");
    }
    hashes = Json.sortedMap(hashes);
    unrecognized = Members.unrecognized(unrecognized, KNOWN);
  }

  public TargetFile(long length, Map<String, String> hashes) {
    this(length, hashes, null, Map.of());
  }

  public TargetFile withCustom(JsonValue newCustom) {
    return new TargetFile(length, hashes, newCustom, unrecognized);
  }

  /** Reads a target file entry; errors name {@code path} and the field. */
  public static TargetFile fromJson(JsonValue json, String path) {
    Fields f = Fields.of(json, path);
    long length = f.integer("length");
    Map<String, String> hashes = f.stringMap("hashes");
    JsonValue custom = f.optional("custom");
    Map<String, JsonValue> rest = f.unrecognized();
    return f.build(() -> new TargetFile(length, hashes, custom, rest));
  }

  @Override
  public void writeTo(JsonWriter w) {
    w.beginObject();
    if (unrecognized.isEmpty()) {
      if (custom != null) {
        w.name("custom").value(custom);
      }
      w.name("hashes");
      Members.writeStringMap(w, hashes);
      w.name("length").value(length);
    } else {
      Members.write(
          w,
          KNOWN,
          unrecognized,
          i -> {
            switch (i) {
              case 0 -> {
                if (custom != null) {
                  w.name("custom").value(custom);
                }
              }
              case 1 -> {
                w.name("hashes");
                Members.writeStringMap(w, hashes);
              }
              default -> w.name("length").value(length);
            }
          });
    }
    w.endObject();
  }
}
