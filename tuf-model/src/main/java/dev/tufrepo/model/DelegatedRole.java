package dev.tufrepo.model;

import dev.tufrepo.json.JsonValue;
import dev.tufrepo.json.JsonWritable;
import dev.tufrepo.json.JsonWriter;
import dev.tufrepo.model.internal.Sha256;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A delegated targets role listed in {@code delegations.roles} (<a
 * href="https://theupdateframework.github.io/specification/latest/#delegations">spec,
 * delegations</a>): its keys, threshold, whether it is terminating, and which target paths it is
 * trusted for: exactly one of {@code paths} (shell-style patterns matched per path segment, as
 * python-tuf does) and {@code path_hash_prefixes}.
 *
 * @param paths path patterns, or {@code null}
 * @param pathHashPrefixes hex prefixes of SHA-256 of the target path, or {@code null}
 */
public record DelegatedRole(
    String name,
    List<String> keyids,
    int threshold,
    boolean terminating,
    List<String> paths,
    List<String> pathHashPrefixes,
    Map<String, JsonValue> unrecognized)
    implements JsonWritable {
  private static final String[] KNOWN = {
    "keyids", "name", "path_hash_prefixes", "paths", "terminating", "threshold"
  };

  public DelegatedRole {
    Objects.requireNonNull(name, "name");
    keyids = Role.uniqueKeyids(keyids, "keyids");
    Role.checkThreshold(threshold, "threshold");
    if ((paths == null) == (pathHashPrefixes == null)) {
      throw new MetadataFormatException(
          "paths", "exactly one of paths and path_hash_prefixes must be set");
    }
    paths = paths == null ? null : List.copyOf(paths);
    pathHashPrefixes = pathHashPrefixes == null ? null : List.copyOf(pathHashPrefixes);
    unrecognized = Members.unrecognized(unrecognized, KNOWN);
  }

  /** True if this role is trusted for {@code targetPath}. */
  public boolean isDelegatedPath(String targetPath) {
    if (paths != null) {
      for (String pattern : paths) {
        if (PathPattern.matches(pattern, targetPath)) {
          return true;
        }
      }
      return false;
    }
    String hash = Sha256.hex(targetPath.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    for (String prefix : pathHashPrefixes) {
      if (hash.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  static DelegatedRole fromJson(JsonValue json, String path) {
    Fields f = Fields.of(json, path);
    String name = f.string("name");
    List<String> keyids = f.stringList("keyids");
    int threshold = f.intField("threshold");
    boolean terminating = f.bool("terminating");
    List<String> paths = f.has("paths") ? f.stringList("paths") : null;
    List<String> prefixes = f.has("path_hash_prefixes") ? f.stringList("path_hash_prefixes") : null;
    Map<String, JsonValue> rest = f.unrecognized();
    return f.build(
        () -> new DelegatedRole(name, keyids, threshold, terminating, paths, prefixes, rest));
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
              w.name("keyids");
              Members.writeStrings(w, keyids);
            }
            case 1 -> w.name("name").value(name);
            case 2 -> {
              if (pathHashPrefixes != null) {
                w.name("path_hash_prefixes");
                Members.writeStrings(w, pathHashPrefixes);
              }
            }
            case 3 -> {
              if (paths != null) {
                w.name("paths");
                Members.writeStrings(w, paths);
              }
            }
            case 4 -> w.name("terminating").value(terminating);
            default -> w.name("threshold").value(threshold);
          }
        });
    w.endObject();
  }
}
