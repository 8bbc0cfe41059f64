package dev.tufrepo.model;

import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.json.JsonWriter;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Snapshot metadata: the version of targets and of every delegated role (<a
 * href="https://theupdateframework.github.io/specification/latest/#snapshot">spec,
 * snapshot.json</a>). Keys of {@code meta} are file names without a version prefix, like {@code
 * bins-0a.json}.
 */
public record Snapshot(
    String specVersion,
    int version,
    Instant expires,
    Map<String, MetaFile> meta,
    Map<String, JsonValue> unrecognized)
    implements Signed {
  public static final String TYPE = "snapshot";
  private static final String[] KNOWN = {"_type", "expires", "meta", "spec_version", "version"};

  public Snapshot {
    expires = Common.check(specVersion, version, expires);
    meta = Json.sortedMap(Objects.requireNonNull(meta, "meta"));
    unrecognized = Members.unrecognized(unrecognized, KNOWN);
  }

  @Override
  public String type() {
    return TYPE;
  }

  public Snapshot withVersion(int newVersion) {
    return new Snapshot(specVersion, newVersion, expires, meta, unrecognized);
  }

  public Snapshot withExpires(Instant newExpires) {
    return new Snapshot(specVersion, version, newExpires, meta, unrecognized);
  }

  public Snapshot withMeta(Map<String, MetaFile> newMeta) {
    return new Snapshot(specVersion, version, expires, newMeta, unrecognized);
  }

  static Snapshot fromJson(JsonValue json, String path) {
    Fields f = Fields.of(json, path);
    Common.Header h = Common.read(f, TYPE);
    Fields metaField = f.object("meta");
    Json.SortedMapBuilder<MetaFile> meta = new Json.SortedMapBuilder<>(metaField.members().size());
    for (Map.Entry<String, JsonValue> e : metaField.members().entrySet()) {
      MetaFile entry = MetaFile.versionOnly(e.getValue());
      meta.put(
          e.getKey(),
          entry != null ? entry : MetaFile.fromJson(e.getValue(), metaField.path(e.getKey())));
    }
    Map<String, JsonValue> rest = f.unrecognized();
    Map<String, MetaFile> frozen = meta.build();
    return f.build(() -> new Snapshot(h.specVersion(), h.version(), h.expires(), frozen, rest));
  }

  @Override
  public void writeTo(JsonWriter w) {
    w.beginObject();
    Members.write(
        w,
        KNOWN,
        unrecognized,
        i -> {
          if (i == 2) {
            w.name("meta");
            Json.writeObject(w, meta);
          } else {
            Common.write(w, KNOWN[i], this);
          }
        });
    w.endObject();
  }
}
