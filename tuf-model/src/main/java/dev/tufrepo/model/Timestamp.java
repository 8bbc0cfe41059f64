package dev.tufrepo.model;

import dev.tufrepo.json.JsonValue;
import dev.tufrepo.json.JsonWriter;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Timestamp metadata: the current snapshot's version (and optionally length and hashes) (<a
 * href="https://theupdateframework.github.io/specification/latest/#timestamp">spec,
 * timestamp.json</a>). Its {@code meta} holds exactly {@code snapshot.json}.
 */
public record Timestamp(
    String specVersion,
    int version,
    Instant expires,
    MetaFile snapshotMeta,
    Map<String, JsonValue> unrecognized)
    implements Signed {
  public static final String TYPE = "timestamp";
  public static final String SNAPSHOT_JSON = "snapshot.json";
  private static final String[] KNOWN = {"_type", "expires", "meta", "spec_version", "version"};

  public Timestamp {
    expires = Common.check(specVersion, version, expires);
    Objects.requireNonNull(snapshotMeta, "meta[\"snapshot.json\"]");
    unrecognized = Members.unrecognized(unrecognized, KNOWN);
  }

  @Override
  public String type() {
    return TYPE;
  }

  public Timestamp withVersion(int newVersion) {
    return new Timestamp(specVersion, newVersion, expires, snapshotMeta, unrecognized);
  }

  public Timestamp withExpires(Instant newExpires) {
    return new Timestamp(specVersion, version, newExpires, snapshotMeta, unrecognized);
  }

  public Timestamp withSnapshotMeta(MetaFile newMeta) {
    return new Timestamp(specVersion, version, expires, newMeta, unrecognized);
  }

  static Timestamp fromJson(JsonValue json, String path) {
    Fields f = Fields.of(json, path);
    Common.Header h = Common.read(f, TYPE);
    Fields meta = f.object("meta");
    for (String name : meta.members().keySet()) {
      if (!name.equals(SNAPSHOT_JSON)) {
        throw meta.error(name, "timestamp meta may only list snapshot.json");
      }
    }
    MetaFile snapshot = MetaFile.fromJson(meta.required(SNAPSHOT_JSON), meta.path(SNAPSHOT_JSON));
    Map<String, JsonValue> rest = f.unrecognized();
    return f.build(() -> new Timestamp(h.specVersion(), h.version(), h.expires(), snapshot, rest));
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
            w.name("meta").beginObject().name(SNAPSHOT_JSON);
            snapshotMeta.writeTo(w);
            w.endObject();
          } else {
            Common.write(w, KNOWN[i], this);
          }
        });
    w.endObject();
  }
}
