package dev.tufrepo.model;

import dev.tufrepo.json.JsonNumber;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.json.JsonWritable;
import dev.tufrepo.json.JsonWriter;
import java.util.Map;

/**
 * An entry of snapshot's or timestamp's {@code meta}: the version of a metadata file and,
 * optionally, its length and hashes (<a
 * href="https://theupdateframework.github.io/specification/latest/#metafiles">spec, METAFILES</a>).
 *
 * @param length the file's length in bytes, or {@code null} when not listed
 * @param hashes algorithm to lowercase hex digest; empty when not listed
 */
public record MetaFile(
    int version, Long length, Map<String, String> hashes, Map<String, JsonValue> unrecognized)
    implements JsonWritable {
  private static final String[] KNOWN = {"hashes", "length", "version"};

  public MetaFile {
    checkVersion(version, "version");
    if (length != null && length < 0) {
      throw new MetadataFormatException("length", "must be >= 0");
    }
    hashes = hashes == null ? Map.of() : dev.tufrepo.json.Json.sortedMap(hashes);
    unrecognized = Members.unrecognized(unrecognized, KNOWN);
  }

  /** A version-only entry, as RSTUF writes for bins. */
  public static MetaFile of(int version) {
    return new MetaFile(version, null, Map.of(), Map.of());
  }

  /** An entry with version, length and hashes. */
  public static MetaFile of(int version, long length, Map<String, String> hashes) {
    return new MetaFile(version, length, hashes, Map.of());
  }

  public MetaFile withVersion(int newVersion) {
    return new MetaFile(newVersion, length, hashes, unrecognized);
  }

  /**
   * The entry {@code json} holds when it is exactly {@code {"version": N}} with N at least 1, the
   * shape of every bin's entry in a snapshot; null for any other shape, which {@link #fromJson}
   * then reads and reports member by member. Reading a snapshot of 16,384 bins this way skips a
   * field reader and the JSON path of each entry.
   */
  static MetaFile versionOnly(JsonValue json) {
    if (json instanceof JsonObject o
        && o.members().size() == 1
        && o.members().get("version") instanceof JsonNumber n
        && n.value() >= 1
        && n.value() <= Integer.MAX_VALUE) {
      return of((int) n.value());
    }
    return null;
  }

  static MetaFile fromJson(JsonValue json, String path) {
    Fields f = Fields.of(json, path);
    int version = f.intField("version");
    Long length = f.has("length") ? f.integer("length") : null;
    Map<String, String> hashes = null;
    if (f.has("hashes")) {
      hashes = f.stringMap("hashes");
      if (hashes.isEmpty()) {
        throw f.error("hashes", "must not be empty when present");
      }
    }
    Map<String, String> h = hashes;
    Map<String, JsonValue> rest = f.unrecognized();
    return f.build(() -> new MetaFile(version, length, h, rest));
  }

  @Override
  public void writeTo(JsonWriter w) {
    w.beginObject();
    Members.write(
        w,
        KNOWN,
        unrecognized,
        i -> {
          switch (i) {
            case 0 -> {
              if (!hashes.isEmpty()) {
                w.name("hashes");
                Members.writeStringMap(w, hashes);
              }
            }
            case 1 -> {
              if (length != null) {
                w.name("length").value(length);
              }
            }
            default -> w.name("version").value(version);
          }
        });
    w.endObject();
  }

  static void checkVersion(int version, String field) {
    if (version < 1) {
      throw new MetadataFormatException(field, "must be >= 1");
    }
  }
}
