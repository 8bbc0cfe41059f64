package dev.tufrepo.model;

import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.json.JsonWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Root metadata: the trusted keys and thresholds of the four top-level roles (<a
 * href="https://theupdateframework.github.io/specification/latest/#root">spec, root.json</a>).
 *
 * @param consistentSnapshot the {@code consistent_snapshot} flag, or {@code null} when absent
 */
public record Root(
    String specVersion,
    int version,
    Instant expires,
    Boolean consistentSnapshot,
    Map<String, Key> keys,
    Map<String, Role> roles,
    Map<String, JsonValue> unrecognized)
    implements Signed {
  public static final String TYPE = "root";

  /** The only roles root may list (python-tuf refuses any other set). */
  public static final Set<String> TOP_LEVEL_ROLES =
      Set.of("root", "targets", "snapshot", "timestamp");

  private static final String[] KNOWN = {
    "_type", "consistent_snapshot", "expires", "keys", "roles", "spec_version", "version"
  };

  public Root {
    expires = Common.check(specVersion, version, expires);
    keys = Json.sortedMap(Objects.requireNonNull(keys, "keys"));
    roles = Json.sortedMap(Objects.requireNonNull(roles, "roles"));
    if (!roles.keySet().equals(TOP_LEVEL_ROLES)) {
      throw new MetadataFormatException(
          "roles",
          "must list exactly root, snapshot, targets and timestamp, found " + roles.keySet());
    }
    unrecognized = Members.unrecognized(unrecognized, KNOWN);
  }

  @Override
  public String type() {
    return TYPE;
  }

  public Role role(String name) {
    Role r = roles.get(name);
    if (r == null) {
      throw new IllegalArgumentException("root has no role " + name);
    }
    return r;
  }

  public Root withVersion(int newVersion) {
    return new Root(
        specVersion, newVersion, expires, consistentSnapshot, keys, roles, unrecognized);
  }

  public Root withExpires(Instant newExpires) {
    return new Root(
        specVersion, version, newExpires, consistentSnapshot, keys, roles, unrecognized);
  }

  public Root withKeysAndRoles(Map<String, Key> newKeys, Map<String, Role> newRoles) {
    return new Root(
        specVersion, version, expires, consistentSnapshot, newKeys, newRoles, unrecognized);
  }

  /**
   * Verifies that {@code delegate} is signed by a threshold of the keys root trusts for {@code
   * roleName} (a top-level role, including root itself for rotation).
   *
   * @throws UnsignedMetadataException if the threshold is not met
   */
  public void verifyDelegate(String roleName, Metadata<?> delegate) {
    Verification.verify(roleName, role(roleName), keys, delegate);
  }

  /** Reads the signed part of root; errors name {@code path} and the field. */
  public static Root fromJson(JsonValue json, String path) {
    Fields f = Fields.of(json, path);
    Common.Header h = Common.read(f, TYPE);
    Boolean consistent = f.has("consistent_snapshot") ? f.bool("consistent_snapshot") : null;
    Fields keysField = f.object("keys");
    Map<String, Key> keys = new TreeMap<>(Json.CODE_POINT_ORDER);
    for (Map.Entry<String, JsonValue> e : keysField.members().entrySet()) {
      keys.put(e.getKey(), Key.fromJson(e.getValue(), keysField.path(e.getKey())));
    }
    Fields rolesField = f.object("roles");
    Map<String, Role> roles = new LinkedHashMap<>();
    for (Map.Entry<String, JsonValue> e : rolesField.members().entrySet()) {
      if (!TOP_LEVEL_ROLES.contains(e.getKey())) {
        throw rolesField.error(e.getKey(), "is not a top-level role");
      }
      roles.put(e.getKey(), Role.fromJson(e.getValue(), rolesField.path(e.getKey())));
    }
    for (String r : List.of("root", "snapshot", "targets", "timestamp")) {
      if (!roles.containsKey(r)) {
        throw rolesField.error(r, "required role is missing");
      }
    }
    Map<String, JsonValue> rest = f.unrecognized();
    return f.build(
        () -> new Root(h.specVersion(), h.version(), h.expires(), consistent, keys, roles, rest));
  }

  @Override
  public void writeTo(JsonWriter w) {
    w.beginObject();
    Members.write(
        w,
        KNOWN,
        unrecognized,
        i -> {
          switch (KNOWN[i]) {
            case "consistent_snapshot" -> {
              if (consistentSnapshot != null) {
                w.name("consistent_snapshot").value(consistentSnapshot);
              }
            }
            case "keys" -> {
              w.name("keys").beginObject();
              for (Map.Entry<String, Key> e : keys.entrySet()) {
                w.name(e.getKey());
                e.getValue().writeTo(w);
              }
              w.endObject();
            }
            case "roles" -> {
              w.name("roles").beginObject();
              for (Map.Entry<String, Role> e : roles.entrySet()) {
                w.name(e.getKey());
                e.getValue().writeTo(w);
              }
              w.endObject();
            }
            default -> Common.write(w, KNOWN[i], this);
          }
        });
    w.endObject();
  }
}
